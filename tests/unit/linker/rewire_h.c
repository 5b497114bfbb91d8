/* Records made by kernel-runtime's REWIRE_FROM, the header C users include. */
#include "rewire.h"

REWIRE_FROM(c_now, "time.Now", ABIInternal, "");
long c_now(void)
{
	return 1;
}

REWIRE_FROM(c_nano, "runtime.nanotime1", ABI0, "func() int64");
long c_nano(void)
{
	return 2;
}
