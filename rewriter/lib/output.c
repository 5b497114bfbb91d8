/* Where a command's output goes: OUT resolved and checked before any work,
 * then the finished file published in one step. */
#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "fsutil.h"

/* Symbolic links followed at most before giving up, as the kernel does. */
#define LINKS_MAX 40

/* The folder part of path (shorter than PATH_MAX) into dir: "." for a
 * bare name, "/" for a name at the root. */
static void folder_of(const char *path, char dir[PATH_MAX])
{
	const char *slash = strrchr(path, '/');
	size_t n = !slash ? 0 : slash == path ? 1 : (size_t)(slash - path);

	if (!slash) {
		strcpy(dir, ".");
		return;
	}
	memcpy(dir, path, n);
	dir[n] = '\0';
}

/* Follows the symbolic links from path to where they end (which may not
 * exist), into end: 0, or -1 with err (a loop, a name too long). */
static int links_follow(const char *path, char end[PATH_MAX], struct rw_error *err)
{
	char cur[PATH_MAX], target[PATH_MAX], dir[PATH_MAX];

	snprintf(cur, sizeof(cur), "%s", path);
	for (int hops = 0; hops <= LINKS_MAX; hops++) {
		struct stat st;
		ssize_t n;
		int len;

		if (lstat(cur, &st) < 0 || !S_ISLNK(st.st_mode)) {
			memcpy(end, cur, sizeof(cur));
			return 0;
		}
		n = readlink(cur, target, sizeof(target) - 1);
		if (n < 0)
			return rw_fail(err, "%s: cannot read the link %s: %s", path, cur,
				       strerror(errno));
		target[n] = '\0';
		/* A relative target is relative to the link's folder. */
		folder_of(cur, dir);
		if (target[0] == '/' || !strchr(cur, '/'))
			len = snprintf(cur, sizeof(cur), "%s", target);
		else
			len = snprintf(cur, sizeof(cur), "%s/%s", dir, target);
		if (len < 0 || (size_t)len >= sizeof(cur))
			return rw_fail(err, "%s: the path its links lead to is too long", path);
	}
	return rw_fail(err, "%s: more than %d symbolic links in a row", path, LINKS_MAX);
}

/* The folder holding file must exist and take new files. */
static int folder_check(const char *shown, const char *file, struct rw_error *err)
{
	char dir[PATH_MAX];
	struct stat st;

	folder_of(file, dir);
	if (stat(dir, &st) < 0) {
		if (errno == ENOENT)
			return rw_fail(err, "%s: the folder %s does not exist", shown, dir);
		return rw_fail(err, "%s: cannot reach the folder %s: %s", shown, dir,
			       strerror(errno));
	}
	if (!S_ISDIR(st.st_mode))
		return rw_fail(err, "%s: %s is not a folder", shown, dir);
	/* Effective ids, as creating the file will use: root passes unless
	 * the file system is read-only. */
	if (faccessat(AT_FDCWD, dir, W_OK | X_OK, AT_EACCESS) < 0)
		return rw_fail(err, "%s: cannot write into the folder %s: %s", shown, dir,
			       strerror(errno));
	return 0;
}

static const char *kind_name(mode_t mode)
{
	return S_ISBLK(mode) ? "a block device" : S_ISDIR(mode) ? "a folder" :
	       S_ISSOCK(mode) ? "a socket" : S_ISCHR(mode) ? "a character device" :
	       S_ISFIFO(mode) ? "a FIFO" : "not a regular file";
}

int output_check(struct output *out, const char *path, const char *in_path,
		 bool in_place, struct rw_error *err)
{
	struct stat lst, st, in_st;
	char shown[2 * PATH_MAX + 16];
	size_t len = strlen(path);

	memset(out, 0, sizeof(*out));
	out->given = path;
	if (len == 0)
		return rw_fail(err, "the output path is empty");
	if (len >= PATH_MAX)
		return rw_fail(err, "%.64s...: the output path is too long", path);
	if (path[len - 1] == '/')
		return rw_fail(err, "%s: names a folder; name the file to write", path);
	snprintf(shown, sizeof(shown), "%s", path);
	memcpy(out->path, path, len + 1);
	if (lstat(path, &lst) < 0) {
		if (errno != ENOENT || in_place)
			return rw_fail(err, "%s: %s", path, strerror(errno));
		out->kind = OUTPUT_NEW;
		return folder_check(shown, path, err);
	}
	st = lst;
	if (S_ISLNK(lst.st_mode)) {
		if (links_follow(path, out->path, err) < 0)
			return -1;
		snprintf(shown, sizeof(shown), "%s (a link to %s)", path, out->path);
		if (stat(path, &st) < 0)
			return rw_fail(err, "%s: a symbolic link to %s, which %s; rewire writes through a link only to something that exists",
				       path, out->path,
				       errno == ENOENT ? "does not exist" : strerror(errno));
	}
	if (S_ISREG(st.st_mode)) {
		struct stat end;

		/* A link the kernel resolves its own way (/proc/self/fd/N)
		 * must still lead to this very file. */
		if (stat(out->path, &end) < 0 || end.st_dev != st.st_dev ||
		    end.st_ino != st.st_ino)
			return rw_fail(err, "%s: cannot tell which file its links lead to", path);
		out->kind = OUTPUT_FILE;
	} else if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) {
		/* Written through by its own name, so that a link the kernel
		 * resolves itself (/dev/stdout) leads where it should. */
		memcpy(out->path, path, len + 1);
		out->kind = OUTPUT_STREAM;
		if (faccessat(AT_FDCWD, path, W_OK, AT_EACCESS) < 0)
			return rw_fail(err, "%s: cannot write to %s: %s", shown,
				       kind_name(st.st_mode), strerror(errno));
	} else {
		return rw_fail(err, "%s: %s; rewire writes only to a file, a character device or a FIFO",
			       shown, kind_name(st.st_mode));
	}
	if (in_path && !in_place && stat(in_path, &in_st) == 0 &&
	    in_st.st_dev == st.st_dev && in_st.st_ino == st.st_ino) {
		rw_fail(err, "%s is the input %s (the same file)", shown, in_path);
		return OUTPUT_IS_INPUT;
	}
	if (in_place && out->kind != OUTPUT_FILE)
		return rw_fail(err, "%s: %s, not a file to patch in place", shown,
			       kind_name(st.st_mode));
	return out->kind == OUTPUT_FILE ? folder_check(shown, out->path, err) : 0;
}

int output_begin(const struct output *out, struct output_temp *t,
		 struct rw_error *err)
{
	const char *slash = strrchr(out->path, '/');
	char dir[PATH_MAX];
	int n;

	t->fd = -1;
	folder_of(out->path, dir);
	if (out->kind == OUTPUT_STREAM)
		n = snprintf(t->path, sizeof(t->path), "%s/rewire-out-XXXXXX",
			     temp_dir_base());
	else
		n = snprintf(t->path, sizeof(t->path), "%s/.%s.rewire-XXXXXX", dir,
			     slash ? slash + 1 : out->path);
	if (n < 0 || (size_t)n >= sizeof(t->path)) {
		t->path[0] = '\0';
		return rw_fail(err, "%s: the temporary file's path is too long", out->given);
	}
	t->fd = cleanup_mkstemp(t->path, err);
	if (t->fd < 0) {
		t->path[0] = '\0';
		return rw_wrap(err, "%s: ", out->given);
	}
	if (out->kind == OUTPUT_STREAM) {
		/* Nameless from here on: nothing can be left behind. */
		unlink(t->path);
		cleanup_drop(t->path);
		t->path[0] = '\0';
	}
	return 0;
}

/* The file is complete: its permission bits, to disk, renamed into place. */
static int file_replace(const struct output *out, struct output_temp *t,
			mode_t mode, struct rw_error *err)
{
	int fd = t->fd;

	t->fd = -1;
	if (fchmod(fd, mode) < 0 || fsync(fd) < 0) {
		rw_fail(err, "%s: %s", t->path, strerror(errno));
		close(fd);
		return -1;
	}
	if (close(fd) < 0)
		return rw_fail(err, "%s: close failed: %s", t->path, strerror(errno));
	if (rename(t->path, out->path) < 0)
		return rw_fail(err, "%s: cannot rename the finished output into place: %s",
			       out->path, strerror(errno));
	cleanup_drop(t->path);
	t->path[0] = '\0';
	return 0;
}

/* Copies the finished bytes into the device or FIFO, which stays what it
 * is: no O_CREAT, no O_TRUNC. */
static int stream_copy(const struct output *out, int from, struct rw_error *err)
{
	char buf[65536];
	ssize_t n;
	int to;

	if (lseek(from, 0, SEEK_SET) < 0)
		return rw_fail(err, "%s: cannot read back the finished output: %s",
			       out->given, strerror(errno));
	to = open(out->path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
	if (to < 0)
		return rw_fail(err, "%s: cannot open: %s", out->given, strerror(errno));
	while ((n = read(from, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || file_write_all(to, buf, (size_t)n) < 0) {
			int e = errno;

			close(to);
			return rw_fail(err, "%s: %s failed: %s", out->given,
				       n < 0 ? "reading back the output" : "write",
				       strerror(e));
		}
	}
	if (close(to) < 0)
		return rw_fail(err, "%s: close failed: %s", out->given, strerror(errno));
	return 0;
}

int output_commit(const struct output *out, struct output_temp *t, mode_t mode,
		  struct rw_error *err)
{
	int rc;

	if (out->kind == OUTPUT_STREAM)
		rc = stream_copy(out, t->fd, err);
	else
		rc = file_replace(out, t, mode, err);
	output_abort(t);
	return rc;
}

void output_abort(struct output_temp *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	if (t->path[0])
		cleanup_remove(t->path);
	t->path[0] = '\0';
}
