/*
 * Linux's signal ABI on x86-64, as Linux lays it out in memory: the
 * siginfo, the alternate stack (stack_t), the register context and the
 * ucontext a handler receives. The core builds them for the program's
 * handlers; the hosted platform reads the ones its host builds for it.
 */
#ifndef REWIRE_LINUX_SIGNAL_H
#define REWIRE_LINUX_SIGNAL_H

#include <stdint.h>

struct linux_siginfo {
	int32_t signo, errno_, code, pad;
	union {
		struct {
			int32_t pid;
			uint32_t uid;
		} kill;
		uint64_t addr;
	} u;
	uint8_t rest[104];
};

/* stack_t */
struct linux_stack {
	uint64_t sp;
	int32_t flags;
	int32_t pad;
	uint64_t size;
};

/* struct sigcontext */
struct linux_sigcontext {
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, rflags;
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2;
	uint64_t fpstate; /* the saved FPU/SIMD state (xsave layout) */
	uint64_t reserved[8];
};

struct linux_ucontext {
	uint64_t flags, link;
	struct linux_stack stack;
	struct linux_sigcontext mcontext;
	uint64_t sigmask;
};

_Static_assert(sizeof(struct linux_siginfo) == 128, "siginfo_t");
_Static_assert(sizeof(struct linux_sigcontext) == 256, "struct sigcontext");
_Static_assert(__builtin_offsetof(struct linux_ucontext, mcontext) == 40,
	       "uc_mcontext, where Go's runtime reads it");

#endif
