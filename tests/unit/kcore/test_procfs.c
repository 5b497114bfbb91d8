/* Unit tests of /proc (procfs*.c, and fs.c's side of it) through the
 * system calls: /proc/self and exe (exe= or argv[0]), cmdline and environ,
 * fd/ following the descriptors with what each names, cwd, maps with the
 * names prctl gives, status and stat, the modes, and the changes refused
 * with Linux's errors. */
#include "kcore_test.h"

#include "kernel.h"
#include "linux_abi.h"
#include "thread.h"
#include "vm.h"

#define PG 4096ul
#define GO_HINT 0xc000000000ul
#define SIG_USR2 12
#define SIG_TERM 15

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
	assert_string_equal(names, "status stat maps cwd environ cmdline exe fd");
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

/* The whole text of path, NUL-terminated in buf: its length or -errno. */
static long text_of(const char *path, char *buf, size_t size)
{
	long fd = open_at(path, O_RDONLY, 0), n, len = 0;

	if (fd < 0)
		return fd;
	/* In small reads, as a reader in pieces makes them. */
	while ((n = sys(NR_read, fd, (long)buf + len, 100, 0, 0, 0)) > 0 &&
	       (size_t)(len += n) + 100 < size)
		;
	sys_close(fd);
	buf[len] = 0;
	return n < 0 ? n : len;
}

/* The program's headers for maps: text, read-only data, data with .bss,
 * and a note, which maps nothing. */
static const struct {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
} program_headers[] = {
	{ 4, 4, 0xf78, 0x400f78, 0x400f78, 0x64, 0x64, 4 },
	{ 1, 5, 0, 0x400000, 0x400000, 0x1234, 0x1234, 0x1000 },
	{ 1, 4, 0x2000, 0x402000, 0x402000, 0x800, 0x800, 0x1000 },
	{ 1, 6, 0x3100, 0x403100, 0x403100, 0x100, 0x5000, 0x1000 },
};

static int boot_with_program(void **state)
{
	struct fake_config cfg = { .cmdline = "exe=/srv/my%20prog -- prog" };
	(void)state;

	cfg.program.phdr = (uint64_t)(uintptr_t)program_headers;
	cfg.program.phent = sizeof(program_headers[0]);
	cfg.program.phnum = sizeof(program_headers) / sizeof(program_headers[0]);
	return fake_boot(&cfg);
}

#define PROGRAM_TEST(f) cmocka_unit_test_setup_teardown(f, boot_with_program, check_violations)

static long vma_name(uintptr_t start, size_t len, const char *name)
{
	return sys(NR_prctl, PR_SET_VMA, PR_SET_VMA_ANON_NAME, (long)start, (long)len,
		   (long)name, 0);
}

/* Linux's lines: the image's segments by the program's path (.bss apart,
 * anonymous), then the mappings, a name in column 73 (the path's spaces
 * kept), [anon:NAME] for prctl's. */
static void test_maps(void **state)
{
	char text[4096];
	(void)state;

	assert_int_equal(sys(NR_mmap, GO_HINT, 16 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
			     0), GO_HINT);
	assert_int_equal(sys(NR_mprotect, GO_HINT, 4 * PG, PROT_READ | PROT_WRITE, 0, 0, 0), 0);
	assert_int_equal(vma_name(GO_HINT, 8 * PG, " Go: heap"), 0);
	assert_int_equal(sys(NR_mmap, GO_HINT + 16 * PG, PG, PROT_READ | PROT_EXEC,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), GO_HINT + 16 * PG);
	assert_true(text_of("/proc/self/maps", text, sizeof(text)) > 0);
	assert_string_equal(text,
		"00400000-00402000 r-xp 00000000 00:00 0                                  /srv/my prog\n"
		"00402000-00403000 r--p 00002000 00:00 0                                  /srv/my prog\n"
		"00403000-00404000 rw-p 00003000 00:00 0                                  /srv/my prog\n"
		"00404000-00409000 rw-p 00000000 00:00 0 \n"
		"c000000000-c000004000 rw-p 00000000 00:00 0                              [anon: Go: heap]\n"
		"c000004000-c000008000 ---p 00000000 00:00 0                              [anon: Go: heap]\n"
		"c000008000-c000010000 ---p 00000000 00:00 0 \n"
		"c000010000-c000011000 r-xp 00000000 00:00 0 \n");
	/* /proc/1/maps is the same file; the names follow the mappings. */
	assert_int_equal(sys(NR_munmap, GO_HINT, 2 * PG, 0, 0, 0, 0), 0);
	assert_int_equal(vma_name(GO_HINT + 6 * PG, 10 * PG, NULL), 0);
	assert_true(text_of("/proc/1/maps", text, sizeof(text)) > 0);
	assert_non_null(strstr(text,
		"\nc000002000-c000004000 rw-p 00000000 00:00 0                              [anon: Go: heap]\n"
		"c000004000-c000006000 ---p 00000000 00:00 0                              [anon: Go: heap]\n"
		"c000006000-c000010000 ---p 00000000 00:00 0 \n"));
}

/* prctl(PR_SET_VMA) takes Linux's names, refuses with Linux's errors. */
static void test_vma_name_errors(void **state)
{
	char text[4096], name[96];
	(void)state;

	assert_int_equal(sys(NR_mmap, GO_HINT, 4 * PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
			 GO_HINT);
	/* 79 characters and the NUL: the longest name. */
	memset(name, 'n', sizeof(name));
	name[79] = 0;
	assert_int_equal(vma_name(GO_HINT, PG, name), 0);
	name[79] = 'n';
	name[80] = 0;
	assert_int_equal(vma_name(GO_HINT, PG, name), -EINVAL);
	const char *bad[] = { "a[b", "a]b", "a\\b", "a$b", "a`b", "tab\t", "\x7f", "\xc3\xa9" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(vma_name(GO_HINT, PG, bad[i]), -EINVAL);
	assert_int_equal(vma_name(GO_HINT, PG, "spaces, dots. and: ~!@#%^&*()"), 0);
	assert_int_equal(sys(NR_prctl, PR_SET_VMA, 1, GO_HINT, PG, (long)"x", 0), -EINVAL);
	assert_int_equal(vma_name(GO_HINT + 1, PG, "x"), -EINVAL);
	assert_int_equal(vma_name(GO_HINT + 4 * PG, PG, "x"), -ENOMEM);
	assert_int_equal(vma_name(GO_HINT + 2 * PG, 4 * PG, "x"), -ENOMEM);
	assert_int_equal(vma_name(GO_HINT + 3 * PG, 0, "x"), 0);
	/* NULL clears. */
	assert_int_equal(vma_name(GO_HINT + PG, PG, NULL), 0);
	assert_true(text_of("/proc/self/maps", text, sizeof(text)) > 0);
	assert_non_null(strstr(text, "c000000000-c000001000 r--p 00000000 00:00 0"
				     "                              [anon:spaces, dots. and: ~!@#%^&*()]\n"
				     "c000001000-c000002000 r--p 00000000 00:00 0 \n"
				     "c000002000-c000004000 r--p 00000000 00:00 0"
				     "                              [anon:x]\n"));
}

/* A reader in pieces sees one moment's text, made again at offset 0. */
static void test_made_files_read_once(void **state)
{
	char a[4096], b[4096], link[64], fd_path[32];
	struct kstat st;
	(void)state;

	long fd = open_at("/proc/self/maps", O_RDONLY, 0);
	long n = sys(NR_read, fd, (long)a, 10, 0, 0, 0);
	assert_int_equal(n, 10);
	assert_int_equal(sys(NR_mmap, GO_HINT, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
			 GO_HINT);
	n += sys(NR_read, fd, (long)a + 10, sizeof(a) - 11, 0, 0, 0);
	a[n] = 0;
	assert_null(strstr(a, "c000000000-"));
	/* One line more: "c000000000-c000001000 r--p 00000000 00:00 0 \n". */
	assert_int_equal(text_of("/proc/self/maps", b, sizeof(b)), n + 45);
	assert_non_null(strstr(b, "c000000000-c000001000 r--p"));
	n = sys(NR_pread64, fd, (long)a, sizeof(a) - 1, 0, 0, 0);
	a[n] = 0;
	assert_string_equal(a, b);
	/* Sized 0, read-only, named by its path. */
	assert_int_equal(sys(NR_fstat, fd, (long)&st, 0, 0, 0, 0), 0);
	assert_int_equal(st.mode, S_IFREG | 0444);
	assert_int_equal(st.size, 0);
	assert_int_equal(sys(NR_write, fd, (long)"x", 1, 0, 0, 0), -EBADF);
	/* Seeks as Linux's seq_file: from the start or from here only. */
	assert_int_equal(sys(NR_lseek, fd, 0, SEEK_END, 0, 0, 0), -EINVAL);
	assert_int_equal(sys(NR_lseek, fd, 0, SEEK_DATA, 0, 0, 0), -EINVAL);
	assert_int_equal(sys(NR_lseek, fd, 3, SEEK_SET, 0, 0, 0), 3);
	assert_int_equal(sys(NR_lseek, fd, 2, SEEK_CUR, 0, 0, 0), 5);
	snprintf(fd_path, sizeof(fd_path), "/proc/self/fd/%ld", fd);
	assert_int_equal(link_of(fd_path, link, sizeof(link)), 12);
	assert_string_equal(link, "/proc/1/maps");
	sys_close(fd);
	assert_int_equal(mode_of("/proc/self/status", 0), S_IFREG | 0444);
	assert_int_equal(mode_of("/proc/self/stat", 0), S_IFREG | 0444);
}

/* The first thread: named, some signals blocked, then parked. */
static void first_thread(const struct platform_regs *start)
{
	uint64_t mask = (1ull << (SIGUSR1 - 1)) | (1ull << (SIG_TERM - 1));

	fake_syscall(NR_rt_sigprocmask, SIG_SETMASK, (long)&mask, 0, 8, 0, 0);
	if (start->rdi)
		fake_syscall(NR_prctl, PR_SET_NAME, (long)start->rdi, 0, 0, 0, 0);
	parked_forever(start);
}

/* The line of status that starts with field, without its newline. */
static const char *status_line(const char *text, const char *field)
{
	static char line[256];
	char key[64];

	snprintf(key, sizeof(key), "\n%s:\t", field);
	const char *at = strncmp(text, key + 1, strlen(key) - 1) == 0 ? text : strstr(text, key);
	if (!at)
		return "(none)";
	at += at == text ? strlen(key) - 1 : strlen(key);
	size_t n = strcspn(at, "\n");
	snprintf(line, sizeof(line), "%.*s", (int)n, at);
	return line;
}

static void test_status(void **state)
{
	char text[4096];
	struct vm_usage u;
	const struct { uint64_t handler, flags, restorer, mask; } catch = { 0x401000, 0, 0, 0 },
								    ignore = { 1, 0, 0, 0 };
	(void)state;

	assert_int_equal(fake_thread(first_thread, (uint64_t)(uintptr_t)"my prog"), 1);
	fake_thread(parked_forever, 0);
	fake_run();
	assert_int_equal(sys(NR_rt_sigaction, SIG_USR2, (long)&catch, 0, 8, 0, 0), 0);
	assert_int_equal(sys(NR_rt_sigaction, SIGPIPE, (long)&ignore, 0, 8, 0, 0), 0);
	sys(NR_umask, 027, 0, 0, 0, 0, 0);
	assert_true(text_of("/proc/self/status", text, sizeof(text)) > 0);
	/* The first lines as Linux writes them. */
	assert_true(strncmp(text, "Name:\tmy prog\nUmask:\t0027\nState:\tS (sleeping)\n"
				  "Tgid:\t1\nNgid:\t0\nPid:\t1\nPPid:\t0\nTracerPid:\t0\n"
				  "Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nFDSize:\t1024\nGroups:\t \n",
			    strlen("Name:\tmy prog\nUmask:\t0027\nState:\tS (sleeping)\n"
				   "Tgid:\t1\nNgid:\t0\nPid:\t1\nPPid:\t0\nTracerPid:\t0\n"
				   "Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nFDSize:\t1024\nGroups:\t \n")) == 0);
	assert_string_equal(status_line(text, "Threads"), "2");
	assert_string_equal(status_line(text, "SigBlk"), "0000000000004200");
	assert_string_equal(status_line(text, "SigCgt"), "0000000000000800");
	assert_string_equal(status_line(text, "SigIgn"), "0000000000001000");
	assert_string_equal(status_line(text, "SigPnd"), "0000000000000000");
	assert_string_equal(status_line(text, "Cpus_allowed"), "1");
	assert_string_equal(status_line(text, "Cpus_allowed_list"), "0");
	/* The mappings' figures and the image's (its 36 KiB, 20 of them
	 * writable, 8 executable: text_bytes over the code's two pages). */
	vm_usage(&u);
	char want[32];
	snprintf(want, sizeof(want), "%8lu kB", (unsigned long)(u.mapped / 1024 + 36));
	assert_string_equal(status_line(text, "VmSize"), want);
	snprintf(want, sizeof(want), "%8lu kB", (unsigned long)(u.resident / 1024 + 36));
	assert_string_equal(status_line(text, "VmRSS"), want);
	assert_string_equal(status_line(text, "RssFile"), "      16 kB");
	assert_string_equal(status_line(text, "VmExe"), "       8 kB");
	assert_string_equal(status_line(text, "VmStk"), "       0 kB");
	assert_string_equal(status_line(text, "Mems_allowed_list"), "0");
	assert_non_null(strstr(text, "\nnonvoluntary_ctxt_switches:\t0\n"));
	assert_int_equal(text[strlen(text) - 1], '\n');
}

static void test_status_threads_and_name(void **state)
{
	char text[4096];
	(void)state;

	/* A name the first thread set is the process's (15 bytes kept). */
	fake_thread(first_thread, (uint64_t)(uintptr_t)"a-very-long-thread-name");
	fake_run();
	assert_true(text_of("/proc/self/status", text, sizeof(text)) > 0);
	assert_string_equal(status_line(text, "Name"), "a-very-long-thr");
	assert_string_equal(status_line(text, "Threads"), "1");
	for (int i = 0; i < 3; i++)
		fake_thread(parked_forever, 0);
	fake_run();
	assert_true(text_of("/proc/self/status", text, sizeof(text)) > 0);
	assert_string_equal(status_line(text, "Threads"), "4");
	assert_int_equal(thread_live_count(), 4);
}

/* stat: "pid (comm) state" then 49 numbers, the threads 20th. */
static void test_stat(void **state)
{
	char text[1024];
	uint64_t field[53];
	(void)state;

	fake_thread(first_thread, (uint64_t)(uintptr_t)"my prog");
	fake_thread(parked_forever, 0);
	fake_run();
	assert_true(text_of("/proc/self/stat", text, sizeof(text)) > 0);
	assert_true(strncmp(text, "1 (my prog) S 0 1 1 0 -1 ", 25) == 0);
	const char *at = strchr(text, ')') + 4;
	int count = 3;
	while (*at && *at != '\n') {
		char *end;
		field[++count] = strtoull(at, &end, 10);
		at = *end == ' ' ? end + 1 : end;
	}
	assert_int_equal(count, 52);
	assert_int_equal(field[20], 2);
	assert_int_equal(field[18], 20);          /* priority */
	assert_int_equal(field[26], 0x400000);    /* startcode, endcode */
	assert_int_equal(field[27], 0x401234);
	assert_int_equal(field[33], 0);
	assert_int_equal(field[32], (1u << (SIGUSR1 - 1)) | (1u << (SIG_TERM - 1)));
	assert_int_equal(field[38], 17);
	assert_int_equal(field[45], 0x403100);    /* start_data, end_data */
	assert_int_equal(field[46], 0x403200);
	assert_string_equal(at, "\n");
}

/* cwd: the working directory's path, and the directory itself. */
static void test_cwd_link(void **state)
{
	char buf[256];
	(void)state;

	assert_int_equal(link_of("/proc/self/cwd", buf, sizeof(buf)), 1);
	assert_string_equal(buf, "/");
	assert_int_equal(mode_of("/proc/self/cwd", AT_SYMLINK_NOFOLLOW), S_IFLNK | 0777);
	assert_int_equal(sys(NR_mkdirat, AT_FDCWD, (long)"/tmp/d", 0755, 0, 0, 0), 0);
	assert_int_equal(sys(NR_chdir, (long)"/tmp/d", 0, 0, 0, 0, 0), 0);
	assert_int_equal(link_of("/proc/1/cwd", buf, sizeof(buf)), 6);
	assert_string_equal(buf, "/tmp/d");
	assert_int_equal(mode_of("/proc/self/cwd", 0), S_IFDIR | 0755);
	long fd = open_at("f", O_WRONLY | O_CREAT, 0644);
	assert_true(fd >= 0);
	sys_close(fd);
	fd = open_at("/proc/self/cwd/f", O_RDONLY, 0);
	assert_true(fd >= 0);
	sys_close(fd);
	/* Removed, the cwd is still where the link leads. */
	assert_int_equal(sys(NR_unlinkat, AT_FDCWD, (long)"/tmp/d/f", 0, 0, 0, 0), 0);
	assert_int_equal(sys(NR_unlinkat, AT_FDCWD, (long)"/tmp/d", AT_REMOVEDIR, 0, 0, 0), 0);
	link_of("/proc/self/cwd", buf, sizeof(buf));
	assert_string_equal(buf, "/tmp/d (deleted)");
	assert_int_equal(mode_of("/proc/self/cwd", 0), S_IFDIR | 0755);
	assert_int_equal(sys(NR_fchdir, open_at("/proc/self/cwd/..", O_RDONLY, 0), 0, 0, 0, 0, 0), 0);
	link_of("/proc/self/cwd", buf, sizeof(buf));
	assert_string_equal(buf, "/tmp");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		PTEST(test_self_and_exe),
		PTEST(test_cmdline_environ),
		PTEST(test_modes_and_listing),
		PTEST(test_fd_links),
		PTEST(test_read_only),
		PROGRAM_TEST(test_maps),
		PROGRAM_TEST(test_vma_name_errors),
		PROGRAM_TEST(test_made_files_read_once),
		PROGRAM_TEST(test_status),
		PROGRAM_TEST(test_status_threads_and_name),
		PROGRAM_TEST(test_stat),
		PTEST(test_cwd_link),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
