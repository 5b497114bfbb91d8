/* A record with an ABI that does not exist. */
#include "rewire.h"

REWIRE_FROM(c_bad_abi, "main.ints", ABI1, "");
long c_bad_abi(void)
{
	return 0;
}
