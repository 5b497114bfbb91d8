/* The process ID that examples/cgetpid's test expects. */
#include "rewire.h"

REWIRE_FROM(fake_getpid, "os.Getpid", ABIInternal, "func() int");
long fake_getpid(void)
{
	return 4242;
}
