/* Unit tests: a signal removes the registered temporary paths, ends the
 * running child and kills the process with the same signal. Each case runs
 * in a forked process, which the signal ends. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"

static char tmpdir[256];

static int setup(void **state)
{
	const char *base = getenv("TMPDIR");

	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "%s/rewire-cleanup-XXXXXX",
		 base && *base ? base : "/tmp");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static bool exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* The paths a case made, handed from the forked process to the test. */
struct made {
	char file[PATH_MAX];	/* registered file */
	char dir[PATH_MAX];	/* registered folder, with two files in it */
	char kept[PATH_MAX];	/* registered, then dropped */
	pid_t helper;		/* a child it was running, or 0 */
};

static struct made *shared;

static void make_paths(void)
{
	struct rw_error err = { { 0 } };
	char inner[PATH_MAX + 16];
	FILE *f;
	int fd;

	snprintf(shared->file, PATH_MAX, "%s/.out.rewire-XXXXXX", tmpdir);
	snprintf(shared->dir, PATH_MAX, "%s/rewire-link-XXXXXX", tmpdir);
	snprintf(shared->kept, PATH_MAX, "%s/kept-XXXXXX", tmpdir);
	fd = cleanup_mkstemp(shared->file, &err);
	if (fd < 0 || cleanup_mkdtemp(shared->dir, &err) < 0)
		_exit(10);
	close(fd);
	for (int i = 0; i < 2; i++) {
		snprintf(inner, sizeof(inner), "%s/%s", shared->dir, i ? "image.elf" : "link.ld");
		f = fopen(inner, "w");
		if (!f)
			_exit(11);
		fclose(f);
	}
	fd = cleanup_mkstemp(shared->kept, &err);
	if (fd < 0)
		_exit(12);
	close(fd);
	cleanup_drop(shared->kept);
}

/* Runs body in a child with the handler installed; returns its wait status. */
static int run_child(void (*body)(int sig), int sig)
{
	struct rw_error err = { { 0 } };
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		const struct rlimit no_core = { 0, 0 };

		setrlimit(RLIMIT_CORE, &no_core);	/* SIGQUIT dumps core */
		if (cleanup_install(&err) < 0)
			_exit(9);
		body(sig);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

static void make_then_signal(int sig)
{
	make_paths();
	kill(getpid(), sig);
	_exit(20);	/* the signal did not kill */
}

static void test_signal_removes_and_kills(void **state)
{
	const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };

	(void)state;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		int status = run_child(make_then_signal, sigs[i]);

		if (!WIFSIGNALED(status) || WTERMSIG(status) != sigs[i])
			fail_msg("signal %d: wait status 0x%x", sigs[i], status);
		assert_false(exists(shared->file));
		assert_false(exists(shared->dir));
		assert_true(exists(shared->kept));
		unlink(shared->kept);
	}
}

/* A signal ignored before (nohup) stays ignored: nothing happens. */
static void ignored_then_signal(int sig)
{
	struct sigaction sa;

	(void)sig;
	make_paths();
	sigaction(SIGHUP, NULL, &sa);
	if (sa.sa_handler != SIG_IGN)
		_exit(21);
	kill(getpid(), SIGHUP);
	cleanup_remove(shared->file);
	cleanup_remove(shared->dir);
	_exit(0);
}

static void test_ignored_signal_stays_ignored(void **state)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	int status;

	(void)state;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGHUP, &ign, &old);
	status = run_child(ignored_then_signal, SIGHUP);
	sigaction(SIGHUP, &old, NULL);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	/* cleanup_remove took the folder with its files. */
	assert_false(exists(shared->file));
	assert_false(exists(shared->dir));
	unlink(shared->kept);
}

/* The running helper ends too, even one that ignores SIGTERM (SIGKILL a
 * second later), before its folder is removed. */
static void helper_then_signal(int sig)
{
	sigset_t old;
	pid_t pid;

	make_paths();
	cleanup_hold(&old);
	pid = fork();
	if (pid == 0) {
		cleanup_release(&old);
		signal(SIGTERM, SIG_IGN);
		execlp("sleep", "sleep", "60", (char *)NULL);
		_exit(127);
	}
	cleanup_child(pid);
	shared->helper = pid;
	cleanup_release(&old);
	usleep(100 * 1000);
	kill(getpid(), sig);
	_exit(20);
}

static void test_helper_is_ended(void **state)
{
	int status;

	(void)state;
	shared->helper = 0;
	status = run_child(helper_then_signal, SIGTERM);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGTERM);
	assert_true(shared->helper > 0);
	/* Reaped by the handler: no such process any more. */
	assert_int_equal(kill(shared->helper, 0), -1);
	assert_int_equal(errno, ESRCH);
	assert_false(exists(shared->dir));
	unlink(shared->kept);
}

/* A forked child that has not run exec yet dies of the signal without
 * touching its parent's files. */
static void fork_then_child_signalled(int sig)
{
	int status;
	pid_t pid;

	make_paths();
	pid = fork();
	if (pid == 0) {
		kill(getpid(), sig);
		_exit(22);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFSIGNALED(status) ||
	    WTERMSIG(status) != sig)
		_exit(23);
	if (!exists(shared->file) || !exists(shared->dir))
		_exit(24);
	cleanup_remove(shared->file);
	cleanup_remove(shared->dir);
	_exit(0);
}

static void test_forked_child_leaves_files(void **state)
{
	int status;

	(void)state;
	status = run_child(fork_then_child_signalled, SIGINT);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_false(exists(shared->file));
	assert_false(exists(shared->dir));
	unlink(shared->kept);
}

/* More paths than there is room for: refused, the extra one not left. */
static void test_registry_full(void **state)
{
	struct rw_error err = { { 0 } };
	char paths[CLEANUP_MAX + 1][PATH_MAX];
	int i, fd = 0;

	(void)state;
	for (i = 0; i <= CLEANUP_MAX && fd >= 0; i++) {
		snprintf(paths[i], PATH_MAX, "%s/full-XXXXXX", tmpdir);
		fd = cleanup_mkstemp(paths[i], &err);
		if (fd >= 0)
			close(fd);
	}
	assert_int_equal(i, CLEANUP_MAX + 1);
	assert_int_equal(fd, -1);
	assert_non_null(strstr(err.msg, "more than"));
	assert_false(exists(paths[CLEANUP_MAX]));
	for (i = 0; i < CLEANUP_MAX; i++) {
		cleanup_remove(paths[i]);
		assert_false(exists(paths[i]));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signal_removes_and_kills),
		cmocka_unit_test(test_ignored_signal_stays_ignored),
		cmocka_unit_test(test_helper_is_ended),
		cmocka_unit_test(test_forked_child_leaves_files),
		cmocka_unit_test(test_registry_full),
	};
	/* Shared with the forked cases, which write what they made. */
	shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED)
		return 1;
	return cmocka_run_group_tests(tests, setup, teardown);
}
