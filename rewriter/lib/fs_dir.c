/* rewire run's --dir HOST_DIR[:GUEST_DIR]: which host folder goes where in
 * the program's file system, both paths absolute and clean. */
#include "fs_dir.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *fs_path_clean(const char *abs)
{
	char *out = malloc(strlen(abs) + 2);
	size_t n = 0;

	if (!out)
		return NULL;
	for (const char *p = abs; *p;) {
		const char *start;
		size_t len;

		while (*p == '/')
			p++;
		start = p;
		while (*p && *p != '/')
			p++;
		len = (size_t)(p - start);
		if (len == 0 || (len == 1 && start[0] == '.'))
			continue;
		if (len == 2 && start[0] == '.' && start[1] == '.') {
			/* Drop the last component and its '/'. */
			while (n > 0 && out[n - 1] != '/')
				n--;
			if (n > 0)
				n--;
			continue;
		}
		out[n++] = '/';
		memcpy(out + n, start, len);
		n += len;
	}
	if (n == 0)
		out[n++] = '/';
	out[n] = 0;
	return out;
}

/* The working directory as the shell names it: $PWD when it is absolute
 * and is ".", else the physical one (what Go's os.Getwd does), so that a
 * folder reached through a symlink keeps the path the program sees. */
static int working_dir(char *buf, size_t size)
{
	const char *pwd = getenv("PWD");
	struct stat a, b;

	if (pwd && pwd[0] == '/' && strlen(pwd) < size && stat(pwd, &a) == 0 &&
	    stat(".", &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
		strcpy(buf, pwd);
		return 0;
	}
	return getcwd(buf, size) ? 0 : -1;
}

/* The absolute, clean form of host (relative to the working directory). */
static char *host_absolute(const char *host, const char *spec, struct rw_error *err)
{
	char wd[PATH_MAX], *joined, *clean;

	if (host[0] == '/') {
		clean = fs_path_clean(host);
	} else {
		if (working_dir(wd, sizeof(wd)) < 0) {
			rw_fail(err, "--dir '%s': cannot read the working directory: %s", spec,
				strerror(errno));
			return NULL;
		}
		if (asprintf(&joined, "%s/%s", wd, host) < 0)
			joined = NULL;
		clean = joined ? fs_path_clean(joined) : NULL;
		free(joined);
	}
	if (!clean)
		rw_fail(err, "out of memory");
	return clean;
}

/* Whether path is a folder we can list (read) and enter (search), or a
 * regular file we can read. */
static int host_check(const char *path, const char *spec, struct rw_error *err)
{
	struct stat st;
	int fd;

	/* O_NONBLOCK: opening a FIFO must not wait for a writer. */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return rw_fail(err, "--dir '%s': HOST_DIR %s: %s", spec, path, strerror(errno));
	if (fstat(fd, &st) < 0 || (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))) {
		close(fd);
		return rw_fail(err, "--dir '%s': HOST_DIR %s: neither a directory nor a regular file",
			       spec, path);
	}
	close(fd);
	if (S_ISREG(st.st_mode))
		return 0;
	if (access(path, R_OK | X_OK) < 0)
		return rw_fail(err, "--dir '%s': HOST_DIR %s: cannot be listed and entered: %s",
			       spec, path, strerror(errno));
	return 0;
}

int fs_dir_parse(const char *spec, struct fs_dir *dir, struct rw_error *err)
{
	const char *colon = strchr(spec, ':');
	const char *guest = colon ? colon + 1 : NULL;
	char *host = colon ? strndup(spec, (size_t)(colon - spec)) : strdup(spec);

	*dir = (struct fs_dir){ 0 };
	if (!host)
		return rw_fail(err, "out of memory");
	if (!host[0]) {
		free(host);
		return rw_fail(err, "--dir '%s': HOST_DIR is empty (give HOST_DIR or HOST_DIR:GUEST_DIR)",
			       spec);
	}
	if (guest && guest[0] != '/') {
		free(host);
		return rw_fail(err, "--dir '%s': GUEST_DIR '%s' is not an absolute path", spec,
			       guest);
	}
	dir->host = host_absolute(host, spec, err);
	free(host);
	if (!dir->host)
		return -1;
	if (host_check(dir->host, spec, err) < 0) {
		fs_dir_free(dir);
		return -1;
	}
	dir->guest = fs_path_clean(guest ? guest : dir->host);
	if (!dir->guest) {
		fs_dir_free(dir);
		return rw_fail(err, "out of memory");
	}
	return 0;
}

void fs_dir_free(struct fs_dir *dir)
{
	free(dir->host);
	free(dir->guest);
	*dir = (struct fs_dir){ 0 };
}
