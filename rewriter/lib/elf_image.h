/* A whole ELF file read into memory and indexed with libelf. */
#ifndef REWIRE_ELF_IMAGE_H
#define REWIRE_ELF_IMAGE_H

#include <gelf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct elf_section {
	const char *name;	/* "" when the name cannot be read */
	uint32_t index;
	uint32_t type;		/* SHT_* */
	uint64_t flags;		/* SHF_* */
	uint64_t addr;
	uint64_t offset;
	uint64_t size;		/* as in the header (compressed size if SHF_COMPRESSED) */
	uint32_t link;
	uint64_t entsize;
};

struct elf_image {
	char *path;
	uint8_t *bytes;		/* the whole file */
	size_t size;
	Elf *elf;		/* libelf view over bytes */
	GElf_Ehdr ehdr;
	struct elf_section *sections;
	size_t nsections;
	GElf_Phdr *segments;
	size_t nsegments;
};

/* Reads path and checks it is a well-formed 64-bit x86-64 ELF executable whose
 * headers, sections and segments all lie inside the file. On failure the
 * message names the file and what is wrong; img is left empty. */
int elf_image_open(struct elf_image *img, const char *path, struct rw_error *err);

/* Same over a buffer the image takes ownership of (freed by close). */
int elf_image_from_buffer(struct elf_image *img, const char *path,
			  uint8_t *bytes, size_t size, struct rw_error *err);

void elf_image_close(struct elf_image *img);

/* The first section of that name, or NULL. */
const struct elf_section *elf_image_section(const struct elf_image *img,
					    const char *name);

/* The file bytes of a section, or NULL for SHT_NOBITS and compressed ones. */
const uint8_t *elf_image_section_bytes(const struct elf_image *img,
				       const struct elf_section *sec);

/* The file offset holding virtual address addr and the len bytes after it,
 * all inside one PT_LOAD's file image; -1 if there is none. */
int64_t elf_image_vaddr_offset(const struct elf_image *img, uint64_t addr,
			       uint64_t len);

/* Pointer form of elf_image_vaddr_offset, or NULL. */
const uint8_t *elf_image_vaddr_bytes(const struct elf_image *img,
				     uint64_t addr, uint64_t len);

/* Whether the file has a PT_INTERP (dynamically linked) or is ET_DYN (PIE). */
bool elf_image_is_dynamic(const struct elf_image *img);

#endif
