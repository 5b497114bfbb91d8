/* Unit tests: rewire run's library pieces: the kernel command line, --mem
 * sizes, the QMP client, the child under watch (pipes, deadline, signals,
 * exec failure), the target (an image made on the fly, refusals) and the
 * names of code addresses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "elf_image.h"
#include "fixture.h"
#include "image_symbols.h"
#include "qmp.h"
#include "run_child.h"
#include "run_cmdline.h"
#include "run_platform.h"
#include "run_target.h"
#include "symtab.h"

static void test_cmdline(void **state)
{
	const char *envs[] = { "GREETING=hi there", "EMPTY=", "PCT=100%" };
	const char *args[] = { "two words", "", "--", "ünï" };
	struct run_options o = {
		.kernel_options = "nosignals memlog=2", .stats = true, .verbose = true,
		.envs = envs, .nenvs = 3, .argv0 = "/bin/prog", .args = args, .nargs = 4,
	};
	struct rw_error err = { { 0 } };
	char *line = NULL;

	(void)state;
	assert_int_equal(run_cmdline_build(&o, &line, &err), 0);
	assert_string_equal(line, "nosignals memlog=2 stats verbose env=GREETING=hi%20there "
				  "env=EMPTY= env=PCT=100%25 -- /bin/prog two%20words % -- "
				  "%C3%BCn%C3%AF");
	free(line);
	o = (struct run_options){ .argv0 = "p" };
	assert_int_equal(run_cmdline_build(&o, &line, &err), 0);
	assert_string_equal(line, "-- p");
	free(line);
	/* --cwd: the kernel option cwd=, encoded like every word. */
	o = (struct run_options){ .argv0 = "p", .trace = true, .cwd = "/home/u/my pkg%" };
	assert_int_equal(run_cmdline_build(&o, &line, &err), 0);
	assert_string_equal(line, "trace cwd=/home/u/my%20pkg%25 -- p");
	free(line);
	/* /proc/self/exe's target: the kernel option exe=, after cwd=. */
	o = (struct run_options){ .argv0 = "p", .cwd = "/", .exe = "/srv/my prog" };
	assert_int_equal(run_cmdline_build(&o, &line, &err), 0);
	assert_string_equal(line, "cwd=/ exe=/srv/my%20prog -- p");
	free(line);
}

static void test_mem_sizes(void **state)
{
	static const struct {
		const char *text;
		uint64_t bytes;
	} good[] = {
		{ "512M", 512ull << 20 }, { "1G", 1ull << 30 }, { "64", 64ull << 20 },
		{ "6628K", 6628ull << 10 }, { "2t", 2ull << 40 }, { "1024k", 1ull << 20 },
	};
	static const char *const bad[] = {
		"", "12X", "-1", "1.5G", "0", "512K", "M", "99999999999999999999",
		"1GB", " 1G", "20000000T",
	};
	struct rw_error err = { { 0 } };
	uint64_t v;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(run_mem_parse(good[i].text, &v, &err), 0);
		assert_int_equal(v, good[i].bytes);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (run_mem_parse(bad[i], &v, &err) == 0)
			fail_msg("--mem '%s' accepted", bad[i]);
		assert_non_null(strstr(err.msg, "--mem"));
	}
}

static void test_json_string(void **state)
{
	char *s;

	(void)state;
	s = qmp_json_string("\"a\\r\\nb\\\"c\\\\d\\/e\\u0041\\u00e9\" tail");
	assert_non_null(s);
	assert_string_equal(s, "a\r\nb\"c\\d/eA?");
	free(s);
	assert_null(qmp_json_string("no quote"));
	assert_null(qmp_json_string("\"unterminated"));
	assert_null(qmp_json_string("\"bad \\u12\""));
}

/* A QMP server on fd that answers as QEMU does, events between. */
static void fake_qmp(int fd, bool answer)
{
	static const char greeting[] =
		"{\"QMP\": {\"version\": {}, \"capabilities\": [\"oob\"]}}\r\n";
	char buf[4096];
	ssize_t n;
	int got = 0;

	if (write(fd, greeting, sizeof(greeting) - 1) < 0)
		_exit(1);
	while (got < 2 && (n = read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++)
			got += buf[i] == '\n';
		if (got == 1 && answer && dprintf(fd, "{\"return\": {}}\r\n") < 0)
			_exit(1);
	}
	if (answer)
		dprintf(fd, "{\"event\": \"RESET\"}\r\n{\"return\": \"\\r\\nCPU#0\\r\\n"
			    "RIP=0000000000401000 RFL=00000246\\r\\n\"}\r\n");
	else
		sleep(2);
	_exit(0);
}

static void qmp_case(bool answer)
{
	struct rw_error err = { { 0 } };
	int sv[2];
	char *text = NULL;
	pid_t pid;
	int rc;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(sv[0]);
		fake_qmp(sv[1], answer);
	}
	close(sv[1]);
	rc = qmp_human_command(sv[0], "info registers -a", run_now_ns() + 500000000ull,
			       &text, &err);
	if (answer) {
		assert_int_equal(rc, 0);
		assert_string_equal(text, "\r\nCPU#0\r\nRIP=0000000000401000 RFL=00000246\r\n");
	} else {
		assert_int_equal(rc, -1);
		assert_null(text);
		assert_non_null(strstr(err.msg, "no answer in time"));
	}
	free(text);
	close(sv[0]);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static void test_qmp(void **state)
{
	(void)state;
	qmp_case(true);
	qmp_case(false);
}

/* Reads the whole file fd (from its start) into buf. */
static const char *file_text(int fd, char *buf, size_t size)
{
	ssize_t n = pread(fd, buf, size - 1, 0);

	buf[n > 0 ? n : 0] = 0;
	return buf;
}

/* sh -c script under watch, its stdout and stderr into two files. */
static int watch_shell(const char *script, uint64_t deadline_ns, struct run_child *c,
		       int *out, int *errs, int *signo)
{
	char *argv[] = { "sh", "-c", (char *)script, NULL };
	struct rw_error err = { { 0 } };
	int po[2], pe[2], exec_errno, how;
	sigset_t mask;

	*c = (struct run_child){ .pid = -1, .sigfd = -1 };
	*out = open("/tmp", O_TMPFILE | O_RDWR, 0600);
	*errs = open("/tmp", O_TMPFILE | O_RDWR, 0600);
	assert_true(*out >= 0 && *errs >= 0);
	assert_int_equal(pipe2(po, O_CLOEXEC), 0);
	assert_int_equal(pipe2(pe, O_CLOEXEC), 0);
	struct run_child_fd map[] = { { po[1], 1 }, { pe[1], 2 } };
	c->pumps[0].from = po[0];
	c->pumps[0].to = *out;
	c->pumps[1].from = pe[0];
	c->pumps[1].to = *errs;
	c->npumps = 2;
	sigemptyset(&mask);
	const struct run_child_exec x = { .argv = argv };
	assert_int_equal(run_child_start(c, &x, map, 2, &mask, &exec_errno, &err), 0);
	close(po[1]);
	close(pe[1]);
	how = run_watch(c, deadline_ns, signo, &err);
	run_child_kill(c);
	return how;
}

static void test_child_watch(void **state)
{
	struct run_child c;
	sigset_t old;
	char buf[256];
	int out, errs, signo, how;

	(void)state;
	assert_int_equal(run_signals_block(&old, NULL), 0);

	/* Ends by itself: both streams pumped, the status kept. */
	how = watch_shell("echo out; echo err >&2; exit 3", 0, &c, &out, &errs, &signo);
	assert_int_equal(how, RUN_WATCH_EXITED);
	assert_true(WIFEXITED(c.wait_status));
	assert_int_equal(WEXITSTATUS(c.wait_status), 3);
	assert_string_equal(file_text(out, buf, sizeof(buf)), "out\n");
	assert_string_equal(file_text(errs, buf, sizeof(buf)), "err\n");
	run_child_close(&c);
	close(out);
	close(errs);

	/* A deadline: the watch ends, the child still runs until killed. */
	how = watch_shell("echo before; exec sleep 30", run_now_ns() + 300000000ull,
			  &c, &out, &errs, &signo);
	assert_int_equal(how, RUN_WATCH_DEADLINE);
	assert_true(WIFSIGNALED(c.wait_status));
	assert_int_equal(WTERMSIG(c.wait_status), SIGKILL);
	assert_string_equal(file_text(out, buf, sizeof(buf)), "before\n");
	run_child_close(&c);
	close(out);
	close(errs);

	/* A signal to us ends the watch. */
	how = watch_shell("kill -TERM $PPID; exec sleep 30", 0, &c, &out, &errs, &signo);
	assert_int_equal(how, RUN_WATCH_SIGNAL);
	assert_int_equal(signo, SIGTERM);
	run_child_close(&c);
	close(out);
	close(errs);

	sigprocmask(SIG_SETMASK, &old, NULL);
}

static void test_child_exec_fails(void **state)
{
	char *argv[] = { "/nonexistent/qemu", NULL };
	struct run_child c = { .pid = -1, .sigfd = -1 };
	struct rw_error err = { { 0 } };
	sigset_t mask;
	int exec_errno;

	(void)state;
	sigemptyset(&mask);
	const struct run_child_exec x = { .argv = argv };
	assert_int_equal(run_child_start(&c, &x, NULL, 0, &mask, &exec_errno, &err), -1);
	assert_int_equal(exec_errno, ENOENT);
	assert_non_null(strstr(err.msg, "/nonexistent/qemu"));
	run_child_close(&c);
}

static char tmpdir[] = "/tmp/rewire-run-test-XXXXXX";

static bool dir_empty(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	if (d)
		closedir(d);
	return n == 0;
}

/* A Go binary is imaged on the fly and nothing of it stays on disk; its
 * functions are named from the made image's table. */
static void test_target_made_on_the_fly(void **state)
{
	char versions[GOFIXTURE_MAX_VERSIONS][16], path[4096], fd_path[64];
	struct run_target t;
	struct rw_error err = { { 0 } };
	struct image_symbols *syms;
	struct elf_image img;
	uint64_t main_main, offset;
	bool image_fault;
	size_t n;

	(void)state;
	n = gofixture_versions(versions, GOFIXTURE_MAX_VERSIONS);
	gofixture_path(path, sizeof(path), versions[n - 1], "hello");
	assert_non_null(mkdtemp(tmpdir));
	setenv("TMPDIR", tmpdir, 1);
	if (run_target_open(path, NULL, "kvm", false, &t, &image_fault, &err) < 0)
		fail_msg("%s", err.msg);
	assert_true(t.made);
	assert_int_equal(t.kind, RUN_KIND_PVH);
	assert_true(t.fd >= 0);
	assert_true(t.entry > 0 && t.entry < t.load_end);
	assert_true(t.kernel_runtime);
	assert_true(dir_empty(tmpdir));

	assert_int_equal(elf_image_open(&img, path, &err), 0);
	main_main = symtab_lookup(&img, "main.main");
	elf_image_close(&img);
	assert_true(main_main != 0);
	snprintf(fd_path, sizeof(fd_path), "/proc/self/fd/%d", t.fd);
	/* A PVH image rewire image made: its record says the kernel runtime
	 * runs it (any other PVH kernel takes no --dir). */
	enum run_kind kind = RUN_KIND_GO;
	bool runtime = false;
	assert_int_equal(run_target_kind(fd_path, &kind, &runtime, &err), 0);
	assert_int_equal(kind, RUN_KIND_PVH);
	assert_true(runtime);
	assert_int_equal(image_symbols_open(fd_path, &syms, &err), 0);
	assert_string_equal(image_symbols_name(syms, main_main + 3, &offset), "main.main");
	assert_int_equal(offset, 3);
	/* And a kernel function, from the same table. */
	assert_non_null(image_symbols_name(syms, t.entry, &offset));
	assert_null(image_symbols_name(syms, 16, &offset));
	image_symbols_close(syms);
	run_target_close(&t);

	/* The plain binary's .symtab names it too. */
	assert_int_equal(image_symbols_open(path, &syms, &err), 0);
	assert_string_equal(image_symbols_name(syms, main_main, &offset), "main.main");
	image_symbols_close(syms);

	/* Imaged for hosted: a hosted image, told apart by its record. */
	if (run_target_open(path, NULL, "hosted", false, &t, &image_fault, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(t.kind, RUN_KIND_HOSTED);
	assert_true(dir_empty(tmpdir));
	snprintf(fd_path, sizeof(fd_path), "/proc/self/fd/%d", t.fd);
	runtime = false;
	assert_int_equal(run_target_kind(fd_path, &kind, &runtime, &err), 0);
	assert_int_equal(kind, RUN_KIND_HOSTED);
	assert_true(runtime);
	run_target_close(&t);
	runtime = false;
	assert_int_equal(run_target_kind(path, &kind, &runtime, &err), 0);
	assert_int_equal(kind, RUN_KIND_GO);
	assert_true(runtime);
	unsetenv("TMPDIR");
	rmdir(tmpdir);
}

static void test_target_refusals(void **state)
{
	char text[] = "/tmp/rewire-run-text-XXXXXX";
	struct run_target t;
	struct rw_error err = { { 0 } };
	bool image_fault = false;
	int fd;

	(void)state;
	fd = mkstemp(text);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "not an ELF\n", 11), 11);
	close(fd);
	assert_int_equal(run_target_open(text, NULL, "kvm", false, &t, &image_fault, &err), -1);
	assert_true(image_fault);
	assert_non_null(strstr(err.msg, "not a 64- or 32-bit little-endian ELF"));
	unlink(text);
	assert_int_equal(run_target_open("/nonexistent", NULL, "kvm", false, &t, &image_fault, &err), -1);
	assert_true(image_fault);
	assert_non_null(strstr(err.msg, "cannot open"));
	/* A dynamic ELF without Go's build information. */
	assert_int_equal(run_target_open("/bin/sh", NULL, "kvm", false, &t, &image_fault, &err), -1);
	assert_true(image_fault);
	assert_non_null(strstr(err.msg, "is neither an image"));
	assert_int_equal(t.fd, -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cmdline),
		cmocka_unit_test(test_mem_sizes),
		cmocka_unit_test(test_json_string),
		cmocka_unit_test(test_qmp),
		cmocka_unit_test(test_child_watch),
		cmocka_unit_test(test_child_exec_fails),
		cmocka_unit_test(test_target_made_on_the_fly),
		cmocka_unit_test(test_target_refusals),
	};
	return cmocka_run_group_tests_name("rewire run", tests, NULL, NULL);
}
