/* Wait queues: threads sleeping until a condition changes. The queue is
 * protected by a lock of the caller's choosing (the lock that protects the
 * condition), so checking the condition and queueing are atomic. */
#ifndef KCORE_WAITQ_H
#define KCORE_WAITQ_H

#include <stdint.h>

#include "list.h"
#include "spinlock.h"

struct waitq {
	struct list_node waiters;
};

#define WAITQ_ALL_BITS 0xffffffffu

void waitq_init(struct waitq *wq);
/* Sleeps on wq under key (any value; futexes use the address) and bitset.
 * Call with lock held and interrupts disabled (spin_lock); lock is released
 * while asleep and held again on return. Returns 0 when woken by
 * waitq_wake, -ETIMEDOUT at deadline (KCORE_FOREVER: none). */
long waitq_wait(struct waitq *wq, struct spinlock *lock, uintptr_t key,
		uint32_t bitset, uint64_t deadline);
/* Wakes up to max waiters of key whose bitset meets bitset, oldest first,
 * and returns how many. Call with the queue's lock held. */
int waitq_wake(struct waitq *wq, uintptr_t key, uint32_t bitset, int max);
/* Wakes every waiter. */
void waitq_wake_all(struct waitq *wq);

#endif
