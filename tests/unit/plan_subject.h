/* A fixture binary under test of the planner: opened with its DWARF, the
 * redirects a test adds, the plan built from them (test_plan.c,
 * test_tiny_entry.c). */
#ifndef REWIRE_TEST_PLAN_SUBJECT_H
#define REWIRE_TEST_PLAN_SUBJECT_H

#include "dwarf_info.h"
#include "error.h"
#include "gobin.h"
#include "plan.h"
#include "redirect.h"

struct subject {
	struct gobin *bin;
	struct dwarf_info *di;	/* NULL when stripped */
	struct redirect_list list;
	struct plan plan;
	struct plan_options opt;
	struct rw_error err;
};

/* Opens the binary at path (fails the test when it cannot). */
void subject_open_path(struct subject *s, const char *path);
/* Opens fixture name of Go version. */
void subject_open(struct subject *s, const char *version, const char *name);
void subject_close(struct subject *s);
/* Adds a redirect (fails the test when it is malformed). */
void add(struct subject *s, enum redirect_kind kind, const char *from, const char *to);
/* plan_build over what was added. */
int build(struct subject *s);
/* Every error of the plan, joined, so a test can look for a phrase. */
const char *errors_text(const struct subject *s);
void assert_error_says(const struct subject *s, const char *phrase);

/* The traps fixture of Go version rewired as tests/e2e does: getpidLeaf
 * and syscallFirst replaced, their originals reached through trampolines;
 * behindJump replaced. Written to out, a mkstemp template. */
void write_rewired_traps(const char *version, char *out);

#endif
