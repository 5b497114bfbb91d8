/* Reader of Go's .gopclntab (Go 1.18+ layouts): functions, pc-value tables, files, inline trees. */
#ifndef REWIRE_PCLNTAB_H
#define REWIRE_PCLNTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define PCLNTAB_MAGIC_GO118 0xfffffff0u	/* Go 1.18, 1.19 */
#define PCLNTAB_MAGIC_GO120 0xfffffff1u	/* Go 1.20 and later */

/* Indices of the pc-value tables and funcdata the model uses
 * (internal/abi/symtab.go; the same in every supported version). */
#define PCDATA_INLTREEINDEX 2
#define FUNCDATA_INLTREE 3

/* A byte range inside the table, as offset and length from its header. */
struct pclntab_part {
	uint64_t off;
	uint64_t len;
};

/* The table read in place: every pointer aims into the caller's buffer. */
struct pclntab {
	const char *path;	/* for messages only */
	const uint8_t *data;	/* the pcHeader and everything after it */
	uint64_t size;
	uint64_t addr;		/* virtual address of data */
	uint32_t magic;
	uint32_t nfunc;
	uint32_t nfiles;
	uint64_t text_start;	/* pcHeader.textStart; 0 from Go 1.26 on */
	struct pclntab_part funcname, cu, file, pc, func;
};

/* One _func record, decoded. */
struct pclntab_func {
	uint32_t index;		/* in the function table */
	uint32_t entry_off;	/* from the text start */
	int32_t name_off;
	int32_t args;		/* bytes of arguments and results on the stack */
	uint32_t pcsp, pcfile, pcln;
	uint32_t npcdata;
	uint32_t cu_off;
	uint8_t func_id;
	uint8_t flag;		/* abi.FuncFlag: 4 = assembly */
	uint8_t nfuncdata;
	uint64_t off;		/* of the record, from the table's start */
};

#define PCLNTAB_FLAG_ASM 4

/* An entry of a function's inline tree, in either version's layout. */
struct pclntab_inline {
	int32_t name_off;	/* into funcnametab */
	int32_t parent_pc;	/* from the outer function's entry */
};

/* Walks a pc-value table: pairs of zig-zag value deltas and pc deltas,
 * ended by a zero byte (runtime.step). */
struct pcvalue_iter {
	const uint8_t *p, *end;
	uint64_t pc;		/* start of the current range */
	uint64_t next_pc;	/* end of the current range */
	int32_t value;
	bool first;
	bool corrupt;		/* set when the table ran past its bounds */
};

/* Starts at pc with the value -1, as the runtime does. */
void pcvalue_start(struct pcvalue_iter *it, const uint8_t *p,
		   const uint8_t *end, uint64_t pc);
/* Advances to the next range [pc, next_pc) with value. Returns false at the
 * end of the table or when it is corrupt (then it->corrupt is set). */
bool pcvalue_next(struct pcvalue_iter *it);

/* Reads and checks the header of a table of size bytes at vaddr addr. The
 * message names path, the table's file offset and the bad field. */
int pclntab_parse(struct pclntab *t, const char *path, const uint8_t *data,
		  uint64_t size, uint64_t addr, uint64_t file_off,
		  struct rw_error *err);

/* Whether the 8 bytes at p look like a pcHeader of a supported version. */
bool pclntab_header_matches(const uint8_t *p, uint64_t len);

/* Function i of the table (i < nfunc) and the entry offset of its end
 * marker (i == nfunc gives the end of text in entry_off only). */
int pclntab_func_read(const struct pclntab *t, uint32_t i,
		      struct pclntab_func *f, struct rw_error *err);

/* NUL-terminated name at off in funcnametab, NULL if out of bounds. */
const char *pclntab_name(const struct pclntab *t, int64_t off);

/* The start of pc-value table off in pctab, NULL when off is 0 or out of range. */
const uint8_t *pclntab_pctab(const struct pclntab *t, uint32_t off);

/* Offset past the last pc covered by table off: the function's code size
 * when off is its pcsp table. -1 when the table is missing or corrupt. */
int64_t pclntab_table_span(const struct pclntab *t, uint32_t off);

/* Where table off ends, for a caller that lengthens its last range in
 * place: the pc delta closing that range is a varint of delta_len bytes at
 * delta_off (from the table's data, so at vaddr addr + delta_off). */
struct pclntab_table_end {
	uint64_t span;		/* pc offset past the last range */
	int32_t last_value;	/* the value over the last range */
	uint64_t delta_off;
	size_t delta_len;
	uint32_t delta;
};

/* Fills *out for table off; -1 when the table is missing, empty or corrupt. */
int pclntab_table_end(const struct pclntab *t, uint32_t off,
		      struct pclntab_table_end *out);

/* The value of table off at pc offset pc_off from the function entry;
 * -1 also when not covered. */
int32_t pclntab_value_at(const struct pclntab *t, uint32_t off, uint64_t pc_off);

/* Index i of f's pcdata, 0 if absent; funcdata i, UINT32_MAX if absent. */
uint32_t pclntab_pcdata(const struct pclntab *t, const struct pclntab_func *f,
			uint32_t i);
uint32_t pclntab_funcdata(const struct pclntab *t, const struct pclntab_func *f,
			  uint32_t i);

/* File name of per-CU file index fileno in f's compilation unit, or NULL. */
const char *pclntab_file(const struct pclntab *t, const struct pclntab_func *f,
			 int32_t fileno);

/* Size of one inline tree entry in this table's version. */
uint32_t pclntab_inline_size(const struct pclntab *t);
/* Decodes one inline tree entry from its raw bytes (inline_size long). */
void pclntab_inline_decode(const struct pclntab *t, const uint8_t *raw,
			   struct pclntab_inline *in);

#endif
