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

struct plan_options {
	bool force;		/* accept signatures that DWARF says differ */
	bool allow_inlined;	/* accept a FROM that is also inlined elsewhere */
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
};

/* Resolves and checks every redirect of list against bin. Returns 0 when
 * every check passed; otherwise -1 with plan->errors listing each failure
 * (err holds a one-line summary). di may be NULL (no DWARF). */
int plan_build(struct plan *plan, const struct gobin *bin,
	       struct dwarf_info *di, const struct redirect_list *list,
	       const struct plan_options *opt, struct rw_error *err);

/* Writes bin with the plan applied to out_path (temporary file + rename). */
int plan_write(const struct plan *plan, const struct gobin *bin,
	       const char *out_path, struct rw_error *err);

void plan_free(struct plan *plan);

#endif
