/* Error reporting for library code: fill a message, return -1; the CLI prints. */
#ifndef REWIRE_ERROR_H
#define REWIRE_ERROR_H

#include <stddef.h>

struct rw_error {
	char msg[1024];
};

/* Formats a message into err (when err is not NULL) and returns -1, so that
 * callers can write `return rw_fail(err, "...", ...);`. */
int rw_fail(struct rw_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Prefixes an existing message with more context ("file.o: " + msg). */
int rw_wrap(struct rw_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Copies src to dst (size bytes, NUL included) fit for a terminal: control
 * bytes (below 0x20, 0x7f), C1 controls spelt in UTF-8 (U+0080-U+009F) and
 * bytes that are not part of valid UTF-8 become "\xHH"; printable ASCII
 * and whole UTF-8 characters stay. Messages echo paths, symbols and spec
 * lines a user (or a hostile file) chose: an escape sequence in one must
 * not reach the terminal. Stops before an escape or a character that does
 * not fit; returns the length written.
 */
size_t rw_escape_text(char *dst, size_t size, const char *src);

#endif
