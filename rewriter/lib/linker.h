/* Linking freestanding C objects at a fixed address against a Go binary's symbols, with GNU ld. */
#ifndef REWIRE_LINKER_H
#define REWIRE_LINKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "gobin.h"

/*
 * How the C side must be built:
 *
 *   gcc -c -O2 -ffreestanding -fno-pic -mno-red-zone -fno-stack-protector
 *
 * -ffreestanding: there is no libc; nothing but the given objects is linked.
 * -mno-red-zone: the code may run where a signal or interrupt frame is pushed
 *   right below its stack pointer (on the kernel's stack or the Go thread's),
 *   which would overwrite a red zone.
 * -fno-stack-protector: the canary lives at %fs:0x28, and %fs belongs to the
 *   Go runtime (its TLS), not to a C library.
 * -fno-pic: preferred, direct references. PIC objects link too (ld fills the
 *   GOT at link time; it lands in the data segment), but cost an indirection.
 * None of these can be checked reliably in an object, so they are not.
 *
 * Not supported, refused by ld with a message naming the object:
 * thread-local storage (.tdata/.tbss), constructors (.init_array, .ctors:
 * nothing would run them), ifuncs (they need run-time relocations).
 * .eh_frame, .comment, .note.GNU-stack, .note.gnu.property and debug
 * sections are discarded: Go's unwinder never reads C unwind tables and the
 * C code has no exceptions. Other .note* sections are kept in rodata.
 *
 * Go symbols the C code may reference, as absolute symbols:
 *  - every function gobin lists, under the name gobin gives it
 *    ("runtime.nanotime1.abi0", "time.Now", "runtime.asmcgocall") and under
 *    the other spelling of ".abi0" ("runtime.nanotime1"), resolved as
 *    gobin_find_func resolves it, so a stripped binary offers the same names;
 *  - when the binary has a .symtab, its data and bss symbols ("runtime.m0").
 * C cannot spell these names: declare them with an asm label,
 *   extern char go_m0[] __asm__("runtime.m0");
 * A name holding '"' cannot be written in a linker script and is left out.
 * A C definition wins over a Go symbol of the same name (they are offered
 * with PROVIDE).
 *
 * Archives are searched as ld searches them (a member is linked when it
 * defines something needed), and every C function named by a redirect
 * record of any member counts as needed.
 */

/*
 * Redirect records. A C object asks for a Go function to be redirected to
 * one of its functions by putting, in a section named .rewire.redirects
 * (flags "a", alignment 1), the NUL-terminated string
 *
 *   "FROM ABI C_FUNCTION[ GO_SIGNATURE]"
 *
 * FROM is the Go linker name ("runtime.nanotime1", "time.Now"), ABI is
 * ABIInternal or ABI0, C_FUNCTION the C symbol; words are separated by one
 * or more blanks and everything after the third word is the Go signature
 * ("func() int64"), possibly empty. For example
 *
 *   __asm__(".pushsection .rewire.redirects,\"a\"\n"
 *           "\t.asciz \"runtime.nanotime1 ABI0 c_nanotime1 func() int64\"\n"
 *           "\t.popsection");
 *
 * which kernel-runtime's rewire.h wraps as REWIRE_FROM. A record must sit in
 * an object that is linked: in an archive, next to its C function.
 * FROM is checked for spelling only: whether the binary has it is the
 * planner's call (one C library may carry records for several Go versions).
 */

struct linked_segment {
	uint64_t addr;		/* page-aligned */
	uint32_t flags;		/* PF_R | PF_W | PF_X */
	uint8_t *bytes;		/* filesz bytes */
	size_t filesz;
	size_t memsz;		/* > filesz: the rest is bss, zero */
	char *name;		/* ".rewire.c.text", ".rewire.c.rodata", ".rewire.c.data" */
};

struct linked_symbol {
	char *name;
	uint64_t addr;
	uint64_t size;
	bool is_func;		/* STT_FUNC, or an untyped global in code */
	bool is_global;		/* global or weak; static ones may repeat */
};

struct linked_redirect {
	char *from;		/* Go linker name */
	char *abi;		/* "ABIInternal" or "ABI0" */
	char *to;		/* C function */
	char *signature;	/* Go signature text, "" when the record has none */
	uint64_t to_addr;
	char *object;		/* the input that holds the record, for messages */
};

struct linked_image {
	struct linked_segment *segments;	/* by address */
	size_t nsegments;
	struct linked_symbol *symbols;		/* the C code's, not the Go ones */
	size_t nsymbols;
	struct linked_redirect *redirects;	/* exact repeats merged */
	size_t nredirects;
	uint64_t end;		/* first free page-aligned address after the image */
};

/*
 * Links inputs (paths of ELF64 x86-64 relocatable objects or ar archives)
 * against bin's symbols, text first at base (page-aligned; the caller puts it
 * after the Go binary's last segment, within 2 GB of its text so that 32-bit
 * relocations reach), rodata and data+bss each from the next page. Runs `ld`
 * from PATH (or the program the REWIRE_LD environment variable names) in a
 * temporary directory that is removed before returning.
 *
 * Fails, with err naming the file and the symbol, for: an input that is
 * missing or not an x86-64 object/archive; a PIE Go binary (fixed addresses
 * would move); undefined and duplicate symbols; relocations that do not
 * reach; unsupported sections; a malformed or unresolvable redirect record;
 * an image overlapping the Go binary's segments. On failure out is empty.
 */
int linker_link(struct linked_image *out, const struct gobin *bin,
		const char *const *inputs, size_t ninputs, uint64_t base,
		struct rw_error *err);

/* Address of a C symbol of the image (a global one if several share the
 * name), 0 if absent. */
uint64_t linker_symbol_addr(const struct linked_image *img, const char *name);

/* The symbol called name (global preferred), or NULL. */
const struct linked_symbol *linker_symbol(const struct linked_image *img,
					  const char *name);

void linked_image_free(struct linked_image *img);

#endif
