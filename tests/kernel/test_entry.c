/* Ways into the kernel: the SYSCALL round trip (arguments, result,
 * preserved registers, flags, stacks) and exceptions a hook handles. */
#include "ktest.h"

struct expected_fault expected_fault;

static int fault_hook(struct platform_regs *regs, uint64_t address)
{
	struct expected_fault *f = &expected_fault;
	f->vector = regs->vector;
	f->error = regs->error;
	f->address = address;
	f->count++;
	if (regs->vector == 3) /* int3 is a trap: rip is already past it */
		return 1;
	if (f->emulate_ret) { /* a fetch fault: return to the caller */
		regs->rip = *(uint64_t *)regs->rsp;
		regs->rsp += 8;
		return 1;
	}
	if (f->skip) {
		regs->rip += f->skip;
		return 1;
	}
	return 0;
}

void expect_faults(int skip, int emulate_ret)
{
	expected_fault = (struct expected_fault){ .skip = skip,
						  .emulate_ret = emulate_ret };
	platform_set_exception_hook(fault_hook);
}

void expect_no_faults(void)
{
	platform_set_exception_hook(0);
}

/* --- syscall --- */

static struct platform_regs seen;
static volatile uint64_t seen_flags, seen_local;

static long syscall_hook(struct platform_regs *regs)
{
	int local;
	seen = *regs;
	seen_flags = platform_irq_save();
	seen_local = (uint64_t)&local;
	return (long)(regs->rdi + regs->rsi + regs->rdx + regs->r10 +
		      regs->r8 + regs->r9 + regs->rax);
}

struct syscall_result {
	uint64_t ret, rcx, r11, rsp, rip, rbx, r12, r13, r14, r15;
};

static struct syscall_result do_syscall(uint64_t nr)
{
	struct syscall_result s;
	register uint64_t r10 __asm__("r10") = 4;
	register uint64_t r8 __asm__("r8") = 5;
	register uint64_t r9 __asm__("r9") = 6;
	register uint64_t r11 __asm__("r11");
	register uint64_t r12 __asm__("r12") = 0x1212;
	register uint64_t r13 __asm__("r13") = 0x1313;
	register uint64_t r14 __asm__("r14") = 0x1414;
	register uint64_t r15 __asm__("r15") = 0x1515;
	uint64_t rbx = 0xbbbb, rax = nr, rcx;
	__asm__ volatile("movq %%rsp, %[sp]\n\t"
			 "movq $1f, %[ip]\n\t"
			 "syscall\n"
			 "1:"
			 : "+a"(rax), "=c"(rcx), "=r"(r11), [sp] "=m"(s.rsp),
			   [ip] "=m"(s.rip), "+b"(rbx), "+r"(r10), "+r"(r8),
			   "+r"(r9), "+r"(r12), "+r"(r13), "+r"(r14),
			   "+r"(r15)
			 : "D"(1), "S"(2), "d"(3)
			 : "memory");
	s.ret = rax;
	s.rcx = rcx;
	s.r11 = r11;
	s.rbx = rbx;
	s.r12 = r12;
	s.r13 = r13;
	s.r14 = r14;
	s.r15 = r15;
	return s;
}

static uint8_t thread_stack[16384] __attribute__((aligned(16)));

void test_syscall(void)
{
	platform_set_syscall_hook(syscall_hook);
	kvm_irq_enable();
	struct syscall_result r = do_syscall(100);
	uint64_t flags_after = platform_irq_save();

	check(r.ret == 100 + 1 + 2 + 3 + 4 + 5 + 6,
	      "syscall: return value arrives in rax", "wrong rax");
	check(seen.rax == 100 && seen.rdi == 1 && seen.rsi == 2 &&
		      seen.rdx == 3 && seen.r10 == 4 && seen.r8 == 5 &&
		      seen.r9 == 6 && seen.vector == PLATFORM_VECTOR_SYSCALL,
	      "syscall: hook sees number and six arguments", "wrong arguments");
	check(seen.rsp == r.rsp && seen.rip == r.rip,
	      "syscall: hook sees caller's rsp and return rip", "wrong rsp/rip");
	check(r.rcx == r.rip && r.r11 == seen.rflags,
	      "syscall: rcx holds the return address, r11 the flags",
	      "rcx or r11 differs");
	check(r.rbx == 0xbbbb && r.r12 == 0x1212 && r.r13 == 0x1313 &&
		      r.r14 == 0x1414 && r.r15 == 0x1515,
	      "syscall: rbx, r12-r15 preserved", "a register changed");
	check(!(seen_flags & (1 << 9)) && (seen.rflags & (1 << 9)) &&
		      (flags_after & (1 << 9)),
	      "syscall: hook runs with interrupts off, caller's IF restored",
	      "wrong interrupt flag");
	check(seen_local > r.rsp || seen_local < r.rsp - 65536,
	      "syscall: hook runs on the syscall stack, not the caller's",
	      "hook ran on the caller's stack");

	platform_set_syscall_stack(thread_stack + sizeof(thread_stack));
	r = do_syscall(7);
	check(r.ret == 7 + 21 && seen_local > (uint64_t)thread_stack &&
		      seen_local < (uint64_t)thread_stack + sizeof(thread_stack),
	      "syscall: platform_set_syscall_stack moves the hook's stack",
	      "hook not on the stack set");

	platform_set_syscall_hook(0);
	r = do_syscall(1);
	check((long)r.ret == -38, "syscall: no hook gives -ENOSYS",
	      "wrong result");
}

/* --- exceptions --- */

void test_exceptions(void)
{
	expect_faults(0, 0);
	__asm__ volatile("int3");
	check(expected_fault.vector == 3 && expected_fault.count == 1,
	      "exception hook: #BP handled and resumed", "hook not called");

	expect_faults(3, 0);
	uint64_t p = 0x500000000000;
	load3((void *)p);
	check(expected_fault.vector == 14 && expected_fault.address == p &&
		      !(expected_fault.error & PLATFORM_PF_PRESENT),
	      "exception hook: #PF with the fault address", "no");

	/* The first 64 KiB are unmapped: Go's nil checks rely on it. */
	expect_faults(3, 0);
	load3((void *)0x18);
	check(expected_fault.vector == 14 && expected_fault.address == 0x18,
	      "exception hook: a nil pointer faults", "page 0 is mapped");
	expect_no_faults();
}
