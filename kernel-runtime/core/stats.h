/* Counters: syscalls by number, thread switches, page faults, signals sent
 * but never delivered. Lock-free (atomic adds), printed at exit. */
#ifndef KCORE_STATS_H
#define KCORE_STATS_H

#include <stdbool.h>
#include <stdint.h>

#define STATS_SYSCALLS 512 /* numbers at or above share one counter */

void stats_init(void);
void stats_syscall(long nr);
void stats_switch(void);
void stats_page_fault(void);
void stats_signal(int sig);
/* True the first time it is called for nr (the "log once" of unknown
 * syscalls); for numbers outside 0..511, only the first 32 distinct ones. */
bool stats_first_unknown(long nr);

#endif
