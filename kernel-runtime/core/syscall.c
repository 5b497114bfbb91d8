/* The Linux syscall door: counts the call, finds the decoder by number and
 * runs it. An unknown number returns -ENOSYS and is reported once. */
#include "kernel.h"
#include "linux_abi.h"
#include "platform.h"
#include "sched.h"
#include "stats.h"
#include "syscalls.h"

struct syscall_entry {
	const char *name;
	long (*decode)(const long *a);
};

#define SYSCALL_ENTRY(name) [NR_##name] = { #name, sys_##name },
static const struct syscall_entry table[SYSCALL_TABLE_SIZE] = {
	SYSCALL_LIST(SYSCALL_ENTRY)
};
#undef SYSCALL_ENTRY

static bool trace;

void syscall_init(bool trace_calls)
{
	trace = trace_calls;
}

const char *syscall_name(long nr)
{
	return nr >= 0 && nr < SYSCALL_TABLE_SIZE ? table[nr].name : NULL;
}

long kcore_syscall(long nr, const long args[6])
{
	const struct syscall_entry *e =
		nr >= 0 && nr < SYSCALL_TABLE_SIZE && table[nr].decode
			? &table[nr]
			: NULL;
	long result;

	stats_syscall(nr);
	if (!e) {
		if (stats_first_unknown(nr))
			platform_log("kcore: syscall %ld is not implemented: "
					"it returns -ENOSYS (reported once)\n",
					nr);
		return -ENOSYS;
	}
	if (trace && (nr == NR_exit || nr == NR_exit_group))
		platform_log("kcore: [%ld] %s(%ld)\n", thread_id(), e->name,
				args[0]);
	result = e->decode(args);
	/* Its caller sees -EINTR; the syscall or redirect entry that knows
	 * how to make the call again reads the flag (signals.h). */
	if (result == -ERESTARTSYS) {
		struct thread *cur = sched_current();

		result = -EINTR;
		if (cur)
			cur->call_restartable = true;
	}
	if (trace)
		platform_log("kcore: [%ld] %s(%lx, %lx, %lx, %lx, %lx, %lx) "
				"= %ld\n",
				thread_id(), e->name, args[0], args[1], args[2],
				args[3], args[4], args[5], result);
	return result;
}
