/* Go -> C: link C objects into a Go binary and put an ABI stub in front of
 * each C function that replaces a Go function. */
#ifndef REWIRE_C_LINK_H
#define REWIRE_C_LINK_H

#include <stdbool.h>
#include <stddef.h>

#include "dwarf_info.h"
#include "elf_writer.h"
#include "error.h"
#include "gobin.h"
#include "linker.h"
#include "plan.h"
#include "redirect.h"

/* Stubs are named C_STUB_PREFIX + the C function. */
#define C_STUB_PREFIX "rewire_stub_"

struct c_link {
	struct linked_image image;	/* the C code and the stubs, linked */
	struct plan_target *targets;	/* C function -> its stub */
	size_t ntargets;
	struct new_segment *segments;	/* image segments, for the writer */
	size_t nsegments;
	struct new_symbol *symbols;	/* image symbols, for .symtab */
	size_t nsymbols;
	char **names;			/* owned strings the above point to */
	size_t nnames;
};

/*
 * Links objects (.o or .a) right after bin's last segment (linker.h), adds
 * every REWIRE_FROM record of them to list as a redirect FROM -> C function,
 * and takes as C redirects the entries of list whose TO is a C function of
 * the objects. For each, reads FROM's Go signature (the record's, else
 * DWARF's; when both exist they must agree unless force), generates its ABI
 * stub (abi_stub.h), assembles the stubs with GNU as and links again with
 * them. Fills cl with what the planner (targets) and the writer (segments,
 * symbols) need. Returns 0, or -1 with err naming the object, redirect or
 * tool that failed.
 */
int c_link_build(struct c_link *cl, const struct gobin *bin,
		 struct dwarf_info *di, const char *const *objects,
		 size_t nobjects, struct redirect_list *list, bool force,
		 struct rw_error *err);

/* Stores, for each original target the plan resolved, the address of the
 * original code in the slot its generated function calls through. */
int c_link_set_originals(struct c_link *cl, const struct plan *plan,
			 struct rw_error *err);

void c_link_free(struct c_link *cl);

#endif
