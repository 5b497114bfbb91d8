/* The process as a whole: its identity, limits, name of the machine, and
 * its end (process_exit is in kernel.h). */
#ifndef KCORE_PROCESS_H
#define KCORE_PROCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KCORE_PID 1
#define KCORE_NOFILE 1024 /* RLIMIT_NOFILE: the size of the fd table */

struct krlimit {
	uint64_t cur, max;
};

/* print_counters: process_exit prints the counters first. */
void process_init(bool print_counters);
long process_rlimit(long pid, int resource, const struct krlimit *next,
		    struct krlimit *old);
/* Linux's struct utsname: six fields of 65 bytes. */
long process_uname(char *buf);
long process_prctl(int option, uint64_t arg2, uint64_t arg3, uint64_t arg4,
		   uint64_t arg5);
long process_arch_prctl(int code, uint64_t addr);
/* sched_getaffinity: one bit per CPU; returns the bytes written. */
long process_affinity(long pid, size_t len, uint8_t *mask);

#endif
