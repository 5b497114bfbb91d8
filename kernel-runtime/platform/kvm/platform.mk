# The KVM platform (PVH boot under QEMU microvm) and its test kernel.
# Included by the top Makefile; objects go under build/kernel/.
#   build/kernel/platform-kvm.a     the platform, for linking with the core
#   build/kernel/platform-kvm.ld    its layout in a rewire image
#   build/kernel/platform-test.elf  a PVH image: the platform and the test
#                                   kernel of tests/kernel/ (run.sh boots it)

KVM_DIR := kernel-runtime/platform/kvm
KVM_OUT := build/kernel
KVM_CC ?= $(PLATFORM_CC)
KVM_LD ?= $(PLATFORM_LD)
KVM_CFLAGS := $(PLATFORM_CFLAGS) -I$(KVM_DIR)

KVM_SRC := $(sort $(wildcard $(KVM_DIR)/*.c $(KVM_DIR)/*.S))
KVM_OBJ := $(patsubst %,$(KVM_OUT)/%.o,$(basename $(KVM_SRC)))
KVM_TEST_SRC := $(sort $(wildcard tests/kernel/*.c))
KVM_TEST_OBJ := $(KVM_TEST_SRC:%.c=$(KVM_OUT)/%.o)
KVM_LIB := $(KVM_OUT)/platform-kvm.a
KVM_IMAGE_LD := $(KVM_OUT)/platform-kvm.ld
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

$(KVM_LIB): $(KVM_OBJ) $(PLATFORM_COMMON_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(KVM_IMAGE_LD): $(KVM_DIR)/image.ld
	@mkdir -p $(dir $@)
	cp $< $@

# The core's pieces the test image needs: ksyms.o, which the platform calls
# (the crash dump's names), and cmdline.o (the test kernel's decoding).
KVM_TEST_CORE_OBJ := build/kernel/core/ksyms.o build/kernel/core/cmdline.o
# The doors enter the core's kcore_redirect: not for a kernel without it.
KVM_TEST_PLATFORM_OBJ := $(filter-out %/door.o,$(KVM_OBJ))

$(KVM_TEST_IMAGE): $(KVM_TEST_PLATFORM_OBJ) $(PLATFORM_COMMON_OBJ) $(KVM_TEST_OBJ) $(KVM_TEST_CORE_OBJ) $(KVM_DIR)/link.ld
	$(KVM_LD) -nostdlib -static -T $(KVM_DIR)/link.ld -z max-page-size=4096 \
		-z noexecstack -o $@ $(KVM_TEST_PLATFORM_OBJ) $(PLATFORM_COMMON_OBJ) $(KVM_TEST_OBJ) $(KVM_TEST_CORE_OBJ)

KERNEL_TARGETS += $(KVM_LIB) $(KVM_IMAGE_LD) $(KVM_TEST_IMAGE)
KERNEL_TEST_DEPS += $(KVM_TEST_IMAGE)
# Joined with &&: core.mk (included first) may have added its own command.
KERNEL_TEST_CMD := $(if $(strip $(KERNEL_TEST_CMD)),$(KERNEL_TEST_CMD) &&) \
	REWIRE=$(abspath $(REWIRE)) bash tests/kernel/run.sh $(KVM_TEST_IMAGE)

-include $(KVM_OBJ:.o=.d) $(KVM_TEST_OBJ:.o=.d)
