/* Removing a command's temporary files and folders when a signal ends it. */
#include "cleanup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const int caught[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
#define NCAUGHT (sizeof(caught) / sizeof(caught[0]))

struct entry {
	bool used;
	bool is_dir;
	char path[PATH_MAX];
};

/* Changed only with the signals held back: the handler never sees an entry
 * half written. */
static struct entry entries[CLEANUP_MAX];
static volatile sig_atomic_t child_pid;
/* The process that installed the handler; a forked child is not it. */
static volatile sig_atomic_t owner_pid;

/* Unlinks every entry of the folder dir (not recursive). Entries removed
 * while reading may shift the rest: read again until a pass removes
 * nothing. */
static void remove_files_in(const char *dir)
{
	char buf[4096] __attribute__((aligned(8)));
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	bool removed = true;

	if (fd < 0)
		return;
	for (int pass = 0; removed && pass < 8; pass++) {
		ssize_t n;

		removed = false;
		if (lseek(fd, 0, SEEK_SET) < 0)
			break;
		while ((n = getdents64(fd, buf, sizeof(buf))) > 0)
			for (ssize_t off = 0; off < n;) {
				struct dirent64 *d = (struct dirent64 *)(buf + off);
				const char *name = d->d_name;

				off += d->d_reclen;
				if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
					continue;
				if (unlinkat(fd, name, 0) == 0)
					removed = true;
			}
	}
	close(fd);
}

static void remove_entry(const struct entry *e)
{
	if (e->is_dir) {
		remove_files_in(e->path);
		rmdir(e->path);
	} else {
		unlink(e->path);
	}
}

/* Ends the running child: SIGTERM (a tool that cleans up after itself on a
 * signal gets to), then SIGKILL when it is still there after a second; and
 * waits, so that it writes nothing into a folder being removed. */
static void child_end(void)
{
	const struct timespec tick = { 0, 10 * 1000 * 1000 };
	pid_t pid = child_pid;

	if (pid <= 0)
		return;
	kill(pid, SIGTERM);
	for (int i = 0; i < 100; i++) {
		if (waitpid(pid, NULL, WNOHANG) != 0)
			return;
		nanosleep(&tick, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static void on_signal(int sig)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigset_t set;

	if (getpid() == owner_pid) {
		child_end();
		for (size_t i = 0; i < CLEANUP_MAX; i++)
			if (entries[i].used)
				remove_entry(&entries[i]);
	}
	/* Die of sig: it is blocked while the handler runs, so it arrives,
	 * with its default action, once unblocked. */
	sigemptyset(&dfl.sa_mask);
	sigaction(sig, &dfl, NULL);
	raise(sig);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

int cleanup_install(struct rw_error *err)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < NCAUGHT; i++)
		sigaddset(&sa.sa_mask, caught[i]);
	owner_pid = getpid();
	for (size_t i = 0; i < NCAUGHT; i++) {
		struct sigaction old;

		if (sigaction(caught[i], NULL, &old) < 0)
			return rw_fail(err, "cannot read the action of signal %d: %s",
				       caught[i], strerror(errno));
		/* An ignored signal stays ignored (nohup, background jobs). */
		if (old.sa_handler == SIG_IGN)
			continue;
		if (sigaction(caught[i], &sa, NULL) < 0)
			return rw_fail(err, "cannot catch signal %d: %s", caught[i],
				       strerror(errno));
	}
	return 0;
}

void cleanup_hold(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < NCAUGHT; i++)
		sigaddset(&set, caught[i]);
	sigprocmask(SIG_BLOCK, &set, old);
}

void cleanup_release(const sigset_t *old)
{
	sigprocmask(SIG_SETMASK, old, NULL);
}

/* Call with the signals held back. */
static int entry_add(const char *path, bool is_dir)
{
	for (size_t i = 0; i < CLEANUP_MAX; i++)
		if (!entries[i].used) {
			entries[i].is_dir = is_dir;
			memcpy(entries[i].path, path, strlen(path) + 1);
			entries[i].used = true;
			return 0;
		}
	return -1;
}

/* Creates the file or folder template names and registers it. */
static int make_registered(char *template, bool is_dir, struct rw_error *err)
{
	const char *what = is_dir ? "directory" : "file";
	sigset_t old;
	int fd = 0, e;

	if (strlen(template) >= PATH_MAX)
		return rw_fail(err, "cannot make the temporary %s %s: the path is too long",
			       what, template);
	cleanup_hold(&old);
	if (is_dir)
		fd = mkdtemp(template) ? 0 : -1;
	else
		fd = mkostemp(template, O_CLOEXEC);
	e = errno;
	if (fd >= 0 && entry_add(template, is_dir) < 0) {
		if (is_dir) {
			rmdir(template);
		} else {
			close(fd);
			unlink(template);
		}
		cleanup_release(&old);
		return rw_fail(err, "cannot make the temporary %s %s: more than %d at once",
			       what, template, CLEANUP_MAX);
	}
	cleanup_release(&old);
	if (fd < 0)
		return rw_fail(err, "cannot make the temporary %s %s: %s", what,
			       template, strerror(e));
	return fd;
}

int cleanup_mkstemp(char *template, struct rw_error *err)
{
	return make_registered(template, false, err);
}

int cleanup_mkdtemp(char *template, struct rw_error *err)
{
	return make_registered(template, true, err) < 0 ? -1 : 0;
}

void cleanup_drop(const char *path)
{
	sigset_t old;

	cleanup_hold(&old);
	for (size_t i = 0; i < CLEANUP_MAX; i++)
		if (entries[i].used && strcmp(entries[i].path, path) == 0) {
			entries[i].used = false;
			break;
		}
	cleanup_release(&old);
}

void cleanup_remove(const char *path)
{
	sigset_t old;

	cleanup_hold(&old);
	for (size_t i = 0; i < CLEANUP_MAX; i++)
		if (entries[i].used && strcmp(entries[i].path, path) == 0) {
			remove_entry(&entries[i]);
			entries[i].used = false;
			break;
		}
	cleanup_release(&old);
}

void cleanup_child(pid_t pid)
{
	child_pid = pid;
}
