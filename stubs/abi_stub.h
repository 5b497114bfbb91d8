/* ABI stubs: assembly that lets a Go function's callers reach a C function. */
#ifndef REWIRE_ABI_STUB_H
#define REWIRE_ABI_STUB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "dwarf_info.h"
#include "error.h"

/* How one machine word of an argument or result travels. */
enum abi_word_class {
	ABI_INT,	/* integer register / 8-byte stack slot (ints, pointers, bool) */
	ABI_F32,	/* float32 in the low half of an XMM register */
	ABI_F64,	/* float64 in an XMM register */
};

struct abi_word {
	enum abi_word_class cls;
	unsigned size;		/* bytes the Go value occupies: 1, 2, 4 or 8 */
	unsigned offset;	/* ABI0 only: offset in the argument frame */
};

#define ABI_MAX_PARAM_WORDS 15
#define ABI_MAX_RESULT_WORDS 2

/* A Go signature reduced to words, in order. */
struct abi_sig {
	struct abi_word params[ABI_MAX_PARAM_WORDS];
	size_t nparams;
	struct abi_word results[ABI_MAX_RESULT_WORDS];
	size_t nresults;
	unsigned frame_size;	/* ABI0: bytes of arguments and results */
};

/* Reads a Go signature as Go source writes it: "func(a int, s string)
 * (float64, error)" or without names "func(int64, *uint32) int32".
 * Types: [u]int{,8,16,32,64}, uintptr, bool, float32, float64, pointers,
 * unsafe.Pointer, string, slices, map/chan/func (one pointer), error and
 * interfaces (two words). Structs, arrays and complex numbers are refused. */
int abi_sig_parse(const char *text, struct abi_sig *out, struct rw_error *err);

/* The same from a DWARF signature (dwarf_info_func_signature). */
int abi_sig_from_go(const struct go_signature *sig, struct abi_sig *out,
		    struct rw_error *err);

/*
 * Writes GNU as source (Intel syntax) for one stub: a function named stub
 * that FROM's entry jumps to. It takes FROM's arguments the Go way
 * (ABIInternal registers, or the ABI0 stack frame when abi0), stores them in
 * a block on the goroutine stack, and calls runtime.asmcgocall.abi0 (Go's
 * own cgo path: it switches to the thread's g0 stack unless already on a
 * system stack, and aligns it) with a shim that loads the block into
 * System V registers and calls c_function. Results travel back the same
 * way; R14 (g) is kept and X15 re-zeroed for ABIInternal callers.
 * Fails when the words do not fit the registers of either convention.
 */
int abi_stub_emit(FILE *out, const char *stub, const char *c_function,
		  bool abi0, const struct abi_sig *sig, struct rw_error *err);

/*
 * Writes GNU as source for the reverse direction: a System V function name
 * that C calls to run a Go function's original code. It moves the C
 * arguments into Go's registers (or ABI0 frame), loads g into R14 and zero
 * into X15, calls the address stored in the 8-byte slot "name.slot" (which
 * rewire fills once the original code's place is known) and returns the Go
 * results the System V way. Callee-saved registers are preserved.
 */
int abi_original_emit(FILE *out, const char *name, bool abi0,
		      const struct abi_sig *sig, struct rw_error *err);

#endif
