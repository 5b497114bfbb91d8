/* Error messages of the rewire library. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int rw_fail(struct rw_error *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int rw_wrap(struct rw_error *err, const char *fmt, ...)
{
	char prefix[sizeof(err->msg)];
	char old[sizeof(err->msg)];
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	/* Both halves fit by construction; truncation of a long pair is fine. */
	size_t n = strnlen(prefix, sizeof(err->msg) - 1);
	memcpy(err->msg, prefix, n);
	size_t rest = strnlen(old, sizeof(err->msg) - 1 - n);
	memcpy(err->msg + n, old, rest);
	err->msg[n + rest] = '\0';
	return -1;
}
