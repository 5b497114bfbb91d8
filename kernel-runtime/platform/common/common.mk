# What every platform builds with, and the code they share (included by the
# top Makefile before the platforms' platform.mk).
#   PLATFORM_CFLAGS      freestanding flags of platform code
#   PLATFORM_COMMON_OBJ  common/*.c, linked into each platform's archive

PLATFORM_CC ?= gcc
PLATFORM_LD ?= ld
COMMON_DIR := kernel-runtime/platform/common
# Freestanding, no red zone (an interrupt must not clobber below RSP), no
# SSE/AVX in kernel code (the program's vector registers stay as they were
# across syscalls and interrupts), no loop-to-memcpy rewriting (string.c
# would call itself), frame pointers for the crash dump's walk.
PLATFORM_CFLAGS := -std=gnu11 -O2 -g -ffreestanding -fno-pic -fno-pie \
	-mno-red-zone -mgeneral-regs-only -mcmodel=small -fno-stack-protector \
	-fno-asynchronous-unwind-tables -fno-omit-frame-pointer \
	-fno-tree-loop-distribute-patterns -nostdlib \
	-Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-I$(COMMON_DIR) -Ikernel-runtime/include

PLATFORM_COMMON_SRC := $(sort $(wildcard $(COMMON_DIR)/*.c))
PLATFORM_COMMON_OBJ := $(PLATFORM_COMMON_SRC:%.c=build/kernel/%.o)

$(PLATFORM_COMMON_OBJ): build/kernel/%.o: %.c
	@mkdir -p $(dir $@)
	$(PLATFORM_CC) $(PLATFORM_CFLAGS) -MMD -MP -c $< -o $@

-include $(PLATFORM_COMMON_OBJ:.o=.d)
