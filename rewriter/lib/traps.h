/* Every trap instruction of a binary's code (SYSCALL, SYSENTER, INT 0x80),
 * found by decoding each function from its entry to its end. */
#ifndef REWIRE_TRAPS_H
#define REWIRE_TRAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "code_map.h"
#include "disasm.h"
#include "error.h"
#include "gobin.h"

/*
 * Why decoding and not a byte search: a raw `0f 05` scan of a Go binary
 * finds 2-6 false hits inside other instructions (runtime.newosproc's
 * `movl $0x50f00,(%rsp)`). Every unit of the code map (code_map.h: the
 * functions, rewire's trampolines) is decoded linearly from its entry to
 * its end; bytes no unit covers are reported, never guessed at.
 *
 * A unit that does not decode linearly is decoded again by following its
 * branches from its entry (some Go functions jump over data): the bytes
 * no path reaches are data as long as nothing else branches or points into
 * them; else, and when that fails too, the unit is reported.
 *
 * In a rewired binary a function is decoded as its original code (the
 * bytes rewire's patches replaced put back), so that its instructions keep
 * their boundaries; an original instruction that a patch overwrote is
 * gone, and the patch's own instructions (jumps) are decoded in its place.
 */

/* One trap instruction. */
struct trap_site {
	size_t function;	/* index into traps.functions */
	uint64_t addr;		/* of the instruction */
	uint64_t offset;	/* from the function's entry */
	uint8_t len;		/* instruction bytes, prefixes included */
	enum disasm_trap kind;
	/* SYSCALL only: the number, when in the function's original code the
	 * instruction right before it loads a constant into RAX (mov eax,
	 * imm32 / mov rax, imm32) and no branch lands on the SYSCALL past
	 * that load. Otherwise the number is "from a register", set elsewhere
	 * (Syscall6: from its argument). */
	bool number_known;
	uint64_t number;
};

/* The room a redirect's jump takes at a function's entry (jmp rel32). */
#define TRAPS_ENTRY_PATCH_LEN 5

/* A function holding trap instructions, with what a check that redirects
 * its entry (REDIRECT.md §4, rule 3) needs to know. */
struct trap_function {
	const char *name;	/* a trampoline's is the function it belongs to */
	uint64_t entry;
	uint64_t size;
	enum code_origin origin;
	bool entry_patched;	/* a patch rewire recorded covers its entry */
	size_t first_site;	/* its sites are sites[first_site .. +nsites) */
	size_t nsites;
	uint64_t first_offset;	/* of its earliest trap instruction */
	/* Its own relative branches to entry+1 .. entry+4: they would land
	 * inside an entry jump. */
	size_t branches_into_entry;
	uint64_t branch_into_entry_addr;	/* the first of them */
	/* Relative branches and rip-relative addresses from other code (a
	 * trampoline included) to anywhere past its entry: they reach its
	 * trap instructions without passing the entry. */
	size_t refs_into_body;
	uint64_t ref_into_body_addr;		/* the first of them */
	uint64_t ref_into_body_target;		/* where it lands */
};

/* Why bytes of an executable section were not decoded. */
enum trap_gap_reason {
	TRAP_GAP_NO_SYMBOL,	/* no unit covers them and they are not padding */
	TRAP_GAP_UNDECODABLE,	/* a unit that does not decode from its entry */
};

/* Room for a decoding error's whole message. */
#define TRAP_GAP_DETAIL_MAX sizeof(((struct rw_error *)0)->msg)

struct trap_gap {
	uint64_t addr;
	uint64_t size;
	const char *section;	/* the executable section they lie in */
	enum trap_gap_reason reason;
	/* NO_SYMBOL: the unit before them, NULL if none; UNDECODABLE: the
	 * unit itself. */
	const char *function;
	/* NO_SYMBOL: the symbols without a size (assembly labels) inside, ""
	 * if none; UNDECODABLE: what did not decode, and where. */
	char detail[TRAP_GAP_DETAIL_MAX];
};

struct traps {
	struct trap_site *sites;	/* by address */
	size_t nsites;
	struct trap_function *functions;/* those holding sites, by entry */
	size_t nfunctions;
	struct trap_gap *gaps;		/* by address */
	size_t ngaps;
	size_t decoded;			/* units decoded, trampolines included */
	uint64_t decoded_bytes;		/* code bytes decoded in them */
	size_t trampolines;		/* trampolines among them */
	/* Units decoded by following their branches, linear decoding having
	 * failed (data after a jump); their bytes no path reaches are not
	 * counted in decoded_bytes. */
	size_t followed;
	size_t count[DISASM_TRAP_INT80 + 1];	/* sites per enum disasm_trap */
	struct code_map map;		/* what trampoline names point into */
};

/* Decodes every unit of bin's code map and fills t. Names and section
 * names point into bin (keep it open while t is used) or t. Fails (err
 * naming the file) when code_map_build does, a unit's bytes are not in the
 * file, or memory runs out; code that does not decode is a gap, not a
 * failure. traps_free(t) afterwards either way. */
int traps_scan(struct traps *t, const struct gobin *bin, struct rw_error *err);

void traps_free(struct traps *t);

/* "syscall", "sysenter", "int 0x80". */
const char *traps_kind_name(enum disasm_trap kind);
/* "go", "added", "trampoline". */
const char *traps_origin_name(enum code_origin origin);

#endif
