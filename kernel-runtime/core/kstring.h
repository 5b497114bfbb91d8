/* String and memory helpers for freestanding code. memcpy, memset, memmove
 * and memcmp themselves come from the platform (platform.h). */
#ifndef KCORE_KSTRING_H
#define KCORE_KSTRING_H

#include <stdbool.h>
#include <stddef.h>

#define kmemcpy __builtin_memcpy
#define kmemset __builtin_memset
#define kmemmove __builtin_memmove
#define kmemcmp __builtin_memcmp

static inline size_t kstrlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

static inline bool kstreq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* Whether s starts with prefix. */
static inline bool kstarts(const char *s, const char *prefix)
{
	while (*prefix)
		if (*s++ != *prefix++)
			return false;
	return true;
}

/* Copies src into dst[size], NUL-terminated, truncated if needed. */
static inline void kstrlcpy(char *dst, const char *src, size_t size)
{
	size_t i = 0;
	if (!size)
		return;
	for (; i + 1 < size && src[i]; i++)
		dst[i] = src[i];
	dst[i] = 0;
}

#endif
