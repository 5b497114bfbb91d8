/* Built with -fstack-protector-all by the e2e test: the canary check calls
 * __stack_chk_fail, which freestanding C lacks; rewire must say which flag. */
#include "rewire.h"

REWIRE_FROM(c_protected, "main.ints", ABIInternal, "");
long c_protected(long a)
{
	volatile char buf[64];

	for (int i = 0; i < 64; i++)
		buf[i] = (char)a;
	return buf[a & 63];
}
