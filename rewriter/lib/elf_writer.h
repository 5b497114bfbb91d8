/* Writing a changed copy of an ELF executable: byte patches, new segments, a note. */
#ifndef REWIRE_ELF_WRITER_H
#define REWIRE_ELF_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "elf_image.h"
#include "error.h"
#include "output.h"

/* Bytes to overwrite in the loaded image, at a virtual address. */
struct byte_patch {
	uint64_t addr;
	const uint8_t *bytes;
	size_t len;
};

/* A new PT_LOAD segment holding one new section. */
struct new_segment {
	const char *section_name;	/* e.g. ".rewire.text" */
	uint32_t flags;			/* PF_R | PF_X ... */
	uint64_t addr;			/* page-aligned; from elf_writer_next_vaddr */
	const uint8_t *bytes;
	size_t size;
	size_t memsz;			/* > size: zero-filled tail (bss); 0 = size */
};

/* A symbol to add to .symtab (for debuggers and crash reports): a global
 * function or object at an address inside one of the new segments. */
struct new_symbol {
	const char *name;
	uint64_t addr;
	uint64_t size;
	int is_func;
};

/* A non-allocated SHT_NOTE section with one note. */
struct new_note {
	const char *section_name;	/* e.g. ".note.rewire" */
	const char *owner;		/* note name, e.g. "rewire" */
	uint32_t type;
	const uint8_t *desc;
	size_t desc_len;
};

/* A PT_NOTE program header for notes that lie inside one of the new
 * segments (e.g. a PVH entry note that a loader must find through the
 * program headers): [addr, addr + size) must be inside a segment's file
 * bytes. Its header follows the new PT_LOAD ones. */
struct new_note_segment {
	uint64_t addr;
	uint64_t size;
};

struct elf_changes {
	const struct byte_patch *patches;
	size_t npatches;
	const struct new_segment *segments;
	size_t nsegments;
	const struct new_note *note;	/* NULL for none */
	const struct new_symbol *symbols;	/* need a .symtab in the input */
	size_t nsymbols;
	const struct new_note_segment *note_segments;
	size_t nnote_segments;
	uint64_t entry;		/* a new ELF entry point; 0 keeps the input's */
	/* When set, run on the finished output before it is published, with
	 * its bytes as written (malloc'd: check takes them) and OUT as given
	 * to name them; a failure (-1, err set) publishes nothing. */
	int (*check)(void *ctx, const char *name, uint8_t *bytes, size_t size,
		     struct rw_error *err);
	void *check_ctx;
};

/* The lowest page-aligned address above every PT_LOAD of img: the place
 * for new segments, within rel32 reach of the Go text. */
uint64_t elf_writer_next_vaddr(const struct elf_image *img);

/* Writes img with changes applied to out (checked by output_check): built
 * whole in a temporary file (output_begin), read back for changes->check
 * if any, then published with the input's permission bits
 * (output_commit); on failure nothing is left behind and out is
 * unchanged. Every patch must lie inside a section's file bytes. */
int elf_writer_write(const struct elf_image *img,
		     const struct elf_changes *changes, const struct output *out,
		     struct rw_error *err);

#endif
