/* Names for code addresses of a kernel image, as its crash dumps name
 * them: the function table `rewire image` writes (ksyms.h), which holds Go's
 * functions (even of a stripped binary) and the kernel's; else .symtab. */
#ifndef REWIRE_IMAGE_SYMBOLS_H
#define REWIRE_IMAGE_SYMBOLS_H

#include <stdint.h>

#include "error.h"

struct image_symbols;

/* Reads the functions of the ELF at path. An image with neither table is
 * no error: every lookup then finds nothing. 0, or -1 with err. */
int image_symbols_open(const char *path, struct image_symbols **out,
		       struct rw_error *err);

/* The function holding addr, and addr's *offset from its start; NULL when
 * none does (past a function's known size counts as none). */
const char *image_symbols_name(const struct image_symbols *s, uint64_t addr,
			       uint64_t *offset);

void image_symbols_close(struct image_symbols *s);

#endif
