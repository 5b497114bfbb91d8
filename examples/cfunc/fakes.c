/* C answers for examples/cfunc (freestanding: no libc). */
#include <stdbool.h>
#include <stdint.h>

#include "rewire.h"

static volatile int64_t calls;

struct mix_result {
	long n;
	double f;
};

REWIRE_FROM(c_mix, "main.mix", ABIInternal, "func(a int, f float64, s string, b bool, x int32) (int, float64)");
struct mix_result c_mix(long a, double f, const char *s, long len, bool b, int32_t x)
{
	(void)s;
	__atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED);
	return (struct mix_result){ a + len + b + x, f * 2 };
}

/* The monotonic clock straight from the kernel (no vDSO: keep it simple). */
REWIRE_FROM(c_nanotime1, "runtime.nanotime1", ABI0, "func() int64");
int64_t c_nanotime1(void)
{
	struct { long sec, nsec; } ts;
	long ret;

	__asm__ volatile("syscall" : "=a"(ret) : "0"(228L /* clock_gettime */),
			 "D"(1L /* CLOCK_MONOTONIC */), "S"(&ts) : "rcx", "r11", "memory");
	(void)ret;
	__atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED);
	return ts.sec * 1000000000 + ts.nsec;
}

REWIRE_FROM(c_calls, "main.cCalls", ABIInternal, "func() int64");
int64_t c_calls(void)
{
	return __atomic_load_n(&calls, __ATOMIC_RELAXED);
}
