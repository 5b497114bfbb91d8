/* The Go binary model: version, module, functions and inline sites of a Go ELF. */
#ifndef REWIRE_GOBIN_H
#define REWIRE_GOBIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "elf_image.h"
#include "error.h"
#include "pclntab.h"

/* Where function names and bounds came from. */
enum gobin_symbol_source {
	GOBIN_SYMTAB,	/* .symtab (names carry ".abi0" for assembly functions) */
	GOBIN_PCLNTAB,	/* .gopclntab only (built with -ldflags=-s) */
};

struct gofunc {
	const char *name;	/* as .symtab spells it when present */
	uint64_t entry;
	uint64_t size;		/* code bytes, without the alignment padding after */
	int32_t pcln_index;	/* index in the pclntab function table, -1 if none */
};

/* A place where a function was inlined into another. */
struct inline_site {
	const char *caller;	/* the function the code was inlined into */
	uint64_t pc;		/* address of the inlined call in caller */
	const char *file;	/* source position of the call, NULL if unknown */
	int32_t line;
};

struct gobin;

/* Opens and models a Go binary. Fails with a message naming the file for a
 * non-ELF, non-x86-64, truncated or non-Go file. */
int gobin_open(struct gobin **out, const char *path, struct rw_error *err);
/* The same over a file's bytes already read (malloc'd; taken, freed by
 * gobin_close or on failure); path names it in messages. */
int gobin_open_buffer(struct gobin **out, const char *path, uint8_t *bytes,
		      size_t size, struct rw_error *err);
void gobin_close(struct gobin *bin);

const struct elf_image *gobin_elf(const struct gobin *bin);
const char *gobin_path(const struct gobin *bin);
/* "go1.26.11"; from .go.buildinfo. */
const char *gobin_go_version(const struct gobin *bin);
/* Minor version as a number (26 for go1.26.x), 0 if unknown. */
int gobin_go_minor(const struct gobin *bin);

/* The Go versions rewire knows: what it reads (build information, the
 * pclntab, inline trees, the register ABI) and what the kernel emulates were
 * checked against each of them. */
#define GOBIN_GO_MINOR_MIN 19
#define GOBIN_GO_MINOR_MAX 26

/* 0 when a Go version rewire knows built bin; -1 otherwise (a newer or
 * older one, or one it cannot read, like "devel ..."), with err naming the
 * file, its version and the versions rewire knows. Callers decide whether
 * to refuse (patch and image do, unless forced). */
int gobin_check_go_version(const struct gobin *bin, struct rw_error *err);
/* Main module path ("" when built outside module mode) and the
 * package path of main (path line of the build info). */
const char *gobin_module_path(const struct gobin *bin);
const char *gobin_main_package(const struct gobin *bin);

enum gobin_symbol_source gobin_symbol_source(const struct gobin *bin);
bool gobin_has_dwarf(const struct gobin *bin);

/* Functions sorted by entry address. */
size_t gobin_func_count(const struct gobin *bin);
const struct gofunc *gobin_func(const struct gobin *bin, size_t i);

/* Looks a function up by name. "pkg.F.abi0" and "pkg.F" both find an assembly
 * function whichever source named it. NULL when absent. */
const struct gofunc *gobin_find_func(const struct gobin *bin, const char *name);

/* Whether .symtab names a variable (STT_OBJECT or STT_TLS) called name:
 * false when it does not, or when there is no .symtab to tell. */
bool gobin_is_data_symbol(const struct gobin *bin, const char *name);

/* The function whose [entry, entry+size) holds addr, or NULL. */
const struct gofunc *gobin_func_at(const struct gobin *bin, uint64_t addr);

/* The size in bytes of a function's arguments and results on the stack
 * (the pclntab's args: an assembly function's $FRAME-ARGS), -1 when the
 * pclntab does not say (no record). */
int32_t gobin_func_args(const struct gobin *bin, const struct gofunc *fn);

/* The lowest address above fn's entry where anything starts: a function
 * of the model, of the pclntab (or its end of text), any .symtab symbol,
 * or the end of fn's section; what (len bytes) says which, for messages
 * ("function main.main"). 0 when fn's
 * entry is in no section. The bytes in [entry + size, that address) are
 * the padding after fn, which no one else claims. */
uint64_t gobin_next_start(const struct gobin *bin, const struct gofunc *fn,
			  char *what, size_t len);

/* The pclntab, and fn's record in it: -1 when fn has none (pcln_index -1)
 * or it does not read. */
const struct pclntab *gobin_pclntab(const struct gobin *bin);
int gobin_pcln_record(const struct gobin *bin, const struct gofunc *fn,
		      struct pclntab_func *out);

/* The file bytes of a function's code (size bytes), or NULL. */
const uint8_t *gobin_func_code(const struct gobin *bin, const struct gofunc *fn);

/* Every place where the function called name was inlined into another
 * function, from the pclntab inline trees (so stripped binaries work too).
 * *sites is malloc'd (free it); *count may be 0. */
int gobin_inline_sites(const struct gobin *bin, const char *name,
		       struct inline_site **sites, size_t *count,
		       struct rw_error *err);

/* Source position of pc from the pclntab, 0 if unknown. */
int gobin_pc_line(const struct gobin *bin, uint64_t pc, const char **file,
		  int32_t *line);

#endif
