/* The executable code of a binary as units to decode: functions, rewire's
 * trampolines, the padding and the gaps between them, and the original
 * bytes under rewire's patches. */
#ifndef REWIRE_CODE_MAP_H
#define REWIRE_CODE_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "elf_image.h"
#include "error.h"
#include "gobin.h"
#include "rewire_note.h"

/*
 * Decoding a function linearly from its entry to its end finds its
 * instructions exactly when code and data do not mix: Go puts no data in
 * .text and fills the room between functions with INT3, C compilers fill
 * it with NOPs. The map says which bytes of the executable sections are
 * such units, so that nothing is decoded from a guessed start and every
 * byte left over is named.
 */

/* Where a unit's code comes from. */
enum code_origin {
	CODE_ORIGIN_GO,		/* a function of the Go program: the pclntab knows it */
	CODE_ORIGIN_ADDED,	/* code rewire linked in (C, stubs, a kernel),
				   named by .symtab */
	CODE_ORIGIN_TRAMPOLINE,	/* a trampoline running a function's original
				   first instructions (patch --original) */
};

/* A stretch of code that decodes as one, from its entry to its end. */
struct code_unit {
	const char *name;	/* a trampoline's is the function it belongs to */
	uint64_t entry;
	uint64_t size;
	enum code_origin origin;
	const struct elf_section *section;
};

#define CODE_GAP_DETAIL_MAX 256

/* Bytes of an executable section that no unit covers and that are not
 * padding (INT3, NOPs). */
struct code_gap {
	uint64_t addr;
	uint64_t size;
	const struct elf_section *section;
	const char *before;	/* the unit before them, NULL if none */
	/* The symbols without a size inside (assembly labels: code whose end
	 * nobody recorded), "" if none. */
	char labels[CODE_GAP_DETAIL_MAX];
};

struct code_map {
	struct code_unit *units;	/* by entry; exact aliases kept once */
	size_t nunits;
	struct code_gap *gaps;		/* by address */
	size_t ngaps;
	size_t trampolines;		/* units that are trampolines */
	struct rewire_note note;	/* rewired binaries: patches, trampolines */
	bool has_note;
};

/* Maps the executable sections of bin: its functions (the Go model, so
 * .symtab, or .gopclntab when stripped; .symtab names code rewire added),
 * the trampolines its .note.rewire records, and the gaps left. Names and
 * sections point into bin (keep it open) or m. Fails (err naming the
 * file) when bin has no executable section, a unit runs past its section,
 * the note is unreadable, or memory runs out. code_map_free(m) either
 * way. */
int code_map_build(struct code_map *m, const struct gobin *bin,
		   struct rw_error *err);

void code_map_free(struct code_map *m);

/* The unit that holds addr, its entry included, or NULL. */
const struct code_unit *code_map_unit_at(const struct code_map *m, uint64_t addr);
/* The unit whose body (its entry excluded) holds addr, or NULL. */
const struct code_unit *code_map_inside(const struct code_map *m, uint64_t addr);

/* Whether a patch rewire recorded overlaps [addr, addr+len). */
bool code_map_patched(const struct code_map *m, uint64_t addr, uint64_t len);

/*
 * u's bytes as its original code had them: the file's, with the bytes of
 * every recorded patch inside u put back (a redirect's jump overwrites the
 * entry and the start of the instruction after it; decoding the patched
 * bytes linearly would run out of step with the real instructions and
 * could miss a SYSCALL behind them). Returns the file's bytes when no patch
 * touches u, else *scratch (malloc'd, free it). NULL with err set when the
 * bytes are not in the file or memory runs out.
 */
const uint8_t *code_map_original(const struct code_map *m,
				 const struct gobin *bin,
				 const struct code_unit *u, uint8_t **scratch,
				 struct rw_error *err);

#endif
