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

/* The length of the valid UTF-8 character at s (2-4 bytes, never a C1
 * control), 0 if there is none: overlong forms, surrogates and code
 * points past U+10FFFF are invalid (RFC 3629's table). */
static size_t utf8_char_len(const unsigned char *s)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	/* U+0080-U+009F: C1 controls (0x9b is CSI to some terminals). */
	if (c == 0xc2 && s[1] <= 0x9f)
		return 0;
	return len;
}

size_t rw_escape_text(char *dst, size_t size, const char *src)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)src;
	size_t n = 0;

	if (size == 0)
		return 0;
	while (*s) {
		size_t len = *s >= 0x80 ? utf8_char_len(s) : 1;

		if (len == 1 && (*s < 0x20 || *s >= 0x7f))
			len = 0;
		if (len == 0) {
			if (n + 4 >= size)
				break;
			dst[n++] = '\\';
			dst[n++] = 'x';
			dst[n++] = hex[*s >> 4];
			dst[n++] = hex[*s & 0xf];
			s++;
			continue;
		}
		if (n + len >= size)
			break;
		memcpy(dst + n, s, len);
		n += len;
		s += len;
	}
	dst[n] = '\0';
	return n;
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
