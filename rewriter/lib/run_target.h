/* What rewire run boots: an image as it is (a PVH-bootable one, or a hosted
 * one, a Linux executable), or a static Go binary imaged on the fly into a
 * file that never outlives the run. */
#ifndef REWIRE_RUN_TARGET_H
#define REWIRE_RUN_TARGET_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"

/* What a file given to rewire run is. */
enum run_kind {
	RUN_KIND_PVH,		/* a PVH-bootable image: rewire's kvm ones, any PVH kernel */
	RUN_KIND_HOSTED,	/* an image of rewire's hosted platform */
	RUN_KIND_GO,		/* a Go binary without a kernel */
};

struct run_target {
	enum run_kind kind;	/* PVH or HOSTED once open */
	int fd;			/* the image, read-only, close-on-exec: a
				 * platform boots it as /dev/fd/N */
	const char *name;	/* the path the user gave */
	bool made;		/* imaged here from a Go binary (the file is
				 * already unlinked: fd is all there is) */
	uint64_t entry;		/* the PVH entry point (XEN_ELFNOTE_PHYS32_ENTRY) */
	uint64_t load_end;	/* the highest physical address a PT_LOAD
				 * segment ends at: RAM must reach it */
	bool kernel_runtime;	/* its kernel is rewire's kernel runtime
				 * (rewire image's, or made here): it
				 * takes a file system archive and cwd= */
};

/* What path is, without imaging it: 0 with *kind and *kernel_runtime
 * (whether rewire's kernel runtime will run it: an image rewire image made,
 * whose record says so, or a Go binary; not any other PVH kernel; may be
 * NULL), or -1 with err naming the file and why it is none of them. */
int run_target_kind(const char *path, enum run_kind *kind, bool *kernel_runtime,
		    struct rw_error *err);

/*
 * Opens path for booting: an image (an ELF with a PVH entry note, or a
 * hosted image) as it is; a Go binary without a kernel goes through
 * image_make for the platform image_platform ("kvm" or "hosted"), in trap
 * mode or, with redirect, redirect mode (kernel_dir: NULL for the default)
 * into a private temporary directory,
 * which is removed again before this returns: the image lives on in t->fd
 * alone. Anything else is refused, naming the file and why. 0, or -1 with
 * err and *image_fault: true when the fault is the file's (not an image,
 * cannot be imaged), false when the runner's (no kernel build, no
 * temporary directory).
 */
int run_target_open(const char *path, const char *kernel_dir,
		    const char *image_platform, bool redirect, struct run_target *t,
		    bool *image_fault, struct rw_error *err);

void run_target_close(struct run_target *t);

#endif
