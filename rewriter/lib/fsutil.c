/* File-system chores the library shares: whole-file reads, scratch directories. */
#include "fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"

int file_open_regular(const char *path, struct stat *st, struct rw_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return rw_fail(err, "%s: cannot open: %s", path, strerror(errno));
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) {
		close(fd);
		return rw_fail(err, "%s: not a regular file", path);
	}
	return fd;
}

int file_read_all(const char *path, uint8_t **bytes, size_t *size,
		  struct rw_error *err)
{
	struct stat st;
	uint8_t *buf;
	size_t done = 0;
	int fd;

	*bytes = NULL;
	*size = 0;
	fd = file_open_regular(path, &st, err);
	if (fd < 0)
		return -1;
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		return rw_fail(err, "%s: out of memory reading %lld bytes", path,
			       (long long)st.st_size);
	}
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + done, (size_t)st.st_size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : EIO;

			free(buf);
			close(fd);
			return rw_fail(err, "%s: read failed: %s", path, strerror(e));
		}
		done += (size_t)n;
	}
	close(fd);
	buf[done] = 0;
	*bytes = buf;
	*size = done;
	return 0;
}

int file_write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

const char *temp_dir_base(void)
{
	const char *tmp = getenv("TMPDIR");

	return tmp && *tmp ? tmp : "/tmp";
}

int temp_dir_make(char *dir, size_t size, const char *name,
		  struct rw_error *err)
{
	const char *tmp = temp_dir_base();
	int n = snprintf(dir, size, "%s/%s-XXXXXX", tmp, name);

	if (n < 0 || (size_t)n >= size)
		return rw_fail(err, "cannot make a temporary directory under %s: the path is too long",
			       tmp);
	return cleanup_mkdtemp(dir, err);
}

int temp_file_nameless(const char *name, const char *what, struct rw_error *err)
{
	const char *dir = temp_dir_base();
	char path[4096];
	sigset_t old;
	int fd, e;

	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
	/* A file system without O_TMPFILE: a name that lives for two calls,
	 * with the signals the cleanup catches held back in between. */
	if (snprintf(path, sizeof(path), "%s/%s.XXXXXX", dir, name) >= (int)sizeof(path))
		return rw_fail(err, "cannot make a file for %s in %s: the path is too long",
			       what, dir);
	cleanup_hold(&old);
	fd = mkostemp(path, O_CLOEXEC);
	e = errno;
	if (fd >= 0)
		unlink(path);
	cleanup_release(&old);
	if (fd < 0)
		return rw_fail(err, "cannot make a file for %s in %s: %s", what, dir,
			       strerror(e));
	return fd;
}
