# test/hardening.mk: fuzzing and sanitizer builds, included by the Makefile.
#
#   make fuzz                 build the libFuzzer targets (test/fuzz/*_fuzz.cpp)
#                             with clang and run each for FUZZ_SECONDS (60)
#   make fuzz-check           the same, 10 s each: what CI runs
#   make fuzz-build           build them only: build-fuzz/<target>
#
#   make sanitize-gateway     build-asan/: the gateway and the unit tests with
#                             GCC's -fsanitize=address,undefined (through CMake)
#   make sanitize-extension   build-asan/callboard.so, likewise
#   make sanitize-check       test/sanitize/run: the unit, gateway (pytest) and
#                             extension (pg_regress, isolation, pgTAP) tests on
#                             them; installs into the system's PostgreSQL
#   make thread-safety        clang's thread-safety analysis of the gateway's
#                             locks (core/guarded.hpp), syntax only, over every
#                             gateway source that takes or names one; the unit
#                             tests run it (CTest: gateway_thread_safety)
#
# Each fuzz target is linked with only the sources it fuzzes, compiled with
# -fsanitize=fuzzer-no-link,address,undefined into build-fuzz/obj; nothing
# here touches the objects of the normal build.

FUZZ_CXX ?= clang++
FUZZ_DIR = build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_TARGETS = query_string request_head call_args jwt_auth config django_password page_cursor status_filter timeline_window

FUZZ_SANITIZE = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CXXFLAGS = -std=c++20 -g -O1 $(FUZZ_SANITIZE) -fsanitize=fuzzer-no-link \
	-Isrc -Isrc/gateway -I$(shell $(PG_CONFIG) --includedir)

# What each target links besides its own file.
fuzz_query_string_SRCS = src/gateway/http/query_string.cpp
fuzz_request_head_SRCS = src/gateway/http/request_head.cpp
fuzz_call_args_SRCS = src/gateway/rpc/call_args.cpp src/gateway/core/json_body.cpp src/gateway/core/api_error.cpp \
	src/gateway/http/query_string.cpp src/call_category.cpp
fuzz_jwt_auth_SRCS = src/gateway/auth/jwt_auth.cpp src/gateway/core/base64.cpp src/gateway/core/api_error.cpp
fuzz_jwt_auth_LIBS = -ljwt -lcrypto
fuzz_config_SRCS = src/gateway/config/config.cpp src/gateway/core/base64.cpp src/gateway/core/address_range.cpp
fuzz_config_LIBS = -lcrypto
fuzz_django_password_SRCS = src/gateway/auth/django_password.cpp src/gateway/core/base64.cpp
fuzz_django_password_LIBS = -lcrypto
fuzz_page_cursor_SRCS = src/page_cursor.cpp
fuzz_status_filter_SRCS = src/call_category.cpp
fuzz_timeline_window_SRCS = src/timeline_window.cpp src/json_format.cpp src/gateway/live/document_expiry.cpp \
	src/gateway/core/json_body.cpp

FUZZ_BINARIES = $(addprefix $(FUZZ_DIR)/,$(FUZZ_TARGETS))
FUZZ_OBJS = $(sort $(foreach t,$(FUZZ_TARGETS),$(FUZZ_DIR)/obj/test/fuzz/$(t)_fuzz.o \
	$(patsubst %.cpp,$(FUZZ_DIR)/obj/%.o,$(fuzz_$(t)_SRCS))))

$(FUZZ_DIR)/obj/%.o: %.cpp
	@mkdir -p $(dir $@)
	$(FUZZ_CXX) $(FUZZ_CXXFLAGS) -MMD -MP -c -o $@ $<

define fuzz_target_rule
$(FUZZ_DIR)/$(1): $(FUZZ_DIR)/obj/test/fuzz/$(1)_fuzz.o $(patsubst %.cpp,$(FUZZ_DIR)/obj/%.o,$(fuzz_$(1)_SRCS))
	$(FUZZ_CXX) $(FUZZ_SANITIZE) -fsanitize=fuzzer -o $$@ $$^ $(fuzz_$(1)_LIBS)
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_target_rule,$(t))))

-include $(FUZZ_OBJS:.o=.d)

fuzz-build: $(FUZZ_BINARIES)

fuzz: fuzz-build
	test/fuzz/run $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-check: fuzz-build
	test/fuzz/run 10 $(FUZZ_TARGETS)

# The sanitizer builds: GCC's, whose runtime the server can preload.  GCC's
# "undefined" leaves out float-cast-overflow (a double too large for its
# integer, as a token's exp once was): it is asked for by name.
SANITIZE_DIR = build-asan
SANITIZE_FLAGS = -fsanitize=address,undefined,float-cast-overflow -fno-omit-frame-pointer

# -O1 -g1: what ASan advises, with line tables for its stacks; half the
# compile time of -O2 -g on Boost.Beast's templates.
sanitize-gateway:
	cmake -S . -B $(SANITIZE_DIR) -DCMAKE_BUILD_TYPE=None \
		-DCMAKE_CXX_FLAGS="-O1 -g1 $(SANITIZE_FLAGS)" -DCMAKE_EXE_LINKER_FLAGS="$(SANITIZE_FLAGS)" >/dev/null
	cmake --build $(SANITIZE_DIR) -j$(shell nproc) --target callboard-gateway gateway_unit_tests callboard_unit_tests

# The module from the same sources and PGXS flags as callboard.so, beside it.
SANITIZE_EXTENSION_OBJS = $(patsubst src/%.o,$(SANITIZE_DIR)/extension/%.o,$(OBJS))

$(SANITIZE_DIR)/extension/%.o: src/%.cpp
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS) $(SANITIZE_FLAGS) $(CPPFLAGS) -c -o $@ $<

$(SANITIZE_DIR)/callboard.so: $(SANITIZE_EXTENSION_OBJS)
	$(CXX) $(CXXFLAGS) $(SANITIZE_FLAGS) -shared -o $@ $^ $(LDFLAGS) $(LDFLAGS_SL) $(SHLIB_LINK)

-include $(SANITIZE_EXTENSION_OBJS:.o=.d)

# Preloaded with libasan into the server: see the file's comment.
$(SANITIZE_DIR)/asan_first.so: test/sanitize/asan_first.c
	@mkdir -p $(dir $@)
	gcc -shared -fPIC -O2 -Wl,-z,initfirst -o $@ $<

sanitize-extension: $(SANITIZE_DIR)/callboard.so $(SANITIZE_DIR)/asan_first.so

sanitize-check: all sanitize-gateway sanitize-extension
	test/sanitize/run

# GCC ignores the annotations (GUARDED_BY, REQUIRES...): clang reads them.
# Boost 1.74 sees no coroutines in clang 14 unless told (it looks for
# <experimental/coroutine>; libstdc++'s <coroutine> is what clang uses).
TSA_CXX ?= clang++
TSA_DIR = build-thread-safety
TSA_FLAGS = -std=c++20 -fsyntax-only -DBOOST_ASIO_HAS_CO_AWAIT=1 -Wthread-safety -Werror=thread-safety \
	-Isrc/gateway -Isrc -I$(shell $(PG_CONFIG) --includedir)
TSA_SOURCES = $(shell grep -lE 'MutexLock|GUARDED_BY|REQUIRES|->locked' src/gateway/*/*.cpp)
TSA_STAMPS = $(patsubst %.cpp,$(TSA_DIR)/%.checked,$(TSA_SOURCES))

$(TSA_DIR)/%.checked: %.cpp
	@mkdir -p $(dir $@)
	$(TSA_CXX) $(TSA_FLAGS) -MMD -MP -MF $(@:.checked=.d) -MT $@ $<
	@touch $@

-include $(TSA_STAMPS:.checked=.d)

thread-safety: $(TSA_STAMPS)

clean: clean-hardening
clean-hardening:
	rm -rf $(FUZZ_DIR) $(SANITIZE_DIR) $(TSA_DIR)

.PHONY: fuzz fuzz-build fuzz-check sanitize-gateway sanitize-extension sanitize-check thread-safety clean-hardening
