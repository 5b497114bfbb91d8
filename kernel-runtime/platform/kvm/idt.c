/* The interrupt descriptor table: every vector goes to its stub in vectors.S,
 * on an IST stack chosen by the vector's class. */
#include "kvm.h"

struct gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t ist;
	uint8_t type; /* present, ring 0, 64-bit interrupt gate: 0x8e */
	uint16_t offset_mid;
	uint32_t offset_high;
	uint32_t reserved;
} __attribute__((packed));
_Static_assert(sizeof(struct gate) == 16, "gate layout");

/* Shared by all CPUs: the IST slot numbers are the same in every TSS. */
static struct gate idt[256] __attribute__((aligned(16)));

static unsigned ist_for(unsigned vector)
{
	switch (vector) {
	case 2:
		return IST_NMI;
	case 8:
		return IST_DOUBLE_FAULT;
	case 18:
		return IST_MACHINE_CHECK;
	default:
		return vector < 32 ? IST_EXCEPTION : IST_INTERRUPT;
	}
}

void kvm_idt_init(void)
{
	for (unsigned v = 0; v < 256; v++) {
		uint64_t stub = (uint64_t)kvm_trap_stubs + 16 * v;
		idt[v] = (struct gate){
			.offset_low = stub & 0xffff,
			.selector = KERNEL_CS,
			.ist = ist_for(v),
			/* An interrupt gate clears IF: handlers run with
			 * interrupts off, so an IST stack is never reentered
			 * by an interrupt. */
			.type = 0x8e,
			.offset_mid = (stub >> 16) & 0xffff,
			.offset_high = stub >> 32,
		};
	}
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) p = { sizeof(idt) - 1, (uint64_t)idt };
	__asm__ volatile("lidt %0" : : "m"(p));
}
