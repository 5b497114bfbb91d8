/* Calls a function nothing defines: linking must fail naming it. */
#include "rewire.h"

long missing_function(long);

REWIRE_FROM(c_ints_undefined, "main.ints", ABIInternal, "");
long c_ints_undefined(long a)
{
	return missing_function(a);
}
