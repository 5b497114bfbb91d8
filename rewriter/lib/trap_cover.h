/* The static proof of redirect mode: every trap instruction of Go code is
 * covered by a redirect of its function's entry (REDIRECT.md §4.3). */
#ifndef REWIRE_TRAP_COVER_H
#define REWIRE_TRAP_COVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "traps.h"

/*
 * The rule, judged over what traps_scan found (nothing is decoded again).
 * A trap site in Go code (origin go) is covered when
 *  - a "redirect" record of the binary's .note.rewire has its function's
 *    entry as FROM, and a recorded patch puts the jmp rel32 to the
 *    record's TO at that entry;
 *  - the site lies at or past TRAPS_ENTRY_PATCH_LEN (the jump takes the
 *    bytes before it);
 *  - no branch of the function itself lands in entry+1 .. entry+4;
 *  - no branch or rip-relative reference of other code lands past the
 *    entry (a trampoline's jump back included);
 *  - no "original" record keeps its original code callable (a
 *    REWIRE_ORIGINAL trampoline runs the first instructions and jumps
 *    back, for getpid or osyield straight onto the SYSCALL at +5).
 * Every other site in Go code, and every site in a trampoline, is
 * uncovered. Sites in code rewire added (origin added: the linked kernel's
 * own host calls, C) are no Go code: counted, never judged. Bytes that
 * were not decoded (traps.gaps) in a section holding Go functions, or in
 * an executable section rewire did not add, are uncovered-unknown: a trap
 * instruction in them cannot be ruled out. Undecoded added code is
 * counted (a stripped image's kernel has no names to decode it by).
 */

enum trap_verdict {
	TRAP_COVERED,	/* its function's entry jumps away before it */
	TRAP_UNCOVERED,	/* reachable: reason says how */
	TRAP_ADDED,	/* in code rewire added: not judged */
};

/* The verdict on one trap site, parallel to traps.sites. */
struct trap_cover_site {
	enum trap_verdict verdict;
	/* COVERED: the redirect's target (a name of the note). */
	const char *redirect_to;
	/* UNCOVERED: "FUNCTION+0xOFFSET KIND: why[; why...]" (malloc'd). */
	char *reason;
};

/* The verdict on one range not decoded, parallel to traps.gaps. */
struct trap_cover_gap {
	bool added;	/* in code rewire added: counted, not judged */
	/* "0xFROM-0xTO (N bytes) in SECTION: what and why" (malloc'd). */
	char *reason;
};

struct trap_cover {
	struct trap_cover_site *sites;	/* as many as traps.nsites */
	size_t nsites;
	struct trap_cover_gap *gaps;	/* as many as traps.ngaps */
	size_t ngaps;
	/* Go code's sites (trampolines included) and their functions. */
	size_t go_sites, go_functions;
	size_t covered, uncovered;	/* of go_sites */
	size_t uncovered_functions;	/* functions with an uncovered site */
	size_t added_sites, added_functions;
	size_t unknown;			/* gaps not added: uncovered-unknown */
	size_t added_gaps;
	uint64_t added_gap_bytes;
};

/* Judges every site and gap of t. Names point into t (and what it points
 * into): keep it while c is used. Fails (err) only when memory runs out.
 * trap_cover_free(c) afterwards either way. */
int trap_cover_judge(struct trap_cover *c, const struct traps *t,
		     struct rw_error *err);

/* No site uncovered and no Go code left undecoded. */
bool trap_cover_ok(const struct trap_cover *c);

void trap_cover_free(struct trap_cover *c);

#endif
