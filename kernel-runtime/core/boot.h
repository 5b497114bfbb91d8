/* The core's boot, in the steps kernel_main takes (tests take them one by
 * one with a fake platform). */
#ifndef KCORE_BOOT_H
#define KCORE_BOOT_H

#define KCORE_CMDLINE_MAX 16384
#define MAIN_STACK_SIZE (8ul << 20) /* the first thread's stack, as Linux's */
#define INITSTACK_PAGES 16           /* its top, built at boot: 64 KiB */

#include <stddef.h>

/* Zeroes the n bytes of a table at p, unless this is the process's first
 * boot: .bss is zero then, and writing a large table costs a hosted start
 * a host page fault per page (1.4 MiB of file system nodes alone). A later
 * boot in the same process (the core's host tests boot many times) clears
 * what the last one left. */
void boot_rezero(void *p, size_t n);

/* Parses the command line and sets up every part of the core and the
 * platform hooks, on the calling (boot) CPU. Returns 0 or an exit status
 * after saying why on the console. */
int kcore_init(void);
/* Builds the initial stack and makes the program's first thread (tid 1)
 * runnable. Returns 0 or an exit status after saying why. */
int kcore_start_program(void);

#endif
