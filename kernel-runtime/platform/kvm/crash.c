/* The crash dump: vector, error code, CR2, every register and a
 * frame-pointer walk, printed on the console. */
#include "cpu.h"
#include "kvm.h"

static const char *const exception_names[32] = {
	[0] = "#DE divide error",
	[1] = "#DB debug",
	[2] = "NMI",
	[3] = "#BP breakpoint",
	[4] = "#OF overflow",
	[5] = "#BR bound range",
	[6] = "#UD invalid opcode",
	[7] = "#NM device not available",
	[8] = "#DF double fault",
	[10] = "#TS invalid TSS",
	[11] = "#NP segment not present",
	[12] = "#SS stack fault",
	[13] = "#GP general protection",
	[14] = "#PF page fault",
	[16] = "#MF x87 floating point",
	[17] = "#AC alignment check",
	[18] = "#MC machine check",
	[19] = "#XM SIMD floating point",
	[20] = "#VE virtualization",
	[21] = "#CP control protection",
};

/* Frame addresses the walk may read: identity-mapped, 8-byte aligned. */
static int frame_readable(uint64_t rbp)
{
	return rbp >= 0x1000 && rbp < (4ull << 30) - 16 && !(rbp & 7);
}

void kvm_trap_dump(const struct platform_regs *r)
{
	const char *name = r->vector < 32 && exception_names[r->vector]
				   ? exception_names[r->vector]
				   : "interrupt";
	platform_printf("\nrewire: crash: vector %lu (%s) on cpu %u\n",
			r->vector, name, platform_cpu_id());
	platform_printf("  rip %016lx  error %016lx  cr2 %016lx\n", r->rip,
			r->error, read_cr2());
	platform_printf("  rax %016lx  rbx %016lx  rcx %016lx\n", r->rax,
			r->rbx, r->rcx);
	platform_printf("  rdx %016lx  rsi %016lx  rdi %016lx\n", r->rdx,
			r->rsi, r->rdi);
	platform_printf("  rbp %016lx  rsp %016lx  r8  %016lx\n", r->rbp,
			r->rsp, r->r8);
	platform_printf("  r9  %016lx  r10 %016lx  r11 %016lx\n", r->r9,
			r->r10, r->r11);
	platform_printf("  r12 %016lx  r13 %016lx  r14 %016lx\n", r->r12,
			r->r13, r->r14);
	platform_printf("  r15 %016lx  rflags %016lx  cs %lx ss %lx\n",
			r->r15, r->rflags, r->cs, r->ss);
	platform_printf("  cr0 %016lx  cr3 %016lx  cr4 %016lx\n", read_cr0(),
			read_cr3(), read_cr4());
	platform_printf("  frames:");
	uint64_t rbp = r->rbp;
	for (int i = 0; i < 16 && frame_readable(rbp); i++) {
		uint64_t *frame = (uint64_t *)rbp;
		platform_printf(" %lx", frame[1]);
		if (frame[0] <= rbp) /* frames go up the stack */
			break;
		rbp = frame[0];
	}
	platform_printf("\n");
}
