# callboard: PGXS build of the extension and of callboard-gateway.
#
#   make && make install          build both; install into the pg_config found
#                                 (the gateway goes to $(pg_config --bindir))
#   make installcheck             pg_regress and isolation tests, on a running server
#                                 (it builds test/guard's test-only module first)
#   make vendor-web               the page's libraries again from the npm registry
#                                 (scripts/vendor-web; the copies are committed)
#   make fuzz, make sanitize-check   see test/hardening.mk

EXTENSION = callboard
EXTVERSION = 0.4.0

MODULE_big = callboard
# Every src/*.cpp is part of the module; CMakeLists.txt globs the same files,
# so the two builds cannot disagree on the source list.
OBJS = $(patsubst %.cpp,%.o,$(sort $(wildcard src/*.cpp)))

DATA = $(wildcard callboard--*.sql)

# In this order: install loads the app's schema and the extension the
# others use.
REGRESS = install category calls formatting filter errors search_path memory guard guard_new bounded stream stream_large views timeline change_signal counts counts_prepared upgrade
ISOLATION = concurrent_updates stream_snapshot kept_counts enable_concurrently
ISOLATION_OPTS = --load-extension=plpgsql

# -MMD -MP: rebuild what includes a changed header (PGXS does not track them).
PG_CXXFLAGS = -std=c++17 -Wextra -Wno-unused-parameter -Wno-missing-field-initializers -Wno-register -MMD -MP
SHLIB_LINK = -lstdc++

# No LLVM bitcode: JIT inlining gains nothing for these functions, and the
# bitcode would be compiled by clang with flags meant for g++.
override with_llvm = no

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# callboard-gateway: a C++20 program (coroutines; no server headers) on
# Debian's Boost.Asio and Boost.Beast (header-only), libpq, libjwt, OpenSSL, zlib.
# main.cpp, and one folder per layer (docs/architecture.md); includes name the
# folder ("db/database.hpp"), from src/gateway.
GATEWAY_OBJS = $(patsubst %.cpp,%.o,$(sort $(wildcard src/gateway/*.cpp src/gateway/*/*.cpp)))
# The status -> category mapping, pure C++ shared with the extension (compiled
# again, with the gateway's flags).
GATEWAY_OBJS += src/call_category.gateway.o
# Where the dashboard page (web/) is installed, and where the gateway looks for it.
CALLBOARD_WEB_ROOT ?= $(datadir)/callboard/web
GATEWAY_CXXFLAGS = -std=c++20 -O2 -g -Wall -Wextra -pthread -Isrc/gateway -Isrc -I$(shell $(PG_CONFIG) --includedir) \
	-DCALLBOARD_VERSION='"$(EXTVERSION)"' -DCALLBOARD_WEB_ROOT='"$(CALLBOARD_WEB_ROOT)"'
# GCC 12 warns that Asio's coroutine frames are freed by another operator
# delete than allocated them: Asio allocates and frees them through its own
# recycling allocator (both halves in awaitable.hpp), which GCC's inlining
# does not follow. The warning is GCC's, not a fault in this code.
GATEWAY_CXXFLAGS += -Wno-mismatched-new-delete
GATEWAY_LIBS = -ljwt -lpq -lssl -lcrypto -lz -pthread
# A packager's flags (debian/rules passes dpkg-buildflags' hardening flags).
GATEWAY_CXXFLAGS += $(GATEWAY_EXTRA_CXXFLAGS)
GATEWAY_LIBS += $(GATEWAY_EXTRA_LDFLAGS)

all: callboard-gateway

src/gateway/%.o: src/gateway/%.cpp
	$(CXX) $(GATEWAY_CXXFLAGS) -MMD -MP -c -o $@ $<

src/%.gateway.o: src/%.cpp
	$(CXX) $(GATEWAY_CXXFLAGS) -MMD -MP -c -o $@ $<

callboard-gateway: $(GATEWAY_OBJS)
	$(CXX) -o $@ $^ $(GATEWAY_LIBS)

install: install-gateway
install-gateway: callboard-gateway
	$(MKDIR_P) '$(DESTDIR)$(bindir)'
	$(INSTALL_PROGRAM) callboard-gateway '$(DESTDIR)$(bindir)/callboard-gateway'
	$(MKDIR_P) '$(DESTDIR)$(CALLBOARD_WEB_ROOT)'
	cp -R web/. '$(DESTDIR)$(CALLBOARD_WEB_ROOT)/'

# A test-only module, built for installcheck and never installed: sql/guard.sql
# loads it from here to throw C++ exceptions through the guard in a backend.
GUARD_PROBE = test/guard/callboard_guard_probe$(DLSUFFIX)

test/guard/guard_probe.o: override CPPFLAGS += -Isrc

$(GUARD_PROBE): test/guard/guard_probe.o
	$(CXX) $(CXXFLAGS) -shared -o $@ $< $(LDFLAGS) $(LDFLAGS_SL) -lstdc++

installcheck: $(GUARD_PROBE)

-include $(OBJS:.o=.d) $(GATEWAY_OBJS:.o=.d) test/guard/guard_probe.d

clean: clean-gateway
clean-gateway:
	rm -f callboard-gateway $(GATEWAY_OBJS) $(OBJS:.o=.d) $(GATEWAY_OBJS:.o=.d)
	rm -f $(GUARD_PROBE) test/guard/guard_probe.o test/guard/guard_probe.d

# The page's libraries, from the npm registry into web/vendor/ (committed).
vendor-web:
	scripts/vendor-web

.PHONY: install-gateway clean-gateway vendor-web

include test/hardening.mk
