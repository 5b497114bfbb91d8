/* Unit tests: where an output goes (output_check) and how it is published. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "output.h"

static char tmpdir[256];

static int setup(void **state)
{
	const char *base = getenv("TMPDIR");

	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "%s/rewire-output-XXXXXX",
		 base && *base ? base : "/tmp");
	if (!mkdtemp(tmpdir))
		return -1;
	/* Traversable by the unprivileged user of test_read_only_folder. */
	return chmod(tmpdir, 0755);
}

static int teardown(void **state)
{
	char cmd[PATH_MAX + 32];

	(void)state;
	snprintf(cmd, sizeof(cmd), "chmod -R u+w %s; rm -rf %s", tmpdir, tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* tmpdir/name into buf. */
static const char *at(char *buf, const char *name)
{
	snprintf(buf, PATH_MAX, "%s/%s", tmpdir, name);
	return buf;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void assert_file_says(const char *path, const char *want)
{
	char buf[256] = { 0 };
	FILE *f = fopen(path, "r");

	assert_non_null(f);
	assert_true(fread(buf, 1, sizeof(buf) - 1, f) <= sizeof(buf) - 1);
	fclose(f);
	assert_string_equal(buf, want);
}

/* Names in tmpdir that hold ".rewire-": temporary files left behind. */
static size_t temp_files(void)
{
	DIR *d = opendir(tmpdir);
	struct dirent *e;
	size_t n = 0;

	while (d && (e = readdir(d)))
		n += strstr(e->d_name, ".rewire-") != NULL;
	if (d)
		closedir(d);
	return n;
}

/* Checks path, expecting rc and (when want is not NULL) a message with want. */
static void check(struct output *out, const char *path, const char *in,
		  bool in_place, int rc, const char *want)
{
	struct rw_error err = { { 0 } };

	assert_int_equal(output_check(out, path, in, in_place, &err), rc);
	if (want && !strstr(err.msg, want))
		fail_msg("wanted a message with '%s', got '%s'", want, err.msg);
}

/* Builds text as out's bytes and publishes it. */
static void publish(const struct output *out, const char *text, mode_t mode)
{
	struct rw_error err = { { 0 } };
	struct output_temp t;

	if (output_begin(out, &t, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(write(t.fd, text, strlen(text)), (ssize_t)strlen(text));
	if (output_commit(out, &t, mode, &err) < 0)
		fail_msg("%s", err.msg);
}

static void test_new_file(void **state)
{
	char path[PATH_MAX];
	struct output out;
	struct stat st;

	(void)state;
	check(&out, at(path, "new"), NULL, false, 0, NULL);
	assert_int_equal(out.kind, OUTPUT_NEW);
	assert_string_equal(out.path, path);
	/* The check alone makes nothing. */
	assert_int_equal(access(path, F_OK), -1);
	publish(&out, "new bytes", 0751);
	assert_file_says(path, "new bytes");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0751);
	assert_int_equal(temp_files(), 0);
}

static void test_missing_folder_and_odd_names(void **state)
{
	char path[PATH_MAX];
	struct output out;

	(void)state;
	check(&out, at(path, "nowhere/out"), NULL, false, -1,
	      "the folder");
	check(&out, path, NULL, false, -1, "nowhere does not exist");
	check(&out, "", NULL, false, -1, "empty");
	check(&out, at(path, "dir/"), NULL, false, -1, "names a folder");
	write_file(at(path, "plain"), "x");
	check(&out, at(path, "plain/out"), NULL, false, -1, NULL);
}

/* A regular file is replaced by a renamed temporary file, all or nothing. */
static void test_regular_file(void **state)
{
	char path[PATH_MAX];
	struct rw_error err = { { 0 } };
	struct output out;
	struct output_temp t;

	(void)state;
	write_file(at(path, "old"), "old bytes");
	check(&out, path, NULL, false, 0, NULL);
	assert_int_equal(out.kind, OUTPUT_FILE);
	/* Abandoned half way: the file is as it was, nothing is left. */
	assert_int_equal(output_begin(&out, &t, &err), 0);
	assert_non_null(strstr(t.path, "/.old.rewire-"));
	assert_int_equal(temp_files(), 1);
	assert_int_equal(write(t.fd, "half", 4), 4);
	output_abort(&t);
	assert_int_equal(temp_files(), 0);
	assert_file_says(path, "old bytes");
	publish(&out, "new bytes", 0644);
	assert_file_says(path, "new bytes");
	assert_int_equal(temp_files(), 0);
}

/* Through a chain of links (relative, across folders) the file they lead
 * to is replaced; the links stay links. */
static void test_symlink_chain(void **state)
{
	char path[PATH_MAX], target[PATH_MAX], link1[PATH_MAX], link2[PATH_MAX];
	struct output out;
	struct stat st;

	(void)state;
	assert_int_equal(mkdir(at(path, "sub"), 0755), 0);
	write_file(at(target, "sub/target"), "old");
	assert_int_equal(symlink("sub/target", at(link2, "link2")), 0);
	assert_int_equal(symlink("../link2", at(link1, "sub/link1")), 0);
	check(&out, link1, NULL, false, 0, NULL);
	assert_int_equal(out.kind, OUTPUT_FILE);
	assert_int_equal(stat(out.path, &st), 0);
	assert_string_equal(out.path, at(path, "sub/../sub/target"));
	publish(&out, "new", 0644);
	assert_file_says(target, "new");
	assert_int_equal(lstat(link1, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(lstat(link2, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(temp_files(), 0);
}

static void test_dangling_and_looping_links(void **state)
{
	char path[PATH_MAX], other[PATH_MAX];
	struct output out;

	(void)state;
	assert_int_equal(symlink("gone", at(path, "dangling")), 0);
	check(&out, path, NULL, false, -1, "dangling: a symbolic link to");
	check(&out, path, NULL, false, -1, "/gone, which does not exist");
	assert_int_equal(access(at(other, "gone"), F_OK), -1);
	assert_int_equal(symlink("loop-b", at(path, "loop-a")), 0);
	assert_int_equal(symlink("loop-a", at(other, "loop-b")), 0);
	check(&out, path, NULL, false, -1, "loop-a");
}

static void test_refused_kinds(void **state)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char path[PATH_MAX];
	struct output out;
	int fd;

	(void)state;
	check(&out, tmpdir, NULL, false, -1, "a folder; rewire writes only to");
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	at(path, "sock");
	assert_true(strlen(path) < sizeof(sa.sun_path));
	memcpy(sa.sun_path, path, strlen(path) + 1);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	check(&out, path, NULL, false, -1, "sock: a socket");
	close(fd);
	if (mknod(at(path, "blk"), S_IFBLK | 0600, makedev(7, 0)) == 0)
		check(&out, path, NULL, false, -1, "blk: a block device");
	else
		assert_int_equal(errno, EPERM);	/* not root: nothing to try */
}

/* A FIFO gets the finished bytes written through and stays a FIFO. */
static void test_fifo_written_through(void **state)
{
	char path[PATH_MAX], buf[64] = { 0 };
	struct output out;
	struct stat st;
	int reader;

	(void)state;
	assert_int_equal(mkfifo(at(path, "fifo"), 0644), 0);
	check(&out, path, NULL, false, 0, NULL);
	assert_int_equal(out.kind, OUTPUT_STREAM);
	reader = open(path, O_RDONLY | O_NONBLOCK);
	assert_true(reader >= 0);
	publish(&out, "through the fifo", 0755);
	assert_int_equal(read(reader, buf, sizeof(buf) - 1), 16);
	assert_string_equal(buf, "through the fifo");
	close(reader);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	assert_int_equal(temp_files(), 0);
}

/* A character device is written through, never replaced. */
static void test_char_device_stays(void **state)
{
	char path[PATH_MAX], link[PATH_MAX];
	struct output out;
	struct stat st;

	(void)state;
	if (mknod(at(path, "null"), S_IFCHR | 0666, makedev(1, 3)) < 0) {
		assert_int_equal(errno, EPERM);
		/* Not root: the check alone, on the real one. */
		check(&out, "/dev/null", NULL, false, 0, NULL);
		assert_int_equal(out.kind, OUTPUT_STREAM);
		return;
	}
	assert_int_equal(symlink("null", at(link, "null-link")), 0);
	check(&out, link, NULL, false, 0, NULL);
	assert_int_equal(out.kind, OUTPUT_STREAM);
	check(&out, path, NULL, false, 0, NULL);
	assert_int_equal(out.kind, OUTPUT_STREAM);
	publish(&out, "into the void", 0755);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISCHR(st.st_mode));
	assert_int_equal(st.st_rdev, makedev(1, 3));
	assert_int_equal(temp_files(), 0);
}

/* IN under any name is refused, unless in place. */
static void test_out_is_in(void **state)
{
	char in[PATH_MAX], path[PATH_MAX], dot[PATH_MAX + 8];
	struct output out;

	(void)state;
	write_file(at(in, "in"), "input");
	check(&out, in, in, false, OUTPUT_IS_INPUT, "is the input");
	snprintf(dot, sizeof(dot), "%s/./in", tmpdir);
	check(&out, dot, in, false, OUTPUT_IS_INPUT, NULL);
	assert_int_equal(symlink("in", at(path, "in-link")), 0);
	check(&out, path, in, false, OUTPUT_IS_INPUT, "in-link (a link to");
	assert_int_equal(link(in, at(path, "in-hard")), 0);
	check(&out, path, in, false, OUTPUT_IS_INPUT, NULL);
	check(&out, in, in, true, 0, NULL);
	assert_int_equal(out.kind, OUTPUT_FILE);
	assert_file_says(in, "input");
}

/* In place through a link patches the file it leads to. */
static void test_in_place_through_link(void **state)
{
	char in[PATH_MAX], path[PATH_MAX];
	struct output out;
	struct stat st;

	(void)state;
	write_file(at(in, "patched-in-place"), "before");
	assert_int_equal(symlink("patched-in-place", at(path, "ip-link")), 0);
	check(&out, path, path, true, 0, NULL);
	assert_string_equal(out.path, in);
	publish(&out, "after", 0755);
	assert_file_says(in, "after");
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	check(&out, at(path, "missing"), path, true, -1, "No such file");
	check(&out, tmpdir, tmpdir, true, -1, "a folder");
}

/* Permission bits stop an unprivileged user (root passes them: the test
 * drops to nobody when it is root). */
static void test_read_only_folder(void **state)
{
	char dir[PATH_MAX], path[PATH_MAX];
	int status;
	pid_t pid;

	(void)state;
	assert_int_equal(mkdir(at(dir, "ro"), 0555), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rw_error err = { { 0 } };
		struct output out;

		if (geteuid() == 0 && (setgid(65534) < 0 || setuid(65534) < 0))
			_exit(3);
		if (output_check(&out, at(path, "ro/out"), NULL, false, &err) != -1)
			_exit(1);
		_exit(strstr(err.msg, "cannot write into the folder") &&
		      strstr(err.msg, "Permission denied") ? 0 : 2);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_file),
		cmocka_unit_test(test_missing_folder_and_odd_names),
		cmocka_unit_test(test_regular_file),
		cmocka_unit_test(test_symlink_chain),
		cmocka_unit_test(test_dangling_and_looping_links),
		cmocka_unit_test(test_refused_kinds),
		cmocka_unit_test(test_fifo_written_through),
		cmocka_unit_test(test_char_device_stays),
		cmocka_unit_test(test_out_is_in),
		cmocka_unit_test(test_in_place_through_link),
		cmocka_unit_test(test_read_only_folder),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
