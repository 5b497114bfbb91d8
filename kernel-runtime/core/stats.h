/* Counters: syscalls by number (and which door they came through), thread
 * switches, page faults, signals sent and delivered. Lock-free (atomic adds), printed at exit. */
#ifndef KCORE_STATS_H
#define KCORE_STATS_H

#include <stdbool.h>
#include <stdint.h>

#define STATS_SYSCALLS 512 /* numbers at or above share one counter */

void stats_init(void);
void stats_syscall(long nr);          /* every system call, either door */
void stats_trap(long nr);             /* one that trapped (SYSCALL) */
void stats_redirect(unsigned leaf);   /* a redirected leaf's call */
void stats_switch(void);
void stats_page_fault(void);
void stats_signal(int sig);          /* sent */
void stats_signal_delivered(void);   /* a handler was entered */
/* True the first time it is called for nr (the "log once" of unknown
 * syscalls); for numbers outside 0..511, only the first 32 distinct ones. */
bool stats_first_unknown(long nr);

/* The memory log (the "memlog=SECONDS" option): every period_ns from now,
 * one "kcore-frames: t=S used N peak N total N" line on the kernel's log,
 * so a long run shows whether frames leak. */
void stats_memlog_start(uint64_t period_ns, uint64_t now);
/* When the next line is due, KCORE_FOREVER when there is no memory log. */
uint64_t stats_memlog_deadline(void);
/* Prints the line if it is due at now (the timer interrupt calls it). */
void stats_memlog_tick(uint64_t now);

#endif
