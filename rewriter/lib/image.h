/* rewire image: a static Go binary plus the kernel runtime, as one ELF that
 * a kernel platform runs: kvm (PVH-bootable under QEMU) or hosted (a Linux
 * executable). */
#ifndef REWIRE_IMAGE_H
#define REWIRE_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "output.h"

/* The environment variable naming the kernel directory. */
#define IMAGE_KERNEL_DIR_ENV "REWIRE_KERNEL_DIR"

enum image_mode {
	IMAGE_MODE_TRAP,	/* the program's SYSCALLs trap into the kernel */
	IMAGE_MODE_REDIRECT,	/* the runtime's OS leaves jump into the kernel
				 * through its doors (kcore_leaves.h) */
};

/* The platform when none is given. */
#define IMAGE_DEFAULT_PLATFORM "kvm"

struct image_options {
	enum image_mode mode;
	/* The platform: its archive DIR/platform-NAME.a and its layout
	 * DIR/platform-NAME.ld (the platform folder's image.ld) describe it.
	 * NULL: IMAGE_DEFAULT_PLATFORM. */
	const char *platform;
	/* The kernel build: those plus DIR/core/ *.o, what `make` puts in
	 * build/kernel. NULL: image_find_kernel_dir decides. */
	const char *kernel_dir;
	/* Image a binary of a Go version outside GOBIN_GO_MINOR_MIN..MAX;
	 * in redirect mode, write it although trap instructions of Go code
	 * stay reachable (res->cover says which). */
	bool force;
};

/* Redirect mode: the static proof (trap_cover.h) over the image as
 * written, before it is published. */
struct image_cover {
	bool done;			/* the proof ran */
	size_t sites, functions;	/* trap sites of Go code, their functions */
	size_t uncovered, uncovered_functions;
	size_t unknown;			/* ranges of Go code not decoded */
	size_t added_sites, added_functions;	/* in the kernel: not judged */
	size_t added_gaps;		/* kernel code not decoded (stripped) */
	/* Why, per uncovered site and unknown range, one a line; NULL when
	 * none (malloc'd: image_result_free). */
	char *failures;
};

struct image_result {
	char platform[40];	/* the platform imaged for */
	char kernel_dir[4096];	/* the kernel directory used */
	uint64_t go_entry;	/* the Go program's e_entry, where the kernel jumps */
	uint64_t program_ehdr;	/* rewire_program_ehdr */
	uint64_t kernel_base;	/* first address of the kernel */
	uint64_t kernel_end;	/* end of its last segment, page-aligned */
	uint64_t kernel_entry;	/* where the platform starts the kernel
				   (kvm: the PVH note's 32-bit entry) */
	uint64_t image_entry;	/* the image's ELF entry: the Go entry, or
				   the kernel's when the platform says so */
	size_t nsymbols;	/* kernel symbols added to .symtab */
	size_t nksyms;		/* functions in the kernel's own table (ksyms.h) */
	size_t ndoors;		/* redirect mode: leaves made to jump to a door */
	size_t nfast;		/* of them, Go-level fast paths (futexsleep...) */
	/* Fast paths left out, and why ("runtime.x: inlined at ..."; "" if
	 * none): their leaves' doors do the work. */
	char fast_skipped[512];
	struct image_cover cover;
};

/*
 * The kernel directory when none is given: $REWIRE_KERNEL_DIR if set, else
 * relative to the running rewire binary (EXE_DIR = where it lies, symlinks
 * resolved): EXE_DIR/../kernel (build/bin/rewire -> build/kernel), then
 * EXE_DIR/../../build/kernel (a sanitizer build in build-san/), then
 * EXE_DIR/../lib/rewire/kernel (an installed layout). The first that holds
 * the platform's archive (platform-PLATFORM.a) wins. Fills buf; -1 with
 * err listing the places tried.
 */
int image_find_kernel_dir(char *buf, size_t len, const char *platform,
			  struct rw_error *err);

/*
 * Reads the static Go binary in_path (refused: PIE, dynamically linked,
 * not Go, already an image), links the kernel from opts->kernel_dir with
 * the platform's layout at the first page after the Go binary's last
 * segment (linker_link_kernel), and writes out (accepted by output_check;
 * see elf_writer_write): the Go binary unchanged but for the ELF entry (the
 * kernel's, when the layout defines rewire_image_entry), plus the kernel's
 * PT_LOAD segments, a PT_NOTE when the layout makes one (kvm's PVH note),
 * the kernel's symbols in .symtab, a
 * read-only segment with the function table the kernel names crash
 * addresses with (kernel-runtime/include/ksyms.h) and a .note.rewire
 * record "image MODE GO_ENTRY PLATFORM IMAGE_ENTRY KERNEL_BASE". In
 * redirect mode the image written is read back and judged
 * (trap_cover.h) before it is published: a trap instruction of Go code
 * left reachable, or Go code not decoded, refuses it (err names each
 * function and offset; res->cover has every reason) unless opts->force.
 * in_path is not modified. 0 or -1 with err; image_result_free(res)
 * afterwards either way.
 */
int image_make(const char *in_path, const struct output *out,
	       const struct image_options *opts, struct image_result *res,
	       struct rw_error *err);

void image_result_free(struct image_result *res);

#endif
