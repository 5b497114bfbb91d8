/* Deadlines: a list of blocked threads sorted by deadline (one for all
 * CPUs), and each CPU's one-shot timer armed for the earliest of that list
 * and the end of its running thread's slice. */
#include "timer.h"

#include "kernel.h"
#include "linux_abi.h"
#include "sched.h"
#include "stats.h"

static struct spinlock timer_lock = SPINLOCK_INIT("timer");
static struct list_node pending; /* sorted by deadline, earliest first */
static uint64_t next_deadline;   /* the head's, read without the lock */

static void publish_next(void)
{
	struct list_node *n = list_first(&pending);
	uint64_t d = n ? container_of(n, struct thread, timer_link)->deadline
		       : KCORE_FOREVER;
	__atomic_store_n(&next_deadline, d, __ATOMIC_RELEASE);
}

void timer_init(void)
{
	spin_init(&timer_lock, "timer");
	list_init(&pending);
	next_deadline = KCORE_FOREVER;
}

uint64_t timer_next(void)
{
	return __atomic_load_n(&next_deadline, __ATOMIC_ACQUIRE);
}

void timer_add(struct thread *t, uint64_t deadline)
{
	if (deadline <= platform_monotonic_ns()) {
		sched_wake(t, -ETIMEDOUT);
		return;
	}
	unsigned long flags = spin_lock(&timer_lock);
	struct list_node *pos = pending.next;
	while (pos != &pending &&
	       container_of(pos, struct thread, timer_link)->deadline <= deadline)
		pos = pos->next;
	t->deadline = deadline;
	t->timer_queued = true;
	list_insert_before(pos, &t->timer_link);
	publish_next();
	spin_unlock(&timer_lock, flags);
	timer_rearm();
}

void timer_cancel(struct thread *t)
{
	unsigned long flags = spin_lock(&timer_lock);
	if (t->timer_queued) {
		list_del(&t->timer_link);
		t->timer_queued = false;
		publish_next();
	}
	spin_unlock(&timer_lock, flags);
}

void timer_expire(uint64_t now)
{
	unsigned long flags = spin_lock(&timer_lock);
	struct list_node *n;

	while ((n = list_first(&pending)) != NULL) {
		struct thread *t = container_of(n, struct thread, timer_link);
		if (t->deadline > now)
			break;
		list_del(n);
		t->timer_queued = false;
		/* False when a wake-up came first: nothing to do then. */
		sched_wake(t, -ETIMEDOUT);
	}
	publish_next();
	spin_unlock(&timer_lock, flags);
}

void timer_rearm(void)
{
	struct kcpu *c = this_cpu();
	uint64_t d = timer_next(), slice = sched_slice_deadline(),
		 memlog = stats_memlog_deadline();

	if (slice < d)
		d = slice;
	if (memlog < d)
		d = memlog;
	if (d == c->armed)
		return;
	c->armed = d;
	if (d == KCORE_FOREVER)
		platform_timer_cancel();
	else
		platform_timer_arm(d);
}
