/* The process: pid 1, root, one machine named by uname, resource limits
 * that read back what was set, prctl (names of mappings included) and
 * arch_prctl, and its exit. */
#include "process.h"

#include "kernel.h"
#include "kstring.h"
#include "linux_abi.h"
#include "platform.h"
#include "sched.h"
#include "spinlock.h"
#include "user.h"
#include "vm.h"

static struct spinlock process_lock = SPINLOCK_INIT("process");
static struct krlimit limits[RLIM_NLIMITS];
static bool print_counters_at_exit;

void process_init(bool print_counters)
{
	spin_init(&process_lock, "process");
	for (int i = 0; i < RLIM_NLIMITS; i++)
		limits[i] = (struct krlimit){ RLIM_INFINITY, RLIM_INFINITY };
	limits[RLIMIT_STACK].cur = 8ull << 20;
	limits[RLIMIT_NOFILE] = (struct krlimit){ KCORE_NOFILE, KCORE_NOFILE };
	print_counters_at_exit = print_counters;
}

void process_exit(int status)
{
	if (print_counters_at_exit)
		kcore_print_counters();
	platform_exit(status & 0xff);
}

void process_exit_signal(int sig)
{
	if (print_counters_at_exit)
		kcore_print_counters();
	platform_exit_signal(sig);
}

long process_rlimit(long pid, int resource, const struct krlimit *next,
		    struct krlimit *old)
{
	if (pid != 0 && pid != KCORE_PID)
		return -ESRCH;
	if (resource < 0 || resource >= RLIM_NLIMITS)
		return -EINVAL;
	if (next && next->cur > next->max)
		return -EINVAL;
	/* The fd table cannot grow: a larger NOFILE would be a lie. */
	if (next && resource == RLIMIT_NOFILE && next->max > KCORE_NOFILE)
		return -EPERM;
	unsigned long flags = spin_lock(&process_lock);
	if (old)
		*old = limits[resource];
	if (next)
		limits[resource] = *next;
	spin_unlock(&process_lock, flags);
	return 0;
}

long process_uname(char *buf)
{
	static const char *const fields[6] = {
		"Linux",                 /* sysname */
		"rewire",                /* nodename */
		"6.1.0-rewire",          /* release: Go parses major.minor */
		"#1 SMP rewire kernel runtime", /* version */
		"x86_64",                /* machine */
		"(none)",                /* domainname */
	};
	for (int i = 0; i < 6; i++) {
		kmemset(buf + i * 65, 0, 65);
		kstrlcpy(buf + i * 65, fields[i], 65);
	}
	return 0;
}

/* Whether Linux takes c in a mapping's name: printable ASCII but for
 * the characters /proc/PID/maps's readers parse. */
static bool vma_name_char_ok(char c)
{
	return c > 0x1f && c < 0x7f && c != '[' && c != ']' && c != '\\' && c != '$' &&
	       c != '`';
}

/* prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, start, len, name) as Linux: the
 * name copied (shorter than VM_NAME_MAX, else -EINVAL), then checked,
 * then given to the range (vm_name); a NULL name clears. */
static long vma_name_set(uint64_t option, uint64_t start, uint64_t len, uint64_t user_name)
{
	const char *from = (const char *)(uintptr_t)user_name;
	char name[VM_NAME_MAX];

	if (option != PR_SET_VMA_ANON_NAME)
		return -EINVAL;
	if (!from)
		return vm_name(start, len, NULL);
	long copied = user_string_copy(name, sizeof(name), from);
	if (copied < 0)
		return copied == -ENAMETOOLONG ? -EINVAL : copied;
	for (const char *c = name; *c; c++)
		if (!vma_name_char_ok(*c))
			return -EINVAL;
	return vm_name(start, len, name);
}

long process_prctl(int option, uint64_t arg2, uint64_t arg3, uint64_t arg4, uint64_t arg5)
{
	struct thread *cur = sched_current();

	switch (option) {
	case PR_SET_NAME: {
		/* Cut to 15 bytes and padded with NULs, as Linux's: what
		 * PR_GET_NAME gives back holds nothing of the name before. */
		char name[sizeof(cur->name)] = { 0 };
		if (user_string_copy(name, sizeof(name) - 1, USER_PTR(const char, arg2)) == -EFAULT)
			return -EFAULT;
		kmemcpy(cur->name, name, sizeof(name));
		return 0;
	}
	case PR_GET_NAME:
		if (!user_ok((void *)(uintptr_t)arg2, sizeof(cur->name)))
			return -EFAULT;
		kmemcpy((void *)(uintptr_t)arg2, cur->name, sizeof(cur->name));
		return 0;
	case PR_SET_VMA:          /* naming of mappings (Go 1.25+) */
		return vma_name_set(arg2, arg3, arg4, arg5);
	case PR_SET_PDEATHSIG:
	case PR_SET_DUMPABLE:
	case PR_SET_NO_NEW_PRIVS:
		return 0;
	case PR_GET_DUMPABLE:
	case PR_GET_NO_NEW_PRIVS:
		return 1;
	case PR_GET_PDEATHSIG:
		if (!user_ok((void *)(uintptr_t)arg2, sizeof(int32_t)))
			return -EFAULT;
		*(int32_t *)(uintptr_t)arg2 = 0;
		return 0;
	default:
		return -EINVAL;
	}
}

long process_arch_prctl(int code, uint64_t addr)
{
	switch (code) {
	case ARCH_SET_FS:
		if (addr >= USER_LIMIT)
			return -EPERM;
		thread_set_fs_base(addr);
		return 0;
	case ARCH_GET_FS:
		if (!user_ok((void *)(uintptr_t)addr, sizeof(uint64_t)))
			return -EFAULT;
		*(uint64_t *)(uintptr_t)addr = sched_current()->fs_base;
		return 0;
	case ARCH_SET_GS:
	case ARCH_GET_GS: {
		uint64_t base = addr;

		if (code == ARCH_GET_GS &&
		    !user_ok((void *)(uintptr_t)addr, sizeof(uint64_t)))
			return -EFAULT;
		if (platform_program_gs_base(code == ARCH_SET_GS, &base) < 0)
			return -EPERM;
		if (code == ARCH_GET_GS)
			*(uint64_t *)(uintptr_t)addr = base;
		return 0;
	}
	default:
		return -EINVAL;
	}
}

long process_affinity(long pid, size_t len, uint8_t *mask)
{
	unsigned cpus = platform_cpu_count();
	size_t bytes = (KCORE_MAX_CPUS + 7) / 8;

	if (pid != 0 && pid != KCORE_PID && pid != thread_id())
		return -ESRCH;
	/* Linux wants room for its whole mask, in longs. */
	if (len < bytes || len % sizeof(uint64_t))
		return -EINVAL;
	kmemset(mask, 0, bytes);
	for (unsigned i = 0; i < cpus && i < KCORE_MAX_CPUS; i++)
		mask[i / 8] |= (uint8_t)(1u << (i % 8));
	return (long)bytes;
}

