/* kvmclock, KVM's paravirtual clock: the TSC frequency and the wall time,
 * when CPUID shows KVM with the clocksource2 feature. */
#include "cpu.h"
#include "kvm.h"

#define KVM_CPUID_SIGNATURE 0x40000000
#define KVM_CPUID_FEATURES  0x40000001
#define KVM_FEATURE_CLOCKSOURCE2 (1u << 3)
#define CPUID1_ECX_HYPERVISOR    (1u << 31)

/* Written by the host; version is odd while an update is in progress. */
struct pvclock_time_info {
	uint32_t version;
	uint32_t pad0;
	uint64_t tsc_timestamp;
	uint64_t system_time; /* ns since boot at tsc_timestamp */
	uint32_t tsc_to_system_mul;
	int8_t tsc_shift;
	uint8_t flags;
	uint8_t pad[2];
};

struct pvclock_wall_clock {
	uint32_t version;
	uint32_t sec; /* wall time at system_time 0 */
	uint32_t nsec;
};

/* 32 bytes that must not cross a page: 64-byte alignment sees to it. */
static volatile struct pvclock_time_info time_info
	__attribute__((aligned(64)));
static volatile struct pvclock_wall_clock wall_clock
	__attribute__((aligned(16)));
static int present;

int kvmclock_probe(void)
{
	if (!(cpuid(1, 0).ecx & CPUID1_ECX_HYPERVISOR))
		return 0;
	struct cpuid s = cpuid(KVM_CPUID_SIGNATURE, 0);
	/* "KVMKVMKVM\0\0\0" in EBX, ECX, EDX. */
	if (s.ebx != 0x4b4d564b || s.ecx != 0x564b4d56 || s.edx != 0x4d)
		return 0;
	if (!(cpuid(KVM_CPUID_FEATURES, 0).eax & KVM_FEATURE_CLOCKSOURCE2))
		return 0;
	/* Identity mapped: the virtual address is the physical one. */
	wrmsr(MSR_KVM_SYSTEM_TIME_NEW, (uint64_t)&time_info | 1);
	present = 1;
	return 1;
}

static struct pvclock_time_info snapshot(void)
{
	struct pvclock_time_info t;
	uint32_t v;
	do {
		v = time_info.version;
		__asm__ volatile("" ::: "memory");
		t.tsc_timestamp = time_info.tsc_timestamp;
		t.system_time = time_info.system_time;
		t.tsc_to_system_mul = time_info.tsc_to_system_mul;
		t.tsc_shift = time_info.tsc_shift;
		__asm__ volatile("" ::: "memory");
	} while ((v & 1) || v != time_info.version);
	return t;
}

uint64_t kvmclock_tsc_hz(void)
{
	if (!present)
		return 0;
	struct pvclock_time_info t = snapshot();
	if (!t.tsc_to_system_mul)
		return 0;
	/* ns = (delta << shift) * mul >> 32, so hz = 1e9 * 2^32 / mul
	 * scaled back by the shift. */
	uint64_t hz = (1000000000ull << 32) / t.tsc_to_system_mul;
	return t.tsc_shift < 0 ? hz << -t.tsc_shift : hz >> t.tsc_shift;
}

int kvmclock_wall_ns(uint64_t *wall_ns, uint64_t *at_tsc)
{
	if (!present)
		return 0;
	wrmsr(MSR_KVM_WALL_CLOCK_NEW, (uint64_t)&wall_clock);
	uint32_t v, sec, nsec;
	do {
		v = wall_clock.version;
		__asm__ volatile("" ::: "memory");
		sec = wall_clock.sec;
		nsec = wall_clock.nsec;
		__asm__ volatile("" ::: "memory");
	} while ((v & 1) || v != wall_clock.version);

	struct pvclock_time_info t = snapshot();
	uint64_t tsc = rdtsc();
	uint64_t delta = tsc - t.tsc_timestamp;
	delta = t.tsc_shift < 0 ? delta >> -t.tsc_shift : delta << t.tsc_shift;
	uint64_t now = t.system_time +
		       (uint64_t)(((unsigned __int128)delta *
				   t.tsc_to_system_mul) >> 32);
	*wall_ns = (uint64_t)sec * 1000000000 + nsec + now;
	*at_tsc = tsc;
	return sec != 0;
}
