/* Per CPU: its data, a struct kvm_cpu reached through the GS base (the
 * Go program uses FS for its TLS and leaves GS alone), and calls that name
 * a CPU. */
#include "cpu.h"
#include "kvm.h"

#define SYSCALL_STACK_SIZE 16384

static struct kvm_cpu cpus[KVM_MAX_CPUS];
static unsigned cpu_count;
/* Until the core sets per-thread kernel stacks, syscalls run here. */
static uint8_t syscall_stacks[KVM_MAX_CPUS][SYSCALL_STACK_SIZE]
	__attribute__((aligned(16)));

_Static_assert(__builtin_offsetof(struct kvm_cpu, self) == CPU_SELF, "");
_Static_assert(__builtin_offsetof(struct kvm_cpu, scratch_rsp) ==
		       CPU_SCRATCH_RSP, "");
_Static_assert(__builtin_offsetof(struct kvm_cpu, syscall_stack) ==
		       CPU_SYSCALL_STACK, "");
_Static_assert(__builtin_offsetof(struct kvm_cpu, door_id) == CPU_DOOR_ID, "");

struct kvm_cpu *kvm_percpu_init(unsigned id)
{
	struct kvm_cpu *c = &cpus[id];
	c->self = c;
	c->id = id;
	c->syscall_stack = (uint64_t)&syscall_stacks[id][SYSCALL_STACK_SIZE];
	wrmsr(MSR_GS_BASE, (uint64_t)c);
	if (id >= cpu_count)
		cpu_count = id + 1;
	return c;
}

unsigned platform_cpu_id(void)
{
	return this_cpu()->id;
}

unsigned platform_cpu_count(void)
{
	return cpu_count;
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
	this_cpu()->syscall_stack = (uint64_t)top;
}

void platform_cpu_relax(void)
{
	cpu_pause();
}

void platform_cpu_kick(unsigned cpu)
{
	/* One CPU: nobody else to wake. SMP sends an IPI to the timer
	 * vector here. */
	(void)cpu;
}
