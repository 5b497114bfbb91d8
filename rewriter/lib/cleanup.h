/* Removing a command's temporary files and folders when a signal ends it. */
#ifndef REWIRE_CLEANUP_H
#define REWIRE_CLEANUP_H

#include <signal.h>
#include <sys/types.h>

#include "error.h"

/*
 * The contract. Normal code registers each temporary path the moment it
 * makes it (cleanup_mkstemp, cleanup_mkdtemp create and register in one
 * step, with the signals held back so that none falls in between) and
 * drops it once it has renamed it (cleanup_drop) or removes it through
 * cleanup_remove. A helper program that runs is named with cleanup_child.
 *
 * cleanup_install, which only the command line calls, catches SIGINT,
 * SIGTERM, SIGHUP and SIGQUIT (those not ignored when it runs: `nohup`
 * and background jobs keep theirs). On one of them the handler ends the
 * running child (SIGTERM, then SIGKILL if it is still there after a
 * second) and waits for it, removes every registered file, and every
 * registered folder with the files in it (one level: rewire's scratch
 * folders hold no folders), then dies of the same signal by its default
 * action, so that the parent sees the usual status. It does only
 * async-signal-safe work (kill, waitpid, nanosleep, unlink, unlinkat,
 * getdents64, rmdir, sigaction, raise) and does nothing in a forked child
 * that has not yet run exec.
 *
 * Registering works whether or not the handler is installed (library
 * users without it just get no cleanup). Room for CLEANUP_MAX paths at a
 * time; single-threaded use only.
 */
#define CLEANUP_MAX 8

/* Installs the handler (see above): 0, or -1 with err. */
int cleanup_install(struct rw_error *err);

/* mkstemp(template) and registers the file: its descriptor (O_CLOEXEC),
 * or -1 with err naming the path and the reason. */
int cleanup_mkstemp(char *template, struct rw_error *err);

/* mkdtemp(template) and registers the folder: 0, or -1 with err. */
int cleanup_mkdtemp(char *template, struct rw_error *err);

/* Forgets path (registered by the two above); nothing when it is not. */
void cleanup_drop(const char *path);

/* Removes the registered path now (a folder with the files in it, one
 * level) and forgets it; nothing when it is not registered. */
void cleanup_remove(const char *path);

/* The helper program now running (0: none any more). */
void cleanup_child(pid_t pid);

/* Holds the four signals back, saving the old mask into *old, around a
 * step the handler must not split (a fork and its cleanup_child);
 * cleanup_release restores *old, and a signal held back arrives then. */
void cleanup_hold(sigset_t *old);
void cleanup_release(const sigset_t *old);

#endif
