/* Wait queues: a list of sleeping threads, each under a key and a bitset,
 * guarded by the lock of the condition they wait for. */
#include "waitq.h"

#include "linux_abi.h"
#include "sched.h"

struct waiter {
	struct list_node link;
	struct thread *thread;
	uintptr_t key;
	uint32_t bitset;
	bool queued; /* cleared by the waker that dequeues it */
};

void waitq_init(struct waitq *wq)
{
	list_init(&wq->waiters);
}

long waitq_wait(struct waitq *wq, struct spinlock *lock, uintptr_t key,
		uint32_t bitset, uint64_t deadline)
{
	struct waiter w = { .thread = sched_current(), .key = key,
			    .bitset = bitset, .queued = true };
	long result;

	list_add_tail(&wq->waiters, &w.link);
	sched_prepare_block();
	spin_unlock_raw(lock);
	result = sched_block(deadline);
	spin_lock_raw(lock);
	/* Whoever dequeued us decides: a waker means success, even if the
	 * deadline passed meanwhile (its wake-up was counted). */
	if (!w.queued)
		return 0;
	list_del(&w.link);
	return result ? result : -EINTR;
}

static void wake_one(struct waiter *w)
{
	/* Read before clearing queued: from then on the waiter may return
	 * (once the queue's lock is free) and its frame vanish. */
	struct thread *t = w->thread;
	list_del(&w->link);
	w->queued = false;
	sched_wake(t, 0);
}

int waitq_wake(struct waitq *wq, uintptr_t key, uint32_t bitset, int max)
{
	struct list_node *n = wq->waiters.next, *next;
	int woken = 0;

	for (; n != &wq->waiters && woken < max; n = next) {
		struct waiter *w = container_of(n, struct waiter, link);
		next = n->next;
		if (w->key != key || !(w->bitset & bitset))
			continue;
		wake_one(w);
		woken++;
	}
	return woken;
}

void waitq_wake_all(struct waitq *wq)
{
	struct list_node *n;
	while ((n = list_first(&wq->waiters)) != NULL)
		wake_one(container_of(n, struct waiter, link));
}
