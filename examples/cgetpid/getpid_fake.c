//go:build ignore

/* The process ID that examples/cgetpid's test expects. The line above keeps
 * go test from taking this file for cgo source (see examples/cfunc/fakes.c). */
#include "rewire.h"

REWIRE_FROM(fake_getpid, "os.Getpid", ABIInternal, "func() int");
long fake_getpid(void)
{
	return 4242;
}
