/* Per CPU: one host thread each, its data a struct hosted_cpu reached
 * through the GS base (the Go program leaves GS alone), and the calls that
 * name a CPU. */
#include "hosted.h"

#define ARCH_SET_GS 0x1001

static struct hosted_cpu cpus[HOSTED_MAX_CPUS];
static uint8_t irq_stacks[HOSTED_MAX_CPUS][IRQ_STACK_SIZE]
	__attribute__((aligned(16)));

_Static_assert(__builtin_offsetof(struct hosted_cpu, self) == CPU_SELF, "");
_Static_assert(__builtin_offsetof(struct hosted_cpu, scratch_rsp) ==
		       CPU_SCRATCH_RSP, "");
_Static_assert(__builtin_offsetof(struct hosted_cpu, scratch_rip) ==
		       CPU_SCRATCH_RIP, "");
_Static_assert(__builtin_offsetof(struct hosted_cpu, kstack) == CPU_KSTACK, "");
_Static_assert(__builtin_offsetof(struct hosted_cpu, irq_off) == CPU_IRQ_OFF, "");
_Static_assert(__builtin_offsetof(struct hosted_cpu, pending) == CPU_PENDING, "");
_Static_assert(__builtin_offsetof(struct hosted_cpu, door_id) == CPU_DOOR_ID, "");
_Static_assert(__builtin_offsetof(struct hosted_cpu, host_fs) == CPU_HOST_FS, "");
_Static_assert(__builtin_offsetof(struct hosted_cpu, irq_stack) ==
		       CPU_IRQ_STACK, "");

struct hosted_cpu *hosted_cpu_init(unsigned id)
{
	struct hosted_cpu *c = &cpus[id];

	c->self = c;
	c->id = id;
	c->irq_off = 1; /* the kernel starts with interrupts off */
	c->irq_stack = (uint64_t)&irq_stacks[id][IRQ_STACK_SIZE];
	c->armed_ns = UINT64_MAX;
	long err = host_syscall(HOST_arch_prctl, ARCH_SET_GS, c);
	if (err)
		hosted_fatal("arch_prctl(ARCH_SET_GS)", err);
	return c;
}

unsigned platform_cpu_id(void)
{
	return this_cpu()->id;
}

unsigned platform_cpu_count(void)
{
	return 1;
}

void *platform_cpu_local(void)
{
	return this_cpu()->local;
}

void platform_set_cpu_local(void *p)
{
	this_cpu()->local = p;
}

void platform_set_syscall_stack(void *top)
{
	this_cpu()->kstack = (uint64_t)top;
}

void platform_cpu_relax(void)
{
	__asm__ volatile("pause");
}

void platform_cpu_kick(unsigned cpu)
{
	/* One CPU: nobody else to wake. SMP signals the CPU's host thread
	 * (tgkill with the timer signal) here. */
	(void)cpu;
}

/*
 * The program's FS base. Go on linux/amd64 reads only the word at FS:-8
 * (its g) through FS, so one host FS base serves every thread of a CPU:
 * the word itself travels with each context (tls_word) and is stored back
 * at each resume, which costs no host call. The base is set in the host
 * once, by the first thread's ARCH_SET_FS: Go's startup then checks that
 * a store through FS lands in m0.tls, which holds because that base is
 * m0's own. The core keeps each thread's base for ARCH_GET_FS.
 */
void platform_set_fs_base(uint64_t base)
{
	struct hosted_cpu *c = this_cpu();

	if (c->host_fs || !base)
		return;
	long err = host_syscall(HOST_arch_prctl, 0x1002 /* ARCH_SET_FS */, base);
	if (err)
		hosted_fatal("arch_prctl(ARCH_SET_FS)", err);
	c->host_fs = base;
}
