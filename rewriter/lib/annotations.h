/* Redirects declared in Go source: //go:redirect-from and //go:redirect-original. */
#ifndef REWIRE_ANNOTATIONS_H
#define REWIRE_ANNOTATIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "redirect.h"

/*
 * The annotations (also in docs/spec-format.md), in the doc comment of a
 * top-level function or method:
 *
 *   //go:redirect-from time.Now
 *   func fakeNow() time.Time { ... }     // time.Now's entry jumps here
 *
 *   //go:redirect-original time.Now
 *   func realNow() time.Time { panic("replaced by rewire") }
 *                                        // runs time.Now's original code
 *
 * Annotation lines may be mixed with other comment lines (//go:noinline...)
 * in the block right above the func; a blank line ends the block. The
 * directive must be followed by a blank and exactly one symbol (a Go linker
 * name, see redirect.h). Text in string literals and block comments is not
 * looked at. Generic functions and methods of generic types cannot be
 * annotated: their code takes a hidden dictionary argument.
 */

/*
 * Reads the annotations of the Go package in dir (its files; for a test
 * binary also its _test.go files and the external _test package) and adds one redirect per
 * annotation to list: redirect-from SYMBOL as REDIRECT_REPLACE (SYMBOL ->
 * annotated function), redirect-original SYMBOL as REDIRECT_ORIGINAL
 * (SYMBOL, annotated function as placeholder). Origins are "dir/file.go:LINE".
 *
 * The package's files come from `go list`, run in dir with go_command (NULL:
 * "go" on PATH), no shell, and GOTOOLCHAIN=local GOFLAGS=-mod=mod GOPROXY=off
 * CGO_ENABLED=0 added to the environment.
 *
 * The annotated function's name is the one the Go linker gives it: the
 * import path with '.' in its last element written %2e, then ".F",
 * ".(*T).M" or ".T.M"; the external test package's path ends in "_test".
 * Package main is named "main" in a `go build` program but by its import
 * path in a `go test -c` binary (test_binary).
 *
 * Returns 0, or -1 with err naming dir once (no such folder, not a folder,
 * go list failed, with its stderr), the go command (it cannot be run) or
 * file:line (an annotation not on a top-level func, no symbol or more than
 * one word, a generic or init function, a bad symbol, a conflict with a
 * redirect already in list). Redirects found before an error stay in list.
 */
int annotations_scan(struct redirect_list *list, const char *dir,
		     const char *go_command, bool test_binary,
		     struct rw_error *err);

/*
 * Scans one Go source file held in memory, the len bytes at text (need not
 * be NUL-terminated), as annotations_scan scans each file of a package:
 * path names it in messages and origins ("path:LINE"), prefix is the
 * linker name of its package ("main", or annotations_path_to_prefix of the
 * import path). Returns 0, or -1 with err naming path:line; redirects found
 * before an error stay in list.
 */
int annotations_scan_text(struct redirect_list *list, const char *text,
			  size_t len, const char *path, const char *prefix,
			  struct rw_error *err);

/*
 * The linker's symbol prefix for an import path (Go's objabi.PathToPrefix):
 * '.' after the last '/', '%', '"', blanks and controls, and bytes >= 0x7f
 * are written %xx. Returns a malloc'd string, or NULL when out of memory.
 */
char *annotations_path_to_prefix(const char *import_path);

#endif
