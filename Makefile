# safeharbor: `make run` to try it, `make test` to check it. See README.md.
.DEFAULT_GOAL := all
PKGS      := libmicrohttpd jansson sqlite3 libsodium libcurl
CC        ?= cc
WARN      := -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-missing-field-initializers
VERSION   := $(shell cat VERSION 2>/dev/null || echo 0.0.0)
DEFS      := -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -DSH_VERSION='"$(VERSION)"'
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
INC       := -Isrc
LIBS       = $(PKG_LIBS) -lpthread -lm

SRC       := $(sort $(wildcard src/*/*.c))
# The web app (web/) is embedded in the binary: tools/embed_web turns its files into C.
GEN_DIR   := build/gen
WEB_FILES := $(sort $(shell find web -type f ! -name '.*' 2>/dev/null))
WEB_GEN   := $(GEN_DIR)/web_assets.c
# The list of common passwords (share/common-passwords.txt, made by
# tools/gen-common-passwords.sh) is embedded too: core/password.c refuses its entries.
PW_GEN    := $(GEN_DIR)/common_passwords.c
LIB_SRC   := $(filter-out src/cli/%,$(SRC)) $(WEB_GEN) $(PW_GEN)
CLI_SRC   := $(filter src/cli/%,$(SRC))
UNIT_SRC  := $(sort $(wildcard tests/unit/test_*.c))

# Two builds from one tree: release (optimised) and asan (the one the tests run).
REL_DIR   := build/release
ASAN_DIR  := build/asan
REL_FLAGS := -O2 -g
ASAN_FLAGS:= -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all

.PHONY: all setup run test unit api web-test fuzz bench clean format
.SECONDARY:
all: $(REL_DIR)/safeharbor

setup:
	@scripts/setup.sh

define build_rules
$(1)/obj/%.o: %.c | setup-once
	@mkdir -p $$(dir $$@)
	@echo "CC $(1) $$<"
	@$$(CC) $$(WARN) $$(DEFS) $$(INC) $(2) $$(PKG_CFLAGS) -MMD -MP -c $$< -o $$@
$(1)/libsafeharbor.a: $$(LIB_SRC:%.c=$(1)/obj/%.o)
	@rm -f $$@
	@ar rcs $$@ $$^
$(1)/safeharbor: $$(CLI_SRC:%.c=$(1)/obj/%.o) $(1)/libsafeharbor.a
	@echo "LD $$@"
	@$$(CC) $(2) $$^ -o $$@ $$(LIBS)
$(1)/tests/%: $(1)/obj/tests/unit/%.o $(1)/libsafeharbor.a
	@mkdir -p $$(dir $$@)
	@echo "LD $$@"
	@$$(CC) $(2) $$^ -o $$@ $$(LIBS) -lcmocka
endef
$(eval $(call build_rules,$(REL_DIR),$(REL_FLAGS)))
$(eval $(call build_rules,$(ASAN_DIR),$(ASAN_FLAGS)))

$(GEN_DIR)/embed_web: tools/embed_web.c | setup-once
	@mkdir -p $(dir $@)
	@echo "CC $@"
	@$(CC) $(WARN) $(DEFS) $(INC) -O2 $< -o $@ -lz
$(WEB_GEN): $(GEN_DIR)/embed_web $(WEB_FILES) $(shell find web -type d 2>/dev/null)
	@echo "GEN $@"
	@$(GEN_DIR)/embed_web $@ web $(WEB_FILES:web/%=%)

$(PW_GEN): share/common-passwords.txt tools/embed_list.sh
	@mkdir -p $(dir $@)
	@echo "GEN $@"
	@tools/embed_list.sh common_passwords $< >$@

# The set-up script runs once per make invocation, before any compile.
.PHONY: setup-once
setup-once:
	@scripts/setup.sh

UNIT_BINS := $(UNIT_SRC:tests/unit/%.c=$(ASAN_DIR)/tests/%)

run: $(REL_DIR)/safeharbor
	@scripts/run.sh $(REL_DIR)/safeharbor

unit: $(UNIT_BINS)
	@scripts/test-unit.sh $(UNIT_BINS)

api: $(ASAN_DIR)/safeharbor
	@SAFEHARBOR_BIN=$(abspath $(ASAN_DIR)/safeharbor) scripts/test-api.sh

web-test: $(ASAN_DIR)/safeharbor
	@SAFEHARBOR_BIN=$(abspath $(ASAN_DIR)/safeharbor) scripts/test-web.sh

# libFuzzer target for the protocol parser. clang compiles its sources itself (never
# mixed with the gcc objects above); outputs and the growing corpus stay in build/fuzz.
FUZZ_DIR  := build/fuzz
FUZZ_BIN  := $(FUZZ_DIR)/fuzz_protocol
FUZZ_SRC  := tests/fuzz/fuzz_protocol.c src/core/protocol_parse.c src/core/protocol_eval.c \
	     src/lib/arena.c src/lib/buf.c src/lib/error.c src/lib/timefmt.c
FUZZ_TIME ?= 20
FUZZ_RUN   = mkdir -p $(FUZZ_DIR)/corpus && echo "fuzz: protocol parser for $(FUZZ_TIME) s" && \
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	$(FUZZ_BIN) -max_total_time=$(FUZZ_TIME) -detect_leaks=1 -artifact_prefix=$(FUZZ_DIR)/ \
	-dict=tests/fuzz/protocol.dict $(FUZZ_DIR)/corpus protocols tests/protocols \
	>$(FUZZ_DIR)/fuzz.log 2>&1 && tail -n 1 $(FUZZ_DIR)/fuzz.log || \
	{ tail -n 40 $(FUZZ_DIR)/fuzz.log; echo "fuzz: FAILED (log: $(FUZZ_DIR)/fuzz.log)" >&2; exit 1; }

$(FUZZ_BIN): $(FUZZ_SRC) $(wildcard src/core/protocol*.h src/lib/*.h) | setup-once
	@mkdir -p $(FUZZ_DIR)
	@echo "CC+LD $@"
	@clang $(WARN) $(DEFS) $(INC) -O1 -g -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all $(shell pkg-config --cflags libsodium) $(FUZZ_SRC) -o $@ \
		$(shell pkg-config --libs libsodium)

fuzz: $(FUZZ_BIN)
	@$(FUZZ_RUN)

test: $(ASAN_DIR)/safeharbor $(UNIT_BINS) $(FUZZ_BIN)
	@scripts/test-unit.sh $(UNIT_BINS)
	@$(FUZZ_RUN)
	@SAFEHARBOR_BIN=$(abspath $(ASAN_DIR)/safeharbor) scripts/test-api.sh
	@SAFEHARBOR_BIN=$(abspath $(ASAN_DIR)/safeharbor) scripts/test-web.sh
	@echo "make test: all suites passed"

# Benchmarks (bench/README.md): not part of `make test`. Each bench/<name>.c is one
# program, linked against the release library.
BENCH_DIR := $(REL_DIR)/bench
$(BENCH_DIR)/%: bench/%.c $(REL_DIR)/libsafeharbor.a | setup-once
	@mkdir -p $(dir $@)
	@echo "CC+LD $@"
	@$(CC) $(WARN) $(DEFS) $(INC) $(REL_FLAGS) $(PKG_CFLAGS) $< -o $@ $(REL_DIR)/libsafeharbor.a $(LIBS)

bench: $(REL_DIR)/safeharbor $(BENCH_DIR)/gen-cases $(BENCH_DIR)/commit-floor
	@bench/run.sh

# The Board report at state scale (bench/report.sh, bench/RESULTS.md): a synthetic
# database written straight into SQLite, then the report timed beside plain SQL.
.PHONY: bench-data bench-report
BENCH_STATE_DB ?= build/bench/state.db
BENCH_STATE_N  ?= 1000000
bench-data: $(BENCH_DIR)/gen-state
	@mkdir -p $(dir $(BENCH_STATE_DB)) && rm -f $(BENCH_STATE_DB) $(BENCH_STATE_DB)-wal $(BENCH_STATE_DB)-shm
	$(BENCH_DIR)/gen-state --db $(BENCH_STATE_DB) --recoveries $(BENCH_STATE_N)
bench-report: $(REL_DIR)/safeharbor
	@bench/report.sh $(BENCH_STATE_DB)

format:
	clang-format -i $(SRC) $(wildcard src/*/*.h) $(UNIT_SRC)

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
