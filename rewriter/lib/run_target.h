/* What rewire run boots: a PVH-bootable image as it is, or a static Go
 * binary imaged on the fly into a file that never outlives the run. */
#ifndef REWIRE_RUN_TARGET_H
#define REWIRE_RUN_TARGET_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"

struct run_target {
	int fd;			/* the image, read-only, close-on-exec: a
				 * platform boots it as /dev/fd/N */
	const char *name;	/* the path the user gave */
	bool made;		/* imaged here from a Go binary (the file is
				 * already unlinked: fd is all there is) */
	uint64_t entry;		/* the PVH entry point (XEN_ELFNOTE_PHYS32_ENTRY) */
	uint64_t load_end;	/* the highest physical address a PT_LOAD
				 * segment ends at: RAM must reach it */
};

/*
 * Opens path for booting: an ELF with a PVH entry note (a rewire image or
 * any PVH kernel) as it is; a Go binary without one goes through
 * image_make (with kernel_dir, NULL for the default) into a private
 * temporary directory, which is removed again before this returns: the
 * image lives on in t->fd alone. Anything else is refused, naming the
 * file and why. 0, or -1 with err and *image_fault: true when the fault is
 * the file's (not an image, cannot be imaged), false when the runner's
 * (no kernel build, no temporary directory).
 */
int run_target_open(const char *path, const char *kernel_dir, struct run_target *t,
		    bool *image_fault, struct rw_error *err);

void run_target_close(struct run_target *t);

#endif
