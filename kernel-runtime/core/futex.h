/* Futexes (futex_wait and futex_wake are in kernel.h). */
#ifndef KCORE_FUTEX_H
#define KCORE_FUTEX_H

#include <stdint.h>

#include "kernel.h"

#define FUTEX_BUCKETS 256

void futex_init(void);
/* FUTEX_WAIT_BITSET / FUTEX_WAKE_BITSET. */
long futex_wait_bitset(uint32_t *addr, uint32_t expected, uint64_t deadline_ns,
		       uint32_t bitset);
long futex_wake_bitset(uint32_t *addr, int count, uint32_t bitset);
/* The futex syscall: op with FUTEX_PRIVATE_FLAG and FUTEX_CLOCK_REALTIME;
 * WAIT's timeout is relative, WAIT_BITSET's absolute. */
long futex_syscall(uint32_t *addr, int op, uint32_t val,
		   const struct kcore_timespec *timeout, uint32_t val3);

#endif
