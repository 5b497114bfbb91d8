/* The timer and the interrupt flag in software. Each CPU's host thread has
 * a one-shot host timer (CLOCK_MONOTONIC, absolute) that sends it
 * HOSTED_TIMER_SIGNAL; the core's hook runs from that signal when the CPU
 * was in program code or waiting for an interrupt. Kernel code runs with
 * "interrupts off": a tick landing there is only noted (pending) and taken
 * when the kernel enables interrupts, resumes a program context or waits;
 * host calls are made only when the deadline changes. */
#include "hosted.h"

#define CLOCK_MONOTONIC 1
#define SIGEV_THREAD_ID 4
#define TIMER_ABSTIME 1
/* A tick deferred while resuming a context is retried this soon. */
#define RETRY_NS 20000
/* Deadlines beyond this (146 years) arm the host timer for it: the host
 * refuses a time whose seconds do not fit a signed 64-bit count (EINVAL),
 * and Go asks for "never" as now + nearly 2^63 ns. */
#define HOST_HORIZON_NS (1ull << 62)

struct sigevent64 {
	uint64_t value;
	int32_t signo, notify;
	int32_t tid;
	int32_t pad[11];
};

struct itimerspec64 {
	int64_t interval_sec, interval_nsec;
	int64_t value_sec, value_nsec;
};

static void (*timer_hook)(struct platform_regs *);

void hosted_timer_cpu_init(struct hosted_cpu *cpu)
{
	struct sigevent64 ev = {
		.signo = HOSTED_TIMER_SIGNAL, .notify = SIGEV_THREAD_ID,
		.tid = (int32_t)host_syscall(HOST_gettid, 0),
	};
	int id = 0;
	long err = host_syscall(HOST_timer_create, CLOCK_MONOTONIC, &ev, &id);
	if (err)
		hosted_fatal("timer_create", err);
	cpu->timer_id = id;
	cpu->armed_ns = UINT64_MAX;
}

static void host_arm(struct hosted_cpu *cpu, uint64_t host_ns)
{
	if (host_ns > HOST_HORIZON_NS)
		host_ns = HOST_HORIZON_NS;
	struct itimerspec64 its = {
		.value_sec = (int64_t)(host_ns / 1000000000ull),
		.value_nsec = (int64_t)(host_ns % 1000000000ull),
	};
	long err = host_syscall(HOST_timer_settime, cpu->timer_id,
				host_ns ? TIMER_ABSTIME : 0, &its, 0);
	if (err)
		PLATFORM_PANIC("timer_settime failed (errno %ld)", -err);
}

void platform_set_timer_hook(void (*hook)(struct platform_regs *regs))
{
	timer_hook = hook;
}

void platform_timer_arm(uint64_t deadline_ns)
{
	struct hosted_cpu *cpu = this_cpu();

	if (deadline_ns == cpu->armed_ns)
		return;
	cpu->armed_ns = deadline_ns;
	/* Never 0: a zero it_value disarms the host timer. */
	host_arm(cpu, deadline_ns > HOST_HORIZON_NS ? HOST_HORIZON_NS :
		 hosted_host_monotonic(deadline_ns) | 1);
}

void platform_timer_cancel(void)
{
	struct hosted_cpu *cpu = this_cpu();

	if (cpu->armed_ns == UINT64_MAX)
		return;
	cpu->armed_ns = UINT64_MAX;
	host_arm(cpu, 0);
}

void hosted_timer_retry(void)
{
	struct hosted_cpu *cpu = this_cpu();

	cpu->armed_ns = platform_monotonic_ns() + RETRY_NS;
	host_arm(cpu, hosted_host_monotonic(cpu->armed_ns));
}

/* A tick, taken: interrupts are off, regs is the interrupted context. */
void hosted_timer_fire(struct platform_regs *regs)
{
	struct hosted_cpu *cpu = this_cpu();

	cpu->ticks++;
	cpu->pending = 0;
	hosted_check_input();
	cpu->armed_ns = UINT64_MAX; /* the one-shot timer has fired */
	uint64_t saved = regs->vector;
	regs->vector = PLATFORM_VECTOR_TIMER;
	if (timer_hook)
		timer_hook(regs);
	/* A context the hook left as it was keeps its own vector (a syscall
	 * being returned from); one it put there is a resumed one. */
	if (regs->vector == PLATFORM_VECTOR_TIMER)
		regs->vector = saved;
}

unsigned long platform_irq_save(void)
{
	struct hosted_cpu *cpu = this_cpu();
	unsigned long was_on = !cpu->irq_off;

	cpu->irq_off = 1;
	__asm__ volatile("" ::: "memory");
	return was_on ? RFLAGS_IF : 0;
}

/* With interrupts on, a tick noted meanwhile is taken at once, as a CPU
 * takes a pending interrupt when STI lets it through. */
void platform_irq_restore(unsigned long flags)
{
	struct hosted_cpu *cpu = this_cpu();

	if (!(flags & RFLAGS_IF))
		return;
	__asm__ volatile("" ::: "memory");
	cpu->irq_off = 0;
	if (cpu->pending)
		hosted_soft_irq();
}

struct host_pollfd {
	int fd;
	short events, revents;
};

void platform_wait_for_interrupt(void)
{
	struct hosted_cpu *cpu = this_cpu();
	/* A reader of stdin waits: the sleep ends when it has something. */
	struct host_pollfd input = { 0, 0x001 /* POLLIN */, 0 };

	cpu->irq_off = 0;
	__asm__ volatile("" ::: "memory");
	if (cpu->pending)
		hosted_soft_irq();
	else
		hosted_idle_wait(&input, cpu->want_input ? 1 : 0);
	cpu->irq_off = 1;
	__asm__ volatile("" ::: "memory");
	hosted_check_input();
}
