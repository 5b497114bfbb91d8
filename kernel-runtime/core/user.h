/* Checks of pointers the program passes to syscalls. The program shares the
 * kernel's address space, so a pointer is only checked for NULL, overflow
 * and the canonical lower half; a wild pointer into mapped-out memory
 * faults like a kernel bug would (a crash report) instead of -EFAULT. */
#ifndef KCORE_USER_H
#define KCORE_USER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "linux_abi.h"

#define USER_LIMIT 0x0000800000000000ull

static inline bool user_ok(const void *p, size_t len)
{
	uintptr_t a = (uintptr_t)p;
	return a != 0 && a + len >= a && a + len <= USER_LIMIT;
}

/* Copies the program's NUL-terminated string at user into buf, at most
 * size bytes, each checked: its length (the NUL copied), -EFAULT, or
 * -ENAMETOOLONG when its first size bytes hold no NUL (buf has them). */
static inline long user_string_copy(char *buf, size_t size, const char *user)
{
	for (size_t i = 0; i < size; i++) {
		if (!user_ok(user + i, 1))
			return -EFAULT;
		if ((buf[i] = user[i]) == 0)
			return (long)i;
	}
	return -ENAMETOOLONG;
}

/* The pointer in a syscall argument. */
#define USER_PTR(type, arg) ((type *)(uintptr_t)(arg))

#endif
