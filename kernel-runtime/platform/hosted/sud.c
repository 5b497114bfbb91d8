/* Syscall User Dispatch: every SYSCALL the program executes raises SIGSYS
 * in this host thread, which signals.c turns into the core's syscall hook.
 * Per host thread and not inherited: each CPU's thread arms it itself.
 *
 * The inclusive mode (PR_SYS_DISPATCH_INCLUSIVE_ON: the given range traps,
 * all else goes to the host) names the program's text; the host headers may
 * not know it yet. Without it (an older host kernel), the exclusive mode
 * lets only the kernel's text through and traps everything else, the vDSO
 * included: signals.c passes SIGSYS from outside the program's text on to
 * the host. */
#include "hosted.h"

#define PR_SET_SYSCALL_USER_DISPATCH 59
#define PR_SYS_DISPATCH_EXCLUSIVE_ON 1
#define PR_SYS_DISPATCH_INCLUSIVE_ON 2
#define EINVAL 22

extern const char __kernel_text_start[], __kernel_text_end[];

void hosted_sud_arm(void)
{
	uint64_t start, end;

	hosted_program_text(&start, &end);
	long err = host_syscall(HOST_prctl, PR_SET_SYSCALL_USER_DISPATCH,
				PR_SYS_DISPATCH_INCLUSIVE_ON, start, end - start, 0);
	if (err == -EINVAL) {
		uint64_t k = (uint64_t)__kernel_text_start;
		err = host_syscall(HOST_prctl, PR_SET_SYSCALL_USER_DISPATCH,
				   PR_SYS_DISPATCH_EXCLUSIVE_ON, k,
				   (uint64_t)__kernel_text_end - k, 0);
	}
	if (err) {
		platform_printf("rewire: hosted kernel: the host refused Syscall "
				"User Dispatch (errno %ld): it needs Linux 5.11 or "
				"later built with CONFIG_GENERIC_ENTRY\n", -err);
		platform_exit(PLATFORM_EXIT_CRASH);
	}
}
