/*
 * rewire run: booting a kernel image on a platform and watching it to its
 * end. What every platform shares: the options, how a run ended, why one
 * could not start, and the table of platforms (run_qemu.c: kvm and tcg;
 * run_hosted.c: hosted).
 *
 * A platform's boot streams the program's stdout and stderr to the
 * descriptors it is given while the program runs, and the kernel's log to
 * log_fd when the run ends; it prints nothing else and never exits: how
 * the run ended comes back in a struct run_result, for the caller to turn
 * into messages and an exit status (rewriter/cli/cmd_run.c).
 */
#ifndef REWIRE_RUN_PLATFORM_H
#define REWIRE_RUN_PLATFORM_H

#include <stdbool.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "run_target.h"

#define RUN_DEFAULT_MEM (512ull << 20)

/* The file system archive of the run's --dir folders (fs_archive.h): a
 * file with no name, handed to the kernel as QEMU's -initrd on kvm and
 * tcg, as the descriptor REWIRE_FS_FD names on hosted. */
struct run_fs_archive {
	int fd;				/* read-only use; close-on-exec */
	uint64_t size;			/* bytes */
};

struct run_options {
	uint64_t mem;			/* guest memory in bytes (RUN_DEFAULT_MEM) */
	unsigned timeout;		/* seconds until the watchdog; 0: never */
	const char *kernel_options;	/* more kernel options, as written; may be NULL */
	bool stats, trace, verbose;	/* the kernel options stats, trace, verbose */
	const char *cwd;		/* the kernel option cwd=: the program's
					 * working directory; NULL: the kernel's */
	const char *exe;		/* the kernel option exe=: the program's
					 * path (/proc/self/exe); NULL: argv[0] */
	const struct run_fs_archive *fs; /* NULL: no archive */
	const char *const *envs;	/* NAME=VALUE each */
	size_t nenvs;
	const char *argv0;		/* the program's argv[0] */
	const char *const *args;	/* and the rest */
	size_t nargs;
	int out_fd, err_fd;		/* the program's stdout and stderr go here */
	int log_fd;			/* the kernel's log, when the run ends */
};

/* How a run that started ended. */
enum run_end {
	RUN_END_EXIT,		/* the kernel exited: status */
	RUN_END_TIMEOUT,	/* no exit within the timeout: dump, then killed */
	RUN_END_SIGNAL,		/* we got signal (the caller ends by it): VM killed */
	RUN_END_VM_RESET,	/* the VM reset (a triple fault) without a status */
	RUN_END_VMM_FAILED,	/* the VMM exited with status, no exit from the kernel */
	RUN_END_VMM_KILLED,	/* the VMM (hosted: the image's process) died of signal */
};

/* Why a run could not start (run_platform's boot returned -1). */
enum run_error_kind {
	RUN_ERROR_RUNNER,	/* the runner: a bad option, a system call failed */
	RUN_ERROR_IMAGE,	/* the image cannot run: not one, too big for mem */
	RUN_ERROR_NO_VMM,	/* the VMM (QEMU) cannot be started: not found */
};

struct run_result {
	enum run_end end;
	int status;		/* RUN_END_EXIT: the program's; _VMM_FAILED: the VMM's */
	int signal;		/* RUN_END_SIGNAL: ours; RUN_END_VMM_KILLED: the VMM's */
	double seconds;		/* from starting the VMM to its end */
	char *dump;		/* RUN_END_TIMEOUT: the vCPUs' registers and the
				 * functions they were in, lines of text
				 * (malloc'd; NULL when the VMM did not answer) */
	enum run_error_kind error_kind; /* when boot returned -1 */
};

struct run_platform {
	const char *name;	/* what --platform takes */
	const char *summary;	/* for --help and --stats */
	const char *vmm;	/* what runs the image, for messages ("QEMU") */
	const char *image_platform; /* the images it boots: rewire image's
				       platform ("kvm" or "hosted") */
	enum run_kind kind;	/* the kind of file it boots */
	/* Whether it can run here; when not, why (one phrase). */
	bool (*usable)(char *why, size_t size);
	/* Boots t with o and watches it to its end: 0 with *r filled, or
	 * -1 with err and r->error_kind when it could not start. Call with
	 * run_signals_block's signals blocked: a signal to us ends the run
	 * (RUN_END_SIGNAL). */
	int (*boot)(const struct run_platform *p, const struct run_target *t,
		    const struct run_options *o, struct run_result *r,
		    struct rw_error *err);
};

/* The platform called name, or NULL. */
const struct run_platform *run_platform_find(const char *name);
/* The platform for a file of kind when none is asked for: a hosted image
 * runs hosted, a PVH image on kvm when /dev/kvm works, else tcg, and a Go
 * binary on kvm when /dev/kvm works, else hosted. */
const struct run_platform *run_platform_default(enum run_kind kind);
/* One line per platform: its name, "usable" or "unusable", and its
 * summary or why it cannot run here (rewire run --platforms). */
void run_platforms_print(FILE *out);
/* The platforms' names, "kvm|tcg|hosted", for messages. */
const char *run_platform_names(void);

/* Sizes as --mem takes them: digits with an optional K, M, G or T
 * (powers of 1024; no suffix: MiB, as QEMU's -m), a whole number of KiB,
 * at least 1 MiB. 0, or -1 with err quoting text. */
int run_mem_parse(const char *text, uint64_t *bytes, struct rw_error *err);

void run_result_free(struct run_result *r);

/* The platforms (run_qemu.c, run_hosted.c). */
extern const struct run_platform run_platform_kvm, run_platform_tcg,
	run_platform_hosted;

#endif
