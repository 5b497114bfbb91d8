/* An assembly (ABI0) function without a signature: DWARF has none. */
#include "rewire.h"

REWIRE_FROM(c_nanotime_nosig, "runtime.nanotime1", ABI0, "");
long c_nanotime_nosig(void)
{
	return 0;
}
