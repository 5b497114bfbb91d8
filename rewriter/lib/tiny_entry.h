/* Entry jumps for functions shorter than a jmp rel32: a short jump into the
 * function's own INT3 padding, where the jmp rel32 sits. */
#ifndef REWIRE_TINY_ENTRY_H
#define REWIRE_TINY_ENTRY_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "gobin.h"

#define TINY_SHORT_JMP_LEN 2	/* eb rel8 */
#define TINY_JMP_LEN 5		/* e9 rel32, in the padding */
#define TINY_MAX_TABLES 16	/* pcsp, pcfile, pcln and the pcdata tables */
#define TINY_VARINT_MAX 5

/* New bytes for one pc-value table of the function in .gopclntab: its last
 * pc delta, lengthened over the jmp rel32 in the padding. */
struct tiny_table_patch {
	uint64_t addr;
	uint8_t bytes[TINY_VARINT_MAX];
	size_t len;
};

/*
 * How a function of 2 to 4 bytes is redirected:
 *
 *   entry:          eb rel8         jmp entry+size
 *   entry+2..size:  (left as is; nothing reaches them)
 *   entry+size:     e9 rel32        jmp TARGET, in the INT3 padding
 *
 * plus the function's pc-value tables lengthened by 5 bytes so that they
 * cover the jump in the padding (see tiny_entry.c for why the runtime
 * needs that).
 */
struct tiny_entry {
	uint64_t pad_addr;			/* entry + size: the jmp rel32 */
	uint8_t short_jmp[TINY_SHORT_JMP_LEN];	/* for the entry */
	struct tiny_table_patch tables[TINY_MAX_TABLES];
	size_t ntables;
};

/* Checks the room after a function of size bytes called name: after[0..room)
 * are the bytes from its end up to next, whatever starts there (a phrase
 * such as "function main.main"). They must all be INT3 (0xCC), Go's linker
 * padding, and at least TINY_JMP_LEN. Fails with a message naming the
 * function, its size and why. */
int tiny_padding_check(const char *name, uint64_t size, const uint8_t *after,
		       uint64_t room, const char *next, struct rw_error *err);

/* Plans the short-jump entry of fn (2 <= size < 5) in bin: checks its
 * padding (tiny_padding_check) and its pclntab record, and fills out. The
 * caller still vets branches into the first TINY_SHORT_JMP_LEN bytes and
 * writes the jmp rel32 at out->pad_addr. */
int tiny_entry_plan(const struct gobin *bin, const struct gofunc *fn,
		    struct tiny_entry *out, struct rw_error *err);

#endif
