/*
 * Declaring, next to a C function, which Go function it replaces.
 *
 *   REWIRE_FROM(c_getpid, "os.Getpid", ABIInternal, "func() int");
 *   long c_getpid(void) { return 4242; }
 *
 * `rewire patch --link obj.o` reads these records from the object's
 * .rewire.redirects section, generates an ABI stub from the Go signature and
 * makes the Go function's entry jump to it. The signature is the Go one,
 * written as Go source would; for ABIInternal functions it may be "" when
 * the binary has DWARF (rewire reads it there), ABI0 (assembly) functions
 * always need it.
 *
 * C parameters follow the Go words in order: integers, pointers and bools
 * as integer types of the same width, float32/float64 as float/double, a
 * string as (const char *, long), a slice as (void *, long, long). One or
 * two result words come back as the C return value (two: a struct of two
 * members).
 */
#ifndef REWIRE_H
#define REWIRE_H

#define REWIRE_FROM(c_function, go_symbol, abi, go_signature)              \
	__asm__(".pushsection .rewire.redirects,\"a\"\n\t"                  \
		".asciz \"" go_symbol " " #abi " " #c_function " "            \
		go_signature "\"\n\t.popsection")

#endif
