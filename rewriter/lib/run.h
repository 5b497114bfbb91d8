/* Running a helper program (go list, as, ld) without a shell. */
#ifndef REWIRE_RUN_H
#define REWIRE_RUN_H

#include <stddef.h>

#include "error.h"

struct run_output {
	char *out;		/* all of stdout, NUL-terminated (NULL: nothing) */
	size_t out_len;
	char *errs;		/* the start of stderr, NUL-terminated */
	size_t errs_len;
	int status;		/* exit status; -1 when killed */
	int signal;		/* the signal that killed it */
	int exec_errno;		/* why exec failed (e.g. ENOENT: not on PATH),
				 * else 0; kept when run_program fails */
};

/* run_program's flags. */
enum {
	/* stderr goes into out too, interleaved as written (2>&1); errs
	 * stays empty. */
	RUN_MERGE_STDERR = 1 << 0,
	/* Output past max_out is read and dropped instead of making
	 * run_program fail. */
	RUN_TRUNCATE_OUT = 1 << 1,
};

/*
 * Runs argv (argv[0] found on PATH unless it holds a '/'), in dir (NULL:
 * here), with stdin from /dev/null, the environment plus env_add ("K=V"
 * entries overriding any K, a bare "K" removing K; NULL-terminated, may be
 * NULL), and captures stdout (at most max_out bytes, the terminating NUL
 * included) and the first part of stderr; flags (RUN_*) change that.
 * Returns 0 when the program ran and ended, whatever its status (see out);
 * -1 when it could not be started, ended unreadably or printed too much:
 * err says so, naming what (e.g. "go list") and, when exec failed, adding
 * hint (may be NULL).
 */
int run_program(const char *what, char *const argv[], const char *dir,
		const char *const env_add[], size_t max_out, unsigned flags,
		const char *hint, struct run_output *out, struct rw_error *err);

/* The first lines of the captured stderr, trimmed and joined with "; ". */
void run_stderr_summary(const struct run_output *out, size_t max_lines,
			char *buf, size_t size);

void run_output_free(struct run_output *out);

#endif
