/* Time: the TSC frequency (CPUID 15h, kvmclock or the PIT), a monotonic
 * nanosecond clock from the TSC, and the wall time at boot (kvmclock or
 * the CMOS RTC). */
#include "cpu.h"
#include "kvm.h"

static uint64_t tsc_hz;
static uint64_t tsc_base;      /* TSC at monotonic time 0: the PVH entry */
static uint64_t ns_per_tsc;    /* 32.32 fixed point */
static uint64_t tsc_per_ns;    /* 32.32 fixed point */
static uint64_t wall_offset;   /* wall time at monotonic time 0 */
static const char *tsc_source = "none", *wall_source = "none";

/* CPUID 15h: TSC = crystal * EBX / EAX; when ECX (the crystal) is 0, the
 * nominal frequency of leaf 16h gives it. */
static uint64_t tsc_hz_from_cpuid(void)
{
	uint32_t max = cpuid(0, 0).eax;
	if (max < 0x15)
		return 0;
	struct cpuid c = cpuid(0x15, 0);
	if (!c.eax || !c.ebx)
		return 0;
	uint64_t crystal = c.ecx;
	if (!crystal && max >= 0x16)
		crystal = (uint64_t)(cpuid(0x16, 0).eax & 0xffff) * 1000000 *
			  c.eax / c.ebx;
	return crystal * c.ebx / c.eax;
}

/* num / den in 32.32 fixed point, without 128-bit division (no libgcc):
 * the remainder times 2^32 fits in 64 bits because den < 2^32 here. */
uint64_t kvm_clock_ratio32(uint64_t num, uint64_t den)
{
	uint64_t q = num / den, r = num % den;
	if (den >> 32) /* then num < 2^32: shift first */
		return (num << 32) / den;
	return (q << 32) + (r << 32) / den;
}

static uint64_t tsc_to_ns(uint64_t tsc)
{
	return (uint64_t)(((unsigned __int128)(tsc - tsc_base) * ns_per_tsc) >>
			  32);
}

/* The TSC value at monotonic time ns; saturates (a deadline "never"). */
uint64_t kvm_clock_ns_to_tsc(uint64_t ns)
{
	unsigned __int128 delta = ((unsigned __int128)ns * tsc_per_ns) >> 32;
	if (delta > UINT64_MAX - tsc_base)
		return UINT64_MAX;
	return tsc_base + (uint64_t)delta;
}

void kvm_clock_init(void)
{
	int kvmclock = kvmclock_probe();

	if ((tsc_hz = tsc_hz_from_cpuid()))
		tsc_source = "cpuid-15h";
	else if (kvmclock && (tsc_hz = kvmclock_tsc_hz()))
		tsc_source = "kvmclock";
	else if ((tsc_hz = kvm_pit_calibrate_tsc()))
		tsc_source = "pit";
	else
		PLATFORM_PANIC("no TSC frequency: no CPUID 15h, kvmclock or "
			       "PIT");
	tsc_base = kvm_boot_entry_tsc;
	ns_per_tsc = kvm_clock_ratio32(1000000000, tsc_hz);
	tsc_per_ns = kvm_clock_ratio32(tsc_hz, 1000000000);

	uint64_t wall, at_tsc, seconds;
	if (kvmclock && kvmclock_wall_ns(&wall, &at_tsc)) {
		wall_offset = wall - tsc_to_ns(at_tsc);
		wall_source = "kvmclock";
	} else if (kvm_rtc_read_wall(&seconds)) {
		wall_offset = seconds * 1000000000 - platform_monotonic_ns();
		wall_source = "cmos-rtc";
	} else {
		kvm_warn("no wall clock (no kvmclock, no CMOS RTC): wall "
			 "time starts at 0 (1970)");
	}
}

uint64_t platform_monotonic_ns(void)
{
	return tsc_to_ns(rdtsc());
}

uint64_t platform_wall_ns(void)
{
	return wall_offset + platform_monotonic_ns();
}

uint64_t kvm_tsc_hz(void)
{
	return tsc_hz;
}

const char *kvm_tsc_source(void)
{
	return tsc_source;
}

const char *kvm_wall_source(void)
{
	return wall_source;
}
