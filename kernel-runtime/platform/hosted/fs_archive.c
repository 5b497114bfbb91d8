/* The file system archive: the regular file the descriptor REWIRE_FS_FD
 * names (rewire run passes one; a hand run may too), mapped read-only and
 * private at HOSTED_ARCHIVE_MAP, outside the program's range and the direct
 * map, then closed: the program never sees the descriptor. */
#include "hosted.h"

#define PROT_READ 1
#define MAP_PRIVATE 0x02
#define MAP_FIXED_NOREPLACE 0x100000
#define S_IFMT 0170000
#define S_IFREG 0100000

/* Linux's struct stat on x86-64. */
struct host_stat {
	uint64_t dev, ino, nlink;
	uint32_t mode, uid, gid, pad;
	uint64_t rdev;
	int64_t size, blksize, blocks;
	uint64_t times[6];
	int64_t unused[3];
};

static const void *archive;
static size_t archive_len;

/* A descriptor that is no archive is the caller's mistake: refused like a
 * bad command line. */
static void refuse(const char *fd_text, const char *why)
{
	platform_printf("rewire: hosted kernel: REWIRE_FS_FD=%s: %s\n", fd_text, why);
	platform_exit(64);
}

void hosted_fs_archive_init(const char *fd_text)
{
	struct host_stat st;
	int fd = hosted_parse_fd(fd_text);

	if (fd < 0)
		refuse(fd_text, "no file descriptor");
	if (host_syscall(HOST_fstat, fd, &st) < 0)
		refuse(fd_text, "not an open descriptor");
	if ((st.mode & S_IFMT) != S_IFREG)
		refuse(fd_text, "not a regular file (the archive is mapped)");
	if (st.size > 0) {
		long at = host_syscall(HOST_mmap, HOSTED_ARCHIVE_MAP, st.size,
				       PROT_READ, MAP_PRIVATE | MAP_FIXED_NOREPLACE,
				       fd, 0);
		if (at != (long)HOSTED_ARCHIVE_MAP)
			hosted_fatal("mmap of the file system archive",
				     at < 0 ? at : -17);
		archive = (const void *)HOSTED_ARCHIVE_MAP;
		archive_len = (size_t)st.size;
	}
	host_syscall(HOST_close, fd);
	if (kcore_option("verbose"))
		platform_log("hosted: file system archive of %lu bytes "
			     "(REWIRE_FS_FD)\n", (uint64_t)archive_len);
}

/* An empty file is no archive: there is nothing to map. */
bool platform_fs_archive(const void **data, size_t *len)
{
	if (!archive_len)
		return false;
	*data = archive;
	*len = archive_len;
	return true;
}
