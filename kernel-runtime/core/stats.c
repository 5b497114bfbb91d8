/* Counters of what the program made the kernel do, and their printout. */
#include "stats.h"

#include "frame.h"
#include "kcore_leaves.h"
#include "kernel.h"
#include "linux_abi.h"
#include "platform.h"
#include "syscalls.h"

static uint64_t syscall_counts[STATS_SYSCALLS + 1]; /* last: out of range */
static uint64_t unknown_logged[STATS_SYSCALLS / 64];
/* Numbers outside 0..STATS_SYSCALLS-1 already reported (0: free slot; such
 * a number is never 0). Past the last slot, they are no longer reported. */
static long unknown_others[32];
static uint64_t syscalls, switches, page_faults, signals_delivered;
/* The two doors: SYSCALL traps (by number) and redirected calls (by leaf). */
static uint64_t traps, trap_counts[STATS_SYSCALLS + 1];
static uint64_t redirects, redirect_counts[KCORE_LEAF_COUNT];
static uint64_t signals[KSIG_MAX + 1];
static uint64_t memlog_period, memlog_next = KCORE_FOREVER;

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
	for (unsigned i = 0; i <= STATS_SYSCALLS; i++)
		syscall_counts[i] = 0;
	for (unsigned i = 0; i < sizeof(unknown_logged) / 8; i++)
		unknown_logged[i] = 0;
	for (unsigned i = 0; i < 32; i++)
		unknown_others[i] = 0;
	for (unsigned i = 0; i <= KSIG_MAX; i++)
		signals[i] = 0;
	for (unsigned i = 0; i <= STATS_SYSCALLS; i++)
		trap_counts[i] = 0;
	for (unsigned i = 0; i < KCORE_LEAF_COUNT; i++)
		redirect_counts[i] = 0;
	syscalls = switches = page_faults = signals_delivered = 0;
	traps = redirects = 0;
	memlog_period = 0;
	memlog_next = KCORE_FOREVER;
}

void stats_syscall(long nr)
{
	counter_add(&syscall_counts[slot(nr)]);
	counter_add(&syscalls);
}

void stats_trap(long nr)
{
	counter_add(&trap_counts[slot(nr)]);
	counter_add(&traps);
}

void stats_redirect(unsigned leaf)
{
	if (leaf < KCORE_LEAF_COUNT)
		counter_add(&redirect_counts[leaf]);
	counter_add(&redirects);
}

void stats_switch(void)
{
	counter_add(&switches);
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
	return counter_get(&syscall_counts[slot(nr)]);
}

void kcore_counters(struct kcore_counters *out)
{
	struct frame_stats f;

	frame_stats(&f);
	out->syscalls = counter_get(&syscalls);
	out->traps = counter_get(&traps);
	out->redirects = counter_get(&redirects);
	out->switches = counter_get(&switches);
	out->page_faults = counter_get(&page_faults);
	out->frames_total = f.total;
	out->frames_used = f.total - f.free;
	out->frames_peak = f.peak_used;
}

/* "kcore-stats: KIND NAME N" for every number counted in counts. */
static void print_by_number(const char *kind, const uint64_t *counts)
{
	for (unsigned i = 0; i <= STATS_SYSCALLS; i++) {
		uint64_t n = counter_get(&counts[i]);
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
	print_by_number("syscall", syscall_counts);
	platform_log("kcore-stats: traps %lu\n", (unsigned long)c.traps);
	print_by_number("trap", trap_counts);
	platform_log("kcore-stats: redirects %lu\n", (unsigned long)c.redirects);
	for (unsigned i = 0; i < KCORE_LEAF_COUNT; i++)
		if (counter_get(&redirect_counts[i]))
			platform_log("kcore-stats: redirect %s %lu\n", leaf_names[i],
				     (unsigned long)counter_get(&redirect_counts[i]));
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
