/* The file system: one tree in the kernel's memory (directories, files,
 * symlinks, hard links, FIFOs), the same on every platform. At boot it
 * holds the kernel's built-in files (/dev/null, /dev/zero, /dev/urandom,
 * /etc/hosts, /etc/passwd, /etc/group, /tmp), /proc (procfs.h) and the
 * archive the platform was given (platform_fs_archive: cpio newc), whose
 * file data is read in place. Everything but /proc is writable: a write,
 * a new file or directory, a rename lives in the kernel's memory (file
 * data in frames) and vanishes at exit. The program runs as root:
 * permission bits are kept and reported, never enforced. There is nothing
 * outside the tree, so no path (`..`, an absolute symlink) leads out of
 * it.
 *
 * The tree is guarded by files.lock (fd.h), as descriptors are. */
#ifndef KCORE_FS_H
#define KCORE_FS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FS_PATH_MAX 4096
#define FS_NAME_MAX 255

struct fs_node;
struct file;

/* Builds the tree; false (with *why) when the archive is malformed or its
 * entries do not fit in the kernel's memory. cwd: the working directory, "" for "/"
 * (an absolute path; created when missing). */
bool fs_init(const char *cwd, const char **why);
/* Counts for the boot log. */
size_t fs_node_count(void);

/* With files.lock held: what fd.c does with a file of kind FILE_NODE. */
long fs_read(struct file *f, void *buf, size_t len);
long fs_write(struct file *f, const void *buf, size_t len);
long fs_pread(struct file *f, void *buf, size_t len, uint64_t off);
long fs_pwrite(struct file *f, const void *buf, size_t len, uint64_t off);
long fs_lseek(struct file *f, int64_t off, int whence);
long fs_getdents(struct file *f, void *buf, size_t len);
long fs_ftruncate(struct file *f, int64_t len);
void fs_fstat(const struct file *f, void *statbuf);
void fs_release(struct file *f);

/* The path system calls, user pointers checked by the caller for the
 * fixed-size buffers (statbuf: 144 bytes); they take files.lock. Paths
 * are user strings of at most FS_PATH_MAX bytes. */
long fs_openat(int dirfd, const char *path, int flags, uint32_t mode);
long fs_fstatat(int dirfd, const char *path, void *statbuf, int flags);
long fs_readlinkat(int dirfd, const char *path, char *buf, size_t size);
long fs_faccessat(int dirfd, const char *path, int mode, int flags);
long fs_mkdirat(int dirfd, const char *path, uint32_t mode);
/* A FIFO or an empty regular file (devices and sockets: -EPERM). */
long fs_mknodat(int dirfd, const char *path, uint32_t mode);
long fs_unlinkat(int dirfd, const char *path, int flags);
long fs_renameat(int olddirfd, const char *oldpath, int newdirfd,
		 const char *newpath, unsigned flags);
long fs_symlinkat(const char *target, int dirfd, const char *path);
/* A hard link: a second name of the same file (no directories). */
long fs_linkat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath,
	       int flags);
long fs_truncate(const char *path, int64_t len);
long fs_fchmodat(int dirfd, const char *path, uint32_t mode, int flags);
long fs_fchmod(int fd, uint32_t mode);
/* uid or gid (uint32_t)-1: left as it is. */
long fs_fchownat(int dirfd, const char *path, uint32_t uid, uint32_t gid, int flags);
long fs_fchown(int fd, uint32_t uid, uint32_t gid);
/* The mask of new files' permissions; returns the one before. */
long fs_umask(uint32_t mask);
long fs_utimensat(int dirfd, const char *path, const void *times, int flags);
long fs_chdir(const char *path);
long fs_fchdir(int fd);
long fs_getcwd(char *buf, size_t size);

#endif
