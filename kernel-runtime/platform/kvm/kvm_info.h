/*
 * What the KVM platform offers beyond include/platform.h: facts about the
 * machine it found (clock sources, timer mode, boot times), its log and
 * direct interrupt control. For test kernels and diagnostics; the core
 * uses platform.h only.
 */
#ifndef REWIRE_KVM_INFO_H
#define REWIRE_KVM_INFO_H

#include <stdint.h>

#include "platform.h"

/* The TSC frequency, and where it came from: "cpuid-15h", "kvmclock" or
 * "pit". */
uint64_t kvm_tsc_hz(void);
const char *kvm_tsc_source(void);
/* Where the boot wall time came from: "kvmclock", "cmos-rtc", or "none"
 * (then platform_wall_ns counts from 0, and a warning was logged). */
const char *kvm_wall_source(void);
/* "tsc-deadline" or "lapic-oneshot". */
const char *kvm_timer_mode(void);
/* Timer interrupts this CPU has taken. */
uint64_t kvm_timer_ticks(void);
/* The extended-state components enabled in XCR0 (0x3: FXSAVE only), and
 * the instruction saving them: "xsaveopt", "xsave" or "fxsave". */
uint64_t kvm_xsave_features(void);
const char *kvm_xsave_method(void);
/* The CPUID vendor string ("GenuineIntel", "AuthenticAMD"...). */
const char *kvm_cpu_vendor(void);
/* By the TSC: from the VM's start to the PVH entry's first instruction
 * (QEMU starts the TSC at 0: this is the firmware's and loader's time),
 * from there to platform_main, and from there to kernel_main (the
 * platform's setup). */
void kvm_boot_times(uint64_t *start_to_entry_ns, uint64_t *entry_to_main_ns,
		    uint64_t *setup_ns);

/* Formatted output on the console's stdout stream (platform_printf
 * writes to stderr): for test kernels, whose results are their output. */
void kvm_printf_stdout(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

void kvm_irq_enable(void);
void kvm_irq_disable(void);

/* Resumes a context: loads every register of *regs, RFLAGS, RSP and jumps
 * to regs->rip (cs and ss as platform_regs_init sets them). Call with
 * interrupts disabled; *regs must stay valid until the jump. */
void platform_resume(const struct platform_regs *regs)
	__attribute__((noreturn));

#endif
