# The kernel's platform-free core (included by the top Makefile).
#
# For the platform: KCORE_OBJ lists the core's freestanding objects
# (build/kernel/core/*.o), built with KCORE_KERNEL_CFLAGS; link them with
# the platform's objects. They need from the platform every function of
# kernel-runtime/include/platform.h, plus memcpy, memmove, memset, memcmp.
# `make` (all) compiles them: KERNEL_TARGETS.
#
# For the tests: every tests/unit/kcore/test_*.c becomes
# $(BUILD)/tests/test_kcore_* (KCORE_TEST_BIN, run by `make unit-test`),
# linked with the core compiled for the host and a fake platform
# (tests/unit/kcore/fake_platform.c). With SAN=1 they get ASan and UBSan.

KCORE_DIR := kernel-runtime/core
KCORE_SRC := $(sort $(wildcard $(KCORE_DIR)/*.c))
KCORE_INC := -iquote kernel-runtime/include -iquote $(KCORE_DIR)

# Freestanding, for ring 0 next to a Go program: no red zone (kernel code
# must not rely on where the platform takes interrupts), no vector
# registers (the program's FPU/SIMD state stays live in the registers across
# syscalls and interrupts; the core saves it only at thread switches),
# frame pointers for the crash dump's walk.
KCORE_KERNEL_CFLAGS := -std=gnu11 -O2 -g $(WARN) -ffreestanding -nostdlib \
	-fno-pic -fno-pie -fno-stack-protector -mno-red-zone \
	-mgeneral-regs-only -fno-omit-frame-pointer -fno-strict-aliasing \
	$(KCORE_INC)
KCORE_OBJ := $(KCORE_SRC:$(KCORE_DIR)/%.c=build/kernel/core/%.o)
KERNEL_TARGETS += $(KCORE_OBJ)

$(KCORE_OBJ): build/kernel/core/%.o: $(KCORE_DIR)/%.c
	@mkdir -p $(dir $@)
	$(CC) $(KCORE_KERNEL_CFLAGS) -MMD -MP -c $< -o $@

# Host build: the same sources, hosted, with the project's CFLAGS (and the
# sanitizers under SAN=1).
KCORE_HOST_CFLAGS = $(CFLAGS) -std=gnu11 -fno-strict-aliasing $(KCORE_INC) \
	-iquote tests/unit/kcore
KCORE_HOST_DIR := $(BUILD)/kcore-host
KCORE_HOST_OBJ := $(KCORE_SRC:%.c=$(KCORE_HOST_DIR)/%.o)
KCORE_FAKE_OBJ := $(KCORE_HOST_DIR)/tests/unit/kcore/fake_platform.o
KCORE_TEST_SRC := $(sort $(wildcard tests/unit/kcore/test_*.c))
KCORE_TEST_OBJ := $(KCORE_TEST_SRC:%.c=$(KCORE_HOST_DIR)/%.o)
KCORE_TEST_BIN += $(KCORE_TEST_SRC:tests/unit/kcore/test_%.c=$(BUILD)/tests/test_kcore_%)

$(KCORE_HOST_OBJ) $(KCORE_FAKE_OBJ) $(KCORE_TEST_OBJ): $(KCORE_HOST_DIR)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(KCORE_HOST_CFLAGS) -MMD -MP -c $< -o $@

$(KCORE_HOST_DIR)/libkcore.a: $(KCORE_HOST_OBJ) $(KCORE_FAKE_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/tests/test_kcore_%: $(KCORE_HOST_DIR)/tests/unit/kcore/test_%.o \
		$(KCORE_HOST_DIR)/libkcore.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) $^ -lcmocka -o $@

.PHONY: kcore-test
kcore-test: $(KCORE_TEST_BIN)
	@bash tests/run-unit.sh $(KCORE_TEST_BIN)

-include $(KCORE_OBJ:.o=.d) $(KCORE_HOST_OBJ:.o=.d) $(KCORE_FAKE_OBJ:.o=.d) \
	$(KCORE_TEST_OBJ:.o=.d)
