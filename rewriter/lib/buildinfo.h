/* The build information blob of a Go binary: Go version, main package, main module. */
#ifndef REWIRE_BUILDINFO_H
#define REWIRE_BUILDINFO_H

#include <stddef.h>

#include "elf_image.h"
#include "error.h"

struct buildinfo {
	char *go_version;	/* "go1.26.1" */
	char *main_package;	/* "path" line: "example.com/hello" or "command-line-arguments" */
	char *module_path;	/* "mod" line's path; "" without module mode */
	int go_minor;		/* 26 for go1.26.x, 0 if the version is not go1.N */
};

/* Finds the blob in .go.buildinfo, or by its magic ("\xff Go buildinf:") at
 * a 16-byte boundary of a writable segment when the section is missing, and
 * decodes both the Go 1.18+ inline format and the older pointer one.
 * Fails with "PATH: not a Go binary (no .go.buildinfo)" when there is none. */
int buildinfo_read(const struct elf_image *img, struct buildinfo *bi,
		   struct rw_error *err);

/* Takes the "path" and "mod" lines out of a module info string (with or
 * without its 16-byte sentinels). Returns -1 only when out of memory. */
int buildinfo_parse_modinfo(struct buildinfo *bi, const char *mod, size_t len);

void buildinfo_free(struct buildinfo *bi);

#endif
