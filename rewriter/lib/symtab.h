/* Function symbols of an ELF .symtab (STT_FUNC with a size, as `nm -S` lists them). */
#ifndef REWIRE_SYMTAB_H
#define REWIRE_SYMTAB_H

#include <stddef.h>
#include <stdint.h>

#include "elf_image.h"
#include "error.h"

struct symtab_func {
	const char *name;	/* points into the image's .strtab */
	uint64_t addr;
	uint64_t size;
};

/* Collects the sized STT_FUNC symbols of .symtab, sorted by address. Zero-size
 * markers (runtime.text, runtime.etext) are left out. *funcs is NULL and
 * *count 0 when the file has no .symtab; malloc'd otherwise. */
int symtab_read_funcs(const struct elf_image *img, struct symtab_func **funcs,
		      size_t *count, struct rw_error *err);

/* The STT_FUNC symbols without a size in executable sections, sorted by
 * address: labels of assembly code that lacks .size directives (rewire
 * image adds an assembly kernel's untyped entry points so). Where such
 * code ends is unknown; messages name it by them. Same ownership as
 * symtab_read_funcs. */
int symtab_read_labels(const struct elf_image *img, struct symtab_func **labels,
		       size_t *count, struct rw_error *err);

/* The lowest address in (after, limit) where a symbol of any type starts,
 * or 0 (none there, or no .symtab); *name says which. Section and file
 * symbols, undefined and absolute ones are left out. */
uint64_t symtab_next_symbol(const struct elf_image *img, uint64_t after,
			    uint64_t limit, const char **name);

/* Value of the first symbol called name (any type), 0 if absent. */
uint64_t symtab_lookup(const struct elf_image *img, const char *name);

/* ELF type (STT_FUNC, STT_OBJECT...) of the first symbol called name, -1
 * when absent or when there is no .symtab. */
int symtab_lookup_type(const struct elf_image *img, const char *name);

#endif
