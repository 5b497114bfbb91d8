/* Running a helper program without a shell: fork, exec, read both pipes. */
#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"

/* How much of stderr is kept for messages. */
#define STDERR_KEEP 8192

struct buffer {
	char **data;
	size_t *len;
	size_t cap;
};

static int buffer_append(struct buffer *b, const char *p, size_t n, size_t max)
{
	char *grown;
	size_t cap;

	if (*b->len + n + 1 > max)
		return -1;
	if (*b->len + n + 1 > b->cap) {
		cap = b->cap ? b->cap : 4096;
		while (cap < *b->len + n + 1)
			cap *= 2;
		grown = realloc(*b->data, cap);
		if (!grown)
			return -1;
		*b->data = grown;
		b->cap = cap;
	}
	memcpy(*b->data + *b->len, p, n);
	*b->len += n;
	(*b->data)[*b->len] = '\0';
	return 0;
}

/* environ with env_add's keys replaced by env_add's "K=V" entries (a bare
 * "K" only removes K). NULL: no memory. */
static char **child_environ(const char *const env_add[])
{
	size_t n = 0, nadd = 0, i, j, k = 0;
	char **env;

	while (environ && environ[n])
		n++;
	while (env_add && env_add[nadd])
		nadd++;
	env = calloc(n + nadd + 1, sizeof(*env));
	if (!env)
		return NULL;
	for (i = 0; i < n; i++) {
		bool overridden = false;

		for (j = 0; j < nadd; j++) {
			size_t key = strcspn(env_add[j], "=");

			if (strncmp(environ[i], env_add[j], key) == 0 &&
			    environ[i][key] == '=')
				overridden = true;
		}
		if (!overridden)
			env[k++] = environ[i];
	}
	for (j = 0; j < nadd; j++)
		if (strchr(env_add[j], '='))
			env[k++] = (char *)env_add[j];
	return env;
}

/* In the child: tells the parent which step failed and why, then exits. */
static void __attribute__((noreturn)) child_fail(int fd, char step)
{
	int e = errno;
	char msg[1 + sizeof(e)];
	ssize_t unused;

	msg[0] = step;
	memcpy(msg + 1, &e, sizeof(e));
	unused = write(fd, msg, sizeof(msg));
	(void)unused;
	_exit(127);
}

/* Reads the child's stdout and stderr to the end, whichever comes first;
 * with truncate, what does not fit in max_out is dropped. */
static int drain_pipes(int out_fd, int err_fd, struct buffer *out,
		       struct buffer *errs, size_t max_out, bool truncate,
		       bool *too_big)
{
	struct pollfd fds[2] = {
		{ .fd = out_fd, .events = POLLIN },
		{ .fd = err_fd, .events = POLLIN },
	};
	char chunk[8192];

	while (fds[0].fd >= 0 || fds[1].fd >= 0) {
		int i;

		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		for (i = 0; i < 2; i++) {
			ssize_t n;

			if (fds[i].fd < 0 || !fds[i].revents)
				continue;
			n = read(fds[i].fd, chunk, sizeof(chunk));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				fds[i].fd = -1;
				continue;
			}
			if (i == 0) {
				size_t room = max_out > *out->len + 1 ?
					      max_out - *out->len - 1 : 0;
				size_t keep = truncate && (size_t)n > room ?
					      room : (size_t)n;

				if (keep && buffer_append(out, chunk, keep, max_out) < 0)
					*too_big = true;
			}
			/* Only the start of stderr is shown; keep reading the
			 * rest so that the child never blocks on a full pipe. */
			if (i == 1 && *errs->len < STDERR_KEEP)
				buffer_append(errs, chunk, (size_t)n,
					      STDERR_KEEP + sizeof(chunk) + 1);
		}
	}
	return 0;
}

void run_stderr_summary(const struct run_output *out, size_t max_lines,
			char *buf, size_t size)
{
	const char *p = out->errs, *end = p ? p + out->errs_len : NULL;
	size_t n = 0, lines = 0;

	buf[0] = '\0';
	while (p && p < end && lines < max_lines && n + 1 < size) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *stop = nl ? nl : end;
		int w;

		while (p < stop && strchr(" \t\r", *p))
			p++;
		while (stop > p && strchr(" \t\r", stop[-1]))
			stop--;
		if (stop > p) {
			w = snprintf(buf + n, size - n, "%s%.*s", lines ? "; " : "",
				     (int)(stop - p), p);
			n = w < 0 ? n : n + (size_t)w >= size ? size - 1 : n + (size_t)w;
			lines++;
		}
		p = nl ? nl + 1 : end;
	}
}

int run_program(const char *what, char *const argv[], const char *dir,
		const char *const env_add[], size_t max_out, unsigned flags,
		const char *hint, struct run_output *res, struct rw_error *err)
{
	const char *prog = argv[0];
	char resolved[PATH_MAX];
	int out_pipe[2] = { -1, -1 }, err_pipe[2] = { -1, -1 };
	int status_pipe[2] = { -1, -1 };
	struct buffer out = { &res->out, &res->out_len, 0 };
	struct buffer errs = { &res->errs, &res->errs_len, 0 };
	bool too_big = false;
	char report[1 + sizeof(int)];
	char **env = NULL, **child_argv = NULL;
	int rc = -1, status = 0, saved, waited;
	size_t argc = 0;
	ssize_t got;
	sigset_t mask;
	pid_t pid;

	memset(res, 0, sizeof(*res));
	/* The child may change directory before exec: a relative program path
	 * must not change meaning with it. */
	if (dir && strchr(prog, '/') && prog[0] != '/') {
		if (!realpath(prog, resolved))
			return rw_fail(err, "cannot run %s '%s': %s%s%s", what, prog,
				       strerror(errno), hint ? " " : "", hint ? hint : "");
		prog = resolved;
	}
	while (argv[argc])
		argc++;
	child_argv = calloc(argc + 1, sizeof(*child_argv));
	env = child_environ(env_add);
	if (!env || !child_argv) {
		rw_fail(err, "cannot run %s: out of memory", what);
		goto out;
	}
	memcpy(child_argv, argv, argc * sizeof(*argv));
	child_argv[0] = (char *)prog;
	if (pipe2(out_pipe, O_CLOEXEC) < 0 || pipe2(err_pipe, O_CLOEXEC) < 0 ||
	    pipe2(status_pipe, O_CLOEXEC) < 0) {
		rw_fail(err, "cannot run %s: pipe: %s", what, strerror(errno));
		goto out;
	}
	/* Held back until the child is named: a signal in between would leave
	 * it running. The child, too, gets the old mask back before exec. */
	cleanup_hold(&mask);
	pid = fork();
	saved = errno;
	if (pid > 0)
		cleanup_child(pid);
	cleanup_release(&mask);
	if (pid < 0) {
		rw_fail(err, "cannot run %s: fork: %s", what, strerror(saved));
		goto out;
	}
	if (pid == 0) {
		int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

		if (null_fd < 0 || dup2(null_fd, STDIN_FILENO) < 0 ||
		    dup2(out_pipe[1], STDOUT_FILENO) < 0 ||
		    dup2((flags & RUN_MERGE_STDERR) ? out_pipe[1] : err_pipe[1],
			 STDERR_FILENO) < 0)
			child_fail(status_pipe[1], 'p');
		if (dir && chdir(dir) < 0)
			child_fail(status_pipe[1], 'c');
		execvpe(prog, child_argv, env);
		child_fail(status_pipe[1], 'e');
	}
	close(out_pipe[1]);
	close(err_pipe[1]);
	close(status_pipe[1]);
	out_pipe[1] = err_pipe[1] = status_pipe[1] = -1;
	saved = drain_pipes(out_pipe[0], err_pipe[0], &out, &errs, max_out,
			    flags & RUN_TRUNCATE_OUT, &too_big) < 0 ? errno : 0;
	do
		got = read(status_pipe[0], report, sizeof(report));
	while (got < 0 && errno == EINTR);
	/* Should reading have failed, a child still writing gets EPIPE
	 * instead of blocking forever. */
	close(out_pipe[0]);
	close(err_pipe[0]);
	out_pipe[0] = err_pipe[0] = -1;
	do
		waited = waitpid(pid, &status, 0);
	while (waited < 0 && errno == EINTR);
	cleanup_child(0);
	if (waited < 0) {
		rw_fail(err, "waiting for %s: %s", what, strerror(errno));
		goto out;
	}
	if (got == (ssize_t)sizeof(report)) {
		int e;

		memcpy(&e, report + 1, sizeof(e));
		if (report[0] == 'c')
			rw_fail(err, "%s: cannot enter directory: %s", dir, strerror(e));
		else if (report[0] == 'e')
			rw_fail(err, "cannot run %s '%s': %s%s%s", what, prog,
				strerror(e), hint ? " " : "", hint ? hint : "");
		else
			rw_fail(err, "cannot run %s: %s", what, strerror(e));
		if (report[0] == 'e')
			res->exec_errno = e;
		goto out;
	}
	if (saved) {
		rw_fail(err, "reading the output of %s: %s", what, strerror(saved));
		goto out;
	}
	if (too_big) {
		rw_fail(err, "%s printed too much (or memory ran out)", what);
		goto out;
	}
	res->status = WIFSIGNALED(status) ? -1 : WEXITSTATUS(status);
	res->signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	rc = 0;
out:
	for (int i = 0; i < 2; i++) {
		if (out_pipe[i] >= 0)
			close(out_pipe[i]);
		if (err_pipe[i] >= 0)
			close(err_pipe[i]);
		if (status_pipe[i] >= 0)
			close(status_pipe[i]);
	}
	free(env);
	free(child_argv);
	if (rc < 0)
		run_output_free(res);
	return rc;
}

void run_output_free(struct run_output *res)
{
	free(res->out);
	free(res->errs);
	res->out = res->errs = NULL;
	res->out_len = res->errs_len = 0;
}
