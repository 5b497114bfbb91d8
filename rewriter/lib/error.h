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

#endif
