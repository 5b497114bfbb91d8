/* Helpers shared by the core's host tests. */
#ifndef KCORE_TEST_H
#define KCORE_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_platform.h"
#include "kernel.h"
#include "linux_abi.h"
#include "sched.h"

/* A system call as the program makes it, from the test's thread. */
static inline long sys(long nr, long a0, long a1, long a2, long a3, long a4, long a5)
{
	return fake_syscall(nr, a0, a1, a2, a3, a4, a5);
}

static inline long open_at(const char *path, long flags, long mode)
{
	return sys(NR_openat, AT_FDCWD, (long)path, flags, mode, 0, 0);
}

/* Linux's struct stat on x86-64, as newfstatat fills it. */
struct kstat {
	uint64_t dev, ino, nlink;
	uint32_t mode, uid, gid, pad;
	uint64_t rdev;
	int64_t size, blksize, blocks, times[6], reserved[3];
};

/* A thread that sleeps forever: while it lives, the other threads' exits
 * do not end the program. */
static inline void parked_forever(const struct platform_regs *start)
{
	(void)start;
	platform_irq_save();
	for (;;) {
		sched_prepare_block();
		sched_block(KCORE_FOREVER);
	}
}

/* Boots, then starts and parks that thread (tid 1). */
static inline int boot_with_anchor(void **state)
{
	(void)state;
	int status = fake_boot(NULL);
	if (!status) {
		fake_thread(parked_forever, 0);
		fake_run();
	}
	return status;
}

/* Boots the core on the default fake machine. */
static inline int boot_default(void **state)
{
	(void)state;
	return fake_boot(NULL);
}

/* Every test must leave the interrupt discipline intact. */
static inline int check_violations(void **state)
{
	(void)state;
	if (fake.violations) {
		print_error("%u calls made with the wrong interrupt state\n",
			    fake.violations);
		return -1;
	}
	return 0;
}

#define KTEST(f) cmocka_unit_test_setup_teardown(f, boot_default, check_violations)

#endif
