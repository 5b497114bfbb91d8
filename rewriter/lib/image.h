/* rewire image: a static Go binary plus the kernel runtime, as one
 * PVH-bootable ELF. */
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
	IMAGE_MODE_TRAP,	/* the program's SYSCALLs enter the kernel via LSTAR */
};

struct image_options {
	enum image_mode mode;
	/* The kernel build: DIR/platform-kvm.a and DIR/core/ *.o, what `make`
	 * puts in build/kernel. NULL: image_find_kernel_dir decides. */
	const char *kernel_dir;
	/* Image a binary of a Go version outside GOBIN_GO_MINOR_MIN..MAX. */
	bool force;
};

struct image_result {
	char kernel_dir[4096];	/* the kernel directory used */
	uint64_t go_entry;	/* the Go program's e_entry, where the kernel jumps */
	uint64_t program_ehdr;	/* rewire_program_ehdr */
	uint64_t kernel_base;	/* first address of the kernel */
	uint64_t kernel_end;	/* end of its last segment, page-aligned */
	uint64_t pvh_entry;	/* the 32-bit entry the PVH note names */
	size_t nsymbols;	/* kernel symbols added to .symtab */
	size_t nksyms;		/* functions in the kernel's own table (ksyms.h) */
};

/*
 * The kernel directory when none is given: $REWIRE_KERNEL_DIR if set, else
 * relative to the running rewire binary (EXE_DIR = where it lies, symlinks
 * resolved): EXE_DIR/../kernel (build/bin/rewire -> build/kernel), then
 * EXE_DIR/../../build/kernel (a sanitizer build in build-san/), then
 * EXE_DIR/../lib/rewire/kernel (an installed layout). The first that holds
 * platform-kvm.a wins. Fills buf; -1 with err listing the places tried.
 */
int image_find_kernel_dir(char *buf, size_t len, struct rw_error *err);

/*
 * Reads the static Go binary in_path (refused: PIE, dynamically linked,
 * not Go, already an image), links the kernel from opts->kernel_dir at the
 * first page after the Go binary's last segment (linker_link_kernel), and
 * writes out (accepted by output_check; see elf_writer_write): the Go binary unchanged plus the kernel's PT_LOAD
 * segments, a PT_NOTE for its PVH note, the kernel's symbols in .symtab, a
 * read-only segment with the function table the kernel names crash
 * addresses with (kernel-runtime/include/ksyms.h) and a .note.rewire
 * record "image". in_path is not modified. 0 or -1 with err.
 */
int image_make(const char *in_path, const struct output *out,
	       const struct image_options *opts, struct image_result *res,
	       struct rw_error *err);

#endif
