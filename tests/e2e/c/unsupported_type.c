/* A Go parameter type the stubs do not carry (complex128). */
#include "rewire.h"

REWIRE_FROM(c_complex, "main.ints", ABIInternal, "func(c complex128) int64");
long c_complex(void)
{
	return 0;
}
