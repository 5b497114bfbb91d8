/* Unit tests of the file system (fs.c) through its system calls: the
 * built-in files, the archive read in place (and refused when malformed),
 * files written in frames, directories, renames, symlinks, paths that try
 * to leave the root, files unlinked while open, the working directory. */
#include "kcore_test.h"

#include "fs.h"
#include "kernel.h"
#include "linux_abi.h"

/* The whole content of path, NUL-terminated in buf: its length or -errno. */
static long slurp(const char *path, char *buf, size_t size)
{
	long fd = open_at(path, O_RDONLY, 0), n;

	if (fd < 0)
		return fd;
	n = sys(NR_read, fd, (long)buf, (long)size - 1, 0, 0, 0);
	sys(NR_close, fd, 0, 0, 0, 0, 0);
	if (n >= 0)
		buf[n] = 0;
	return n;
}

static long put(const char *path, const char *text)
{
	long fd = open_at(path, O_WRONLY | O_CREAT | O_TRUNC, 0644), n;

	if (fd < 0)
		return fd;
	n = sys(NR_write, fd, (long)text, (long)strlen(text), 0, 0, 0);
	sys(NR_close, fd, 0, 0, 0, 0, 0);
	return n;
}

static long stat_of(const char *path, struct kstat *st, long flags)
{
	return sys(NR_newfstatat, AT_FDCWD, (long)path, (long)st, flags, 0, 0);
}

/* A cpio newc archive built entry by entry (test data: the product packs
 * with libarchive). */
static uint8_t arc[16384];
static size_t arc_len;

static void newc(const char *name, unsigned mode, const char *data)
{
	size_t nlen = strlen(name) + 1, dlen = data ? strlen(data) : 0;

	arc_len += (size_t)sprintf((char *)arc + arc_len,
				   "070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X",
				   1u, mode, 0u, 0u, 1u, 1700000000u, dlen, 0u, 0u, 0u, 0u, nlen, 0u);
	memcpy(arc + arc_len, name, nlen);
	arc_len = (arc_len + nlen + 3) & ~(size_t)3;
	memcpy(arc + arc_len, data ? data : "", dlen);
	arc_len = (arc_len + dlen + 3) & ~(size_t)3;
}

/* Boots with that command line, and the archive when one is given. */
static int boot_with(const char *cmdline, const void *archive, size_t len)
{
	struct fake_config cfg = { .cmdline = cmdline, .fs_archive = archive,
				   .fs_archive_len = len };

	return fake_boot(&cfg);
}

static int setup(void **state)
{
	(void)state;
	return boot_with(NULL, NULL, 0);
}

#define FTEST(f) cmocka_unit_test_setup_teardown(f, setup, check_violations)

static void test_builtins(void **state)
{
	char buf[256];
	struct kstat st;
	(void)state;

	assert_true(slurp("/etc/passwd", buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "root:x:0:0:"));
	assert_true(slurp("/etc/hosts", buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "localhost"));
	assert_int_equal(slurp("/dev/null", buf, sizeof(buf)), 0);
	assert_int_equal(put("/dev/null", "gone"), 4);
	memset(buf, 7, 8);
	assert_int_equal(slurp("/dev/zero", buf, 9), 8);
	assert_int_equal(buf[0] | buf[7], 0);
	assert_int_equal(stat_of("/tmp", &st, 0), 0);
	assert_int_equal(st.mode, S_IFDIR | 01777);
	assert_int_equal(stat_of("/dev/null", &st, 0), 0);
	assert_int_equal(st.mode & S_IFMT, S_IFCHR);
	assert_int_equal(st.rdev, (1 << 8) | 3);
	assert_int_equal(stat_of("/", &st, 0), 0);
	assert_int_equal(st.ino, 2);
	assert_int_equal(stat_of("/nope", &st, 0), -ENOENT);
	assert_int_equal(stat_of("", &st, 0), -ENOENT);
	assert_int_equal(stat_of("/etc/passwd/x", &st, 0), -ENOTDIR);
}

static void test_write_read_seek(void **state)
{
	static char big[3 * 4096 + 100];
	char buf[64];
	struct kstat st;
	long fd;
	(void)state;

	fd = open_at("/tmp/f", O_RDWR | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 3);
	assert_int_equal(open_at("/tmp/f", O_RDWR | O_CREAT | O_EXCL, 0600), -EEXIST);
	assert_int_equal(sys(NR_write, fd, (long)"hello", 5, 0, 0, 0), 5);
	assert_int_equal(sys(NR_lseek, fd, 0, SEEK_SET, 0, 0, 0), 0);
	assert_int_equal(sys(NR_read, fd, (long)buf, sizeof(buf), 0, 0, 0), 5);
	assert_memory_equal(buf, "hello", 5);
	assert_int_equal(sys(NR_read, fd, (long)buf, sizeof(buf), 0, 0, 0), 0);
	/* pwrite past the end leaves a hole of zeros; the offset stays. */
	assert_int_equal(sys(NR_pwrite64, fd, (long)"xy", 2, 10, 0, 0), 2);
	assert_int_equal(sys(NR_lseek, fd, 0, SEEK_CUR, 0, 0, 0), 5);
	assert_int_equal(sys(NR_pread64, fd, (long)buf, 12, 0, 0, 0), 12);
	assert_memory_equal(buf, "hello\0\0\0\0\0xy", 12);
	assert_int_equal(sys(NR_lseek, fd, -1, SEEK_SET, 0, 0, 0), -EINVAL);
	assert_int_equal(sys(NR_lseek, fd, 0, SEEK_END, 0, 0, 0), 12);
	/* Across pages, then cut back inside the first. */
	memset(big, 'b', sizeof(big));
	assert_int_equal(sys(NR_pwrite64, fd, (long)big, sizeof(big), 4000, 0, 0), sizeof(big));
	assert_int_equal(sys(NR_fstat, fd, (long)&st, 0, 0, 0, 0), 0);
	assert_int_equal(st.size, 4000 + sizeof(big));
	assert_int_equal(sys(NR_pread64, fd, (long)buf, 4, 4000 + sizeof(big) - 2, 0, 0), 2);
	assert_int_equal(sys(NR_ftruncate, fd, 3, 0, 0, 0, 0), 0);
	assert_int_equal(sys(NR_ftruncate, fd, 8, 0, 0, 0, 0), 0);
	assert_int_equal(sys(NR_pread64, fd, (long)buf, 10, 0, 0, 0), 8);
	assert_memory_equal(buf, "hel\0\0\0\0\0", 8);
	sys(NR_close, fd, 0, 0, 0, 0, 0);
	/* O_APPEND writes at the end, O_TRUNC empties. */
	fd = open_at("/tmp/f", O_WRONLY | O_APPEND, 0);
	assert_int_equal(sys(NR_write, fd, (long)"!", 1, 0, 0, 0), 1);
	sys(NR_close, fd, 0, 0, 0, 0, 0);
	assert_int_equal(slurp("/tmp/f", buf, sizeof(buf)), 9);
	assert_int_equal(buf[8], '!');
	assert_int_equal(put("/tmp/f", "new"), 3);
	assert_int_equal(slurp("/tmp/f", buf, sizeof(buf)), 3);
	/* Read-only descriptors do not write, and the other way round. */
	fd = open_at("/tmp/f", O_RDONLY, 0);
	assert_int_equal(sys(NR_write, fd, (long)"x", 1, 0, 0, 0), -EBADF);
	sys(NR_close, fd, 0, 0, 0, 0, 0);
	fd = open_at("/tmp/f", O_WRONLY, 0);
	assert_int_equal(sys(NR_read, fd, (long)buf, 1, 0, 0, 0), -EBADF);
	sys(NR_close, fd, 0, 0, 0, 0, 0);
	/* A regular file cannot be watched by epoll (Go then reads it plainly). */
	long ep = sys(NR_epoll_create1, 0, 0, 0, 0, 0, 0);
	fd = open_at("/tmp/f", O_RDONLY, 0);
	uint8_t ev[12] = { 1 };
	assert_int_equal(sys(NR_epoll_ctl, ep, EPOLL_CTL_ADD, fd, (long)ev, 0, 0), -EPERM);
}

/* The names of directory fd's entries, sorted by the kernel's order,
 * joined by spaces. */
static void names_of(long fd, char *out, size_t size)
{
	uint8_t buf[512];
	long n;

	out[0] = 0;
	while ((n = sys(NR_getdents64, fd, (long)buf, sizeof(buf), 0, 0, 0)) > 0)
		for (long at = 0; at < n;) {
			uint16_t reclen;
			memcpy(&reclen, buf + at + 16, 2);
			snprintf(out + strlen(out), size - strlen(out), "%s%s",
				 out[0] ? " " : "", (char *)buf + at + 19);
			at += reclen;
		}
	assert_int_equal(n, 0);
}

static void test_directories(void **state)
{
	char names[256];
	struct kstat st;
	long fd;
	(void)state;

	assert_int_equal(sys(NR_mkdirat, AT_FDCWD, (long)"/tmp/d", 0755, 0, 0, 0), 0);
	assert_int_equal(sys(NR_mkdirat, AT_FDCWD, (long)"/tmp/d", 0755, 0, 0, 0), -EEXIST);
	assert_int_equal(sys(NR_mkdirat, AT_FDCWD, (long)"/tmp/no/d", 0755, 0, 0, 0), -ENOENT);
	assert_int_equal(put("/tmp/d/a", "1"), 1);
	assert_int_equal(sys(NR_mkdirat, AT_FDCWD, (long)"/tmp/d/sub/", 0755, 0, 0, 0), 0);
	assert_int_equal(stat_of("/tmp/d", &st, 0), 0);
	assert_int_equal(st.nlink, 3); /* ".", its name, sub's ".." */
	fd = open_at("/tmp/d", O_RDONLY | O_DIRECTORY, 0);
	names_of(fd, names, sizeof(names));
	assert_string_equal(names, ". .. sub a");
	assert_int_equal(open_at("/tmp/d/a", O_RDONLY | O_DIRECTORY, 0), -ENOTDIR);
	assert_int_equal(open_at("/tmp/d", O_WRONLY, 0), -EISDIR);
	assert_int_equal(sys(NR_read, fd, (long)names, 1, 0, 0, 0), -EISDIR);
	/* *at calls from a directory descriptor. */
	assert_int_equal(sys(NR_newfstatat, fd, (long)"a", (long)&st, 0, 0, 0), 0);
	assert_int_equal(st.size, 1);
	assert_int_equal(sys(NR_unlinkat, fd, (long)"sub", 0, 0, 0, 0), -EISDIR);
	assert_int_equal(sys(NR_unlinkat, fd, (long)"a", AT_REMOVEDIR, 0, 0, 0), -ENOTDIR);
	assert_int_equal(sys(NR_unlinkat, AT_FDCWD, (long)"/tmp/d", AT_REMOVEDIR, 0, 0, 0),
			 -ENOTEMPTY);
	assert_int_equal(sys(NR_unlinkat, fd, (long)"a", 0, 0, 0, 0), 0);
	assert_int_equal(sys(NR_unlinkat, fd, (long)"sub", AT_REMOVEDIR, 0, 0, 0), 0);
	assert_int_equal(sys(NR_unlinkat, AT_FDCWD, (long)"/", AT_REMOVEDIR, 0, 0, 0), -EBUSY);
	/* Gone, while still open: getdents sees it empty. */
	assert_int_equal(sys(NR_unlinkat, AT_FDCWD, (long)"/tmp/d", AT_REMOVEDIR, 0, 0, 0), 0);
	assert_int_equal(sys(NR_lseek, fd, 0, SEEK_SET, 0, 0, 0), 0);
	names_of(fd, names, sizeof(names));
	assert_string_equal(names, ". ..");
	assert_int_equal(sys(NR_openat, fd, (long)"new", O_CREAT | O_WRONLY, 0644, 0, 0), -ENOENT);
}

static void test_rename(void **state)
{
	char buf[64];
	(void)state;

	sys(NR_mkdirat, AT_FDCWD, (long)"/tmp/r", 0755, 0, 0, 0);
	sys(NR_mkdirat, AT_FDCWD, (long)"/tmp/r/d", 0755, 0, 0, 0);
	put("/tmp/r/a", "A");
	put("/tmp/r/b", "B");
	/* Over a file: it is replaced. */
	assert_int_equal(sys(NR_renameat2, AT_FDCWD, (long)"/tmp/r/a", AT_FDCWD,
			     (long)"/tmp/r/b", RENAME_NOREPLACE, 0), -EEXIST);
	assert_int_equal(sys(NR_rename, (long)"/tmp/r/a", (long)"/tmp/r/b", 0, 0, 0, 0), 0);
	assert_int_equal(slurp("/tmp/r/b", buf, sizeof(buf)), 1);
	assert_string_equal(buf, "A");
	assert_int_equal(slurp("/tmp/r/a", buf, sizeof(buf)), -ENOENT);
	/* A file over a directory, a directory into itself. */
	assert_int_equal(sys(NR_rename, (long)"/tmp/r/b", (long)"/tmp/r/d", 0, 0, 0, 0), -EISDIR);
	assert_int_equal(sys(NR_rename, (long)"/tmp/r", (long)"/tmp/r/d/x", 0, 0, 0, 0), -EINVAL);
	/* A directory elsewhere, with a name longer than a node keeps inline. */
	const char *longname = "/tmp/a-directory-name-longer-than-forty-bytes-for-sure";
	assert_int_equal(sys(NR_rename, (long)"/tmp/r/d", (long)longname, 0, 0, 0, 0), 0);
	char path[128];
	snprintf(path, sizeof(path), "%s/f", longname);
	assert_int_equal(put(path, "in"), 2);
	assert_int_equal(slurp(path, buf, sizeof(buf)), 2);
}

static void test_symlinks_stay_inside(void **state)
{
	char buf[128];
	struct kstat st;
	(void)state;

	sys(NR_mkdirat, AT_FDCWD, (long)"/tmp/s", 0755, 0, 0, 0);
	put("/tmp/s/target", "T");
	assert_int_equal(sys(NR_symlinkat, (long)"target", AT_FDCWD, (long)"/tmp/s/rel", 0, 0, 0), 0);
	assert_int_equal(sys(NR_symlinkat, (long)"/etc", AT_FDCWD, (long)"/tmp/s/abs", 0, 0, 0), 0);
	assert_int_equal(sys(NR_symlinkat, (long)"../../../../../../etc", AT_FDCWD,
			     (long)"/tmp/s/up", 0, 0, 0), 0);
	assert_int_equal(sys(NR_symlinkat, (long)"loop", AT_FDCWD, (long)"/tmp/s/loop", 0, 0, 0), 0);
	assert_int_equal(sys(NR_symlinkat, (long)"made", AT_FDCWD, (long)"/tmp/s/dangling", 0, 0, 0), 0);
	assert_int_equal(slurp("/tmp/s/rel", buf, sizeof(buf)), 1);
	assert_int_equal(sys(NR_readlinkat, AT_FDCWD, (long)"/tmp/s/rel", (long)buf, sizeof(buf), 0, 0), 6);
	assert_memory_equal(buf, "target", 6);
	assert_int_equal(sys(NR_readlinkat, AT_FDCWD, (long)"/tmp/s/target", (long)buf, 8, 0, 0), -EINVAL);
	/* Absolute targets and ".." past the top resolve inside the root. */
	assert_true(slurp("/tmp/s/abs/passwd", buf, sizeof(buf)) > 0);
	assert_true(slurp("/tmp/s/up/passwd", buf, sizeof(buf)) > 0);
	assert_true(slurp("/../../../etc/passwd", buf, sizeof(buf)) > 0);
	assert_int_equal(slurp("/tmp/s/loop", buf, sizeof(buf)), -ELOOP);
	assert_int_equal(open_at("/tmp/s/rel", O_RDONLY | O_NOFOLLOW, 0), -ELOOP);
	assert_int_equal(stat_of("/tmp/s/rel", &st, AT_SYMLINK_NOFOLLOW), 0);
	assert_int_equal(st.mode & S_IFMT, S_IFLNK);
	/* O_CREAT through a dangling symlink makes its target. */
	assert_int_equal(put("/tmp/s/dangling", "D"), 1);
	assert_int_equal(slurp("/tmp/s/made", buf, sizeof(buf)), 1);
	assert_int_equal(stat_of("/tmp/s/rel/", &st, 0), -ENOTDIR);
	/* mkdir never follows its last component, even with a slash. */
	assert_int_equal(sys(NR_symlinkat, (long)"nowhere", AT_FDCWD, (long)"/tmp/s/d", 0, 0, 0), 0);
	assert_int_equal(sys(NR_mkdirat, AT_FDCWD, (long)"/tmp/s/d/", 0755, 0, 0, 0), -EEXIST);
	assert_int_equal(stat_of("/tmp/s/nowhere", &st, 0), -ENOENT);
}

static void test_unlinked_while_open(void **state)
{
	char buf[16];
	long fd;
	(void)state;

	put("/tmp/u", "still here");
	fd = open_at("/tmp/u", O_RDONLY, 0);
	assert_int_equal(sys(NR_unlinkat, AT_FDCWD, (long)"/tmp/u", 0, 0, 0, 0), 0);
	assert_int_equal(slurp("/tmp/u", buf, sizeof(buf)), -ENOENT);
	assert_int_equal(sys(NR_read, fd, (long)buf, sizeof(buf), 0, 0, 0), 10);
	size_t before = fs_node_count();
	sys(NR_close, fd, 0, 0, 0, 0, 0);
	assert_int_equal(fs_node_count(), before - 1); /* freed at the last close */
}

/* Hard links: one file, two names; it lives while either does. */
static void test_hard_links(void **state)
{
	char buf[16];
	struct kstat a, b;
	(void)state;

	put("/tmp/h1", "shared");
	assert_int_equal(sys(NR_link, (long)"/tmp/h1", (long)"/tmp/h2", 0, 0, 0, 0), 0);
	assert_int_equal(sys(NR_link, (long)"/tmp/h1", (long)"/tmp/h2", 0, 0, 0, 0), -EEXIST);
	assert_int_equal(sys(NR_link, (long)"/tmp", (long)"/tmp/dirlink", 0, 0, 0, 0), -EPERM);
	assert_int_equal(stat_of("/tmp/h1", &a, 0), 0);
	assert_int_equal(stat_of("/tmp/h2", &b, 0), 0);
	assert_int_equal(a.ino, b.ino);
	assert_int_equal(a.nlink, 2);
	/* A write through one name shows through the other. */
	long fd = open_at("/tmp/h2", O_WRONLY | O_APPEND, 0);
	assert_int_equal(sys(NR_write, fd, (long)"!", 1, 0, 0, 0), 1);
	sys(NR_close, fd, 0, 0, 0, 0, 0);
	assert_int_equal(slurp("/tmp/h1", buf, sizeof(buf)), 7);
	/* Renaming one name onto the other does nothing, as on Linux. */
	assert_int_equal(sys(NR_rename, (long)"/tmp/h1", (long)"/tmp/h2", 0, 0, 0, 0), 0);
	assert_int_equal(stat_of("/tmp/h1", &a, 0), 0);
	/* The first name goes, the file stays under the second. */
	size_t nodes = fs_node_count();
	assert_int_equal(sys(NR_unlink, (long)"/tmp/h1", 0, 0, 0, 0, 0), 0);
	assert_int_equal(slurp("/tmp/h2", buf, sizeof(buf)), 7);
	assert_string_equal(buf, "shared!");
	assert_int_equal(stat_of("/tmp/h2", &b, 0), 0);
	assert_int_equal(b.nlink, 1);
	assert_int_equal(sys(NR_unlink, (long)"/tmp/h2", 0, 0, 0, 0, 0), 0);
	assert_int_equal(fs_node_count(), nodes - 2);
}

/* FIFOs: made by mknod, opened by path as pipe ends; a blocking open
 * waits for the other side, a non-blocking writer without a reader is
 * refused, the reader sees end of file when the writers are gone. */
static long fifo_reader_fd = 99;

static void fifo_reader(const struct platform_regs *start)
{
	(void)start;
	fifo_reader_fd = open_at("/tmp/fifo", O_RDONLY, 0);
}

static void test_fifos(void **state)
{
	char buf[8];
	struct kstat st;
	long r, w;
	(void)state;

	assert_int_equal(sys(NR_mknodat, AT_FDCWD, (long)"/tmp/fifo", S_IFIFO | 0600, 0, 0, 0), 0);
	assert_int_equal(sys(NR_mknodat, AT_FDCWD, (long)"/tmp/fifo", S_IFIFO | 0600, 0, 0, 0), -EEXIST);
	assert_int_equal(sys(NR_mknodat, AT_FDCWD, (long)"/tmp/dev", S_IFCHR | 0600, 0x103, 0, 0), -EPERM);
	assert_int_equal(stat_of("/tmp/fifo", &st, 0), 0);
	assert_int_equal(st.mode, S_IFIFO | 0600);
	assert_int_equal(open_at("/tmp/fifo", O_WRONLY | O_NONBLOCK, 0), -ENXIO);
	r = open_at("/tmp/fifo", O_RDONLY | O_NONBLOCK, 0);
	assert_true(r >= 0);
	assert_int_equal(sys(NR_read, r, (long)buf, sizeof(buf), 0, 0, 0), 0); /* no writer: EOF */
	w = open_at("/tmp/fifo", O_WRONLY, 0); /* a reader is there: no wait */
	assert_true(w >= 0);
	assert_int_equal(sys(NR_read, r, (long)buf, sizeof(buf), 0, 0, 0), -EAGAIN);
	assert_int_equal(sys(NR_write, w, (long)"via", 3, 0, 0, 0), 3);
	assert_int_equal(sys(NR_read, r, (long)buf, sizeof(buf), 0, 0, 0), 3);
	assert_memory_equal(buf, "via", 3);
	assert_int_equal(sys(NR_close, w, 0, 0, 0, 0, 0), 0);
	assert_int_equal(sys(NR_read, r, (long)buf, sizeof(buf), 0, 0, 0), 0);
	assert_int_equal(sys(NR_close, r, 0, 0, 0, 0, 0), 0);
	/* A blocking reader waits for a writer (the parked thread keeps the
	 * program alive when the reader's thread ends). */
	fake_thread(parked_forever, 0);
	fake_thread(fifo_reader, 0);
	fake_run();
	assert_int_equal(fifo_reader_fd, 99);
	w = open_at("/tmp/fifo", O_WRONLY, 0);
	assert_true(w >= 0);
	fake_run();
	assert_true(fifo_reader_fd >= 0 && fifo_reader_fd != w);
}

static void test_cwd(void **state)
{
	char buf[128];
	long fd;
	(void)state;

	assert_int_equal(sys(NR_getcwd, (long)buf, sizeof(buf), 0, 0, 0, 0), 2);
	assert_string_equal(buf, "/");
	sys(NR_mkdirat, AT_FDCWD, (long)"/tmp/w", 0755, 0, 0, 0);
	assert_int_equal(sys(NR_chdir, (long)"/tmp/w", 0, 0, 0, 0, 0), 0);
	assert_int_equal(put("rel", "r"), 1);
	assert_int_equal(slurp("/tmp/w/rel", buf, sizeof(buf)), 1);
	assert_int_equal(sys(NR_getcwd, (long)buf, sizeof(buf), 0, 0, 0, 0), 7);
	assert_string_equal(buf, "/tmp/w");
	assert_int_equal(sys(NR_getcwd, (long)buf, 6, 0, 0, 0, 0), -ERANGE);
	fd = open_at("/etc", O_RDONLY, 0);
	assert_int_equal(sys(NR_fchdir, fd, 0, 0, 0, 0, 0), 0);
	assert_true(slurp("hosts", buf, sizeof(buf)) > 0);
	assert_int_equal(sys(NR_chdir, (long)"/etc/hosts", 0, 0, 0, 0, 0), -ENOTDIR);
}

/* The working directory removed under the program: it stays what cwd
 * names (stat "." works, getcwd says ENOENT, as Linux), until the program
 * leaves it. */
static void test_cwd_removed(void **state)
{
	char buf[128];
	struct kstat st;
	(void)state;

	assert_int_equal(sys(NR_mkdirat, AT_FDCWD, (long)"/tmp/gone", 0755, 0, 0, 0), 0);
	assert_int_equal(sys(NR_chdir, (long)"/tmp/gone", 0, 0, 0, 0, 0), 0);
	assert_int_equal(sys(NR_unlinkat, AT_FDCWD, (long)"/tmp/gone", AT_REMOVEDIR, 0, 0, 0), 0);
	/* Nodes made and freed meanwhile must not reuse cwd's. */
	for (int i = 0; i < 8; i++) {
		assert_int_equal(put("/tmp/churn", "x"), 1);
		assert_int_equal(sys(NR_unlinkat, AT_FDCWD, (long)"/tmp/churn", 0, 0, 0, 0), 0);
	}
	assert_int_equal(stat_of(".", &st, 0), 0);
	assert_int_equal(st.mode & S_IFMT, S_IFDIR);
	assert_int_equal(sys(NR_getcwd, (long)buf, sizeof(buf), 0, 0, 0, 0), -ENOENT);
	/* It takes no new name, made or moved there. */
	assert_int_equal(put("new", "x"), -ENOENT);
	assert_int_equal(sys(NR_mkdirat, AT_FDCWD, (long)"sub", 0755, 0, 0, 0), -ENOENT);
	assert_int_equal(put("/tmp/mover", "x"), 1);
	assert_int_equal(sys(NR_renameat, AT_FDCWD, (long)"/tmp/mover", AT_FDCWD, (long)"moved", 0, 0),
			 -ENOENT);
	assert_int_equal(stat_of("/tmp/mover", &st, 0), 0);
	assert_int_equal(sys(NR_chdir, (long)"/", 0, 0, 0, 0, 0), 0);
}

static uint64_t frames_used(void)
{
	struct kcore_counters c;

	kcore_counters(&c);
	return c.frames_used;
}

/* The tree grows with memory, past any fixed count of nodes, and what is
 * removed is reused: nodes and long names alike. */
static void test_many_nodes_and_long_names(void **state)
{
	char path[300], long_name[200];
	(void)state;

	memset(long_name, 'n', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = 0;
	assert_int_equal(sys(NR_mkdirat, AT_FDCWD, (long)"/tmp/many", 0755, 0, 0, 0), 0);
	for (int round = 0; round < 2; round++) {
		uint64_t before = frames_used();
		for (int i = 0; i < 10000; i++) {
			snprintf(path, sizeof(path), "/tmp/many/%d", i);
			assert_int_equal(sys(NR_mkdirat, AT_FDCWD, (long)path, 0755, 0, 0, 0), 0);
		}
		for (int i = 0; i < 10000; i++) {
			snprintf(path, sizeof(path), "/tmp/many/%d", i);
			assert_int_equal(sys(NR_unlinkat, AT_FDCWD, (long)path, AT_REMOVEDIR, 0, 0, 0), 0);
		}
		for (int i = 0; i < 1000; i++) {
			snprintf(path, sizeof(path), "/tmp/many/%s", long_name);
			assert_int_equal(put(path, "x"), 1);
			assert_int_equal(sys(NR_unlinkat, AT_FDCWD, (long)path, 0, 0, 0, 0), 0);
		}
		/* The second round takes no frame the first did not. */
		if (round == 1)
			assert_int_equal(frames_used(), before);
	}
}

/* Times, owners and the umask are kept and reported. */
static void test_times_owners_umask(void **state)
{
	struct kstat st;
	int64_t times[4] = { 100, 5, 200, 7 };
	(void)state;

	put("/tmp/t", "x");
	assert_int_equal(sys(NR_utimensat, AT_FDCWD, (long)"/tmp/t", (long)times, 0, 0, 0), 0);
	assert_int_equal(stat_of("/tmp/t", &st, 0), 0);
	assert_int_equal(st.times[0], 100); /* atime */
	assert_int_equal(st.times[1], 5);
	assert_int_equal(st.times[2], 200); /* mtime */
	assert_int_equal(st.times[3], 7);
	times[1] = UTIME_OMIT;
	times[2] = 300;
	assert_int_equal(sys(NR_utimensat, AT_FDCWD, (long)"/tmp/t", (long)times, 0, 0, 0), 0);
	assert_int_equal(stat_of("/tmp/t", &st, 0), 0);
	assert_int_equal(st.times[0], 100);
	assert_int_equal(st.times[2], 300);
	times[3] = 1000000000;
	assert_int_equal(sys(NR_utimensat, AT_FDCWD, (long)"/tmp/t", (long)times, 0, 0, 0), -EINVAL);
	assert_int_equal(sys(NR_fchownat, AT_FDCWD, (long)"/tmp/t", 7, -1, 0, 0), 0);
	assert_int_equal(sys(NR_lchown, (long)"/tmp/t", -1, 9, 0, 0, 0), 0);
	assert_int_equal(stat_of("/tmp/t", &st, 0), 0);
	assert_int_equal(st.uid, 7);
	assert_int_equal(st.gid, 9);
	assert_int_equal(sys(NR_umask, 077, 0, 0, 0, 0, 0), 022);
	long fd = open_at("/tmp/masked", O_CREAT | O_WRONLY, 0666);
	assert_true(fd >= 0);
	assert_int_equal(stat_of("/tmp/masked", &st, 0), 0);
	assert_int_equal(st.mode, S_IFREG | 0600);
	assert_int_equal(sys(NR_fchmodat2, AT_FDCWD, (long)"/tmp/masked", 0640, 0, 0, 0), 0);
	assert_int_equal(stat_of("/tmp/masked", &st, 0), 0);
	assert_int_equal(st.mode, S_IFREG | 0640);
}

static void test_archive_in_place(void **state)
{
	char buf[64];
	struct kstat st;
	(void)state;

	arc_len = 0;
	newc(".", S_IFDIR | 0755, NULL);
	newc("srv/pkg/testdata/a.txt", S_IFREG | 0644, "archived");
	newc("srv/pkg/link", S_IFLNK | 0777, "testdata/a.txt");
	newc("srv/pkg/empty", S_IFREG | 0600, "");
	newc("srv/fifo", 0010644, NULL); /* skipped: not ours to offer */
	newc("TRAILER!!!", 0, NULL);
	assert_int_equal(boot_with("cwd=/srv/pkg", arc, arc_len), 0);
	assert_int_equal(slurp("testdata/a.txt", buf, sizeof(buf)), 8);
	assert_string_equal(buf, "archived");
	assert_int_equal(slurp("link", buf, sizeof(buf)), 8);
	assert_int_equal(stat_of("/srv/pkg/empty", &st, 0), 0);
	assert_int_equal(st.mode, S_IFREG | 0600);
	assert_int_equal(st.size, 0);
	assert_int_equal(st.times[2], 1700000000); /* mtime */
	assert_int_equal(stat_of("/srv/fifo", &st, 0), -ENOENT);
	/* The first write copies the archive's bytes: the archive is intact. */
	long fd = open_at("testdata/a.txt", O_WRONLY, 0);
	assert_int_equal(sys(NR_write, fd, (long)"ARC", 3, 0, 0, 0), 3);
	assert_int_equal(slurp("testdata/a.txt", buf, sizeof(buf)), 8);
	assert_string_equal(buf, "ARChived");
	assert_non_null(memmem(arc, arc_len, "archived", 8));
	assert_int_equal(sys(NR_getcwd, (long)buf, sizeof(buf), 0, 0, 0, 0), 9);
	assert_string_equal(buf, "/srv/pkg");
}

static void test_archive_refused(void **state)
{
	(void)state;

	/* Cut short, a name that climbs out, no trailer. */
	for (size_t i = 0; i < 3; i++) {
		arc_len = 0;
		newc(i == 1 ? "a/../../etc/x" : "a", S_IFREG | 0644, "x");
		if (i != 2)
			newc("TRAILER!!!", 0, NULL);
		fake_console_clear();
		assert_int_equal(boot_with(NULL, arc, i == 0 ? arc_len - 20 : arc_len),
				 KCORE_EXIT_DATA);
		assert_non_null(strstr(fake_stderr(), "kcore: the file system cannot be built: "));
	}
	assert_int_equal(boot_with("cwd=relative", NULL, 0), KCORE_EXIT_DATA);
	assert_int_equal(boot_with("cwd=/a/../b", NULL, 0), KCORE_EXIT_DATA);
	assert_int_equal(boot_with("cwd=/etc/hosts", NULL, 0), KCORE_EXIT_DATA);
	assert_int_equal(boot_with("cwd=/a/..b/.c", NULL, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		FTEST(test_builtins),
		FTEST(test_write_read_seek),
		FTEST(test_directories),
		FTEST(test_rename),
		FTEST(test_symlinks_stay_inside),
		FTEST(test_unlinked_while_open),
		FTEST(test_hard_links),
		FTEST(test_fifos),
		FTEST(test_cwd),
		FTEST(test_cwd_removed),
		FTEST(test_many_nodes_and_long_names),
		FTEST(test_times_owners_umask),
		FTEST(test_archive_in_place),
		FTEST(test_archive_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
