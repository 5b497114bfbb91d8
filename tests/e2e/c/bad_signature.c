/* A signature that contradicts DWARF's for main.ints. */
#include "rewire.h"

REWIRE_FROM(c_bad_signature, "main.ints", ABIInternal, "func(a int) int");
long c_bad_signature(long a)
{
	return a;
}
