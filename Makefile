# callboard: PGXS build of the extension and of callboard-gateway.
#
#   make && make install          build both; install into the pg_config found
#                                 (the gateway goes to $(pg_config --bindir))
#   make installcheck             pg_regress and isolation tests, on a running server
#   make fuzz, make sanitize-check   see test/hardening.mk

EXTENSION = callboard
EXTVERSION = 0.2.0

MODULE_big = callboard
OBJS = \
	src/argument_errors.o \
	src/call_category.o \
	src/call_json.o \
	src/call_row.o \
	src/callboard.o \
	src/calls_receiver.o \
	src/category_functions.o \
	src/json_format.o \
	src/output_buffer.o \
	src/page_cursor.o \
	src/page_function.o \
	src/queries.o \
	src/scheduled_outbound_calls.o \
	src/summary_function.o

DATA = $(wildcard callboard--*.sql)

# In this order: install loads the app's schema and the extension the
# others use.
REGRESS = install category calls formatting filter errors bounded views upgrade
ISOLATION = concurrent_updates
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
# Debian's Boost.Asio and Boost.Beast (header-only), libpq, libjwt, OpenSSL.
GATEWAY_OBJS = $(patsubst %.cpp,%.o,$(sort $(wildcard src/gateway/*.cpp)))
GATEWAY_CXXFLAGS = -std=c++20 -O2 -g -Wall -Wextra -pthread -I$(shell $(PG_CONFIG) --includedir) \
	-DCALLBOARD_VERSION='"$(EXTVERSION)"'
GATEWAY_LIBS = -ljwt -lpq -lssl -lcrypto -pthread

all: callboard-gateway

src/gateway/%.o: src/gateway/%.cpp
	$(CXX) $(GATEWAY_CXXFLAGS) -MMD -MP -c -o $@ $<

callboard-gateway: $(GATEWAY_OBJS)
	$(CXX) -o $@ $^ $(GATEWAY_LIBS)

install: install-gateway
install-gateway: callboard-gateway
	$(INSTALL_PROGRAM) callboard-gateway '$(DESTDIR)$(bindir)/callboard-gateway'

-include $(OBJS:.o=.d) $(GATEWAY_OBJS:.o=.d)

clean: clean-gateway
clean-gateway:
	rm -f callboard-gateway $(GATEWAY_OBJS) $(OBJS:.o=.d) $(GATEWAY_OBJS:.o=.d)

.PHONY: install-gateway clean-gateway

include test/hardening.mk
