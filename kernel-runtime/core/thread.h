/* Thread objects: the program's threads (Go's Ms) and each CPU's idle
 * thread. The scheduler (sched.h) moves them between states. */
#ifndef KCORE_THREAD_H
#define KCORE_THREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "linux_signal.h"
#include "list.h"
#include "platform.h"
#include "spinlock.h"

#define KCORE_MAX_THREADS 512
#define KSTACK_PAGES 4 /* 16 KiB of kernel stack per thread */

enum thread_state {
	THREAD_FREE,     /* a free slot of the thread table */
	THREAD_RUNNING,  /* on a CPU */
	THREAD_RUNNABLE, /* in a run queue, or woken before it switched away */
	THREAD_BLOCKED,  /* waits for sched_wake */
	THREAD_EXITED,   /* gone; its memory is freed once off its CPU */
};

struct thread {
	/* Where the thread resumes while it is not running: a context saved
	 * by platform_switch (blocked in the kernel), interrupted by the
	 * timer (preempted), or a new thread's first instruction. */
	struct platform_regs ctx;
	/* The syscall frame during a syscall (what clone copies). */
	struct platform_regs *syscall_regs;

	struct spinlock lock; /* state, wait_result, committed */
	enum thread_state state;
	/* Set by the scheduler when a BLOCKED thread is switching away: from
	 * then on, a waker must put it on a run queue itself. */
	bool committed;
	/* 1 while a CPU runs it or still uses its stack; platform_switch
	 * clears it. A CPU resumes a thread only once this is 0. */
	int on_cpu;
	unsigned cpu; /* the CPU whose run queue it joins */
	long wait_result;
	struct list_node run_link; /* run queue, or the zombie list */

	/* Timeout of a blocked thread (timer.c). */
	struct list_node timer_link;
	uint64_t deadline;
	bool timer_queued;

	long tid;
	bool is_idle;
	void *kstack_top;
	uint64_t kstack_pa;
	void *xsave; /* NULL for idle threads: they never run program code */
	uint64_t xsave_pa;
	size_t xsave_pages;
	uint64_t fs_base;

	uint32_t *clear_child_tid;
	uint64_t robust_list;
	uint64_t sigmask;
	uint64_t sigpending; /* bit sig-1: sent, not yet delivered (atomic) */
	/* The last kcore_syscall was interrupted by a signal where Linux
	 * could make it again (ERESTARTSYS): its entry decides. */
	bool call_restartable;
	struct linux_stack altstack;
	char name[16];

	uint64_t run_ns;   /* CPU time, up to the last switch */
	uint64_t run_from; /* monotonic time it last got a CPU */
};

/* Empties the thread table (boot, tests). */
void thread_table_init(void);
/* A new thread that starts at *start (its ctx and fs_base set), not yet
 * runnable; NULL with *err = -EAGAIN or -ENOMEM. */
struct thread *thread_new(const struct platform_regs *start, uint64_t fs_base,
			  long *err);
/* Frees the memory of exited threads that are off their CPU. */
void thread_reap(void);
/* Queues the current thread, exited, for thread_reap. */
void thread_add_zombie(struct thread *t);
/* Whether a live thread has this id. */
bool thread_exists(long tid);
/* Marks signal sig (1..64) pending on the live thread tid, waking it from
 * a blocking call the signal interrupts (signal_interrupts); false if
 * there is no such thread. */
bool thread_signal(long tid, int sig);
/* Live program threads. */
unsigned thread_live_count(void);
/* What /proc shows of a thread. */
struct thread_view {
	char name[16];   /* prctl's PR_SET_NAME, "" when never set */
	bool runnable;   /* on a CPU or waiting for one; else blocked */
	unsigned cpu;
	uint64_t sigmask, sigpending;
};
/* Fills *out for the live thread tid: false when there is none. */
bool thread_describe(long tid, struct thread_view *out);
/* CPU time of the calling thread / of all threads, exited ones included. */
uint64_t thread_cpu_ns(void);
uint64_t process_cpu_ns(void);
/* Linux clone for threads (CLONE_THREAD): the child resumes from *parent,
 * the caller's syscall frame, with RAX = 0 and RSP = stack (when not 0). */
long thread_clone(unsigned long flags, uintptr_t stack, int32_t *parent_tid,
		  int32_t *child_tid, uint64_t tls,
		  const struct platform_regs *parent);

#endif
