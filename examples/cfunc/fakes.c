//go:build ignore

/* C answers for examples/cfunc (freestanding: no libc), linked in by
 * `rewire patch --link`. The line above keeps go build from taking it for
 * cgo source: with cgo enabled it refuses C files in a package that does
 * not import "C". */
#include "rewire.h" /* with <stdint.h> and <stdbool.h> */

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

/* The monotonic clock: C counts the call, then runs Go's own nanotime1
 * (its original code, which rewire keeps reachable through go_nanotime1). */
REWIRE_ORIGINAL(go_nanotime1, "runtime.nanotime1", ABI0, "func() int64");
int64_t go_nanotime1(void);

REWIRE_FROM(c_nanotime1, "runtime.nanotime1", ABI0, "func() int64");
int64_t c_nanotime1(void)
{
	__atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED);
	return go_nanotime1();
}

REWIRE_FROM(c_calls, "main.cCalls", ABIInternal, "func() int64");
int64_t c_calls(void)
{
	return __atomic_load_n(&calls, __ATOMIC_RELAXED);
}
