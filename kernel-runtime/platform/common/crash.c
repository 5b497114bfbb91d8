/* The crash dump every platform prints: vector, error code, the faulting
 * address, every register, and the code addresses of the stack, named. */
#include "x86.h"

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

static int (*page_readable)(uint64_t addr);
static dump_printf *out;

/* Frame addresses the walk may read: 8-byte aligned, both words readable
 * (a Go stack is in the program's range, a kernel one in the kernel's). */
static int frame_readable(uint64_t rbp)
{
	return !(rbp & 7) && rbp + 16 > rbp && page_readable(rbp) &&
	       page_readable(rbp + 15);
}

/* "  LABEL ADDR NAME+0xOFF" (the name when the image's table has one). */
static void print_code_address(const char *label, uint64_t addr)
{
	uint64_t offset;
	const char *name = kcore_symbolize(addr, &offset);

	if (name)
		out("  %s %016lx %s+0x%lx\n", label, addr, name,
				offset);
	else
		out("  %s %016lx\n", label, addr);
}

void crash_dump(const struct platform_regs *r, uint64_t fault_address,
		int (*readable)(uint64_t addr))
{
	const char *name = r->vector < 32 && exception_names[r->vector]
				   ? exception_names[r->vector]
				   : "interrupt";
	platform_printf("\nrewire: crash: vector %lu (%s) on cpu %u\n",
			r->vector, name, platform_cpu_id());
	context_dump(r, fault_address, readable, platform_printf);
}

void context_dump(const struct platform_regs *r, uint64_t fault_address,
		  int (*readable)(uint64_t addr), dump_printf *print)
{
	page_readable = readable;
	out = print;
	print_code_address("rip", r->rip);
	out("  error %016lx  cr2 %016lx\n", r->error, fault_address);
	out("  rax %016lx  rbx %016lx  rcx %016lx\n", r->rax,
			r->rbx, r->rcx);
	out("  rdx %016lx  rsi %016lx  rdi %016lx\n", r->rdx,
			r->rsi, r->rdi);
	out("  rbp %016lx  rsp %016lx  r8  %016lx\n", r->rbp,
			r->rsp, r->r8);
	out("  r9  %016lx  r10 %016lx  r11 %016lx\n", r->r9,
			r->r10, r->r11);
	out("  r12 %016lx  r13 %016lx  r14 %016lx\n", r->r12,
			r->r13, r->r14);
	out("  r15 %016lx  rflags %016lx  cs %lx ss %lx\n",
			r->r15, r->rflags, r->cs, r->ss);
	/* A fault before the function's prologue leaves its caller's
	 * return address on top of the stack, outside the frame chain. */
	uint64_t offset;
	if (frame_readable(r->rsp & ~7ull) &&
	    kcore_symbolize(*(uint64_t *)(r->rsp & ~7ull), &offset))
		print_code_address("[rsp]", *(uint64_t *)(r->rsp & ~7ull));
	/* Return addresses from the frame-pointer chain (Go's and the
	 * kernel's code both keep one). */
	uint64_t rbp = r->rbp;
	for (int i = 0; i < 16 && frame_readable(rbp); i++) {
		uint64_t *frame = (uint64_t *)rbp;
		print_code_address("frame", frame[1]);
		if (frame[0] <= rbp) /* frames go up the stack */
			break;
		rbp = frame[0];
	}
}
