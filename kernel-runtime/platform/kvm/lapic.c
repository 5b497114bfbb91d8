/* The local APIC and its timer: one-shot deadlines in TSC-deadline mode
 * when CPUID offers it, else in one-shot mode at a calibrated rate. */
#include "cpu.h"
#include "kvm.h"

#define APIC_TPR        0x080
#define APIC_EOI        0x0b0
#define APIC_SVR        0x0f0
#define APIC_LVT_TIMER  0x320
#define APIC_LVT_LINT0  0x350
#define APIC_LVT_LINT1  0x360
#define APIC_LVT_ERROR  0x370
#define APIC_TIMER_INIT 0x380
#define APIC_TIMER_CUR  0x390
#define APIC_TIMER_DIV  0x3e0

#define APIC_BASE_ENABLE   (1u << 11)
#define APIC_SVR_ENABLE    (1u << 8)
#define LVT_MASKED         (1u << 16)
#define LVT_TSC_DEADLINE   (2u << 17)
#define TIMER_DIV_16       0x3
#define CPUID1_ECX_TSC_DEADLINE (1u << 24)

static volatile uint32_t *lapic;
static int tsc_deadline;
static uint64_t apic_timer_hz; /* one-shot mode only */
static uint64_t counts_per_ns; /* 32.32 fixed point */

static uint32_t lapic_read(unsigned reg)
{
	return lapic[reg / 4];
}

static void lapic_write(unsigned reg, uint32_t value)
{
	lapic[reg / 4] = value;
}

/* A reading of the timer's current count bracketed by two of the TSC;
 * the tightest of a few, since a delayed one (vCPU descheduled, TCG
 * translating) would skew the rate. */
struct sample {
	uint64_t tsc, width;
	uint32_t count;
};

static struct sample take_best(void)
{
	struct sample best = { 0, ~0ull, 0 };
	for (int i = 0; i < 16; i++) {
		uint64_t before = rdtsc();
		uint32_t count = lapic_read(APIC_TIMER_CUR);
		uint64_t after = rdtsc();
		if (after - before < best.width)
			best = (struct sample){ before + (after - before) / 2,
						after - before, count };
	}
	return best;
}

/* The one-shot timer's rate (divided by 16), against 5 ms of TSC. */
static uint64_t calibrate(void)
{
	lapic_write(APIC_TIMER_DIV, TIMER_DIV_16);
	lapic_write(APIC_LVT_TIMER, PLATFORM_VECTOR_TIMER | LVT_MASKED);
	lapic_write(APIC_TIMER_INIT, 0xffffffff);
	struct sample start = take_best(), end;
	uint64_t span = kvm_tsc_hz() / 200;
	while (rdtsc() - start.tsc < span)
		cpu_pause();
	end = take_best();
	lapic_write(APIC_TIMER_INIT, 0);
	if (end.tsc == start.tsc)
		return 0;
	/* In 5 ms the count moves by less than 2^26 (a 10 GHz timer), so
	 * counts * tsc_hz fits in 64 bits. */
	uint64_t counts = start.count - end.count;
	return counts * kvm_tsc_hz() / (end.tsc - start.tsc);
}

void kvm_lapic_init(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);
	wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
	/* Identity mapped; paging.c made this 2 MiB page uncached. */
	lapic = (volatile uint32_t *)(base & ~0xfffull);

	/* The legacy 8259s are never used: mask all their lines (no-ops
	 * where the machine has none). */
	outb(0x21, 0xff);
	outb(0xa1, 0xff);

	lapic_write(APIC_TPR, 0);
	lapic_write(APIC_SVR, APIC_SVR_ENABLE | PLATFORM_VECTOR_SPURIOUS);
	lapic_write(APIC_LVT_LINT0, LVT_MASKED);
	lapic_write(APIC_LVT_LINT1, LVT_MASKED);
	lapic_write(APIC_LVT_ERROR, LVT_MASKED);

	tsc_deadline = !!(cpuid(1, 0).ecx & CPUID1_ECX_TSC_DEADLINE);
	if (tsc_deadline) {
		lapic_write(APIC_LVT_TIMER,
			    PLATFORM_VECTOR_TIMER | LVT_TSC_DEADLINE);
		/* The SDM asks for a serializing fence between switching
		 * the LVT to TSC-deadline mode and the first deadline. */
		__asm__ volatile("mfence" ::: "memory");
	} else {
		apic_timer_hz = calibrate();
		if (!apic_timer_hz)
			PLATFORM_PANIC("the local APIC timer does not count");
		counts_per_ns = kvm_clock_ratio32(apic_timer_hz, 1000000000);
		lapic_write(APIC_LVT_TIMER, PLATFORM_VECTOR_TIMER);
	}
}

void kvm_lapic_eoi(void)
{
	lapic_write(APIC_EOI, 0);
}

void platform_timer_arm(uint64_t deadline_ns)
{
	if (tsc_deadline) {
		uint64_t tsc = kvm_clock_ns_to_tsc(deadline_ns);
		wrmsr(MSR_TSC_DEADLINE, tsc ? tsc : 1); /* 0 would disarm */
		return;
	}
	uint64_t now = platform_monotonic_ns();
	uint64_t delta = deadline_ns > now ? deadline_ns - now : 0;
	uint64_t count = (uint64_t)(((unsigned __int128)delta * counts_per_ns) >>
				    32);
	/* A count of 0 stops the timer; longer than 32 bits fires early,
	 * and the core, finding the deadline not reached, arms again. */
	if (count == 0)
		count = 1;
	if (count > 0xffffffff)
		count = 0xffffffff;
	lapic_write(APIC_TIMER_INIT, (uint32_t)count);
}

void platform_timer_cancel(void)
{
	if (tsc_deadline)
		wrmsr(MSR_TSC_DEADLINE, 0);
	else
		lapic_write(APIC_TIMER_INIT, 0);
}

const char *kvm_timer_mode(void)
{
	return tsc_deadline ? "tsc-deadline" : "lapic-oneshot";
}
