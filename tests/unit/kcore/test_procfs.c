/* Unit tests of /proc (procfs.c, and fs.c's side of it) through the system
 * calls: /proc/self and exe (exe= or argv[0]), cmdline and environ, fd/
 * following the descriptors with what each names, the modes, and the
 * changes refused with Linux's errors. */
#include "kcore_test.h"

#include "kernel.h"
#include "linux_abi.h"

static long sys_close(long fd)
{
	return sys(NR_close, fd, 0, 0, 0, 0, 0);
}

/* path's link text, NUL-terminated in buf: its length or -errno. */
static long link_of(const char *path, char *buf, size_t size)
{
	long n = sys(NR_readlinkat, AT_FDCWD, (long)path, (long)buf, (long)size - 1, 0, 0);

	buf[n < 0 ? 0 : n] = 0;
	return n;
}

/* The bytes of path in buf (not NUL-terminated): their count or -errno. */
static long bytes_of(const char *path, char *buf, size_t size)
{
	long fd = open_at(path, O_RDONLY, 0);

	if (fd < 0)
		return fd;
	long n = sys(NR_read, fd, (long)buf, (long)size, 0, 0, 0);
	sys_close(fd);
	return n;
}

static uint32_t mode_of(const char *path, long flags)
{
	struct kstat st;
	long err = sys(NR_newfstatat, AT_FDCWD, (long)path, (long)&st, flags, 0, 0);

	assert_int_equal(err, 0);
	return st.mode;
}

/* The names directory path lists, "." and ".." left out, joined by
 * spaces in the kernel's order. */
static void names_of(const char *path, char *out, size_t size)
{
	long fd = open_at(path, O_RDONLY | O_DIRECTORY, 0), n;
	uint8_t buf[512];

	assert_true(fd >= 0);
	out[0] = 0;
	while ((n = sys(NR_getdents64, fd, (long)buf, sizeof(buf), 0, 0, 0)) > 0)
		for (long at = 0; at < n;) {
			uint16_t reclen;
			const char *name = (char *)buf + at + 19;
			memcpy(&reclen, buf + at + 16, 2);
			if (strcmp(name, ".") != 0 && strcmp(name, "..") != 0)
				snprintf(out + strlen(out), size - strlen(out), "%s%s",
					 out[0] ? " " : "", name);
			at += reclen;
		}
	assert_int_equal(n, 0);
	sys_close(fd);
}

static int boot_with(const char *cmdline)
{
	struct fake_config cfg = { .cmdline = cmdline };

	return fake_boot(&cfg);
}

static int setup(void **state)
{
	(void)state;
	return boot_with("exe=/srv/my%20prog env=A=1 env=B=two%20words -- prog x %");
}

#define PTEST(f) cmocka_unit_test_setup_teardown(f, setup, check_violations)

static void test_self_and_exe(void **state)
{
	char buf[256];
	(void)state;

	/* /proc/self: a symlink to the pid getpid gives. */
	assert_int_equal(link_of("/proc/self", buf, sizeof(buf)), 1);
	snprintf(buf + 8, 16, "%ld", sys(NR_getpid, 0, 0, 0, 0, 0, 0));
	assert_string_equal(buf, buf + 8);
	assert_int_equal(link_of("/proc/self/exe", buf, sizeof(buf)), 12);
	assert_string_equal(buf, "/srv/my prog");
	assert_int_equal(link_of("/proc/1/exe", buf, 4), 3); /* cut, as Linux does */
	assert_string_equal(buf, "/sr");
	/* Followed by path: the program's file is not in this tree. */
	assert_int_equal(open_at("/proc/self/exe", O_RDONLY, 0), -ENOENT);
	/* Without exe=: argv[0], and then the link leads to it. */
	assert_int_equal(boot_with("-- /etc/hosts"), 0);
	assert_int_equal(link_of("/proc/self/exe", buf, sizeof(buf)), 10);
	assert_string_equal(buf, "/etc/hosts");
	assert_true(bytes_of("/proc/self/exe", buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "localhost"));
}

static void test_cmdline_environ(void **state)
{
	char buf[64];
	(void)state;

	assert_int_equal(bytes_of("/proc/self/cmdline", buf, sizeof(buf)), 8);
	assert_memory_equal(buf, "prog\0x\0\0", 8);
	assert_int_equal(bytes_of("/proc/self/environ", buf, sizeof(buf)), 16);
	assert_memory_equal(buf, "A=1\0B=two words\0", 16);
	/* A seek and a positioned read, as in any file. */
	long fd = open_at("/proc/1/cmdline", O_RDONLY, 0);
	assert_int_equal(sys(NR_lseek, fd, 2, SEEK_SET, 0, 0, 0), 2);
	assert_int_equal(sys(NR_read, fd, (long)buf, 3, 0, 0, 0), 3);
	assert_memory_equal(buf, "og\0", 3);
	assert_int_equal(sys(NR_lseek, fd, 0, SEEK_CUR, 0, 0, 0), 5);
	assert_int_equal(sys(NR_pread64, fd, (long)buf, 2, 5, 0, 0), 2);
	assert_memory_equal(buf, "x\0", 2);
	sys_close(fd);
}

static void test_modes_and_listing(void **state)
{
	char names[256];
	struct kstat st;
	(void)state;

	assert_int_equal(mode_of("/proc", 0), S_IFDIR | 0555);
	assert_int_equal(mode_of("/proc/self", AT_SYMLINK_NOFOLLOW), S_IFLNK | 0777);
	assert_int_equal(mode_of("/proc/self", 0), S_IFDIR | 0555);
	assert_int_equal(mode_of("/proc/self/exe", AT_SYMLINK_NOFOLLOW), S_IFLNK | 0777);
	assert_int_equal(mode_of("/proc/self/fd", 0), S_IFDIR | 0500);
	assert_int_equal(mode_of("/proc/self/environ", 0), S_IFREG | 0400);
	/* Sized 0, as Linux's: the bytes are made when read. */
	assert_int_equal(sys(NR_newfstatat, AT_FDCWD, (long)"/proc/self/cmdline", (long)&st, 0,
			     0, 0), 0);
	assert_int_equal(st.mode, S_IFREG | 0444);
	assert_int_equal(st.size, 0);
	names_of("/proc", names, sizeof(names));
	assert_string_equal(names, "self 1");
	names_of("/proc/self", names, sizeof(names));
	assert_string_equal(names, "environ cmdline exe fd");
	assert_int_equal(open_at("/proc/self/cmdline", O_RDONLY | O_DIRECTORY, 0), -ENOTDIR);
	assert_int_equal(open_at("/proc/self/fd", O_RDWR, 0), -EISDIR);
	assert_int_equal(open_at("/proc/self/exe", O_RDONLY | O_NOFOLLOW, 0), -ELOOP);
}

static void test_fd_links(void **state)
{
	char names[256], buf[256], want[64];
	int32_t ends[2];
	struct kstat st;
	(void)state;

	long file = open_at("/tmp/f", O_RDWR | O_CREAT, 0644);
	assert_int_equal(sys(NR_write, file, (long)"data", 4, 0, 0, 0), 4);
	assert_int_equal(sys(NR_pipe2, (long)ends, 0, 0, 0, 0, 0), 0);
	long event = sys(NR_eventfd2, 0, 0, 0, 0, 0, 0);
	long ep = sys(NR_epoll_create1, 0, 0, 0, 0, 0, 0);
	assert_int_equal(file, 3);
	assert_int_equal(ep, 7);
	/* The listing's own descriptor (8) too: the listing starts after it
	 * was opened. */
	names_of("/proc/self/fd", names, sizeof(names));
	assert_string_equal(names, "0 1 2 3 4 5 6 7 8");
	link_of("/proc/self/fd/0", buf, sizeof(buf));
	assert_string_equal(buf, "/dev/ttyS0");
	link_of("/proc/self/fd/2", buf, sizeof(buf));
	assert_string_equal(buf, "/dev/ttyS1");
	link_of("/proc/self/fd/3", buf, sizeof(buf));
	assert_string_equal(buf, "/tmp/f");
	/* A pipe's number is its ends' st_ino, as on Linux. */
	assert_int_equal(sys(NR_fstat, ends[1], (long)&st, 0, 0, 0, 0), 0);
	snprintf(want, sizeof(want), "pipe:[%lu]", (unsigned long)st.ino);
	link_of("/proc/self/fd/5", buf, sizeof(buf));
	assert_string_equal(buf, want);
	link_of("/proc/self/fd/6", buf, sizeof(buf));
	assert_string_equal(buf, "anon_inode:[eventfd]");
	link_of("/proc/self/fd/7", buf, sizeof(buf));
	assert_string_equal(buf, "anon_inode:[eventpoll]");
	/* The mode says how the descriptor was opened. */
	assert_int_equal(mode_of("/proc/self/fd/3", AT_SYMLINK_NOFOLLOW), S_IFLNK | 0700);
	assert_int_equal(mode_of("/proc/self/fd/4", AT_SYMLINK_NOFOLLOW), S_IFLNK | 0500);
	assert_int_equal(mode_of("/proc/self/fd/5", AT_SYMLINK_NOFOLLOW), S_IFLNK | 0300);
	/* Followed, a link is the open file itself, even with its name gone. */
	assert_int_equal(sys(NR_unlinkat, AT_FDCWD, (long)"/tmp/f", 0, 0, 0, 0), 0);
	link_of("/proc/self/fd/3", buf, sizeof(buf));
	assert_string_equal(buf, "/tmp/f (deleted)");
	assert_int_equal(bytes_of("/proc/self/fd/3", buf, sizeof(buf)), 4);
	assert_memory_equal(buf, "data", 4);
	assert_int_equal(mode_of("/proc/self/fd/3", 0), S_IFREG | 0644);
	assert_int_equal(bytes_of("/proc/self/fd/5", buf, sizeof(buf)), -ENOENT);
	/* Closed descriptors leave; a new one comes. */
	sys_close(event);
	sys_close(ends[0]);
	assert_int_equal(link_of("/proc/self/fd/6", buf, sizeof(buf)), -ENOENT);
	long dir = open_at("/proc", O_RDONLY | O_DIRECTORY, 0);
	assert_int_equal(dir, 4);
	link_of("/proc/self/fd/4", buf, sizeof(buf));
	assert_string_equal(buf, "/proc");
	names_of("/proc/self/fd", names, sizeof(names));
	assert_string_equal(names, "0 1 2 3 4 5 6 7");
}

static void test_read_only(void **state)
{
	char buf[64];
	(void)state;

	/* Linux's errors, for root: no new names, none removed or moved. */
	assert_int_equal(open_at("/proc/self/new", O_WRONLY | O_CREAT, 0644), -ENOENT);
	assert_int_equal(open_at("/proc/new", O_WRONLY | O_CREAT, 0644), -ENOENT);
	assert_int_equal(sys(NR_mkdirat, AT_FDCWD, (long)"/proc/self/d", 0755, 0, 0, 0), -ENOENT);
	assert_int_equal(sys(NR_mknodat, AT_FDCWD, (long)"/proc/self/p", S_IFIFO | 0644, 0, 0, 0),
			 -ENOENT);
	assert_int_equal(sys(NR_symlinkat, (long)"x", AT_FDCWD, (long)"/proc/self/l", 0, 0, 0),
			 -ENOENT);
	assert_int_equal(sys(NR_unlinkat, AT_FDCWD, (long)"/proc/self/cmdline", 0, 0, 0, 0),
			 -EPERM);
	assert_int_equal(sys(NR_unlinkat, AT_FDCWD, (long)"/proc/self/fd/0", 0, 0, 0, 0), -EPERM);
	assert_int_equal(sys(NR_unlinkat, AT_FDCWD, (long)"/proc/self/fd", AT_REMOVEDIR, 0, 0, 0),
			 -EPERM);
	assert_int_equal(sys(NR_unlinkat, AT_FDCWD, (long)"/proc/self/exe", AT_REMOVEDIR, 0, 0, 0),
			 -ENOTDIR);
	assert_int_equal(sys(NR_renameat, AT_FDCWD, (long)"/proc/self/cmdline", AT_FDCWD,
			     (long)"/tmp/x", 0, 0), -EXDEV);
	assert_int_equal(sys(NR_renameat, AT_FDCWD, (long)"/tmp", AT_FDCWD,
			     (long)"/proc/self/x", 0, 0), -EXDEV);
	assert_int_equal(sys(NR_renameat, AT_FDCWD, (long)"/proc/self/cmdline", AT_FDCWD,
			     (long)"/proc/self/x", 0, 0), -ENOENT);
	assert_int_equal(sys(NR_renameat, AT_FDCWD, (long)"/proc/self/cmdline", AT_FDCWD,
			     (long)"/proc/self/environ", 0, 0), -EPERM);
	assert_int_equal(sys(NR_linkat, AT_FDCWD, (long)"/proc/self/cmdline", AT_FDCWD,
			     (long)"/tmp/l", 0, 0), -EXDEV);
	assert_int_equal(sys(NR_fchmodat, AT_FDCWD, (long)"/proc/self/cmdline", 0644, 0, 0, 0),
			 -EPERM);
	/* Opened to write, truncated: taken, and nothing changes; a write
	 * is refused. */
	long fd = open_at("/proc/self/cmdline", O_WRONLY | O_TRUNC, 0);
	assert_true(fd >= 0);
	assert_int_equal(sys(NR_write, fd, (long)"x", 1, 0, 0, 0), -EINVAL);
	assert_int_equal(sys(NR_ftruncate, fd, 0, 0, 0, 0, 0), 0);
	assert_int_equal(sys(NR_fchmod, fd, 0644, 0, 0, 0, 0), -EPERM);
	sys_close(fd);
	assert_int_equal(sys(NR_truncate, (long)"/proc/self/cmdline", 0, 0, 0, 0, 0), 0);
	assert_int_equal(bytes_of("/proc/self/cmdline", buf, sizeof(buf)), 8);
	assert_memory_equal(buf, "prog\0x\0\0", 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		PTEST(test_self_and_exe),
		PTEST(test_cmdline_environ),
		PTEST(test_modes_and_listing),
		PTEST(test_fd_links),
		PTEST(test_read_only),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
