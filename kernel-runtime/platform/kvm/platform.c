/* Platform start: from platform_main (called by boot.S) through the setup
 * of every mechanism, in dependency order, to the core's kernel_main; what
 * start_info says (command line, memory map, modules). */
#include "cpu.h"
#include "kvm.h"

#define MEMMAP_MAX 128
/* One byte more than the core takes (KCORE_CMDLINE_MAX, 16384 with its
 * NUL): a longer line then reaches the core too long, and is refused there
 * rather than booting with its last words cut. */
#define CMDLINE_MAX (16384 + 1)

/* This platform reads no kernel option of its own (verbose is the
 * core's, which it also heeds: kvm_info). */
const char *const platform_options[] = { NULL };

static struct hvm_memmap_entry memmap[MEMMAP_MAX];
static int memmap_count;
static char cmdline[CMDLINE_MAX];
static uint64_t main_tsc, ready_tsc;
static char vendor[13];

/* Copies what the loader left in memory that is free RAM from now on. */
static void read_start_info(const struct hvm_start_info *si)
{
	if (si->magic != HVM_START_MAGIC)
		PLATFORM_PANIC("no PVH start_info (magic %x at %p)", si->magic,
			       (const void *)si);
	if (si->cmdline_paddr) {
		const char *c = (const char *)si->cmdline_paddr;
		size_t len = strlen(c);
		if (len >= CMDLINE_MAX)
			len = CMDLINE_MAX - 1;
		memcpy(cmdline, c, len);
	}
	if (si->version >= 1 && si->memmap_paddr) {
		memmap_count = si->memmap_entries;
		if (memmap_count > MEMMAP_MAX) {
			kvm_warn("memory map of %d entries cut to %d",
				 memmap_count, MEMMAP_MAX);
			memmap_count = MEMMAP_MAX;
		}
		memcpy(memmap, (const void *)si->memmap_paddr,
		       memmap_count * sizeof(*memmap));
	} else {
		kvm_warn("PVH start_info version %u has no memory map",
			 si->version);
	}
	kvm_initrd_find(si);
}

void platform_main(struct hvm_start_info *si)
{
	main_tsc = rdtsc();
	kvm_serial_init();
	/* Per-CPU data and the descriptor tables first: from then on an
	 * exception prints a register dump instead of resetting the VM. */
	struct kvm_cpu *cpu = kvm_percpu_init(0);
	kvm_gdt_init(cpu);
	kvm_idt_init();
	read_start_info(si);
	kvm_program_init();
	kvm_paging_init(memmap, memmap_count);
	kvm_initrd_check(memmap, memmap_count);
	kvm_xsave_setup();
	kvm_fsbase_init();
	random_hw_init();
	kvm_clock_init();
	kvm_lapic_init();
	kvm_syscall_init(cpu);

	struct cpuid v = cpuid(0, 0);
	memcpy(vendor, &v.ebx, 4);
	memcpy(vendor + 4, &v.edx, 4);
	memcpy(vendor + 8, &v.ecx, 4);

	ready_tsc = rdtsc();
	kvm_info("kvm: cpu %s, tsc %lu kHz from %s, wall clock %s, timer %s, "
		 "%s\n",
		 vendor, kvm_tsc_hz() / 1000, kvm_tsc_source(),
		 kvm_wall_source(), kvm_timer_mode(), kvm_xsave_method());
	platform_exit(kernel_main());
}

const char *platform_cmdline(void)
{
	return cmdline;
}

static void region_add(struct platform_mem_region *out, int max, int *n,
		       uint64_t start, uint64_t end)
{
	if (start < end && *n < max)
		out[(*n)++] = (struct platform_mem_region){ start, end - start };
}

/* RAM but the file system archive's pages, which the core must never
 * hand out: the archive is read in place for the kernel's lifetime. */
int platform_memory_regions(struct platform_mem_region *out, int max)
{
	uint64_t hole_start = 0, hole_end = 0;
	int n = 0;

	kvm_initrd_pages(&hole_start, &hole_end);
	for (int i = 0; i < memmap_count; i++) {
		uint64_t start = memmap[i].addr;
		uint64_t end = memmap[i].addr + memmap[i].size;

		if (memmap[i].type != HVM_MEMMAP_RAM)
			continue;
		if (hole_start >= end || hole_end <= start) {
			region_add(out, max, &n, start, end);
			continue;
		}
		region_add(out, max, &n, start, hole_start);
		region_add(out, max, &n, hole_end, end);
	}
	return n;
}

void kvm_boot_times(uint64_t *start_to_entry_ns, uint64_t *entry_to_main_ns,
		    uint64_t *setup_ns)
{
	uint64_t khz = kvm_tsc_hz() / 1000;
	*start_to_entry_ns = kvm_boot_entry_tsc * 1000000 / khz;
	*entry_to_main_ns = (main_tsc - kvm_boot_entry_tsc) * 1000000 / khz;
	*setup_ns = (ready_tsc - main_tsc) * 1000000 / khz;
}

const char *kvm_cpu_vendor(void)
{
	return vendor;
}
