/* Spec files: a list of redirects written down, one a line. */
#ifndef REWIRE_SPEC_H
#define REWIRE_SPEC_H

#include <stddef.h>

#include "error.h"
#include "redirect.h"

/*
 * The format (also in docs/spec-format.md):
 *
 *   # fake the clock
 *   time.Now = main.fakeNow          # FROM's entry jumps to TO
 *   original time.Now=main.realNow   # placeholder main.realNow runs time.Now's
 *                                    # original code
 *
 * One redirect a line: `FROM=TO`, or `original FROM=PLACEHOLDER`, blanks
 * allowed around the '=' and the keyword. '#' starts a comment, on a line of
 * its own or after a redirect; blank lines are ignored; CRLF line ends and
 * a UTF-8 byte order mark at the start are accepted. Symbols are Go linker names (see redirect.h). A line longer than
 * SPEC_LINE_MAX bytes is an error.
 */
#define SPEC_LINE_MAX 4096

/*
 * Adds the redirects of the len bytes at text, named name in messages, to
 * list. Stops at the first bad line: returns -1 with err saying
 * "name:LINE: what is wrong" (missing '=', empty side, bad symbol, unknown
 * keyword, FROM == TO, a line too long, a NUL byte, a conflict with a
 * redirect already in list naming both origins). Redirects of the lines
 * before the bad one stay in list. Returns 0 on success.
 */
int spec_parse_text(struct redirect_list *list, const char *text, size_t len,
		    const char *name, struct rw_error *err);

/* Reads the file at path and parses it with spec_parse_text (name = path).
 * Fails, naming path, when it cannot be read. */
int spec_parse_file(struct redirect_list *list, const char *path,
		    struct rw_error *err);

#endif
