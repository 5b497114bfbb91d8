/* The redirect list: which Go functions to rewire, where each request came from. */
#ifndef REWIRE_REDIRECT_H
#define REWIRE_REDIRECT_H

#include <stddef.h>

#include "error.h"

/*
 * Symbols are Go linker names, as `go tool nm` prints them: "time.Now",
 * "main.fakeNow", "main.(*T).M", "main.T.M", "example.com/x/pkg.F",
 * "gopkg.in/yaml%2ev3.Marshal" (a '.' in the last path element is written
 * %2e), "runtime.futex.abi0".
 */

/* Longest symbol accepted, in bytes: longer is a mistake, not a name. */
#define REDIRECT_SYMBOL_MAX 1024

enum redirect_kind {
	/* FROM's entry jumps to TO: every call of FROM runs TO instead. */
	REDIRECT_REPLACE,
	/* TO is a placeholder function (its body never runs) whose entry is made
	 * to reach FROM's original code through a trampoline, so that a
	 * replacement of FROM can still call the function it replaces. */
	REDIRECT_ORIGINAL,
};

struct redirect {
	char *from;
	char *to;		/* the replacement, or the placeholder (ORIGINAL) */
	enum redirect_kind kind;
	char *origin;		/* for messages: "spec.txt:12", "--redirect",
				 * "examples/di/clock.go:17" */
};

/* Zero-initialise ({ 0 }) before first use; owns every string it holds. */
struct redirect_list {
	struct redirect *items;
	size_t count;
};

/*
 * Checks that name looks like a Go linker symbol: not empty, at most
 * REDIRECT_SYMBOL_MAX bytes, only letters, digits, UTF-8 and `_ . / ( ) * %
 * - ~ + [ ] ,`, every '%' followed by two hex digits, and a package part and
 * a name separated by a '.' after the last '/'. Returns 0, or -1 with err
 * saying what is wrong (without naming where the name came from).
 */
int redirect_check_symbol(const char *name, struct rw_error *err);

/*
 * Appends a copy of (kind, from, to, origin) after checking both names
 * (redirect_check_symbol; TO may instead be a C identifier, a function of
 * linked C code) and the list so far. Fails, naming origin, when
 * from == to; and, naming both origins, when the new redirect would patch an
 * entry another one already patches: a REPLACE patches FROM, an ORIGINAL
 * patches its placeholder TO, so the same FROM replaced by two different
 * functions, one placeholder standing for two functions, or a function both
 * replaced and used as a placeholder are errors. An exact repeat of a
 * redirect already in the list (same kind, FROM and TO, from any source) is
 * accepted and not added again. Returns 0, or -1 with err filled and the
 * list unchanged.
 */
int redirect_list_add(struct redirect_list *list, enum redirect_kind kind,
		      const char *from, const char *to, const char *origin,
		      struct rw_error *err);

/* Frees every item and leaves the list empty, ready for reuse. */
void redirect_list_free(struct redirect_list *list);

/*
 * Parses the len bytes at text as "FROM=TO" (blanks around the '=' and at
 * either end allowed) and adds it with redirect_list_add. Errors say origin
 * first and what is wrong: missing '=', more than one '=', an empty side, a
 * bad symbol. Used by the spec reader and for command-line arguments.
 */
int redirect_parse_pair(struct redirect_list *list, enum redirect_kind kind,
			const char *text, size_t len, const char *origin,
			struct rw_error *err);

/*
 * A command-line argument "FROM=TO": --redirect (REPLACE) or --original
 * (ORIGINAL, "FROM=PLACEHOLDER"); the origin is the option's name.
 */
int redirect_parse_arg(struct redirect_list *list, enum redirect_kind kind,
		       const char *arg, struct rw_error *err);

#endif
