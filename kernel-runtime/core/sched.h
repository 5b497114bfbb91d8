/* The scheduler: per-CPU run queues (round robin with a time slice),
 * blocking and waking, preemption from the timer hook. */
#ifndef KCORE_SCHED_H
#define KCORE_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#include "list.h"
#include "platform.h"
#include "spinlock.h"
#include "thread.h"

#define KCORE_MAX_CPUS 64
#define SCHED_SLICE_NS 10000000ull /* 10 ms */

/* What the core keeps per CPU, reached through platform_cpu_local(). */
struct kcpu {
	unsigned index;
	struct thread *current;
	struct thread idle; /* the CPU's boot context, run when nothing else is */
	struct spinlock rq_lock;
	struct list_node rq; /* runnable threads, head runs next */
	unsigned rq_len;
	uint64_t slice_start; /* when current got the CPU */
	uint64_t armed;       /* this CPU's timer deadline, KCORE_FOREVER if off */
	bool online;
};

/* Resets every CPU (boot, tests). */
void sched_init(void);
/* Makes the calling context CPU index's idle thread and this CPU's per-CPU
 * data. Interrupts disabled. */
void sched_cpu_init(unsigned index);

struct kcpu *this_cpu(void);
struct kcpu *sched_cpu(unsigned index);
struct thread *sched_current(void);

/* Puts a new thread on the least loaded CPU's run queue. */
void sched_start(struct thread *t);

/* Blocking, in two steps so no wake-up is lost: with the lock of the wait
 * structure held (and interrupts disabled), queue the thread there and call
 * sched_prepare_block; release the lock (interrupts stay disabled) and call
 * sched_block. It returns the result given to sched_wake, -ETIMEDOUT when
 * the monotonic clock reached deadline (KCORE_FOREVER: none) first, or
 * -EINTR when a signal interrupts the wait (signal_interrupts). */
void sched_prepare_block(void);
long sched_block(uint64_t deadline);
/* Makes a BLOCKED thread runnable with result; false if it was not
 * blocked (already woken, or timed out). */
bool sched_wake(struct thread *t, long result);

/* Switches to the next runnable thread: the current one is requeued when
 * RUNNING, left when BLOCKED or EXITED. Interrupts disabled. */
void schedule(void);
/* Ends the current thread (after thread_add_zombie); never returns. */
void sched_exit(void) __attribute__((noreturn));

/* The timer hook's part: preempts the current thread, rewriting *regs,
 * when its slice is over (or the CPU idles) and another thread waits. */
void sched_tick(struct platform_regs *regs, uint64_t now);
/* Whether this CPU's current thread must be preempted at the end of its
 * slice, and when (KCORE_FOREVER if not). */
uint64_t sched_slice_deadline(void);

/* The idle thread's work: runs threads until the run queue is empty. */
void sched_idle_step(void);
/* The idle loop: never returns. */
void sched_idle_loop(void) __attribute__((noreturn));

#endif
