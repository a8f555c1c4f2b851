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
LIB_SRC   := $(filter-out src/cli/%,$(SRC))
CLI_SRC   := $(filter src/cli/%,$(SRC))
UNIT_SRC  := $(sort $(wildcard tests/unit/test_*.c))

# Two builds from one tree: release (optimised) and asan (the one the tests run).
REL_DIR   := build/release
ASAN_DIR  := build/asan
REL_FLAGS := -O2 -g
ASAN_FLAGS:= -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all

.PHONY: all setup run test unit api fuzz bench clean format
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

test: $(ASAN_DIR)/safeharbor $(UNIT_BINS)
	@scripts/test-unit.sh $(UNIT_BINS)
	@SAFEHARBOR_BIN=$(abspath $(ASAN_DIR)/safeharbor) scripts/test-api.sh
	@echo "make test: all suites passed"

format:
	clang-format -i $(SRC) $(wildcard src/*/*.h) $(UNIT_SRC)

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
