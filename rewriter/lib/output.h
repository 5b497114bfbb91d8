/* Where a command's output goes: OUT resolved and checked before any work,
 * then the finished file published in one step. */
#ifndef REWIRE_OUTPUT_H
#define REWIRE_OUTPUT_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#include "error.h"

enum output_kind {
	OUTPUT_NEW,	/* OUT does not exist: made beside, renamed into place */
	OUTPUT_FILE,	/* a regular file: replaced the same way */
	OUTPUT_STREAM,	/* a character device or a FIFO: written through */
};

struct output {
	const char *given;	/* OUT as given, for messages */
	char path[PATH_MAX];	/* what is replaced or written: OUT, or the
				 * file its symbolic links lead to */
	enum output_kind kind;
};

/* output_check's answer when OUT is IN and in_place is false. */
#define OUTPUT_IS_INPUT (-2)

/*
 * Resolves OUT (path) and checks, before any work, that the output can go
 * there; nothing is created.
 *  - missing: its folder must exist and be writable (OUTPUT_NEW);
 *  - a regular file, or a symbolic link (or a chain of them) to one: the
 *    folder holding the file must be writable; the file is replaced, the
 *    links stay (OUTPUT_FILE, path = the file);
 *  - a link to nothing: refused, naming the link and where it leads;
 *  - a character device or a FIFO, OUT itself or through links: must be
 *    writable; the output is written through, the node stays (OUTPUT_STREAM);
 *  - a block device, a folder, a socket: refused.
 * When in_path is not NULL and names the same file as OUT (./IN, a link to
 * it, another hard link), returns OUTPUT_IS_INPUT unless in_place, which
 * asks for exactly that. 0 with out filled; else -1 or OUTPUT_IS_INPUT
 * with err naming OUT and the reason.
 */
int output_check(struct output *out, const char *path, const char *in_path,
		 bool in_place, struct rw_error *err);

/* The file an output is built in. */
struct output_temp {
	int fd;			/* read-write, seekable */
	char path[PATH_MAX];	/* its name; "" when it has none */
};

/*
 * Makes the file to build out's bytes in: for a file, .NAME.rewire-XXXXXX
 * beside it (registered for removal on a signal, cleanup.h); for a stream,
 * a file in $TMPDIR removed at once, so that only its descriptor holds it.
 * 0, or -1 with err.
 */
int output_begin(const struct output *out, struct output_temp *t,
		 struct rw_error *err);

/*
 * Publishes the finished temporary file and closes it. A file gets mode,
 * goes to disk (fsync) and is renamed over out->path. A stream gets a copy
 * of the bytes, opened without O_CREAT or O_TRUNC (a FIFO waits for a
 * reader). On failure the temporary file is gone and err says why.
 */
int output_commit(const struct output *out, struct output_temp *t, mode_t mode,
		  struct rw_error *err);

/* Removes an unfinished temporary file (a failure before output_commit). */
void output_abort(struct output_temp *t);

#endif
