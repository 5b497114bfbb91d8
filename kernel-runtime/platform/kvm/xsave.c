/* Extended CPU state (x87, SSE, AVX, AVX-512): enabled through XSAVE with
 * every component the CPU supports, and saved/restored per thread. */
#include "cpu.h"
#include "kvm.h"

#define CPUID1_ECX_XSAVE (1u << 26)

enum save_method { SAVE_FXSAVE, SAVE_XSAVE, SAVE_XSAVEOPT };

static enum save_method method;
static uint64_t features;
static size_t area_size;

void kvm_xsave_setup(void)
{
	uint64_t cr0 = read_cr0();
	cr0 &= ~(CR0_EM | CR0_TS); /* no emulation, no lazy #NM traps */
	cr0 |= CR0_MP | CR0_NE;    /* native x87 error reporting */
	write_cr0(cr0);

	uint64_t cr4 = read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT;
	if (!(cpuid(1, 0).ecx & CPUID1_ECX_XSAVE)) {
		write_cr4(cr4);
		method = SAVE_FXSAVE;
		features = XFEATURE_X87 | XFEATURE_SSE;
		area_size = 512;
	} else {
		write_cr4(cr4 | CR4_OSXSAVE);
		struct cpuid d = cpuid(0xd, 0);
		uint64_t supported = d.eax | ((uint64_t)d.edx << 32);
		features = supported & XFEATURES_WANTED;
		/* XSETBV faults unless the AVX-512 bits come all together
		 * and on top of AVX. */
		if ((features & XFEATURE_AVX512) != XFEATURE_AVX512 ||
		    !(features & XFEATURE_AVX))
			features &= ~(uint64_t)XFEATURE_AVX512;
		xsetbv(0, features);
		/* EBX: the size for the components enabled in XCR0. */
		area_size = cpuid(0xd, 0).ebx;
		method = cpuid(0xd, 1).eax & 1 ? SAVE_XSAVEOPT : SAVE_XSAVE;
	}
	uint32_t mxcsr = 0x1f80; /* all exceptions masked, round to nearest */
	__asm__ volatile("fninit; ldmxcsr %0" : : "m"(mxcsr));
}

const char *kvm_xsave_method(void)
{
	static const char *const names[] = { "fxsave", "xsave", "xsaveopt" };
	return names[method];
}

size_t platform_xsave_size(void)
{
	return area_size;
}

uint64_t kvm_xsave_features(void)
{
	return features;
}

void platform_xsave_init(void *area)
{
	memset(area, 0, area_size);
	/* The legacy region, read by FXRSTOR, and by XRSTOR for MXCSR even
	 * when a component is in its initial state (XSTATE_BV = 0 here). */
	*(uint16_t *)area = 0x037f;                   /* x87 control word */
	*(uint32_t *)((char *)area + 24) = 0x1f80;    /* MXCSR */
}

void platform_xsave(void *area)
{
	switch (method) {
	case SAVE_XSAVEOPT:
		__asm__ volatile("xsaveopt64 (%0)"
				 : : "r"(area), "a"(-1), "d"(-1) : "memory");
		break;
	case SAVE_XSAVE:
		__asm__ volatile("xsave64 (%0)"
				 : : "r"(area), "a"(-1), "d"(-1) : "memory");
		break;
	case SAVE_FXSAVE:
		__asm__ volatile("fxsave64 (%0)" : : "r"(area) : "memory");
		break;
	}
}

void platform_xrstor(const void *area)
{
	if (method == SAVE_FXSAVE)
		__asm__ volatile("fxrstor64 (%0)" : : "r"(area) : "memory");
	else
		__asm__ volatile("xrstor64 (%0)"
				 : : "r"(area), "a"(-1), "d"(-1) : "memory");
}
