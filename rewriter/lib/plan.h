/* Redirect plans: which bytes change and what gets added, checked before
 * anything is written (the pipeline is load -> model -> plan -> check -> emit). */
#ifndef REWIRE_PLAN_H
#define REWIRE_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "elf_writer.h"
#include "error.h"
#include "gobin.h"
#include "redirect.h"
#include "rewire_note.h"

struct dwarf_info;

/* Code rewire adds itself (an ABI stub in front of a C function): a
 * replacement that is no Go function of the binary. */
struct plan_target {
	const char *name;	/* as redirects name it: the C function */
	const char *stub;	/* the stub's symbol, recorded in the note */
	uint64_t addr;		/* where FROM's entry jumps: the stub */
	bool original;		/* the target of an original redirect: generated
				 * code calling FROM's original code, whose
				 * address the plan resolves (plan.resolved) */
};

/* The address of FROM's original code for an original target. */
struct plan_resolved {
	const char *name;	/* plan_target.name */
	uint64_t addr;
};

struct plan_options {
	bool force;		/* accept signatures that DWARF says differ */
	bool allow_inlined;	/* accept a FROM that is also inlined elsewhere */
	const struct plan_target *targets;
	size_t ntargets;
	uint64_t text_addr;	/* trampolines' segment; 0: after the last one */
	/* bin may be rewired already (rewire image of a patched binary): the
	 * plan goes beside the recorded patches, never over them. */
	bool beside_recorded;
};

/* A message about one redirect, already prefixed with it and its origin. */
struct plan_message {
	char text[1024];
};

struct plan {
	struct byte_patch *patches;	/* bytes point into patch_bytes */
	size_t npatches;
	uint8_t (*patch_bytes)[REWIRE_NOTE_MAX_BYTES];
	uint8_t *text;			/* trampolines, for a new RX segment */
	size_t text_len;
	uint64_t text_addr;
	struct rewire_note note;
	struct plan_message *errors;	/* checks that failed */
	size_t nerrors;
	struct plan_message *warnings;	/* accepted with --force, --allow-inlined... */
	size_t nwarnings;
	struct plan_resolved *resolved;	/* one per original target */
	size_t nresolved;
};

/* Resolves and checks every redirect of list against bin. Returns 0 when
 * every check passed; otherwise -1 with plan->errors listing each failure
 * (err holds a one-line summary). di may be NULL (no DWARF). */
int plan_build(struct plan *plan, const struct gobin *bin,
	       struct dwarf_info *di, const struct redirect_list *list,
	       const struct plan_options *opt, struct rw_error *err);

/* A jump inside fn rather than at its entry, for code reached past the
 * entry (runtime.clone's child path, which the kernel resumes inside the
 * leaf): the 5 bytes at `at` become jmp rel32 to to_addr, recorded as
 * "redirect FN+0xOFF -> TO". The caller has checked that the bytes hold
 * one whole instruction onto which nothing branches. Fails when they
 * lie outside fn, overlap a planned patch or the jump cannot reach. */
int plan_add_inner_jump(struct plan *plan, const struct gobin *bin,
			const struct gofunc *fn, uint64_t at, const char *to,
			uint64_t to_addr, struct rw_error *err);

/* What goes into the output besides the plan: linked C code. */
struct plan_extras {
	const struct new_segment *segments;
	size_t nsegments;
	const struct new_symbol *symbols;
	size_t nsymbols;
};

/* Writes bin with the plan (and extras, may be NULL) applied to out, which
 * output_check has accepted (see elf_writer_write). */
int plan_write(const struct plan *plan, const struct gobin *bin,
	       const struct plan_extras *extras, const struct output *out,
	       struct rw_error *err);

void plan_free(struct plan *plan);

#endif
