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
#include "sched.h"

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
