/* The kernel command line rewire run hands a kernel: the options, the
 * environment and the program's arguments, each word percent-encoded as
 * kernel-runtime/include/kernel.h decodes it. */
#ifndef REWIRE_RUN_CMDLINE_H
#define REWIRE_RUN_CMDLINE_H

#include <stdio.h>

#include "error.h"
#include "run_platform.h"

/* "OPTIONS [stats] [trace] [verbose] [cwd=DIR] [exe=PATH] env=NAME=VALUE...
 * -- ARGV0 ARGS...": o->kernel_options as written, every other word
 * encoded. *out is malloc'd. 0, or -1 with err (out of memory). */
int run_cmdline_build(const struct run_options *o, char **out, struct rw_error *err);

/* The options alone, "OPTIONS [stats] [trace] [verbose] [cwd=DIR]
 * [exe=PATH]" with a blank after each: what the hosted platform takes from
 * REWIRE_KERNEL. */
void run_cmdline_options(FILE *f, const struct run_options *o);

/* Writes word percent-encoded: bytes outside [A-Za-z0-9._~/:,+=@-] as
 * %XX, the empty word as "%". */
void run_cmdline_encode(FILE *f, const char *word);

#endif
