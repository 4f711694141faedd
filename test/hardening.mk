# test/hardening.mk: fuzzing and sanitizer builds, included by the Makefile.
#
#   make fuzz                 build the libFuzzer targets (test/fuzz/*_fuzz.cpp)
#                             with clang and run each for FUZZ_SECONDS (60)
#   make fuzz-check           the same, 10 s each: what CI runs
#   make fuzz-build           build them only: build-fuzz/<target>
#
# Each target is linked with only the sources it fuzzes, compiled with
# -fsanitize=fuzzer-no-link,address,undefined into build-fuzz/obj; nothing
# here touches the objects of the normal build.

FUZZ_CXX ?= clang++
FUZZ_DIR = build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_TARGETS = query_string request_head call_args jwt_auth config django_password page_cursor status_filter

FUZZ_SANITIZE = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CXXFLAGS = -std=c++20 -g -O1 $(FUZZ_SANITIZE) -fsanitize=fuzzer-no-link \
	-Isrc -Isrc/gateway -I$(shell $(PG_CONFIG) --includedir)

# What each target links besides its own file.
fuzz_query_string_SRCS = src/gateway/query_string.cpp
fuzz_request_head_SRCS = src/gateway/request_head.cpp
fuzz_call_args_SRCS = src/gateway/call_args.cpp src/gateway/json_body.cpp src/gateway/api_error.cpp \
	src/gateway/query_string.cpp
fuzz_jwt_auth_SRCS = src/gateway/jwt_auth.cpp src/gateway/base64.cpp src/gateway/api_error.cpp
fuzz_jwt_auth_LIBS = -ljwt -lcrypto
fuzz_config_SRCS = src/gateway/config.cpp src/gateway/base64.cpp
fuzz_config_LIBS = -lcrypto
fuzz_django_password_SRCS = src/gateway/django_password.cpp src/gateway/base64.cpp
fuzz_django_password_LIBS = -lcrypto
fuzz_page_cursor_SRCS = src/page_cursor.cpp
fuzz_status_filter_SRCS = src/call_category.cpp

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

clean: clean-hardening
clean-hardening:
	rm -rf $(FUZZ_DIR)

.PHONY: fuzz fuzz-build fuzz-check clean-hardening
