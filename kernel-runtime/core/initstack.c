/* The initial stack a Linux process starts with, as the Go runtime reads it
 * (rt0_go, sysargs, sysauxv): AT_PAGESZ and AT_RANDOM are required, or
 * startup aborts or opens /dev/urandom; without AT_SYSINFO_EHDR there is no
 * vDSO and Go calls clock_gettime through SYSCALL. */
#include "initstack.h"

#include "kstring.h"
#include "linux_abi.h"

static const char platform_name[] = "x86_64";

uintptr_t initstack_build(void *buf, uintptr_t va, size_t size,
			  const struct initstack_args *a)
{
	char *base = buf;
	size_t strings = sizeof(platform_name) + 16;

	for (int i = 0; i < a->argc; i++)
		strings += kstrlen(a->argv[i]) + 1;
	for (int i = 0; i < a->envc; i++)
		strings += kstrlen(a->envp[i]) + 1;
	size_t words = 1 + (size_t)a->argc + 1 + (size_t)a->envc + 1 +
		       2 * INITSTACK_AUXV_PAIRS;
	/* A zero word tops the stack, as Linux leaves one. */
	if ((va & 15) || strings + 8 + words * 8 + 16 > size)
		return 0;

	/* Pointers from sp up, strings (in the same order) from just below
	 * the top word: one pass writes both. */
	size_t at = size - 8 - strings;
	size_t sp = (at - words * 8) & ~(size_t)15;
	uint64_t *w = (uint64_t *)(void *)(base + sp);
	uintptr_t argv0_va = 0;

	kmemset(base + size - 8, 0, 8);
	*w++ = (uint64_t)a->argc;
	for (int i = 0; i < a->argc; i++) {
		size_t n = kstrlen(a->argv[i]) + 1;
		kmemcpy(base + at, a->argv[i], n);
		if (i == 0)
			argv0_va = va + at;
		*w++ = va + at;
		at += n;
	}
	*w++ = 0;
	for (int i = 0; i < a->envc; i++) {
		size_t n = kstrlen(a->envp[i]) + 1;
		kmemcpy(base + at, a->envp[i], n);
		*w++ = va + at;
		at += n;
	}
	*w++ = 0;
	uintptr_t platform_va = va + at;
	kmemcpy(base + at, platform_name, sizeof(platform_name));
	at += sizeof(platform_name);
	uintptr_t random_va = va + at;
	kmemcpy(base + at, a->random, 16);

	const uint64_t auxv[INITSTACK_AUXV_PAIRS][2] = {
		{ AT_PHDR, a->phdr },
		{ AT_PHENT, a->phent },
		{ AT_PHNUM, a->phnum },
		{ AT_PAGESZ, PAGE_SIZE },
		{ AT_BASE, 0 }, /* no interpreter */
		{ AT_FLAGS, 0 },
		{ AT_ENTRY, a->entry },
		{ AT_UID, 0 },
		{ AT_EUID, 0 },
		{ AT_GID, 0 },
		{ AT_EGID, 0 },
		{ AT_SECURE, 0 },
		{ AT_CLKTCK, 100 },
		{ AT_HWCAP, a->hwcap },
		{ AT_HWCAP2, a->hwcap2 },
		{ AT_RANDOM, random_va },
		{ AT_PLATFORM, platform_va },
		{ AT_EXECFN, argv0_va },
		{ AT_NULL, 0 },
	};
	kmemcpy(w, auxv, sizeof(auxv));
	return va + sp;
}
