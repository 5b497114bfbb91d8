/*
 * The file system archive rewire run hands the kernel (--dir): host folders
 * packed as cpio newc, the format of Linux's initramfs, which the kernel
 * reads in place (kernel-runtime/include/platform.h, platform_fs_archive).
 *
 * The layout:
 *  - entries are named by their path in the program's file system without
 *    the leading '/' ("home/u/pkg/testdata/a.txt"); the root itself has no
 *    entry;
 *  - a directory's entry comes before anything in it; every folder of a
 *    --dir and every parent of its GUEST_DIR has one (the parents, made up:
 *    mode 0755, the time of packing);
 *  - regular files carry their data, each its own (nlink 1, distinct inode
 *    numbers: no hard links); symlinks carry their target text unchanged
 *    (never followed, but for HOST_DIR itself);
 *  - permission bits and mtimes (whole seconds) as on the host; uid and
 *    gid 0;
 *  - devices, FIFOs and sockets are left out, each with a warning;
 *  - a path appears once: where two --dir put something at the same path,
 *    the later --dir's wins, and two directories merge.
 */
#ifndef REWIRE_FS_ARCHIVE_H
#define REWIRE_FS_ARCHIVE_H

#include <stddef.h>

#include "error.h"
#include "fs_dir.h"

/* Told each entry left out: one line of text, no newline. */
typedef void fs_archive_warn_fn(void *arg, const char *message);

/*
 * Writes the archive of dirs (ndirs, in --dir order) to fd, from where it
 * stands (a new, empty file). 0, or -1 with err naming the --dir and the
 * host path that failed and why (unreadable, too large for cpio newc's 4
 * GiB, a later --dir's file where a folder must go); the file then holds
 * part of an archive.
 */
int fs_archive_pack(const struct fs_dir *dirs, size_t ndirs, int fd,
		    fs_archive_warn_fn *warn, void *warn_arg, struct rw_error *err);

#endif
