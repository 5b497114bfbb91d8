/* File-system chores the library shares: whole-file reads, scratch directories. */
#ifndef REWIRE_FSUTIL_H
#define REWIRE_FSUTIL_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct stat;

/* Opens path read-only when it is a regular file, filling *st: the
 * descriptor, or -1 with err naming the file and the reason. */
int file_open_regular(const char *path, struct stat *st, struct rw_error *err);

/*
 * Reads the regular file path whole into *bytes (malloc'd; the caller frees
 * it) and its length into *size. One more byte, bytes[size], is 0, so that a
 * text file reads as a string. On failure err names the file and the reason
 * (cannot open, not a regular file, out of memory, read failed) and *bytes
 * is NULL.
 */
int file_read_all(const char *path, uint8_t **bytes, size_t *size,
		  struct rw_error *err);

/* Writes len bytes of buf to fd, retrying short writes: 0, or -1 with
 * errno set. */
int file_write_all(int fd, const void *buf, size_t len);

/* Where temporary files go: $TMPDIR, or /tmp when it is unset or empty. */
const char *temp_dir_base(void);

/*
 * Makes a fresh private directory NAME-XXXXXX under temp_dir_base() and
 * writes its path into dir (size bytes); it is registered for removal on a
 * signal (cleanup.h): remove it with cleanup_remove. On failure err says
 * which directory could not be made and why.
 */
int temp_dir_make(char *dir, size_t size, const char *name,
		  struct rw_error *err);

/*
 * A temporary file with no name, so that nothing is left behind whatever
 * ends the process: O_TMPFILE under temp_dir_base(), else NAME.XXXXXX
 * there, unlinked at once. Read-write, close-on-exec; a child reaches it as
 * /dev/fd/N. The descriptor, or -1 with err saying it was for what.
 */
int temp_file_nameless(const char *name, const char *what, struct rw_error *err);

#endif
