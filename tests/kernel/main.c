/* The KVM platform's test kernel: boots, prints a banner, runs every
 * platform test, and exits 0 (or with exit=N; right after the banner with
 * boot-only; after N numbered lines with flood=N). Asked on the command line,
 * it crashes instead (crash=pf|null|ud|gp|de|panic) to test the dump,
 * hangs (crash=hang) or resets the VM (crash=triple). */
#include "ktest.h"

#include "cmdline.h"
#include "kstring.h"

static int failures;
static char text[16384];
static struct cmdline cmdline;
static bool parsed;

void check(int ok, const char *name, const char *why)
{
	if (ok) {
		kvm_printf_stdout("ok   %s\n", name);
	} else {
		kvm_printf_stdout("FAIL %s: %s\n", name, why);
		failures++;
	}
}

/* The command line as include/kernel.h defines it, by the core's parser.
 * A bad or too long one is a failed check; the rest of the tests run. */
static void parse_cmdline(void)
{
	const char *c = platform_cmdline(), *error = "";
	size_t n = 0;

	if (parsed)
		return;
	parsed = true;

	while (c[n] && n < sizeof(text) - 1)
		n++;
	kmemcpy(text, c, n);
	text[n] = 0;
	check(!c[n], "cmdline: fits the test kernel's buffer", "too long");
	check(cmdline_parse(text, &cmdline, &error) == 0, "cmdline: parses",
	      error);
}

/* The platform asks too (verbose), during its setup: the first caller
 * parses. */
const char *kcore_option(const char *key)
{
	parse_cmdline();
	return cmdline_option(&cmdline, key);
}

static const char *option(const char *key)
{
	return kcore_option(key);
}

static void banner(void)
{
	uint64_t start_ns, entry_ns, setup_ns;
	kvm_boot_times(&start_ns, &entry_ns, &setup_ns);
	kvm_printf_stdout("rewire platform test: cpu %s, tsc %lu kHz from %s, "
			"wall clock %s, timer %s\n",
			kvm_cpu_vendor(), kvm_tsc_hz() / 1000, kvm_tsc_source(),
			kvm_wall_source(), kvm_timer_mode());
	kvm_printf_stdout("boot: VM start to PVH entry %lu ns, entry to "
			"platform_main %lu ns, platform setup %lu ns\n",
			start_ns, entry_ns, setup_ns);
	kvm_printf_stdout("wall: %lu s since the epoch\n",
			platform_wall_ns() / 1000000000);
	kvm_printf_stdout("xsave: %lu bytes, features %lx, %s\n",
			(unsigned long)platform_xsave_size(),
			kvm_xsave_features(), kvm_xsave_method());
	struct platform_mem_region r[8];
	int n = platform_memory_regions(r, 8);
	for (int i = 0; i < n; i++)
		kvm_printf_stdout("ram: %lx-%lx\n", r[i].base,
				r[i].base + r[i].size);
	uintptr_t lo, hi;
	platform_vm_range(&lo, &hi);
	kvm_printf_stdout("image end: %lx, program range %lx-%lx\n",
			platform_image_end(), (uint64_t)lo, (uint64_t)hi);
	for (int i = 0; i < cmdline.argc; i++)
		kvm_printf_stdout("arg %d: [%s]\n", i, cmdline.argv[i]);
	for (int i = 0; i < cmdline.envc; i++)
		kvm_printf_stdout("env: [%s]\n", cmdline.envp[i]);
}

static void crash(const char *how)
{
	kvm_printf_stdout("crashing on purpose: %s\n", how);
	if (kstreq(how, "pf"))
		*(volatile uint64_t *)0x100000000000 = 1;
	else if (kstreq(how, "null"))
		load3((void *)0x10);
	else if (kstreq(how, "ud"))
		__asm__ volatile("ud2");
	else if (kstreq(how, "gp"))
		*(volatile uint64_t *)0x8000000000000000 = 1; /* non-canonical */
	else if (kstreq(how, "de"))
		__asm__ volatile("xorl %%ecx, %%ecx; divl %%ecx"
				 : : : "rax", "rcx", "rdx");
	else if (kstreq(how, "panic"))
		PLATFORM_PANIC("asked for by crash=%s", how);
	else if (kstreq(how, "hang"))
		for (;;)
			kvm_irq_disable();
	else if (kstreq(how, "triple")) {
		/* No IDT at all: the fault cannot be delivered, the CPU
		 * resets (and QEMU, with -no-reboot, ends). */
		struct {
			uint16_t limit;
			uint64_t base;
		} __attribute__((packed)) empty = { 0, 0 };
		__asm__ volatile("lidt %0; int3" : : "m"(empty));
	}
	kvm_printf_stdout("unknown crash kind '%s'\n", how);
}

int kernel_main(void)
{
	parse_cmdline();
	banner();
	if (option("boot-only")) /* for timing the boot */
		return 0;
	const char *flood = option("flood"); /* console throughput, order */
	if (flood) {
		unsigned long lines = 0;
		for (const char *f = flood; *f >= '0' && *f <= '9'; f++)
			lines = lines * 10 + (unsigned long)(*f - '0');
		for (unsigned long i = 0; i < lines; i++)
			kvm_printf_stdout("flood %lu of %lu\n", i, lines);
		return 0;
	}
	frames_init();

	test_xsave();
	test_cpu_state();
	test_timer();
	test_syscall();
	test_exceptions();
	test_paging();
	test_switch();
	test_initrd();

	const char *how = option("crash");
	if (how)
		crash(how);

	int status = 0;
	const char *exit_option = option("exit");
	for (const char *s = exit_option; s && *s >= '0' && *s <= '9'; s++)
		status = status * 10 + (*s - '0');
	if (failures)
		kvm_printf_stdout("platform test: %d FAILED\n", failures);
	else
		kvm_printf_stdout("platform test: all passed\n");
	return failures ? 1 : status;
}
