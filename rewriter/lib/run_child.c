/* A child process under watch: fork and exec with a descriptor map, a
 * poll loop over its output pipes, our signals (a signalfd) and a
 * deadline, and the kill at the end. */
#include "run_child.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fsutil.h"

/* Where the child parks descriptors while it moves them to their numbers:
 * above any number a map names. */
#define CHILD_PARK_FD 100

/* The largest write to one of our descriptors after poll said POLLOUT:
 * a pipe then takes PIPE_BUF bytes without blocking, so that a reader
 * that stalls never stalls the watch (its deadline, our signals). */
#define PUMP_CHUNK 4096
/* After a read that found less than a chunk, the watch lets the pipes
 * fill this long before it polls again: a serial console hands QEMU one
 * byte at a time, and a wake-up per byte cost a 1 MiB write a third more
 * time (measured under TCG). Nothing waits on us longer than this. */
#define PUMP_GATHER_NS 1000000

static void runner_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGQUIT);
	sigaddset(set, SIGCHLD);
}

int run_signals_block(sigset_t *old, struct rw_error *err)
{
	sigset_t set;

	runner_signals(&set);
	if (sigprocmask(SIG_BLOCK, &set, old) < 0)
		return rw_fail(err, "cannot block signals: %s", strerror(errno));
	return 0;
}

void run_signals_die(int signo, const sigset_t *old)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigset_t only;

	/* A runner asked to quit is no crash: no core file. */
	if (signo == SIGQUIT)
		prctl(PR_SET_DUMPABLE, 0);
	sigaction(signo, &dfl, NULL);
	sigprocmask(SIG_SETMASK, old, NULL);
	sigemptyset(&only);
	sigaddset(&only, signo);
	raise(signo);
	sigprocmask(SIG_UNBLOCK, &only, NULL);
	/* Not reached unless the signal is ignored in spite of SIG_DFL. */
	_exit(128 + signo);
}

uint64_t run_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* In the child, after fork: never returns. Failures before exec are
 * reported through err_fd (an errno) like a failed exec, exit 127. */
static void __attribute__((noreturn))
child_exec(const struct run_child_exec *x, const struct run_child_fd *map,
	   size_t nmap, const sigset_t *mask, pid_t parent, int err_fd)
{
	int parked[16];
	int e;

	/* Our process group: a terminal's ^C reaches the runner alone,
	 * which then ends the VMM itself. */
	setpgid(0, 0);
	/* Dies with the runner, even when the runner is SIGKILLed. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		goto fail;
	/* Park everything above the map's numbers first: a descriptor
	 * may sit on a number another one is moved to. */
	err_fd = fcntl(err_fd, F_DUPFD_CLOEXEC, CHILD_PARK_FD);
	if (err_fd < 0 || nmap > sizeof(parked) / sizeof(parked[0]))
		goto fail;
	for (size_t i = 0; i < nmap; i++)
		if ((parked[i] = fcntl(map[i].from, F_DUPFD_CLOEXEC, CHILD_PARK_FD)) < 0)
			goto fail;
	for (size_t i = 0; i < nmap; i++)
		if (dup2(parked[i], map[i].to) < 0)
			goto fail;
	if (sigprocmask(SIG_SETMASK, mask, NULL) < 0)
		goto fail;
	if (!x->path)
		execvp(x->argv[0], x->argv);
	else if (x->envp)
		execve(x->path, x->argv, x->envp);
	else
		execv(x->path, x->argv);
fail:
	e = errno;
	if (write(err_fd, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

int run_child_start(struct run_child *c, const struct run_child_exec *x,
		    const struct run_child_fd *map, size_t nmap,
		    const sigset_t *mask, int *exec_errno, struct rw_error *err)
{
	pid_t parent = getpid();
	int errpipe[2], e = 0;
	sigset_t set;
	ssize_t n;

	*exec_errno = 0;
	c->pid = -1;
	c->exited = false;
	c->late_signal = 0;
	runner_signals(&set);
	c->sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (c->sigfd < 0)
		return rw_fail(err, "signalfd: %s", strerror(errno));
	if (pipe2(errpipe, O_CLOEXEC) < 0)
		return rw_fail(err, "pipe: %s", strerror(errno));
	c->pid = fork();
	if (c->pid < 0) {
		e = errno;
		close(errpipe[0]);
		close(errpipe[1]);
		return rw_fail(err, "cannot start %s: fork: %s", x->argv[0], strerror(e));
	}
	if (c->pid == 0)
		child_exec(x, map, nmap, mask, parent, errpipe[1]);
	close(errpipe[1]);
	/* End of file: exec succeeded (the pipe closed on exec). */
	do
		n = read(errpipe[0], &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close(errpipe[0]);
	if (n == (ssize_t)sizeof(e)) {
		waitpid(c->pid, NULL, 0);
		c->pid = -1;
		*exec_errno = e;
		return rw_fail(err, "cannot start %s: %s", x->argv[0], strerror(e));
	}
	return 0;
}

/* Reaps the child if it has ended. */
static void child_reap(struct run_child *c)
{
	int status;

	if (!c->exited && c->pid > 0 && waitpid(c->pid, &status, WNOHANG) == c->pid) {
		c->exited = true;
		c->wait_status = status;
	}
}

struct pump_state {
	char buf[PUMP_CHUNK];
	size_t len, done;	/* pending bytes: buf[done, len) */
	bool dropping;		/* our descriptor refused: read and discard */
};

/* One step of pump i: read into the buffer, or write it out. Returns
 * whether it read less than a chunk (then it is worth gathering more). */
static bool pump_step(struct run_child *c, size_t i, struct pump_state *p,
		      short revents)
{
	if (p->len > p->done) {
		ssize_t n = write(c->pumps[i].to, p->buf + p->done, p->len - p->done);

		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			return false;
		if (n <= 0) {
			p->dropping = true;
			p->len = p->done = 0;
			return false;
		}
		p->done += (size_t)n;
		if (p->done == p->len)
			p->len = p->done = 0;
		return false;
	}
	if (!(revents & (POLLIN | POLLHUP | POLLERR)))
		return false;
	ssize_t n = read(c->pumps[i].from, p->buf, sizeof(p->buf));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return false;
	if (n <= 0) {
		close(c->pumps[i].from);
		c->pumps[i].from = -1;
		return false;
	}
	if (!p->dropping)
		p->len = (size_t)n;
	return n < PUMP_CHUNK;
}

/* Our pending signals: SIGCHLD reaps; another one is returned. */
static int signals_read(struct run_child *c)
{
	struct signalfd_siginfo si;

	while (read(c->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGCHLD)
			child_reap(c);
		else
			return (int)si.ssi_signo;
	}
	return 0;
}

static bool pumps_done(const struct run_child *c, const struct pump_state *ps)
{
	for (size_t i = 0; i < c->npumps; i++)
		if (c->pumps[i].from >= 0 || ps[i].len > ps[i].done)
			return false;
	return true;
}

int run_watch(struct run_child *c, uint64_t deadline_ns, int *signo,
	      struct rw_error *err)
{
	struct pump_state ps[RUN_MAX_PUMPS] = { 0 };

	*signo = 0;
	child_reap(c);
	for (;;) {
		struct pollfd fds[1 + RUN_MAX_PUMPS];
		size_t map[1 + RUN_MAX_PUMPS];
		nfds_t n = 0;
		int timeout = -1;

		if (c->exited && pumps_done(c, ps))
			return RUN_WATCH_EXITED;
		fds[n++] = (struct pollfd){ .fd = c->sigfd, .events = POLLIN };
		for (size_t i = 0; i < c->npumps; i++) {
			if (ps[i].len > ps[i].done)
				fds[n] = (struct pollfd){ .fd = c->pumps[i].to, .events = POLLOUT };
			else if (c->pumps[i].from >= 0)
				fds[n] = (struct pollfd){ .fd = c->pumps[i].from, .events = POLLIN };
			else
				continue;
			map[n++] = i;
		}
		if (deadline_ns) {
			uint64_t now = run_now_ns();

			if (now >= deadline_ns)
				return RUN_WATCH_DEADLINE;
			timeout = (int)((deadline_ns - now + 999999) / 1000000);
		}
		if (poll(fds, n, timeout) < 0) {
			if (errno == EINTR)
				continue;
			return rw_fail(err, "poll: %s", strerror(errno));
		}
		if (fds[0].revents && (*signo = signals_read(c)))
			return RUN_WATCH_SIGNAL;
		bool gather = false;
		for (nfds_t k = 1; k < n; k++)
			if (fds[k].revents)
				gather |= pump_step(c, map[k], &ps[map[k]], fds[k].revents);
		if (gather && !c->exited) {
			struct timespec pause = { 0, PUMP_GATHER_NS };
			nanosleep(&pause, NULL);
		}
	}
}

void run_child_kill(struct run_child *c)
{
	int signo;

	if (c->pid <= 0)
		return;
	if (!c->exited) {
		kill(c->pid, SIGKILL);
		if (waitpid(c->pid, &c->wait_status, 0) == c->pid)
			c->exited = true;
	}
	/* What the pipes still hold; a signal meanwhile stops the draining
	 * and is kept for the caller. */
	if (run_watch(c, run_now_ns() + 1000000000ull, &signo, NULL) == RUN_WATCH_SIGNAL)
		c->late_signal = signo;
}

void run_child_close(struct run_child *c)
{
	for (size_t i = 0; i < c->npumps; i++)
		if (c->pumps[i].from >= 0)
			close(c->pumps[i].from);
	c->npumps = 0;
	if (c->sigfd >= 0)
		close(c->sigfd);
	c->sigfd = -1;
}

int run_log_file(struct rw_error *err)
{
	return temp_file_nameless("rewire-run-log", "the kernel's log", err);
}

void run_child_mask(sigset_t *mask)
{
	sigset_t ours;

	sigprocmask(SIG_SETMASK, NULL, mask);
	runner_signals(&ours);
	for (int sig = 1; sig < NSIG; sig++)
		if (sigismember(&ours, sig))
			sigdelset(mask, sig);
}
