//go:build ignore

/* C sides of tests/cabi: each checks its arguments and answers. The line
 * above keeps go build from taking this file for cgo source. */
#include <stdbool.h>
#include <stdint.h>

#include "rewire.h"

REWIRE_FROM(c_ints, "main.ints", ABIInternal, "");
int64_t c_ints(long a, int8_t b, int16_t c, int32_t d, uint8_t e, bool f)
{
	return a + b * 10 + c * 100 + (int64_t)d * 1000 + e * 3 + f;
}

REWIRE_FROM(c_pointer, "main.pointer", ABIInternal, "");
int64_t c_pointer(int64_t *p, void *q)
{
	if ((void *)p != q)
		return -1;
	return (*p)++;
}

REWIRE_FROM(c_floats, "main.floats", ABIInternal, "");
double c_floats(float a, double b, float c)
{
	return a * 2 + b * 3 + c * 4;
}

REWIRE_FROM(c_f32, "main.f32", ABIInternal, "");
float c_f32(float x)
{
	return x * x;
}

REWIRE_FROM(c_str_in, "main.strIn", ABIInternal, "");
long c_str_in(const char *s, long len)
{
	return len * 1000 + s[0];
}

struct go_string {
	const char *p;
	long len;
};

REWIRE_FROM(c_str_out, "main.strOut", ABIInternal, "");
struct go_string c_str_out(long n)
{
	static const char abc[] = "abcdefgh";

	return (struct go_string){ abc, n };
}

REWIRE_FROM(c_slice_in, "main.sliceIn", ABIInternal, "");
int64_t c_slice_in(const int64_t *xs, long len, long cap)
{
	int64_t sum = 0;

	for (long i = 0; i < len; i++)
		sum += xs[i];
	return sum * 100 + len * 10 + cap;
}

struct int_double {
	long a;
	double b;
};

REWIRE_FROM(c_pair, "main.pair", ABIInternal, "");
struct int_double c_pair(long a, double b)
{
	return (struct int_double){ a * 2, b * 3 };
}

REWIRE_FROM(c_mixed, "main.mixed", ABIInternal, "");
int64_t c_mixed(long a, double x, const char *s, long len, bool b, float y, int32_t n)
{
	(void)s;
	return a + (int64_t)(x * 10) + len + b + (int64_t)(y * 100) + n;
}

REWIRE_FROM(c_err_in, "main.errIn", ABIInternal, "");
long c_err_in(void *itab, void *data)
{
	(void)data;
	return itab != 0;
}

/* The replacement adds to what Go's own scaled computes. */
REWIRE_ORIGINAL(go_scaled, "main.scaled", ABIInternal, "func(x int, f float64) float64");
double go_scaled(long x, double f);

REWIRE_FROM(c_scaled, "main.scaled", ABIInternal, "");
double c_scaled(long x, double f)
{
	return go_scaled(x, f) + 1000;
}
