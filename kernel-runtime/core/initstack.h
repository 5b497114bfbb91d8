/* The Linux initial process stack: argc, argv, envp, auxv. */
#ifndef KCORE_INITSTACK_H
#define KCORE_INITSTACK_H

#include <stddef.h>
#include <stdint.h>

struct initstack_args {
	int argc;
	char *const *argv;
	int envc;
	char *const *envp;
	uint64_t phdr, entry; /* AT_PHDR, AT_ENTRY */
	uint32_t phent, phnum;
	uint64_t hwcap, hwcap2;
	const uint8_t *random; /* 16 bytes for AT_RANDOM */
};

/* Number of auxv pairs written, AT_NULL included. */
#define INITSTACK_AUXV_PAIRS 19

/* Builds the stack in buf[size], memory the program will see at address
 * va (16-byte aligned; the top is va + size): strings at the top, then the auxiliary
 * vector, envp, argv and argc at the returned stack pointer, which is
 * 16-byte aligned as the SysV x86-64 ABI wants at process entry. Returns
 * 0 when it does not fit. */
uintptr_t initstack_build(void *buf, uintptr_t va, size_t size,
			  const struct initstack_args *a);

#endif
