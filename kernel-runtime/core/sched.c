/* The scheduler: which thread runs on each CPU. Per-CPU run queues, round
 * robin with a 10 ms slice enforced by the timer hook; blocking and waking
 * with no lost wake-ups; the switch itself is platform_switch (from kernel
 * code) or a rewrite of the timer hook's frame (preemption).
 *
 * Locks: a wait structure's lock, then a thread's lock, then a run queue's
 * lock; never the other way. No lock is held across a switch: instead a
 * thread's on_cpu stays 1 until its CPU has left its stack (platform_switch
 * clears it), and a CPU waits for on_cpu == 0 before resuming a thread. */
#include "sched.h"

#include "kernel.h"
#include "linux_abi.h"
#include "signals.h"
#include "stats.h"
#include "timer.h"

static struct kcpu cpus[KCORE_MAX_CPUS];

void sched_init(void)
{
	for (unsigned i = 0; i < KCORE_MAX_CPUS; i++) {
		struct kcpu *c = &cpus[i];
		*c = (struct kcpu){ .index = i, .armed = KCORE_FOREVER };
		spin_init(&c->rq_lock, "runqueue");
		list_init(&c->rq);
	}
}

void sched_cpu_init(unsigned index)
{
	struct kcpu *c = &cpus[index];
	struct thread *idle = &c->idle;

	*idle = (struct thread){ .state = THREAD_RUNNING, .on_cpu = 1,
				 .cpu = index, .is_idle = true,
				 .name = "idle" };
	spin_init(&idle->lock, "thread");
	list_init(&idle->run_link);
	list_init(&idle->timer_link);
	c->current = idle;
	c->slice_start = platform_monotonic_ns();
	c->online = true;
	platform_set_cpu_local(c);
}

struct kcpu *this_cpu(void)
{
	return platform_cpu_local();
}

struct kcpu *sched_cpu(unsigned index)
{
	return &cpus[index];
}

struct thread *sched_current(void)
{
	return this_cpu()->current;
}

static void rq_push(struct kcpu *c, struct thread *t)
{
	unsigned long flags = spin_lock(&c->rq_lock);
	list_add_tail(&c->rq, &t->run_link);
	c->rq_len++;
	spin_unlock(&c->rq_lock, flags);
}

static struct thread *rq_pop(struct kcpu *c)
{
	unsigned long flags = spin_lock(&c->rq_lock);
	struct list_node *n = list_first(&c->rq);
	if (n) {
		list_del(n);
		c->rq_len--;
	}
	spin_unlock(&c->rq_lock, flags);
	return n ? container_of(n, struct thread, run_link) : NULL;
}

static unsigned rq_length(struct kcpu *c)
{
	return __atomic_load_n(&c->rq_len, __ATOMIC_RELAXED);
}

/* Queues a runnable thread on its CPU and makes sure that CPU notices. */
static void make_runnable(struct thread *t)
{
	struct kcpu *c = &cpus[t->cpu];
	rq_push(c, t);
	if (c == this_cpu())
		timer_rearm(); /* the running thread now has a slice end */
	else
		platform_cpu_kick(c->index);
}

void sched_start(struct thread *t)
{
	struct kcpu *best = this_cpu();
	for (unsigned i = 0; i < KCORE_MAX_CPUS; i++)
		if (cpus[i].online && rq_length(&cpus[i]) < rq_length(best))
			best = &cpus[i];
	unsigned long flags = spin_lock(&t->lock);
	t->state = THREAD_RUNNABLE;
	t->cpu = best->index;
	spin_unlock(&t->lock, flags);
	make_runnable(t);
}

/* Charges the CPU time since the thread got the CPU. */
static void account(struct thread *t, uint64_t now)
{
	t->run_ns += now - t->run_from;
	t->run_from = now;
}

/* Makes next this CPU's current thread: its kernel stack, TLS and vector
 * state are loaded; the caller then resumes next->ctx. */
static void install(struct kcpu *c, struct thread *next, uint64_t now)
{
	/* It may still be leaving another CPU. */
	while (__atomic_load_n(&next->on_cpu, __ATOMIC_ACQUIRE))
		platform_cpu_relax();
	spin_lock_raw(&next->lock);
	next->on_cpu = 1;
	next->state = THREAD_RUNNING;
	next->cpu = c->index;
	spin_unlock_raw(&next->lock);
	next->run_from = now;
	c->current = next;
	c->slice_start = now;
	if (!next->is_idle) {
		platform_set_syscall_stack(next->kstack_top);
		platform_set_fs_base(next->fs_base);
	}
	if (next->xsave)
		platform_xrstor(next->xsave);
	/* A thread preempted in program code (or a new one) resumes straight
	 * into it: a delivery point, as a syscall's end is. Without it, a
	 * thread that spins in program code, loses its CPU only to ticks and
	 * gets it back by switches would never run its handlers. */
	if (!next->is_idle && !next->syscall_regs &&
	    platform_regs_in_program(&next->ctx) &&
	    __atomic_load_n(&next->sigpending, __ATOMIC_RELAXED))
		signal_deliver_pending(next, &next->ctx, NULL);
	stats_switch();
	/* A new slice: arm its end (a new or preempted thread resumes
	 * straight into program code, with no core code after the switch). */
	timer_rearm();
}

void schedule(void)
{
	struct kcpu *c = this_cpu();
	struct thread *cur = c->current, *next;
	uint64_t now;
	bool requeue;

	spin_lock_raw(&cur->lock);
	if (cur->state == THREAD_RUNNABLE) {
		/* Woken between sched_prepare_block and here: run on. */
		cur->state = THREAD_RUNNING;
		spin_unlock_raw(&cur->lock);
		return;
	}
	requeue = cur->state == THREAD_RUNNING && !cur->is_idle;
	if (requeue)
		cur->state = THREAD_RUNNABLE;
	else if (cur->state != THREAD_RUNNING)
		cur->committed = true; /* BLOCKED or EXITED: wakers queue it */
	spin_unlock_raw(&cur->lock);

	next = rq_pop(c);
	if (!next && (requeue || cur->is_idle)) {
		if (requeue) {
			spin_lock_raw(&cur->lock);
			cur->state = THREAD_RUNNING;
			spin_unlock_raw(&cur->lock);
		}
		return; /* nothing else to run */
	}
	if (!next)
		next = &c->idle;
	if (requeue)
		rq_push(c, cur); /* behind every other thread: round robin */

	now = platform_monotonic_ns();
	account(cur, now);
	if (cur->xsave)
		platform_xsave(cur->xsave);
	install(c, next, now);
	platform_switch(&cur->ctx, &next->ctx, &cur->on_cpu);
	/* Resumed: some CPU installed this thread again. */
}

void sched_prepare_block(void)
{
	struct thread *cur = sched_current();

	if (cur->is_idle)
		PLATFORM_PANIC("the idle thread of cpu %u tried to block",
			       cur->cpu);
	spin_lock_raw(&cur->lock);
	cur->state = THREAD_BLOCKED;
	cur->wait_result = 0;
	spin_unlock_raw(&cur->lock);
}

long sched_block(uint64_t deadline)
{
	struct thread *cur = sched_current();

	/* A signal that came before the thread blocked (the sender found it
	 * running) interrupts the call all the same. */
	if (signal_interrupts(cur))
		sched_wake(cur, -EINTR);
	if (deadline != KCORE_FOREVER)
		timer_add(cur, deadline);
	schedule();
	if (deadline != KCORE_FOREVER)
		timer_cancel(cur);
	return cur->wait_result;
}

bool sched_wake(struct thread *t, long result)
{
	unsigned long flags = spin_lock(&t->lock);
	bool queue;

	if (t->state != THREAD_BLOCKED) {
		spin_unlock(&t->lock, flags);
		return false;
	}
	t->state = THREAD_RUNNABLE;
	t->wait_result = result;
	/* Not committed: it has not reached schedule() yet and will see
	 * RUNNABLE there. Committed: it is off (or leaving) its CPU. */
	queue = t->committed;
	t->committed = false;
	spin_unlock(&t->lock, flags);
	if (queue)
		make_runnable(t);
	return true;
}

void sched_exit(void)
{
	struct thread *cur = sched_current();

	platform_irq_save();
	spin_lock_raw(&cur->lock);
	cur->state = THREAD_EXITED;
	spin_unlock_raw(&cur->lock);
	schedule();
	PLATFORM_PANIC("exited thread %ld was resumed", cur->tid);
}

uint64_t sched_slice_deadline(void)
{
	struct kcpu *c = this_cpu();
	if (c->current->is_idle || rq_length(c) == 0)
		return KCORE_FOREVER;
	return c->slice_start + SCHED_SLICE_NS;
}

void sched_tick(struct platform_regs *regs, uint64_t now)
{
	struct kcpu *c = this_cpu();
	struct thread *cur = c->current, *next;

	if (rq_length(c) == 0 ||
	    (!cur->is_idle && now - c->slice_start < SCHED_SLICE_NS))
		return;
	spin_lock_raw(&cur->lock);
	if (cur->state != THREAD_RUNNING) {
		/* Interrupted between sched_prepare_block and schedule():
		 * that thread is about to switch by itself. */
		spin_unlock_raw(&cur->lock);
		return;
	}
	if (!cur->is_idle)
		cur->state = THREAD_RUNNABLE;
	spin_unlock_raw(&cur->lock);
	next = rq_pop(c);
	if (!next) {
		spin_lock_raw(&cur->lock);
		cur->state = THREAD_RUNNING;
		spin_unlock_raw(&cur->lock);
		return;
	}
	/* The hook runs on the interrupt stack: once its frame is copied,
	 * the thread is off its CPU. */
	cur->ctx = *regs;
	account(cur, now);
	if (cur->xsave)
		platform_xsave(cur->xsave);
	__atomic_store_n(&cur->on_cpu, 0, __ATOMIC_RELEASE);
	if (!cur->is_idle)
		rq_push(c, cur);
	install(c, next, now);
	*regs = next->ctx;
}

void sched_idle_step(void)
{
	struct kcpu *c = this_cpu();
	unsigned long flags = platform_irq_save();

	while (rq_length(c) > 0)
		schedule();
	thread_reap();
	platform_irq_restore(flags);
}

void sched_idle_loop(void)
{
	struct kcpu *c = this_cpu();

	platform_irq_save();
	for (;;) {
		thread_reap();
		if (rq_length(c) > 0)
			schedule();
		else
			platform_wait_for_interrupt();
	}
}
