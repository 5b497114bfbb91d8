/* The platform test kernel's shared parts: result lines, expected faults,
 * and the tests each file runs. */
#ifndef KTEST_H
#define KTEST_H

#include "kvm_info.h"

/* Prints "ok   NAME" or "FAIL NAME: WHY" (and counts the failure). */
void check(int ok, const char *name, const char *why);

/* The faults a test provokes on purpose: the hook records the last one
 * and resumes after skip bytes (the faulting instruction's length), or,
 * for an instruction fetch, as if the called function returned. */
struct expected_fault {
	volatile uint64_t vector, error, address;
	volatile int count;
	int skip;
	int emulate_ret;
};
extern struct expected_fault expected_fault;
void expect_faults(int skip, int emulate_ret);
void expect_no_faults(void);

/* 3-byte loads and stores, for faults the hook skips. */
static inline uint64_t load3(const void *p)
{
	uint64_t v = 0;
	__asm__ volatile("movq (%1), %0" : "+a"(v) : "D"(p) : "memory");
	return v;
}

static inline void store3(void *p, uint64_t v)
{
	__asm__ volatile("movq %0, (%1)" : : "a"(v), "D"(p) : "memory");
}

void test_xsave(void);
void test_cpu_state(void);
void test_timer(void);
void test_syscall(void);
void test_exceptions(void);
void test_paging(void);
void test_switch(void);
void test_initrd(void);
void frames_init(void);
extern long frames_in_use;

#endif
