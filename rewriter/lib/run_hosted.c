/*
 * The hosted platform of rewire run: a hosted image (rewire image
 * --platform hosted) is a Linux executable whose kernel runs the program
 * in that process; it runs as a child of ours.
 *
 * Stages: the kernel's options (REWIRE_KERNEL) and the program's
 * environment -> descriptors (our stdin, stdout and stderr, a nameless
 * file for the kernel's log, REWIRE_LOG_FD; the file system archive,
 * REWIRE_FS_FD) -> start the image -> watch
 * it (deadline; our signals) -> on a timeout SIGQUIT, on which its kernel
 * logs the context the CPU was in and exits, then the kill -> the end:
 * its exit status, the log copied out.
 */
#include "run_platform.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fsutil.h"
#include "run_child.h"
#include "run_cmdline.h"

/* The descriptor numbers the image gets (run_child_start moves them). */
enum {
	FD_LOG = 3,	/* REWIRE_LOG_FD: the kernel's log */
	FD_IMAGE = 4,	/* what is executed, as /proc/self/fd/4 */
	FD_FS = 5,	/* REWIRE_FS_FD: the file system archive, when there is one */
};

/* How long the kernel gets to log its context after SIGQUIT. */
#define QUIT_SECONDS 5
/* The first line of that context in the log (platform/hosted/trap.c). */
#define QUIT_LINE "rewire: quit:"

static bool hosted_usable(char *why, size_t size)
{
	(void)why;
	(void)size;
	return true;
}

/* The image's environment: REWIRE_KERNEL (the options, mem= first),
 * REWIRE_LOG_FD, REWIRE_FS_FD with an archive, then the program's --env
 * variables and nothing else.
 * *envp and (*envp)[0] are malloc'd. */
static int environment(const struct run_options *o, char ***envp,
		       struct rw_error *err)
{
	char *kernel = NULL;
	size_t len = 0, n = 0;
	FILE *f = open_memstream(&kernel, &len);
	char **env = calloc(o->nenvs + 4, sizeof(*env));

	if (!f || !env) {
		if (f)
			fclose(f);
		free(kernel);
		free(env);
		return rw_fail(err, "out of memory for the image's environment");
	}
	fprintf(f, "REWIRE_KERNEL=mem=%llu ", (unsigned long long)o->mem);
	run_cmdline_options(f, o);
	if (fclose(f) != 0) {
		free(kernel);
		free(env);
		return rw_fail(err, "out of memory for the image's environment");
	}
	env[n++] = kernel;
	env[n++] = "REWIRE_LOG_FD=3";
	if (o->fs)
		env[n++] = "REWIRE_FS_FD=5";
	for (size_t i = 0; i < o->nenvs; i++)
		env[n++] = (char *)o->envs[i];
	env[n] = NULL;
	*envp = env;
	return 0;
}

/* Copies the log (from its start) to to_fd (< 0: nowhere); after a
 * timeout, what follows the kernel's quit line comes back instead
 * (malloc'd), NULL without. */
static char *log_finish(int log_fd, int to_fd, bool timed_out)
{
	int fd = dup(log_fd);
	FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;
	char *line = NULL, *dump = NULL;
	size_t cap = 0, dump_len = 0;
	FILE *d = NULL;
	ssize_t len;

	if (!f) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	fseek(f, 0, SEEK_SET);
	while ((len = getline(&line, &cap, f)) > 0) {
		if (timed_out && !d && strncmp(line, QUIT_LINE, strlen(QUIT_LINE)) == 0)
			d = open_memstream(&dump, &dump_len);
		if (d)
			fwrite(line, 1, (size_t)len, d);
		else if (to_fd >= 0 && file_write_all(to_fd, line, (size_t)len) < 0)
			to_fd = -1;
	}
	if (d)
		fclose(d);
	free(line);
	fclose(f);
	return dump;
}

static int hosted_boot(const struct run_platform *p, const struct run_target *t,
		       const struct run_options *o, struct run_result *r,
		       struct rw_error *err)
{
	struct run_child c = { .pid = -1, .sigfd = -1 };
	char path[32], **envp = NULL, **argv = NULL;
	uint64_t start, deadline = 0;
	int log = -1, exec_errno, signo = 0, how, rc = -1;
	sigset_t mask;

	(void)p;
	memset(r, 0, sizeof(*r));
	r->error_kind = RUN_ERROR_RUNNER;
	if (t->kind != RUN_KIND_HOSTED) {
		r->error_kind = RUN_ERROR_IMAGE;
		return rw_fail(err, "%s is a PVH image, not a hosted one: run it with --platform kvm or tcg, or image the Go binary with --platform hosted",
			       t->name);
	}
	argv = calloc(o->nargs + 2, sizeof(*argv));
	if (!argv)
		return rw_fail(err, "out of memory for the program's arguments");
	argv[0] = (char *)o->argv0;
	for (size_t i = 0; i < o->nargs; i++)
		argv[i + 1] = (char *)o->args[i];
	if (environment(o, &envp, err) < 0 || (log = run_log_file(err)) < 0)
		goto out;

	const struct run_child_fd map[] = {
		{ STDIN_FILENO, 0 }, { o->out_fd, 1 }, { o->err_fd, 2 },
		{ log, FD_LOG }, { t->fd, FD_IMAGE },
		{ o->fs ? o->fs->fd : -1, FD_FS }, /* last: left out without */
	};
	size_t nmap = sizeof(map) / sizeof(map[0]) - (o->fs ? 0 : 1);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", FD_IMAGE);
	const struct run_child_exec x = { .path = path, .argv = argv, .envp = envp };
	run_child_mask(&mask);
	start = run_now_ns();
	if (run_child_start(&c, &x, map, nmap, &mask, &exec_errno, err) < 0) {
		if (exec_errno) {
			r->error_kind = RUN_ERROR_IMAGE;
			rw_wrap(err, "%s: ", t->name);
		}
		goto out;
	}
	if (o->timeout)
		deadline = start + (uint64_t)o->timeout * 1000000000ull;
	how = run_watch(&c, deadline, &signo, err);
	if (how == RUN_WATCH_DEADLINE) {
		/* Its kernel logs where the CPU was and exits. */
		kill(c.pid, SIGQUIT);
		how = run_watch(&c, run_now_ns() + QUIT_SECONDS * 1000000000ull,
				&signo, err);
		if (how == RUN_WATCH_EXITED)
			how = RUN_WATCH_DEADLINE;
	}
	if (how < 0) {
		run_child_kill(&c);
		goto out;
	}
	run_child_kill(&c);
	r->seconds = (double)(run_now_ns() - start) / 1e9;
	if (how == RUN_WATCH_SIGNAL || c.late_signal) {
		r->end = RUN_END_SIGNAL;
		r->signal = signo ? signo : c.late_signal;
		rc = 0;
		goto out;
	}
	r->dump = log_finish(log, o->log_fd, how == RUN_WATCH_DEADLINE);
	if (how == RUN_WATCH_DEADLINE) {
		r->end = RUN_END_TIMEOUT;
	} else if (WIFSIGNALED(c.wait_status) && WTERMSIG(c.wait_status) == SIGKILL) {
		/* Its kernel never dies of SIGKILL itself (io.c): the host
		 * killed it (the OOM killer, a user). */
		r->end = RUN_END_VMM_KILLED;
		r->signal = SIGKILL;
	} else if (WIFSIGNALED(c.wait_status)) {
		/* The program died of a signal's default action (its kernel
		 * ends the process by it): as a shell reports it, and as the
		 * kvm platform exits. */
		r->end = RUN_END_EXIT;
		r->status = 128 + WTERMSIG(c.wait_status);
	} else {
		r->end = RUN_END_EXIT;
		r->status = WEXITSTATUS(c.wait_status);
	}
	rc = 0;
out:
	run_child_close(&c);
	if (log >= 0)
		close(log);
	if (envp)
		free(envp[0]);
	free(envp);
	free(argv);
	return rc;
}

const struct run_platform run_platform_hosted = {
	.name = "hosted",
	.summary = "the kernel in a plain Linux process, system calls trapped by Syscall User Dispatch: no VM",
	.vmm = "the image's process",
	.image_platform = "hosted",
	.kind = RUN_KIND_HOSTED,
	.usable = hosted_usable,
	.boot = hosted_boot,
};
