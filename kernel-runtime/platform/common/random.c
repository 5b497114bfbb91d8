/* Random bytes from the CPU: RDSEED (true entropy), else RDRAND. */
#include "x86.h"

#define CPUID1_ECX_RDRAND  (1u << 30)
#define CPUID7_EBX_RDSEED  (1u << 18)
/* Both may fail transiently when the generator is drained: retry. */
#define RETRIES 100

static int have_rdseed, have_rdrand;

void random_hw_init(void)
{
	have_rdrand = !!(cpuid(1, 0).ecx & CPUID1_ECX_RDRAND);
	have_rdseed = cpuid(0, 0).eax >= 7 &&
		      (cpuid(7, 0).ebx & CPUID7_EBX_RDSEED);
}

static int random64(uint64_t *v)
{
	unsigned char ok;
	for (int i = 0; have_rdseed && i < RETRIES; i++) {
		__asm__ volatile("rdseed %0; setc %1" : "=r"(*v), "=qm"(ok));
		if (ok)
			return 1;
	}
	for (int i = 0; have_rdrand && i < RETRIES; i++) {
		__asm__ volatile("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok));
		if (ok)
			return 1;
	}
	return 0;
}

int platform_random(void *buf, size_t len)
{
	unsigned char *out = buf;
	while (len) {
		uint64_t v;
		if (!random64(&v))
			return -1;
		size_t n = len < sizeof(v) ? len : sizeof(v);
		memcpy(out, &v, n);
		out += n;
		len -= n;
	}
	return 0;
}
