/* Segments: the GDT (kernel code and data, one TSS per CPU) and the TSS
 * whose interrupt stack table gives every exception class and device
 * interrupts stacks of their own. */
#include "kvm.h"

/* The 64-bit task state segment: only the IST slots matter here, since the
 * kernel and the Go program both run in ring 0 (no RSP0 switch). */
struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[8]; /* ist[1..7]; ist[0] is the reserved slot */
	uint16_t reserved2;
	uint16_t iomap_base;
} __attribute__((packed));
_Static_assert(sizeof(struct tss) == 104, "TSS layout");

struct gdt {
	uint64_t null, code, data;
	uint64_t tss_low, tss_high; /* a TSS descriptor takes two slots */
} __attribute__((packed));
_Static_assert(__builtin_offsetof(struct gdt, tss_low) == TSS_SEL, "TSS_SEL");

static struct gdt gdts[KVM_MAX_CPUS] __attribute__((aligned(16)));
static struct tss tsses[KVM_MAX_CPUS] __attribute__((aligned(16)));
static uint8_t ist_stacks[KVM_MAX_CPUS][IST_COUNT][IST_STACK_SIZE]
	__attribute__((aligned(4096)));

struct descriptor_pointer {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

void kvm_gdt_init(struct kvm_cpu *cpu)
{
	struct gdt *g = &gdts[cpu->id];
	struct tss *t = &tsses[cpu->id];

	for (int i = 1; i <= IST_COUNT; i++)
		t->ist[i] = (uint64_t)&ist_stacks[cpu->id][i - 1][IST_STACK_SIZE];
	t->iomap_base = sizeof(*t); /* no I/O permission bitmap */

	uint64_t base = (uint64_t)t, limit = sizeof(*t) - 1;
	g->null = 0;
	g->code = 0x00af9a000000ffff; /* present, ring 0, 64-bit, exec/read */
	g->data = 0x00cf92000000ffff; /* present, ring 0, read/write */
	g->tss_low = (limit & 0xffff) | ((base & 0xffffff) << 16) |
		     (0x89ull << 40) /* present, available 64-bit TSS */ |
		     (((limit >> 16) & 0xf) << 48) |
		     (((base >> 24) & 0xff) << 56);
	g->tss_high = base >> 32;

	struct descriptor_pointer p = { sizeof(*g) - 1, (uint64_t)g };
	/* Reload CS with a far return, the data segments, then the task
	 * register. GS and FS stay null: their bases come from MSRs. */
	__asm__ volatile("lgdt %0\n\t"
			 "pushq %1\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "mov %2, %%eax\n\t"
			 "mov %%eax, %%ds\n\t"
			 "mov %%eax, %%es\n\t"
			 "mov %%eax, %%ss\n\t"
			 "mov %3, %%eax\n\t"
			 "ltr %%ax"
			 :
			 : "m"(p), "i"(KERNEL_CS), "i"(KERNEL_DS), "i"(TSS_SEL)
			 : "rax", "memory");
}
