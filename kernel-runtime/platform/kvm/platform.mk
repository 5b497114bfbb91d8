# The KVM platform (PVH boot under QEMU microvm) and its test kernel.
# Included by the top Makefile; objects go under build/kernel/.
#   build/kernel/platform-kvm.a     the platform, for linking with the core
#   build/kernel/platform-test.elf  a PVH image: the platform and the test
#                                   kernel of tests/kernel/ (run.sh boots it)

KVM_DIR := kernel-runtime/platform/kvm
KVM_OUT := build/kernel
KVM_CC ?= gcc
KVM_LD ?= ld
# Freestanding, no red zone (an interrupt must not clobber below RSP), no
# SSE/AVX in kernel code (the program's vector registers stay as they were
# across syscalls and interrupts), no loop-to-memcpy rewriting (string.c
# would call itself), frame pointers for the crash dump's walk.
KVM_CFLAGS := -std=gnu11 -O2 -g -ffreestanding -fno-pic -fno-pie \
	-mno-red-zone -mgeneral-regs-only -mcmodel=small -fno-stack-protector \
	-fno-asynchronous-unwind-tables -fno-omit-frame-pointer \
	-fno-tree-loop-distribute-patterns -nostdlib \
	-Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-I$(KVM_DIR) -Ikernel-runtime/include

KVM_SRC := $(sort $(wildcard $(KVM_DIR)/*.c $(KVM_DIR)/*.S))
KVM_OBJ := $(patsubst %,$(KVM_OUT)/%.o,$(basename $(KVM_SRC)))
KVM_TEST_SRC := $(sort $(wildcard tests/kernel/*.c))
KVM_TEST_OBJ := $(KVM_TEST_SRC:%.c=$(KVM_OUT)/%.o)
KVM_LIB := $(KVM_OUT)/platform-kvm.a
KVM_TEST_IMAGE := $(KVM_OUT)/platform-test.elf

# Patterns that name their folders: core.mk's rules for build/kernel/ stay
# its own.
$(KVM_OUT)/$(KVM_DIR)/%.o: $(KVM_DIR)/%.c
	@mkdir -p $(dir $@)
	$(KVM_CC) $(KVM_CFLAGS) -MMD -MP -c $< -o $@

$(KVM_OUT)/$(KVM_DIR)/%.o: $(KVM_DIR)/%.S
	@mkdir -p $(dir $@)
	$(KVM_CC) $(KVM_CFLAGS) -MMD -MP -c $< -o $@

# The test kernel decodes its command line with the core's cmdline.c.
$(KVM_OUT)/tests/kernel/%.o: tests/kernel/%.c
	@mkdir -p $(dir $@)
	$(KVM_CC) $(KVM_CFLAGS) -iquote kernel-runtime/core -MMD -MP -c $< -o $@

$(KVM_LIB): $(KVM_OBJ)
	@rm -f $@
	ar rcs $@ $^

# The core's pieces the test image needs: ksyms.o, which the platform calls
# (the crash dump's names), and cmdline.o (the test kernel's decoding).
KVM_TEST_CORE_OBJ := build/kernel/core/ksyms.o build/kernel/core/cmdline.o

$(KVM_TEST_IMAGE): $(KVM_OBJ) $(KVM_TEST_OBJ) $(KVM_TEST_CORE_OBJ) $(KVM_DIR)/link.ld
	$(KVM_LD) -nostdlib -static -T $(KVM_DIR)/link.ld -z max-page-size=4096 \
		-z noexecstack -o $@ $(KVM_OBJ) $(KVM_TEST_OBJ) $(KVM_TEST_CORE_OBJ)

KERNEL_TARGETS += $(KVM_LIB) $(KVM_TEST_IMAGE)
KERNEL_TEST_DEPS += $(KVM_TEST_IMAGE)
# Joined with &&: core.mk (included first) may have added its own command.
KERNEL_TEST_CMD := $(if $(strip $(KERNEL_TEST_CMD)),$(KERNEL_TEST_CMD) &&) \
	REWIRE=$(abspath $(REWIRE)) bash tests/kernel/run.sh $(KVM_TEST_IMAGE)

-include $(KVM_OBJ:.o=.d) $(KVM_TEST_OBJ:.o=.d)
