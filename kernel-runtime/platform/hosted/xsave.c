/* Extended CPU state (x87, SSE, AVX, AVX-512) per thread: XSAVE over the
 * components the host enabled (XCR0) that Go can use, sized from CPUID;
 * FXSAVE where the host has no XSAVE. The instructions work in user mode;
 * only enabling components is the host's business. */
#include "hosted.h"

#define CPUID1_ECX_OSXSAVE (1u << 27)

static int use_xsave;
/* XSAVEOPT skips the components still as the last XRSTOR of this area
 * left them, and those in their initial state: most of AVX-512's 2 KiB
 * at a thread switch. */
static int use_xsaveopt;
static uint32_t mask_lo, mask_hi;
static size_t area_size = 512;

void hosted_xsave_init(void)
{
	if (!(cpuid(1, 0).ecx & CPUID1_ECX_OSXSAVE))
		return; /* FXSAVE: x87 and SSE, 512 bytes */
	uint32_t lo, hi;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	uint64_t features = (((uint64_t)hi << 32) | lo) & XFEATURES_WANTED;
	use_xsave = 1;
	use_xsaveopt = cpuid(0xd, 1).eax & 1;
	mask_lo = (uint32_t)features;
	mask_hi = (uint32_t)(features >> 32);
	/* The legacy area and header, then each component where CPUID
	 * puts it (the standard, uncompacted layout). */
	area_size = 576;
	for (unsigned i = 2; i < 32; i++) {
		if (!(features & (1ull << i)))
			continue;
		struct cpuid c = cpuid(0xd, i);
		if (c.ebx + c.eax > area_size)
			area_size = c.ebx + c.eax;
	}
}

uint64_t hosted_xsave_features(void)
{
	return ((uint64_t)mask_hi << 32) | mask_lo;
}

size_t platform_xsave_size(void)
{
	return area_size;
}

void platform_xsave_init(void *area)
{
	memset(area, 0, area_size);
	*(uint16_t *)area = 0x037f;                /* x87 control word */
	*(uint32_t *)((char *)area + 24) = 0x1f80; /* MXCSR */
}

void platform_xsave(void *area)
{
	if (use_xsaveopt)
		__asm__ volatile("xsaveopt64 (%0)"
				 : : "r"(area), "a"(mask_lo), "d"(mask_hi)
				 : "memory");
	else if (use_xsave)
		__asm__ volatile("xsave64 (%0)"
				 : : "r"(area), "a"(mask_lo), "d"(mask_hi)
				 : "memory");
	else
		__asm__ volatile("fxsave64 (%0)" : : "r"(area) : "memory");
}

void platform_xrstor(const void *area)
{
	if (use_xsave)
		__asm__ volatile("xrstor64 (%0)"
				 : : "r"(area), "a"(mask_lo), "d"(mask_hi)
				 : "memory");
	else
		__asm__ volatile("fxrstor64 (%0)" : : "r"(area) : "memory");
}
