/* A short conversation with QEMU's QMP monitor (JSON over a socket): the
 * greeting, capabilities negotiation, one human monitor command. What
 * rewire run's watchdog asks a hung VM for its registers with. */
#ifndef REWIRE_QMP_H
#define REWIRE_QMP_H

#include <stdint.h>

#include "error.h"

/*
 * On the connected QMP socket fd, fresh (QEMU has sent its greeting or will
 * send it), runs the human monitor command (e.g. "info registers -a") and
 * returns its text in *text (malloc'd, NUL-terminated, as the monitor
 * prints it: lines end in \r\n). Gives up at deadline_ns (CLOCK_MONOTONIC).
 * 0, or -1 with err saying which step failed.
 */
int qmp_human_command(int fd, const char *command, uint64_t deadline_ns,
		      char **text, struct rw_error *err);

/* Decodes the JSON string literal at s (s[0] is the opening quote) into a
 * malloc'd C string; \u escapes outside ASCII become '?'. NULL when it is
 * not a complete string literal (or out of memory). */
char *qmp_json_string(const char *s);

#endif
