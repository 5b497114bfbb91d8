/*
 * A child process under watch, for rewire run: started with the
 * descriptors it needs at fixed numbers, in a process group of its own and
 * killed should the runner die; its output pipes pumped to our
 * descriptors while it runs; the watch ends at its exit, at a deadline, or
 * at a signal to us (read through a signalfd: the runner keeps the
 * signals blocked, see run_signals_block).
 */
#ifndef REWIRE_RUN_CHILD_H
#define REWIRE_RUN_CHILD_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"

/* Blocks the signals the runner answers (SIGINT, SIGTERM, SIGHUP,
 * SIGQUIT) and SIGCHLD, saving the old mask in *old: from then on they
 * wait for run_watch instead of killing the runner halfway (with a
 * temporary file left behind). 0, or -1 with err. */
int run_signals_block(sigset_t *old, struct rw_error *err);
/* Ends the process by signo, as its default action would have: the mask
 * restored to *old and signo unblocked. No core dump for SIGQUIT. */
void run_signals_die(int signo, const sigset_t *old) __attribute__((noreturn));

/* The mask a child starts with: ours as it was before run_signals_block
 * (the signals that blocks are taken out of the current one). */
void run_child_mask(sigset_t *mask);

/* The child gets descriptor from (ours) as number to (its). */
struct run_child_fd {
	int from, to;
};

#define RUN_MAX_PUMPS 2

struct run_child {
	pid_t pid;
	int sigfd;		/* our signals, SIGCHLD among them */
	struct {
		int from;	/* the read end of the child's pipe; -1 at EOF */
		int to;		/* our descriptor it is copied to */
	} pumps[RUN_MAX_PUMPS];
	size_t npumps;
	bool exited;
	int wait_status;	/* once exited */
	int late_signal;	/* one of ours that cut run_child_kill's
				 * draining short: the caller still ends by it */
};

/* What a child runs: the file path (NULL: argv[0] looked up on PATH)
 * with argv and the environment envp (NULL: ours). */
struct run_child_exec {
	const char *path;
	char *const *argv;
	char *const *envp;
};

/*
 * Forks and execs what x says with the descriptors of map and nothing else
 * open but ours marked close-on-exec; the signal mask *mask (the one
 * before run_signals_block); its own process group; and SIGKILL as its
 * parent-death signal, so that a runner killed outright (SIGKILL) takes it
 * along. 0 with c->pid set, or -1 with err; when exec itself failed (not
 * found, not executable), *exec_errno says why, else it is 0.
 */
int run_child_start(struct run_child *c, const struct run_child_exec *x,
		    const struct run_child_fd *map, size_t nmap,
		    const sigset_t *mask, int *exec_errno, struct rw_error *err);

/* What ended a watch. */
enum run_watch_end {
	RUN_WATCH_EXITED,	/* the child ended; its pipes are drained */
	RUN_WATCH_DEADLINE,	/* deadline_ns passed; the child still runs */
	RUN_WATCH_SIGNAL,	/* we got *signo; the child still runs */
};

/*
 * Pumps the child's pipes to our descriptors until the child ends and its
 * pipes are drained, the monotonic clock reaches deadline_ns (0: no
 * deadline), or one of our signals comes (*signo). A write to one of our
 * descriptors that fails drops the rest of that stream (a closed stdout
 * with SIGPIPE ignored); -1 with err only when waiting itself fails.
 */
int run_watch(struct run_child *c, uint64_t deadline_ns, int *signo,
	      struct rw_error *err);

/* Kills the child (SIGKILL) if it still runs, reaps it, and drains what
 * its pipes still hold. */
void run_child_kill(struct run_child *c);

/* Closes the pipes and the signalfd. */
void run_child_close(struct run_child *c);

/* A file for the kernel's log with no name (O_TMPFILE in $TMPDIR or /tmp,
 * else a name unlinked at once): close-on-exec, read-write. The
 * descriptor, or -1 with err. */
int run_log_file(struct rw_error *err);

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t run_now_ns(void);

#endif
