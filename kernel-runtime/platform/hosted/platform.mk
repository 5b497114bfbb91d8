# The hosted platform: the kernel as a plain Linux process (included by the
# top Makefile; objects go under build/kernel/).
#   build/kernel/platform-hosted.a   the platform, for linking with the core
#   build/kernel/platform-hosted.ld  its layout in a rewire image

HOSTED_DIR := kernel-runtime/platform/hosted
HOSTED_OUT := build/kernel
HOSTED_CFLAGS := $(PLATFORM_CFLAGS) -I$(HOSTED_DIR)

HOSTED_SRC := $(sort $(wildcard $(HOSTED_DIR)/*.c $(HOSTED_DIR)/*.S))
HOSTED_OBJ := $(patsubst %,$(HOSTED_OUT)/%.o,$(basename $(HOSTED_SRC)))
HOSTED_LIB := $(HOSTED_OUT)/platform-hosted.a
HOSTED_LD := $(HOSTED_OUT)/platform-hosted.ld

$(HOSTED_OUT)/$(HOSTED_DIR)/%.o: $(HOSTED_DIR)/%.c
	@mkdir -p $(dir $@)
	$(PLATFORM_CC) $(HOSTED_CFLAGS) -MMD -MP -c $< -o $@

$(HOSTED_OUT)/$(HOSTED_DIR)/%.o: $(HOSTED_DIR)/%.S
	@mkdir -p $(dir $@)
	$(PLATFORM_CC) $(HOSTED_CFLAGS) -MMD -MP -c $< -o $@

$(HOSTED_LIB): $(HOSTED_OBJ) $(PLATFORM_COMMON_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(HOSTED_LD): $(HOSTED_DIR)/image.ld
	@mkdir -p $(dir $@)
	cp $< $@

KERNEL_TARGETS += $(HOSTED_LIB) $(HOSTED_LD)

-include $(HOSTED_OBJ:.o=.d)
