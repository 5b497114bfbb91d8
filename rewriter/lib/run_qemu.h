/* The kvm and tcg platforms' pieces beside run_qemu.c: the kernel's log
 * channel (QEMU's debug console) and the watchdog's register dump. */
#ifndef REWIRE_RUN_QEMU_H
#define REWIRE_RUN_QEMU_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"

/* The record the kvm platform writes on the log channel before it leaves
 * (kernel-runtime/platform/kvm/exit.c): the whole exit status, which the
 * isa-debug-exit device can only carry 7 bits of. */
#define QEMU_EXIT_RECORD "rewire-exit "

/*
 * Copies the kernel's log (the file log_fd, from its start) to to_fd
 * (to_fd < 0: nowhere), leaving out the exit records, and finds the last
 * one: true with *status when there is one. A failing write to to_fd
 * stops the copy, not the search.
 */
bool qemu_log_finish(int log_fd, int to_fd, int *status);

/*
 * The watchdog's dump: every vCPU's registers from QEMU's QMP monitor on
 * qmp_fd ("info registers -a"), vector registers left out, two spaces
 * before each line, then for each RIP a line naming the function it is in
 * from the image at image_path (its ksyms table or .symtab). malloc'd
 * text, or NULL with err when QEMU did not answer by deadline_ns.
 */
char *qemu_dump(int qmp_fd, const char *image_path, uint64_t deadline_ns,
		struct rw_error *err);

#endif
