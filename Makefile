# rewire: build, test, demo, bench, install.
#   make            build bin/rewire
#   make test       unit (cmocka), end-to-end over every installed Go, sanitizer
#                   run, kernel boots under QEMU, bounded fuzzing and corruption,
#                   the README's commands (readme-test)
#   make demo       rewire the bundled example's clock and show the output change
#   make install PREFIX=/usr/local
#   make fuzz-ci    every libFuzzer target for FUZZ_SECONDS (60) each; fuzz: 3600
#   make corrupt-test  rewire over truncated and byte-flipped Go binaries
#   make outpath-test  -o onto devices, FIFOs, links, IN itself; interrupted runs
#   make stress     opt-in kernel stress: 10,000 goroutines, GC in 64 MiB, timers,
#                   thread churn, rewire run's watchdog (a few minutes, QEMU)
#   make soak       opt-in soak of all of them for SOAK_SECONDS (600), with a
#                   frame-count stability check (tests/soak/run.sh)

PREFIX ?= /usr/local
CC ?= cc
BUILD ?= build
SAN ?=

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CFLAGS ?= -O2 -g
CFLAGS += -std=c11 -D_GNU_SOURCE $(WARN) -I/usr/include/libdwarf -Irewriter/lib -Istubs \
	-iquote kernel-runtime/include
ifeq ($(SAN),1)
CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
BUILD := build-san
endif
LIBS := -lelf -ldwarf -lZydis -lZycore -lz -larchive

LIB_SRC := $(sort $(wildcard rewriter/lib/*.c stubs/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_SRC := $(sort $(wildcard rewriter/cli/*.c))
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
UNIT_HELPERS := $(filter-out tests/unit/test_%.c,$(wildcard tests/unit/*.c))
UNIT_HELPER_OBJ := $(UNIT_HELPERS:%.c=$(BUILD)/%.o)

REWIRE := $(BUILD)/bin/rewire

# The kernel runtime's rules: its core's host tests (KCORE_TEST_BIN) and the
# freestanding kernel (KERNEL_TARGETS; KERNEL_TEST_DEPS and KERNEL_TEST_CMD
# for kernel-test).
# The included files define rules first: `make` alone must still mean all.
.DEFAULT_GOAL := all
KCORE_TEST_BIN :=
KERNEL_TARGETS :=
KERNEL_TEST_DEPS :=
KERNEL_TEST_CMD :=
-include kernel-runtime/core/core.mk
-include kernel-runtime/platform/common/common.mk
-include kernel-runtime/platform/kvm/platform.mk
-include kernel-runtime/platform/hosted/platform.mk
# Go programs booted by `rewire image` (tests/kernel/go.sh), `rewire run`
# itself (tests/kernel/runner.sh), its --dir and --cwd (tests/kernel/dirs.sh,
# with the kvm platform's test kernel), and the conformance corpus against
# native runs (tests/kernel/conformance.sh), and scripts/bench's results on
# a small run (tests/bench/smoke.sh): the rewriter and the kernel's pieces
# it links.
KERNEL_TEST_DEPS += $(REWIRE) $(KERNEL_TARGETS)
KERNEL_TEST_CMD := $(if $(strip $(KERNEL_TEST_CMD)),$(KERNEL_TEST_CMD) &&) \
	REWIRE=$(abspath $(REWIRE)) bash tests/kernel/go.sh \
	&& REWIRE=$(abspath $(REWIRE)) bash tests/kernel/runner.sh \
	&& REWIRE=$(abspath $(REWIRE)) bash tests/kernel/dirs.sh $(KVM_TEST_IMAGE) \
	&& REWIRE=$(abspath $(REWIRE)) bash tests/kernel/conformance.sh \
	&& REWIRE=$(abspath $(REWIRE)) bash tests/bench/smoke.sh

.PHONY: all fixtures test unit-test e2e-test demo install clean setup san-test
.PHONY: fuzz-build fuzz-seeds fuzz-ci fuzz corrupt-test kernel-test robustness-test
.PHONY: outpath-test
.PHONY: stress soak readme-test stdlib-test bench
all: $(REWIRE) $(KERNEL_TARGETS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/librewire.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(REWIRE): $(CLI_OBJ) $(BUILD)/librewire.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) $^ $(LIBS) -o $@
	@mkdir -p bin && ln -sf ../$(REWIRE) bin/rewire

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(UNIT_HELPER_OBJ) $(BUILD)/librewire.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) $^ $(LIBS) -lcmocka -o $@

setup:
	bash scripts/setup.sh

# Real Go binaries (every installed toolchain) that the unit tests read.
fixtures:
	@bash tests/fixtures/build.sh $(abspath build/fixtures)
	@bash tests/fixtures/build-sig.sh $(abspath build/fixtures)

unit-test: $(UNIT_BIN) $(KCORE_TEST_BIN) $(REWIRE) fixtures
	@REWIRE_FIXTURES=$(abspath build/fixtures) bash tests/run-unit.sh $(UNIT_BIN) $(KCORE_TEST_BIN)

# Its rewire image cases link the kernel.
e2e-test: $(REWIRE) $(KERNEL_TARGETS)
	@REWIRE=$(abspath $(REWIRE)) bash tests/e2e/run.sh

# The sanitizer run is part of every test run: host code must stay clean.
test: unit-test e2e-test outpath-test san-test kernel-test robustness-test readme-test

# Every command of README.md, from a fresh copy of the repository built and
# installed on its own (tests/readme/run.sh says how blocks are marked).
readme-test:
	@bash tests/readme/run.sh

# Hostile inputs, bounded for CI: every fuzz target for 30 s (regressions
# first) and the corruption cases against the sanitizer build.
robustness-test:
	$(MAKE) fuzz-ci FUZZ_SECONDS=$(or $(FUZZ_SECONDS),30)
	$(MAKE) SAN=1 corrupt-test

# Boots kernel images under QEMU (KVM when /dev/kvm works, else TCG); the
# platform's rules add the work (KERNEL_TEST_DEPS, KERNEL_TEST_CMD).
kernel-test: $(KERNEL_TEST_DEPS)
	$(if $(KERNEL_TEST_CMD),@$(KERNEL_TEST_CMD),@echo "kernel-test: no kernel tests yet")

# Kernel stress and soak runs under QEMU, opt-in (not part of test): the
# newest Go unless REWIRE_GO_VERSIONS says otherwise.
stress: $(KERNEL_TEST_DEPS)
	@REWIRE=$(abspath $(REWIRE)) bash tests/soak/run.sh stress

# Go's own package tests on the kernel runtime, opt-in (tests/stdlib/run.sh:
# STDLIB_PACKAGES, STDLIB_PLATFORMS, REWIRE_GO_VERSIONS).
stdlib-test: $(KERNEL_TEST_DEPS)
	@REWIRE=$(abspath $(REWIRE)) bash tests/stdlib/run.sh

soak: $(KERNEL_TEST_DEPS)
	@REWIRE=$(abspath $(REWIRE)) SOAK_SECONDS=$(or $(SOAK_SECONDS),600) \
		bash tests/soak/run.sh soak

# Host code under AddressSanitizer and UndefinedBehaviorSanitizer.
san-test:
	$(MAKE) SAN=1 unit-test e2e-test outpath-test

demo: $(REWIRE) $(KERNEL_TARGETS)
	@REWIRE=$(abspath $(REWIRE)) bash scripts/demo.sh

# Native, gVisor, hosted and kvm trap/redirect side by side on the workloads
# of examples/bench: build/bench/MACHINE-DATE (scripts/bench --help;
# BENCH_FLAGS passes options, e.g. BENCH_FLAGS="--runs 7 --go 1.22").
bench: $(REWIRE) $(KERNEL_TARGETS)
	@REWIRE=$(abspath $(REWIRE)) python3 scripts/bench $(BENCH_FLAGS)

# The kernel goes where `rewire image` (and `rewire run`) looks beside an
# installed rewire (BIN/../lib/rewire/kernel); rewire.h, the header of C
# fakes, in PREFIX/include (gcc looks in /usr/local/include by default;
# else -I PREFIX/include).
install: $(REWIRE) $(KERNEL_TARGETS)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/rewire/kernel/core \
		$(DESTDIR)$(PREFIX)/include
	install -m 644 kernel-runtime/include/rewire.h $(DESTDIR)$(PREFIX)/include/rewire.h
	install -m 755 $(REWIRE) $(DESTDIR)$(PREFIX)/bin/rewire
	install -m 755 scripts/rewire-test-exec $(DESTDIR)$(PREFIX)/bin/rewire-test-exec
	install -m 755 scripts/rewire-kernel-exec $(DESTDIR)$(PREFIX)/bin/rewire-kernel-exec
	install -m 644 $(KVM_LIB) $(KVM_IMAGE_LD) $(HOSTED_LIB) $(HOSTED_LD) \
		$(DESTDIR)$(PREFIX)/lib/rewire/kernel/
	install -m 644 $(KCORE_OBJ) $(DESTDIR)$(PREFIX)/lib/rewire/kernel/core/

clean:
	rm -rf build build-san bin

# Fuzzing with libFuzzer (clang), under ASan and UBSan. The targets link
# only the parsers, so that a half-edited planner or linker cannot stop them.
FUZZ_CC ?= clang
FUZZ_DIR := build/fuzz
FUZZ_SAN := -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=all
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) -I/usr/include/libdwarf \
	-Irewriter/lib -Istubs $(FUZZ_SAN) -fsanitize=fuzzer-no-link
FUZZ_LIB_SRC := $(addprefix rewriter/lib/,annotations.c buildinfo.c cleanup.c disasm.c \
	dwarf_guard.c dwarf_info.c elf_image.c error.c fsutil.c gobin.c pclntab.c redirect.c \
	redirect_record.c rewire_note.c run.c spec.c symtab.c) stubs/abi_stub.c
FUZZ_LIB_OBJ := $(FUZZ_LIB_SRC:%.c=$(FUZZ_DIR)/obj/%.o)
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(FUZZ_DIR)/%)
FUZZ_TEST_OBJ := $(FUZZ_SRC:%.c=$(FUZZ_DIR)/obj/%.o) $(FUZZ_DIR)/obj/tests/fuzz/memfile.o
# Kept, so that a second fuzz-build compiles nothing.
.SECONDARY: $(FUZZ_TEST_OBJ)

$(FUZZ_DIR)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@

$(FUZZ_DIR)/librewire-fuzz.a: $(FUZZ_LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(FUZZ_DIR)/fuzz_%: $(FUZZ_DIR)/obj/tests/fuzz/fuzz_%.o \
		$(FUZZ_DIR)/obj/tests/fuzz/memfile.o $(FUZZ_DIR)/librewire-fuzz.a
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer $^ $(LIBS) -o $@

# The kernel command line: the core's parser and initial stack, built for
# the host like its unit tests; they need nothing of the platform.
FUZZ_KCORE_OBJ := $(addprefix $(FUZZ_DIR)/obj/kernel-runtime/core/,cmdline.o initstack.o)
$(FUZZ_KCORE_OBJ) $(FUZZ_DIR)/obj/tests/fuzz/fuzz_cmdline.o: \
	FUZZ_CFLAGS += -std=gnu11 -fno-strict-aliasing $(KCORE_INC)
$(FUZZ_DIR)/fuzz_cmdline: $(FUZZ_DIR)/obj/tests/fuzz/fuzz_cmdline.o $(FUZZ_KCORE_OBJ)
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer $^ -o $@
-include $(FUZZ_KCORE_OBJ:.o=.d)

fuzz-build: $(FUZZ_BIN)

# Seeds come from the fixtures of every installed Go version, into build/.
fuzz-seeds: fixtures $(REWIRE)
	@bash tests/fuzz/make-seeds.sh $(FUZZ_DIR)/seeds $(abspath build/fixtures) \
		$(abspath $(REWIRE))

fuzz-ci: fuzz-build fuzz-seeds
	@FUZZ_DIR=$(abspath $(FUZZ_DIR)) bash tests/fuzz/run.sh $(or $(FUZZ_SECONDS),60)

fuzz: fuzz-build fuzz-seeds
	@FUZZ_DIR=$(abspath $(FUZZ_DIR)) bash tests/fuzz/run.sh $(or $(FUZZ_SECONDS),3600)

# Truncated and byte-flipped fixtures through inspect, patch and verify, a
# few through image (with the kernel of build/kernel, whatever SAN says).
# `make SAN=1 corrupt-test` runs it against the sanitizer build.
corrupt-test: $(REWIRE) fixtures $(KCORE_OBJ) $(KVM_LIB) $(KVM_IMAGE_LD)
	@REWIRE=$(abspath $(REWIRE)) REWIRE_FIXTURES=$(abspath build/fixtures) \
		bash tests/corrupt/run.sh

# Where -o writes (a device node, a FIFO, links, IN under another name,
# folders) and what SIGINT, SIGTERM, SIGHUP and SIGQUIT at random times
# during patch and image leave behind: nothing. Needs root for the device
# cases (skipped otherwise); `make SAN=1 outpath-test` for the sanitizer build.
outpath-test: $(REWIRE) $(KCORE_OBJ) $(KVM_LIB) $(KVM_IMAGE_LD)
	@REWIRE=$(abspath $(REWIRE)) bash tests/outpath/run.sh

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(FUZZ_LIB_OBJ:.o=.d) $(FUZZ_TEST_OBJ:.o=.d)
