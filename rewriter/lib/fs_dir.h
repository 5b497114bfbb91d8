/* rewire run's --dir HOST_DIR[:GUEST_DIR]: which host folder goes where in
 * the program's file system. */
#ifndef REWIRE_FS_DIR_H
#define REWIRE_FS_DIR_H

#include "error.h"

struct fs_dir {
	char *host;	/* the host folder (or file): absolute, clean */
	char *guest;	/* where it appears: absolute, clean ("/" for the root) */
};

/*
 * Parses spec, "HOST_DIR" or "HOST_DIR:GUEST_DIR" (split at the first ':',
 * so HOST_DIR holds none), into *dir (malloc'd strings: fs_dir_free).
 * HOST_DIR may be relative (to the working directory as the shell names it,
 * $PWD, like Go's os.Getwd); GUEST_DIR must be absolute and defaults to
 * HOST_DIR's absolute path, the path a native run would see. Both are made
 * clean lexically ("//", "." and ".." folded). HOST_DIR must be a directory
 * this process can list and enter, or a regular file it can read (which
 * goes at GUEST_DIR alone). 0, or -1 with err quoting spec and saying why.
 */
int fs_dir_parse(const char *spec, struct fs_dir *dir, struct rw_error *err);

void fs_dir_free(struct fs_dir *dir);

/* The lexically clean form of the absolute path abs: no empty, "." or ".."
 * components ("/.." is "/"), no '/' at the end but for "/" itself.
 * malloc'd; NULL when out of memory. */
char *fs_path_clean(const char *abs);

#endif
