# safeharbor: `make run` to try it, `make test` to check it. See README.md.
.DEFAULT_GOAL := all
PKGS      := libmicrohttpd jansson sqlite3 libsodium libcurl libcrypto libqrencode libpq
CC        ?= cc
WARN      := -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-missing-field-initializers
VERSION   := $(shell cat VERSION 2>/dev/null || echo 0.0.0)
DEFS      := -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -DSH_VERSION='"$(VERSION)"'
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
INC       := -Isrc
# Where `make install` puts things; compiled into src/lib/paths.c only, so changing
# them rebuilds one object. A binary run from build/ reads the source tree's protocols/.
PREFIX     ?= /usr/local
SYSCONFDIR ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
PATH_DEFS  := -DSH_DATADIR='"$(PREFIX)/share/safeharbor"' -DSH_SYSCONFDIR='"$(SYSCONFDIR)"' \
	      -DSH_SRCDIR='"$(CURDIR)"'
$(shell mkdir -p build && echo '$(PATH_DEFS)' | cmp -s - build/paths.defs || echo '$(PATH_DEFS)' > build/paths.defs)
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
ASAN_FLAGS:= -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all \
	     -DSH_JSONW_CHECK_ORDER
# a third, for data races: ThreadSanitizer under the API tests (make test-tsan)
TSAN_DIR  := build/tsan
TSAN_FLAGS:= -O1 -g -fno-omit-frame-pointer -fsanitize=thread -DSH_JSONW_CHECK_ORDER

.PHONY: all setup run test test-pg test-tsan unit api web-test deploy-test fuzz bench clean format install deb coverage
.SECONDARY:
all: $(REL_DIR)/safeharbor

setup:
	@scripts/setup.sh build

define build_rules
$(1)/obj/%.o: %.c | setup-once
	@mkdir -p $$(dir $$@)
	@echo "CC $(1) $$<"
	@$(or $(3),$$(CC)) $$(WARN) $$(DEFS) $$(INC) $(2) $$(PKG_CFLAGS) -MMD -MP -c $$< -o $$@
$(1)/libsafeharbor.a: $$(LIB_SRC:%.c=$(1)/obj/%.o)
	@rm -f $$@
	@ar rcs $$@ $$^
$(1)/safeharbor: $$(CLI_SRC:%.c=$(1)/obj/%.o) $(1)/libsafeharbor.a
	@echo "LD $$@"
	@$(or $(3),$$(CC)) $(2) $$^ -o $$@ $$(LIBS)
$(1)/tests/%: $(1)/obj/tests/unit/%.o $(1)/libsafeharbor.a
	@mkdir -p $$(dir $$@)
	@echo "LD $$@"
	@$(or $(3),$$(CC)) $(2) $$^ -o $$@ $$(LIBS) -lcmocka
endef
$(eval $(call build_rules,$(REL_DIR),$(REL_FLAGS)))
$(eval $(call build_rules,$(ASAN_DIR),$(ASAN_FLAGS)))
$(eval $(call build_rules,$(TSAN_DIR),$(TSAN_FLAGS)))
# a fourth, for `make coverage`: clang's source-based coverage (llvm-cov)
COV_DIR   := build/cov
COV_FLAGS := -O0 -g -fprofile-instr-generate -fcoverage-mapping -DSH_JSONW_CHECK_ORDER
$(eval $(call build_rules,$(COV_DIR),$(COV_FLAGS),clang))
PATHS_OBJS := $(foreach d,$(REL_DIR) $(ASAN_DIR) $(TSAN_DIR) $(COV_DIR),$(d)/obj/src/lib/paths.o)
$(PATHS_OBJS): DEFS += $(PATH_DEFS)
$(PATHS_OBJS): build/paths.defs

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

# The set-up script runs once per make invocation, before any compile: what building
# needs. `make test` adds what testing needs (scripts/setup.sh test).
.PHONY: setup-once
setup-once:
	@scripts/setup.sh $(if $(filter coverage,$(MAKECMDGOALS)),coverage,$(if $(filter test test-pg unit api web-test deploy-test fuzz bench,$(MAKECMDGOALS)),test,build))

UNIT_BINS := $(UNIT_SRC:tests/unit/%.c=$(ASAN_DIR)/tests/%)

run: $(REL_DIR)/safeharbor
	@scripts/run.sh $(REL_DIR)/safeharbor

# ---- install and package (docs/operations.md) ----
# make install [PREFIX=/usr/local] [DESTDIR=...]: the binary, every data file under
# protocols/ (by pattern: new kinds of rules files are picked up), the man pages, the
# systemd unit, the example configuration (installed as the configuration only when
# there is none yet) and the example nginx site.
BINDIR    ?= $(PREFIX)/bin
DATADIR   ?= $(PREFIX)/share/safeharbor
MANDIR    ?= $(PREFIX)/share/man
DOCDIR    ?= $(PREFIX)/share/doc/safeharbor
UNITDIR   ?= $(PREFIX)/lib/systemd/system
# every file of protocols/ and its folders (protocols/history: earlier protocol versions)
DATA_FILES = $(sort $(filter-out %.md %~,$(shell find protocols -type f 2>/dev/null)))
SUBST      = sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
		 -e 's|@DATADIR@|$(DATADIR)|g' -e 's|@VERSION@|$(VERSION)|g'
INSTALL_BIN ?= $(REL_DIR)/safeharbor

install: $(INSTALL_BIN)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(UNITDIR) $(DESTDIR)$(DOCDIR)/examples \
		$(DESTDIR)$(SYSCONFDIR)/safeharbor
	install -m 0755 $(INSTALL_BIN) $(DESTDIR)$(BINDIR)/safeharbor
	for f in $(DATA_FILES); do install -D -m 0644 $$f $(DESTDIR)$(DATADIR)/$${f#protocols/}; done
	$(SUBST) man/safeharbor.1 | gzip -9n > $(DESTDIR)$(MANDIR)/man1/safeharbor.1.gz
	$(SUBST) man/safeharbor.conf.5 | gzip -9n > $(DESTDIR)$(MANDIR)/man5/safeharbor.conf.5.gz
	$(SUBST) contrib/systemd/safeharbor.service.in > $(DESTDIR)$(UNITDIR)/safeharbor.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/safeharbor.service
	install -m 0644 contrib/safeharbor.conf $(DESTDIR)$(DOCDIR)/examples/safeharbor.conf
	install -m 0644 contrib/nginx/safeharbor.conf $(DESTDIR)$(DOCDIR)/examples/nginx-safeharbor.conf
	install -m 0644 LICENSE $(DESTDIR)$(DOCDIR)/LICENSE
	install -m 0644 docs/operations.md $(DESTDIR)$(DOCDIR)/operations.md
	@if [ ! -e $(DESTDIR)$(SYSCONFDIR)/safeharbor/safeharbor.conf ]; then \
		install -m 0640 contrib/safeharbor.conf $(DESTDIR)$(SYSCONFDIR)/safeharbor/safeharbor.conf; \
		echo "install: wrote $(DESTDIR)$(SYSCONFDIR)/safeharbor/safeharbor.conf"; \
	else echo "install: kept $(DESTDIR)$(SYSCONFDIR)/safeharbor/safeharbor.conf"; fi

# make deb: build/deb/safeharbor_VERSION_ARCH.deb with dpkg-deb, nothing fetched. The
# binary is the release one relinked with the paths of a Debian install (/usr, /etc).
DEB_DIR   := build/deb
$(DEB_DIR)/paths.o: src/lib/paths.c build/paths.defs | setup-once
	@mkdir -p $(dir $@)
	@echo "CC $@ (PREFIX=/usr)"
	@$(CC) $(WARN) $(DEFS) $(INC) $(REL_FLAGS) -DSH_DATADIR='"/usr/share/safeharbor"' \
		-DSH_SYSCONFDIR='"/etc"' -DSH_SRCDIR='"$(CURDIR)"' -c $< -o $@
$(DEB_DIR)/safeharbor: $(CLI_SRC:%.c=$(REL_DIR)/obj/%.o) $(DEB_DIR)/paths.o $(REL_DIR)/libsafeharbor.a
	@echo "LD $@"
	@$(CC) $(REL_FLAGS) $^ -o $@ $(LIBS)
deb: $(DEB_DIR)/safeharbor
	@scripts/make-deb.sh $(DEB_DIR) $(VERSION)

unit: $(UNIT_BINS)
	@scripts/test-unit.sh $(UNIT_BINS)

api: $(ASAN_DIR)/safeharbor $(REL_DIR)/safeharbor
	@SAFEHARBOR_BIN=$(abspath $(ASAN_DIR)/safeharbor) scripts/test-api.sh

web-test: $(ASAN_DIR)/safeharbor
	@SAFEHARBOR_BIN=$(abspath $(ASAN_DIR)/safeharbor) scripts/test-web.sh

# libFuzzer targets, one per parser: the protocol format, the witness rules, the offences
# file and what people type into arrest records. clang compiles their sources itself
# (never mixed with the gcc objects above); outputs and the growing corpora stay in
# build/fuzz/NAME. Each runs for FUZZ_TIME seconds in `make test`.
FUZZ_DIR   := build/fuzz
FUZZ_TIME  ?= 20
FUZZ_PARSERS := protocol witness_rules offences
# ... and two of whole requests against a synthetic county (tests/fuzz/fuzz_county.c):
# http (method, path, headers, body through the router, the shared checks and the
# handlers) and json (every route's body through its validation)
FUZZ_REQUESTS := http json
FUZZ_NAMES := $(FUZZ_PARSERS) $(FUZZ_REQUESTS)
FUZZ_LIB   := src/lib/arena.c src/lib/buf.c src/lib/catalog.c src/lib/error.c src/lib/timefmt.c
FUZZ_SRC_protocol      := src/core/protocol_parse.c src/core/protocol_eval.c \
			  src/core/protocol_calendar.c src/core/access.c src/lib/tz.c
FUZZ_SRC_witness_rules := src/core/witness.c src/core/phrase.c
FUZZ_SRC_offences      := src/core/offences.c src/core/phrase.c src/core/guardrail.c \
			  src/core/rules.c src/lib/tz.c
FUZZ_BINS  := $(FUZZ_NAMES:%=$(FUZZ_DIR)/fuzz_%)
# seeds: the real files and the known-bad ones; hand-written requests for the others
FUZZ_SEEDS_protocol      := protocols tests/protocols
FUZZ_SEEDS_witness_rules := protocols tests/witness
FUZZ_SEEDS_offences      := protocols
FUZZ_SEEDS_http          := tests/fuzz/seeds/http
FUZZ_SEEDS_json          := tests/fuzz/seeds/json
define fuzz_one
d=$(FUZZ_DIR)/$(1); mkdir -p $$d/corpus; echo "fuzz: $(1) for $(FUZZ_TIME) s"; \
	if ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	   $(FUZZ_DIR)/fuzz_$(1) -max_total_time=$(FUZZ_TIME) -timeout=10 -detect_leaks=1 -artifact_prefix=$$d/ \
	   -dict=tests/fuzz/$(1).dict $$d/corpus $(FUZZ_SEEDS_$(1)) >$$d/fuzz.log 2>&1; \
	then grep -E '^#[0-9]+.*(DONE|exec/s)' $$d/fuzz.log | tail -n 1; \
	else tail -n 40 $$d/fuzz.log; echo "fuzz: $(1) FAILED (log: $$d/fuzz.log)" >&2; exit 1; fi;
endef
FUZZ_RUN = set -e; $(foreach n,$(FUZZ_NAMES),$(call fuzz_one,$(n)))

define fuzz_rule
$(FUZZ_DIR)/fuzz_$(1): tests/fuzz/fuzz_$(1).c $$(FUZZ_SRC_$(1)) $$(FUZZ_LIB) $$(wildcard src/core/*.h src/lib/*.h) | setup-once
	@mkdir -p $$(dir $$@)
	@echo "CC+LD $$@"
	@clang $$(WARN) $$(DEFS) $$(INC) -O1 -g -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all $$(shell pkg-config --cflags libsodium) $$< $$(FUZZ_SRC_$(1)) \
		$$(FUZZ_LIB) -o $$@ $$(shell pkg-config --libs libsodium)
endef
$(foreach n,$(FUZZ_PARSERS),$(eval $(call fuzz_rule,$(n))))

# The request fuzzers link the whole program (but main.c) built by clang with libFuzzer's
# coverage, ASan and UBSan, in build/fuzz/lib.
FUZZ_LIB_DIR := $(FUZZ_DIR)/lib
FUZZ_CFLAGS  := -O1 -g -fno-omit-frame-pointer -DSH_JSONW_CHECK_ORDER -fsanitize=fuzzer-no-link,address,undefined \
		-fno-sanitize-recover=all
$(FUZZ_LIB_DIR)/obj/%.o: %.c | setup-once
	@mkdir -p $(dir $@)
	@echo "CC $(FUZZ_LIB_DIR) $<"
	@clang $(WARN) $(DEFS) $(INC) $(FUZZ_CFLAGS) $(PKG_CFLAGS) -MMD -MP -c $< -o $@
$(FUZZ_LIB_DIR)/obj/src/lib/paths.o: DEFS += $(PATH_DEFS)
$(FUZZ_LIB_DIR)/obj/src/lib/paths.o: build/paths.defs
$(FUZZ_LIB_DIR)/libsafeharbor.a: $(patsubst %.c,$(FUZZ_LIB_DIR)/obj/%.o,$(LIB_SRC) $(filter-out src/cli/main.c,$(CLI_SRC)))
	@rm -f $@
	@ar rcs $@ $^
$(FUZZ_REQUESTS:%=$(FUZZ_DIR)/fuzz_%): $(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_county.c \
		tests/fuzz/fuzz_county.h $(FUZZ_LIB_DIR)/libsafeharbor.a | setup-once
	@echo "CC+LD $@"
	@clang $(WARN) $(DEFS) $(INC) $(subst fuzzer-no-link,fuzzer,$(FUZZ_CFLAGS)) $(PKG_CFLAGS) \
		$< tests/fuzz/fuzz_county.c $(FUZZ_LIB_DIR)/libsafeharbor.a -o $@ $(LIBS)

fuzz: $(FUZZ_BINS)
	@$(FUZZ_RUN)

# The API suite again on the ThreadSanitizer build: a data race stops the server (exit 66)
# and fails the test that started it.
TSAN_RUN = echo "api tests under ThreadSanitizer"; \
	SAFEHARBOR_BIN=$(abspath $(TSAN_DIR)/safeharbor) \
	TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" scripts/test-api.sh >build/tsan/api.log 2>&1 \
	&& grep -E '^ℹ (pass|fail)' build/tsan/api.log \
	|| { grep -E -B2 -A30 'ThreadSanitizer|^not ok' build/tsan/api.log | head -n 120; \
	     echo "tsan: FAILED (log: build/tsan/api.log)" >&2; exit 1; }
test-tsan: $(TSAN_DIR)/safeharbor $(REL_DIR)/safeharbor
	@scripts/setup.sh test
	@$(TSAN_RUN)

# The store suites again on a throwaway PostgreSQL cluster (scripts/pg-test-cluster.sh),
# stopped afterwards; docs/architecture.md says what the PostgreSQL backend has so far.
PG_UNIT_BINS := $(ASAN_DIR)/tests/test_store $(ASAN_DIR)/tests/test_store_pg $(ASAN_DIR)/tests/test_pg_report
test-pg: $(PG_UNIT_BINS) $(ASAN_DIR)/safeharbor
	@scripts/setup.sh test
	@SAFEHARBOR_BIN=$(abspath $(ASAN_DIR)/safeharbor) scripts/test-pg.sh $(PG_UNIT_BINS)

deploy-test: $(REL_DIR)/safeharbor $(DEB_DIR)/safeharbor
	@scripts/test-deploy.sh

# `make test` also builds the release binary `make run` uses (and the package).
test: $(ASAN_DIR)/safeharbor $(TSAN_DIR)/safeharbor $(UNIT_BINS) $(FUZZ_BINS) $(REL_DIR)/safeharbor $(DEB_DIR)/safeharbor
	@scripts/setup.sh test
	@scripts/format-check.sh
	@scripts/test-unit.sh $(UNIT_BINS)
	@SAFEHARBOR_BIN=$(abspath $(ASAN_DIR)/safeharbor) PG_API_BIN=$(abspath $(REL_DIR)/safeharbor) \
		scripts/test-pg.sh $(PG_UNIT_BINS)
	@$(FUZZ_RUN)
	@SAFEHARBOR_BIN=$(abspath $(ASAN_DIR)/safeharbor) scripts/test-api.sh
	@$(TSAN_RUN)
	@SAFEHARBOR_BIN=$(abspath $(ASAN_DIR)/safeharbor) scripts/test-web.sh
	@scripts/test-deploy.sh
	@echo "make test: all suites passed"

# make coverage (not part of `make test`): the unit suites and the API suite run on the
# coverage build, then line and branch coverage of src/, in all and per directory
# (scripts/coverage.sh; llvm-cov). The figures are in README.md and docs/architecture.md.
COV_UNIT_BINS := $(UNIT_SRC:tests/unit/%.c=$(COV_DIR)/tests/%)
coverage: $(COV_DIR)/safeharbor $(COV_UNIT_BINS) $(REL_DIR)/safeharbor
	@scripts/setup.sh coverage
	@scripts/coverage.sh $(COV_DIR) $(COV_UNIT_BINS)

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

# make format: the house .clang-format over every C file; `make test` checks it first.
format:
	clang-format -i $$(git ls-files 'src/*.c' 'src/*.h' 'tests/unit/*.[ch]' 'tests/fuzz/*.c' 'bench/*.c')

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
