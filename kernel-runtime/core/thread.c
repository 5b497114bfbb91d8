/* Thread objects: a fixed table of threads, each with a kernel stack and an
 * FPU/SIMD save area from the frame allocator; creation (thread_create for
 * redirect mode, clone for trap mode) and exit. */
#include "thread.h"

#include "frame.h"
#include "futex.h"
#include "kernel.h"
#include "kstring.h"
#include "linux_abi.h"
#include "sched.h"
#include "signals.h"

static struct spinlock table_lock = SPINLOCK_INIT("threads");
static struct thread threads[KCORE_MAX_THREADS];
static struct list_node zombies;
static long next_tid;
static unsigned live;
static uint64_t exited_cpu_ns; /* CPU time of threads already gone */

void thread_table_init(void)
{
	spin_init(&table_lock, "threads");
	for (size_t i = 0; i < KCORE_MAX_THREADS; i++)
		threads[i].state = THREAD_FREE;
	list_init(&zombies);
	next_tid = 1;
	live = 0;
	exited_cpu_ns = 0;
}

static void free_memory(struct thread *t)
{
	if (t->kstack_pa)
		frame_free_contig(t->kstack_pa, KSTACK_PAGES);
	if (t->xsave_pa)
		frame_free_contig(t->xsave_pa, t->xsave_pages);
	t->kstack_pa = t->xsave_pa = 0;
}

struct thread *thread_new(const struct platform_regs *start, uint64_t fs_base,
			  long *err)
{
	struct thread *t = NULL;
	unsigned long flags;

	thread_reap();
	flags = spin_lock(&table_lock);
	for (size_t i = 0; i < KCORE_MAX_THREADS && !t; i++)
		if (threads[i].state == THREAD_FREE)
			t = &threads[i];
	if (t) {
		/* Reserved, not yet counted as live. */
		*t = (struct thread){ .state = THREAD_BLOCKED };
		t->tid = next_tid++;
	}
	spin_unlock(&table_lock, flags);
	if (!t) {
		*err = -EAGAIN;
		return NULL;
	}

	size_t xsave_size = platform_xsave_size();
	t->xsave_pages = (xsave_size + FRAME_SIZE - 1) / FRAME_SIZE;
	t->kstack_pa = frame_alloc_contig(KSTACK_PAGES);
	t->xsave_pa = frame_alloc_contig(t->xsave_pages);
	if (!t->kstack_pa || !t->xsave_pa) {
		free_memory(t);
		flags = spin_lock(&table_lock);
		t->state = THREAD_FREE;
		spin_unlock(&table_lock, flags);
		*err = -ENOMEM;
		return NULL;
	}
	t->kstack_top = (char *)platform_phys_to_virt(t->kstack_pa) +
			KSTACK_PAGES * FRAME_SIZE;
	t->xsave = platform_phys_to_virt(t->xsave_pa);
	platform_xsave_init(t->xsave);
	spin_init(&t->lock, "thread");
	list_init(&t->run_link);
	list_init(&t->timer_link);
	t->ctx = *start;
	t->fs_base = fs_base;
	t->altstack.flags = SS_DISABLE;

	flags = spin_lock(&table_lock);
	live++;
	spin_unlock(&table_lock, flags);
	return t;
}

void thread_add_zombie(struct thread *t)
{
	unsigned long flags = spin_lock(&table_lock);
	list_add_tail(&zombies, &t->run_link);
	spin_unlock(&table_lock, flags);
}

void thread_reap(void)
{
	unsigned long flags = spin_lock(&table_lock);
	struct list_node *n = zombies.next, *next;

	for (; n != &zombies; n = next) {
		struct thread *t = container_of(n, struct thread, run_link);
		next = n->next;
		/* Its CPU may still be on its kernel stack. */
		if (__atomic_load_n(&t->on_cpu, __ATOMIC_ACQUIRE))
			continue;
		list_del(n);
		exited_cpu_ns += t->run_ns;
		free_memory(t);
		t->state = THREAD_FREE;
	}
	spin_unlock(&table_lock, flags);
}

/* The live thread tid, found under the table lock; NULL if none. */
static struct thread *live_thread(long tid)
{
	for (size_t i = 0; i < KCORE_MAX_THREADS; i++)
		if (threads[i].tid == tid && threads[i].state != THREAD_FREE &&
		    threads[i].state != THREAD_EXITED)
			return &threads[i];
	return NULL;
}

bool thread_exists(long tid)
{
	unsigned long flags = spin_lock(&table_lock);
	bool found = live_thread(tid) != NULL;
	spin_unlock(&table_lock, flags);
	return found;
}

bool thread_signal(long tid, int sig)
{
	unsigned long flags = spin_lock(&table_lock);
	struct thread *t = live_thread(tid);
	if (t) {
		__atomic_fetch_or(&t->sigpending, 1ull << (sig - 1),
				  __ATOMIC_RELEASE);
		/* Blocked in a call: it ends (-EINTR) for the handler. */
		if (signal_interrupts(t))
			sched_wake(t, -EINTR);
	}
	spin_unlock(&table_lock, flags);
	return t != NULL;
}

unsigned thread_live_count(void)
{
	return __atomic_load_n(&live, __ATOMIC_RELAXED);
}

bool thread_describe(long tid, struct thread_view *out)
{
	unsigned long flags = spin_lock(&table_lock);
	struct thread *t = live_thread(tid);

	if (t) {
		kmemcpy(out->name, t->name, sizeof(out->name));
		out->name[sizeof(out->name) - 1] = 0;
		out->runnable = t->state == THREAD_RUNNING || t->state == THREAD_RUNNABLE;
		out->cpu = t->cpu;
		out->sigmask = t->sigmask;
		out->sigpending = __atomic_load_n(&t->sigpending, __ATOMIC_ACQUIRE);
	}
	spin_unlock(&table_lock, flags);
	return t != NULL;
}

uint64_t thread_cpu_ns(void)
{
	struct thread *cur = sched_current();
	return cur->run_ns + (platform_monotonic_ns() - cur->run_from);
}

uint64_t process_cpu_ns(void)
{
	uint64_t sum;
	unsigned long flags = spin_lock(&table_lock);

	sum = exited_cpu_ns;
	for (size_t i = 0; i < KCORE_MAX_THREADS; i++)
		if (threads[i].state != THREAD_FREE)
			sum += threads[i].run_ns;
	spin_unlock(&table_lock, flags);
	/* The running thread's current slice is not in its run_ns yet. */
	return sum + (platform_monotonic_ns() - sched_current()->run_from);
}

long thread_create(const struct kcore_thread_start *start)
{
	struct platform_regs regs;
	long err;

	platform_regs_init(&regs, start->rip, start->rsp);
	regs.rdi = start->arg;
	struct thread *t = thread_new(&regs, start->fs_base, &err);
	if (!t)
		return err;
	t->sigmask = sched_current()->sigmask;
	if (start->name)
		kstrlcpy(t->name, start->name, sizeof(t->name));
	sched_start(t);
	return t->tid;
}

long thread_clone(unsigned long flags, uintptr_t stack, int32_t *parent_tid,
		  int32_t *child_tid, uint64_t tls,
		  const struct platform_regs *parent)
{
	const unsigned long needed = CLONE_VM | CLONE_SIGHAND | CLONE_THREAD;
	struct thread *cur = sched_current(), *t;
	struct platform_regs regs;
	long err;

	/* Only threads: a new process (fork, vfork, posix_spawn) would need
	 * a second address space. */
	if ((flags & needed) != needed)
		return -ENOSYS;
	if (!parent)
		return -EINVAL;
	regs = *parent;
	regs.rax = 0; /* the child's result */
	if (stack)
		regs.rsp = stack;
	t = thread_new(&regs, flags & CLONE_SETTLS ? tls : cur->fs_base, &err);
	if (!t)
		return err;
	/* As on Linux the child inherits the vector state: the registers
	 * still hold the parent's (the kernel never touches them). */
	platform_xsave(t->xsave);
	t->sigmask = cur->sigmask;
	kmemcpy(t->name, cur->name, sizeof(t->name));
	if (flags & CLONE_PARENT_SETTID)
		*parent_tid = (int32_t)t->tid;
	if (flags & CLONE_CHILD_SETTID)
		*child_tid = (int32_t)t->tid;
	if (flags & CLONE_CHILD_CLEARTID)
		t->clear_child_tid = (uint32_t *)child_tid;
	sched_start(t);
	return t->tid;
}

void thread_exit(int status)
{
	struct thread *cur = sched_current();
	unsigned long flags;
	bool last;

	if (cur->is_idle)
		PLATFORM_PANIC("thread_exit on the idle thread");
	/* What pthread_join and Linux's CLONE_CHILD_CLEARTID users wait on. */
	if (cur->clear_child_tid) {
		__atomic_store_n(cur->clear_child_tid, 0, __ATOMIC_RELEASE);
		futex_wake(cur->clear_child_tid, 1);
	}
	flags = spin_lock(&table_lock);
	last = --live == 0;
	spin_unlock(&table_lock, flags);
	if (last)
		process_exit(status);
	thread_add_zombie(cur);
	sched_exit();
}

long thread_id(void)
{
	return sched_current()->tid;
}

void thread_yield(void)
{
	unsigned long flags = platform_irq_save();
	schedule();
	platform_irq_restore(flags);
}

void thread_set_fs_base(uint64_t base)
{
	sched_current()->fs_base = base;
	platform_set_fs_base(base);
}
