/* Counters of what the program made the kernel do, and their printout. */
#include "stats.h"

#include "boot.h"
#include "frame.h"
#include "kcore_leaves.h"
#include "kernel.h"
#include "linux_abi.h"
#include "platform.h"
#include "sched.h"
#include "syscalls.h"

static uint64_t unknown_logged[STATS_SYSCALLS / 64];
/* Numbers outside 0..STATS_SYSCALLS-1 already reported (0: free slot; such
 * a number is never 0). Past the last slot, they are no longer reported. */
static long unknown_others[32];
static uint64_t page_faults, signals_delivered;
static uint64_t signals[KSIG_MAX + 1];
static uint64_t memlog_period, memlog_next = KCORE_FOREVER;

/* The counters bumped on every call, per CPU: each CPU adds to its own
 * with a plain add, from an entry path or the scheduler with its
 * interrupts off, so the thread cannot move to another CPU mid-add. A
 * locked add per counter cost a third of a redirected getpid. Readers sum
 * the CPUs (a count read while a CPU adds is off by that one call). */
struct cpu_counters {
	uint64_t syscall[STATS_SYSCALLS + 1]; /* last: out of range */
	/* The two doors: SYSCALL traps (by number), redirected calls (by leaf). */
	uint64_t trap[STATS_SYSCALLS + 1];
	uint64_t redirect[KCORE_LEAF_COUNT];
	uint64_t switches;
} __attribute__((aligned(64)));
static struct cpu_counters per_cpu[KCORE_MAX_CPUS];

static struct cpu_counters *this_cpu_counters(void)
{
	return &per_cpu[platform_cpu_id() % KCORE_MAX_CPUS];
}

/* One instruction: an interrupt on this CPU sees the add done or not. */
static void local_add(uint64_t *counter)
{
	__asm__ volatile("incq %0" : "+m"(*counter));
}

/* The sum over CPUs of the counter at offset bytes into cpu_counters. */
static uint64_t cpus_sum(size_t offset)
{
	uint64_t sum = 0;

	for (unsigned c = 0; c < KCORE_MAX_CPUS; c++)
		sum += __atomic_load_n((const uint64_t *)((const char *)&per_cpu[c] + offset),
				       __ATOMIC_RELAXED);
	return sum;
}

#define COUNTERS_AT(field) __builtin_offsetof(struct cpu_counters, field)

/* The sum over CPUs of counter i of the array at offset. */
static uint64_t element_sum(size_t array, unsigned i)
{
	return cpus_sum(array + i * sizeof(uint64_t));
}

/* The sum over CPUs and over the n counters of the array at offset. */
static uint64_t cpus_sum_all(size_t array, unsigned n)
{
	uint64_t sum = 0;

	for (unsigned i = 0; i < n; i++)
		sum += element_sum(array, i);
	return sum;
}

static void counter_add(uint64_t *counter)
{
	__atomic_fetch_add(counter, 1, __ATOMIC_RELAXED);
}

static uint64_t counter_get(const uint64_t *counter)
{
	return __atomic_load_n(counter, __ATOMIC_RELAXED);
}

static unsigned slot(long nr)
{
	return nr >= 0 && nr < STATS_SYSCALLS ? (unsigned)nr : STATS_SYSCALLS;
}

void stats_init(void)
{
	boot_rezero(per_cpu, sizeof(per_cpu));
	for (unsigned i = 0; i < sizeof(unknown_logged) / 8; i++)
		unknown_logged[i] = 0;
	for (unsigned i = 0; i < 32; i++)
		unknown_others[i] = 0;
	for (unsigned i = 0; i <= KSIG_MAX; i++)
		signals[i] = 0;
	page_faults = signals_delivered = 0;
	memlog_period = 0;
	memlog_next = KCORE_FOREVER;
}

void stats_syscall(long nr)
{
	local_add(&this_cpu_counters()->syscall[slot(nr)]);
}

void stats_trap(long nr)
{
	local_add(&this_cpu_counters()->trap[slot(nr)]);
}

void stats_redirect(unsigned leaf)
{
	if (leaf < KCORE_LEAF_COUNT)
		local_add(&this_cpu_counters()->redirect[leaf]);
}

void stats_switch(void)
{
	local_add(&this_cpu_counters()->switches);
}

void stats_page_fault(void)
{
	counter_add(&page_faults);
}

void stats_signal(int sig)
{
	if (sig > 0 && sig <= KSIG_MAX)
		counter_add(&signals[sig]);
}

void stats_signal_delivered(void)
{
	counter_add(&signals_delivered);
}

bool stats_first_unknown(long nr)
{
	unsigned s = slot(nr);

	if (s < STATS_SYSCALLS) {
		uint64_t bit = 1ull << (s % 64);
		return !(__atomic_fetch_or(&unknown_logged[s / 64], bit,
					   __ATOMIC_RELAXED) & bit);
	}
	for (unsigned i = 0; i < 32; i++) {
		long seen = __atomic_load_n(&unknown_others[i], __ATOMIC_RELAXED);
		if (seen == nr)
			return false;
		if (seen == 0 &&
		    __atomic_compare_exchange_n(&unknown_others[i], &seen, nr,
						false, __ATOMIC_RELAXED,
						__ATOMIC_RELAXED))
			return true;
		if (seen == nr) /* another CPU claimed it for nr */
			return false;
	}
	return false;
}

uint64_t kcore_syscall_count(long nr)
{
	return element_sum(COUNTERS_AT(syscall), slot(nr));
}

void kcore_counters(struct kcore_counters *out)
{
	struct frame_stats f;

	frame_stats(&f);
	out->syscalls = cpus_sum_all(COUNTERS_AT(syscall), STATS_SYSCALLS + 1);
	out->traps = cpus_sum_all(COUNTERS_AT(trap), STATS_SYSCALLS + 1);
	out->redirects = cpus_sum_all(COUNTERS_AT(redirect), KCORE_LEAF_COUNT);
	out->switches = cpus_sum(COUNTERS_AT(switches));
	out->page_faults = counter_get(&page_faults);
	out->frames_total = f.total;
	out->frames_used = f.total - f.free;
	out->frames_peak = f.peak_used;
}

/* "kcore-stats: KIND NAME N" for every number counted in the per-CPU
 * array at offset. */
static void print_by_number(const char *kind, size_t offset)
{
	for (unsigned i = 0; i <= STATS_SYSCALLS; i++) {
		uint64_t n = element_sum(offset, i);
		if (!n)
			continue;
		if (i == STATS_SYSCALLS)
			platform_log("kcore-stats: %s out-of-range %lu\n", kind,
				     (unsigned long)n);
		else if (syscall_name(i))
			platform_log("kcore-stats: %s %s %lu\n", kind,
				     syscall_name(i), (unsigned long)n);
		else
			platform_log("kcore-stats: %s nr%u %lu\n", kind, i,
				     (unsigned long)n);
	}
}

#define LEAF_NAME(id, name) [id] = #name,
static const char *const leaf_names[KCORE_LEAF_COUNT] = {
	KCORE_LEAVES(LEAF_NAME)
};
#undef LEAF_NAME

void kcore_print_counters(void)
{
	struct kcore_counters c;

	kcore_counters(&c);
	/* Every system call, by number, through either door; then each
	 * door's own count: what trapped, what came redirected. */
	platform_log("kcore-stats: syscalls %lu\n", (unsigned long)c.syscalls);
	print_by_number("syscall", COUNTERS_AT(syscall));
	platform_log("kcore-stats: traps %lu\n", (unsigned long)c.traps);
	print_by_number("trap", COUNTERS_AT(trap));
	platform_log("kcore-stats: redirects %lu\n", (unsigned long)c.redirects);
	for (unsigned i = 0; i < KCORE_LEAF_COUNT; i++) {
		uint64_t n = element_sum(COUNTERS_AT(redirect), i);
		if (n)
			platform_log("kcore-stats: redirect %s %lu\n", leaf_names[i],
				     (unsigned long)n);
	}
	platform_log("kcore-stats: switches %lu\n", (unsigned long)c.switches);
	platform_log("kcore-stats: page_faults %lu\n",
			(unsigned long)c.page_faults);
	platform_log("kcore-stats: signals_delivered %lu\n",
		     (unsigned long)counter_get(&signals_delivered));
	platform_log("kcore-stats: frames_used %lu\n",
			(unsigned long)c.frames_used);
	platform_log("kcore-stats: frames_peak %lu\n",
			(unsigned long)c.frames_peak);
	platform_log("kcore-stats: frames_total %lu\n",
			(unsigned long)c.frames_total);
	for (int s = 1; s <= KSIG_MAX; s++)
		if (counter_get(&signals[s]))
			platform_log("kcore-stats: signal_sent %d %lu\n",
					s, (unsigned long)counter_get(&signals[s]));
}

void stats_memlog_start(uint64_t period_ns, uint64_t now)
{
	memlog_period = period_ns;
	__atomic_store_n(&memlog_next, period_ns ? now + period_ns : KCORE_FOREVER,
			 __ATOMIC_RELAXED);
}

uint64_t stats_memlog_deadline(void)
{
	return __atomic_load_n(&memlog_next, __ATOMIC_RELAXED);
}

void stats_memlog_tick(uint64_t now)
{
	uint64_t due = stats_memlog_deadline();
	struct frame_stats f;

	/* The CPU that moves the deadline on prints the line. */
	if (now < due ||
	    !__atomic_compare_exchange_n(&memlog_next, &due, now + memlog_period,
					 false, __ATOMIC_RELAXED,
					 __ATOMIC_RELAXED))
		return;
	frame_stats(&f);
	platform_log("kcore-frames: t=%lu used %lu peak %lu total %lu\n",
		     (unsigned long)(now / 1000000000ull),
		     (unsigned long)(f.total - f.free),
		     (unsigned long)f.peak_used, (unsigned long)f.total);
}
