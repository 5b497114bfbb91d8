/* The Go binary model: opens a Go ELF and indexes its build info, functions and pclntab.
 *
 * Stages of gobin_open: ELF image -> build info -> pclntab (section, or found
 * by its magic) -> moduledata (for the text start and go:func.*) ->
 * function list (.symtab when present, else pclntab) -> name index. */
#include "gobin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buildinfo.h"
#include "pclntab.h"
#include "symtab.h"

/* Offsets in runtime.moduledata (runtime/symtab.go): six slices after the
 * pcHeader pointer, then findfunctab, minpc, maxpc, text. Go 1.20 added
 * covctrs/ecovctrs before end, which moves gofunc. */
#define MODULEDATA_FUNCNAMETAB 8
#define MODULEDATA_PCTAB 80
#define MODULEDATA_TEXT 176
#define MODULEDATA_GOFUNC_GO118 304
#define MODULEDATA_GOFUNC_GO120 320
#define MODULEDATA_SIZE 328

struct gobin {
	struct elf_image img;
	struct buildinfo info;
	struct pclntab tab;
	uint64_t text_start;
	uint64_t gofunc;	/* address of go:func.*, 0 when unknown */
	uint64_t moduledata;	/* address of runtime.firstmoduledata, 0 when unknown */
	enum gobin_symbol_source source;
	bool has_dwarf;
	struct gofunc *funcs;	/* by entry */
	size_t nfuncs;
	uint32_t *by_name;	/* indices into funcs, by name then entry */
};

static uint64_t read_u64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* The pclntab by section (PIE builds name it .data.rel.ro.gopclntab), or
 * when the section headers do not name it, by its header's magic at an
 * 8-byte boundary of a data segment (PIE's is writable until relocated). */
static int gobin_load_pclntab(struct gobin *bin, struct rw_error *err)
{
	const struct elf_image *img = &bin->img;
	const struct elf_section *sec = elf_image_section(img, ".gopclntab");
	size_t i;

	if (!sec)
		sec = elf_image_section(img, ".data.rel.ro.gopclntab");

	if (sec) {
		const uint8_t *p = elf_image_section_bytes(img, sec);

		if (!p)
			return rw_fail(err, "%s: section .gopclntab has no file bytes",
				       img->path);
		return pclntab_parse(&bin->tab, img->path, p, sec->size,
				     sec->addr, sec->offset, err);
	}
	for (i = 0; i < img->nsegments; i++) {
		const GElf_Phdr *ph = &img->segments[i];
		uint64_t off;

		if (ph->p_type != PT_LOAD || (ph->p_flags & PF_X))
			continue;
		for (off = (8 - ph->p_vaddr % 8) % 8; off + 8 <= ph->p_filesz; off += 8) {
			const uint8_t *p = img->bytes + ph->p_offset + off;

			if (!pclntab_header_matches(p, ph->p_filesz - off))
				continue;
			if (pclntab_parse(&bin->tab, img->path, p,
					  ph->p_filesz - off, ph->p_vaddr + off,
					  ph->p_offset + off, NULL) == 0)
				return 0;
		}
	}
	return rw_fail(err, "%s: not a Go binary (no .gopclntab section and no pclntab header in a data segment)",
		       img->path);
}

/* runtime.firstmoduledata is the word in a writable segment that points to
 * the pclntab header, followed by slices pointing into the same table. */
static void gobin_find_moduledata(struct gobin *bin)
{
	const struct elf_image *img = &bin->img;
	const struct pclntab *t = &bin->tab;
	size_t i;

	for (i = 0; i < img->nsegments; i++) {
		const GElf_Phdr *ph = &img->segments[i];
		uint64_t off;

		if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_W))
			continue;
		for (off = (8 - ph->p_vaddr % 8) % 8;
		     off + MODULEDATA_SIZE <= ph->p_filesz; off += 8) {
			const uint8_t *p = img->bytes + ph->p_offset + off;

			if (read_u64(p) != t->addr ||
			    read_u64(p + MODULEDATA_FUNCNAMETAB) != t->addr + t->funcname.off ||
			    read_u64(p + MODULEDATA_PCTAB) != t->addr + t->pc.off)
				continue;
			bin->moduledata = ph->p_vaddr + off;
			bin->text_start = read_u64(p + MODULEDATA_TEXT);
			bin->gofunc = read_u64(p + (t->magic == PCLNTAB_MAGIC_GO118 ?
						    MODULEDATA_GOFUNC_GO118 :
						    MODULEDATA_GOFUNC_GO120));
			return;
		}
	}
}

static void gobin_find_text_start(struct gobin *bin)
{
	const struct elf_section *text = elf_image_section(&bin->img, ".text");
	uint64_t sym;

	gobin_find_moduledata(bin);
	/* go:func.* by name when there are symbols; moduledata otherwise. */
	sym = symtab_lookup(&bin->img, bin->tab.magic == PCLNTAB_MAGIC_GO118 ?
			    "go.func.*" : "go:func.*");
	if (sym)
		bin->gofunc = sym;
	if (bin->text_start)
		return;
	/* Go 1.26 no longer stores textStart in the header. */
	if (bin->tab.text_start)
		bin->text_start = bin->tab.text_start;
	else if (text)
		bin->text_start = text->addr;
}

/* A function's code size from the pclntab: the pcsp table covers exactly
 * the function's instructions, not the INT3 padding up to the next one. */
static uint64_t gobin_pcln_size(const struct gobin *bin,
				const struct pclntab_func *f, uint64_t next_entry_off)
{
	int64_t span = pclntab_table_span(&bin->tab, f->pcsp);
	uint64_t gap = next_entry_off - f->entry_off;

	/* Only the linker's one-byte markers (go:textfipsstart and
	 * go:textfipsend, Go 1.24+) have no pcsp table. */
	if (!f->pcsp)
		return gap < 1 ? gap : 1;
	if (span <= 0 || (uint64_t)span > gap)
		return gap;
	return (uint64_t)span;
}

static int gobin_funcs_from_pclntab(struct gobin *bin, struct rw_error *err)
{
	const struct pclntab *t = &bin->tab;
	struct pclntab_func f, next;
	uint32_t i;

	bin->funcs = calloc(t->nfunc, sizeof(*bin->funcs));
	if (!bin->funcs)
		return rw_fail(err, "%s: out of memory for %u functions", bin->img.path, t->nfunc);
	if (pclntab_func_read(t, 0, &f, err) < 0)
		return -1;
	for (i = 0; i < t->nfunc; i++) {
		struct gofunc *g = &bin->funcs[i];

		if (pclntab_func_read(t, i + 1, &next, err) < 0)
			return -1;
		if (next.entry_off < f.entry_off)
			return rw_fail(err, "%s: corrupt .gopclntab: function %u's entry 0x%x is below function %u's 0x%x",
				       bin->img.path, i + 1, next.entry_off, i, f.entry_off);
		g->name = pclntab_name(t, f.name_off);
		if (!g->name)
			return rw_fail(err, "%s: corrupt .gopclntab: function %u's name offset 0x%x is outside funcnametab",
				       bin->img.path, i, f.name_off);
		g->entry = bin->text_start + f.entry_off;
		g->size = gobin_pcln_size(bin, &f, next.entry_off);
		g->pcln_index = (int32_t)i;
		f = next;
	}
	bin->nfuncs = t->nfunc;
	return 0;
}

/* Index of the pclntab function whose entry is addr, -1 if none. */
static int32_t gobin_pcln_lookup(const struct gobin *bin, uint64_t addr, bool exact)
{
	const struct pclntab *t = &bin->tab;
	const uint8_t *tab = t->data + t->func.off;
	uint32_t lo = 0, hi = t->nfunc;
	uint64_t off;

	if (addr < bin->text_start || addr - bin->text_start > UINT32_MAX)
		return -1;
	off = addr - bin->text_start;
	/* Last function whose entry is <= off. */
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		uint32_t e;

		memcpy(&e, tab + 8 * (uint64_t)mid, 4);
		if (e <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return -1;
	if (exact) {
		uint32_t e;

		memcpy(&e, tab + 8 * (uint64_t)(lo - 1), 4);
		if (e != off)
			return -1;
	} else {
		uint32_t end;

		memcpy(&end, tab + 8 * (uint64_t)t->nfunc, 4);
		if (off >= end)
			return -1;
	}
	return (int32_t)(lo - 1);
}

static int gobin_funcs_from_symtab(struct gobin *bin, struct symtab_func *syms,
				   size_t n, struct rw_error *err)
{
	size_t i;

	bin->funcs = calloc(n ? n : 1, sizeof(*bin->funcs));
	if (!bin->funcs)
		return rw_fail(err, "%s: out of memory for %zu functions", bin->img.path, n);
	for (i = 0; i < n; i++) {
		bin->funcs[i].name = syms[i].name;
		bin->funcs[i].entry = syms[i].addr;
		bin->funcs[i].size = syms[i].size;
		bin->funcs[i].pcln_index = gobin_pcln_lookup(bin, syms[i].addr, true);
	}
	bin->nfuncs = n;
	return 0;
}

/* Name comparison that ignores a trailing ".abi0", so that both spellings
 * of an assembly function sort together. */
static size_t base_len(const char *name)
{
	size_t n = strlen(name);

	if (n > 5 && memcmp(name + n - 5, ".abi0", 5) == 0)
		return n - 5;
	return n;
}

static int compare_base(const char *a, size_t alen, const char *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);

	if (c)
		return c;
	return alen < blen ? -1 : alen > blen;
}

static int compare_by_name(const void *a, const void *b, void *ctx)
{
	const struct gobin *bin = ctx;
	const struct gofunc *x = &bin->funcs[*(const uint32_t *)a];
	const struct gofunc *y = &bin->funcs[*(const uint32_t *)b];
	int c = compare_base(x->name, base_len(x->name), y->name, base_len(y->name));

	if (c)
		return c;
	return x->entry < y->entry ? -1 : x->entry > y->entry;
}

static int gobin_index_names(struct gobin *bin, struct rw_error *err)
{
	size_t i;

	bin->by_name = malloc((bin->nfuncs ? bin->nfuncs : 1) * sizeof(*bin->by_name));
	if (!bin->by_name)
		return rw_fail(err, "%s: out of memory", bin->img.path);
	for (i = 0; i < bin->nfuncs; i++)
		bin->by_name[i] = (uint32_t)i;
	qsort_r(bin->by_name, bin->nfuncs, sizeof(*bin->by_name),
		compare_by_name, bin);
	return 0;
}

/* Models the Go binary in bin->img, read already; closes bin on failure. */
static int gobin_model(struct gobin **out, struct gobin *bin, const char *path,
		       struct rw_error *err)
{
	struct symtab_func *syms = NULL;
	size_t nsyms = 0;

	if (buildinfo_read(&bin->img, &bin->info, err) < 0 ||
	    gobin_load_pclntab(bin, err) < 0)
		goto fail;
	gobin_find_text_start(bin);
	if (!bin->text_start) {
		rw_fail(err, "%s: cannot locate the start of text (no runtime.firstmoduledata, no .text section)",
			path);
		goto fail;
	}
	bin->has_dwarf = elf_image_section(&bin->img, ".debug_info") ||
			 elf_image_section(&bin->img, ".zdebug_info");
	if (symtab_read_funcs(&bin->img, &syms, &nsyms, err) < 0)
		goto fail;
	if (nsyms) {
		bin->source = GOBIN_SYMTAB;
		if (gobin_funcs_from_symtab(bin, syms, nsyms, err) < 0)
			goto fail;
	} else {
		bin->source = GOBIN_PCLNTAB;
		if (gobin_funcs_from_pclntab(bin, err) < 0)
			goto fail;
	}
	free(syms);
	syms = NULL;
	if (gobin_index_names(bin, err) < 0)
		goto fail;
	*out = bin;
	return 0;
fail:
	free(syms);
	gobin_close(bin);
	return -1;
}

int gobin_open(struct gobin **out, const char *path, struct rw_error *err)
{
	struct gobin *bin;

	*out = NULL;
	bin = calloc(1, sizeof(*bin));
	if (!bin)
		return rw_fail(err, "%s: out of memory", path);
	if (elf_image_open(&bin->img, path, err) < 0) {
		free(bin);
		return -1;
	}
	return gobin_model(out, bin, path, err);
}

int gobin_open_buffer(struct gobin **out, const char *path, uint8_t *bytes,
		      size_t size, struct rw_error *err)
{
	struct gobin *bin;

	*out = NULL;
	bin = calloc(1, sizeof(*bin));
	if (!bin) {
		free(bytes);
		return rw_fail(err, "%s: out of memory", path);
	}
	if (elf_image_from_buffer(&bin->img, path, bytes, size, err) < 0) {
		free(bin);
		return -1;
	}
	return gobin_model(out, bin, path, err);
}

void gobin_close(struct gobin *bin)
{
	if (!bin)
		return;
	free(bin->funcs);
	free(bin->by_name);
	buildinfo_free(&bin->info);
	elf_image_close(&bin->img);
	free(bin);
}

const struct elf_image *gobin_elf(const struct gobin *bin)
{
	return &bin->img;
}

const char *gobin_path(const struct gobin *bin)
{
	return bin->img.path;
}

const char *gobin_go_version(const struct gobin *bin)
{
	return bin->info.go_version;
}

int gobin_go_minor(const struct gobin *bin)
{
	return bin->info.go_minor;
}

int gobin_check_go_version(const struct gobin *bin, struct rw_error *err)
{
	int minor = bin->info.go_minor;

	if (minor >= GOBIN_GO_MINOR_MIN && minor <= GOBIN_GO_MINOR_MAX)
		return 0;
	return rw_fail(err, "%s was built by %s, outside Go 1.%d-1.%d, the versions rewire knows: what it reads of the binary may have changed",
		       bin->img.path, bin->info.go_version, GOBIN_GO_MINOR_MIN,
		       GOBIN_GO_MINOR_MAX);
}

const char *gobin_module_path(const struct gobin *bin)
{
	return bin->info.module_path;
}

const char *gobin_main_package(const struct gobin *bin)
{
	return bin->info.main_package;
}

enum gobin_symbol_source gobin_symbol_source(const struct gobin *bin)
{
	return bin->source;
}

bool gobin_has_dwarf(const struct gobin *bin)
{
	return bin->has_dwarf;
}

size_t gobin_func_count(const struct gobin *bin)
{
	return bin->nfuncs;
}

const struct gofunc *gobin_func(const struct gobin *bin, size_t i)
{
	return i < bin->nfuncs ? &bin->funcs[i] : NULL;
}

static bool has_abi0(const char *name)
{
	return base_len(name) != strlen(name);
}

/* Traits of a pclntab function that tell an ABI wrapper from its body: the
 * compiler-made wrapper's code is attributed to "<autogenerated>", and an
 * assembly body carries the FuncFlagAsm flag. */
static void gobin_pcln_traits(const struct gobin *bin, const struct gofunc *fn,
			      bool *is_wrapper, bool *is_asm)
{
	struct pclntab_func f;
	const char *file;

	*is_wrapper = false;
	*is_asm = false;
	if (fn->pcln_index < 0 ||
	    pclntab_func_read(&bin->tab, (uint32_t)fn->pcln_index, &f, NULL) < 0)
		return;
	*is_asm = (f.flag & PCLNTAB_FLAG_ASM) != 0;
	file = pclntab_file(&bin->tab, &f, pclntab_value_at(&bin->tab, f.pcfile, 0));
	*is_wrapper = file && strcmp(file, "<autogenerated>") == 0;
}

int32_t gobin_func_args(const struct gobin *bin, const struct gofunc *fn)
{
	struct pclntab_func f;

	if (fn->pcln_index < 0 ||
	    pclntab_func_read(&bin->tab, (uint32_t)fn->pcln_index, &f, NULL) < 0)
		return -1;
	return f.args;
}

/* Name lookup. An exact .symtab spelling wins. Otherwise the functions whose names
 * match modulo ".abi0" are candidates. In a stripped binary an ABI wrapper
 * and the function it wraps share one name; the pair is a Go body
 * (ABIInternal) with an ABI0 wrapper for assembly callers, or an assembly
 * body (ABI0) with an ABIInternal wrapper for Go callers. A query ending in
 * ".abi0" gets the ABI0 one of the pair, a plain query the other, as
 * .symtab would have spelled them. Remaining ties go to the lowest address. */
const struct gofunc *gobin_find_func(const struct gobin *bin, const char *name)
{
	size_t qlen = base_len(name), lo = 0, hi = bin->nfuncs, i, first;
	bool want_abi0 = has_abi0(name), body_asm = false;
	const struct gofunc *fallback = NULL;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *n = bin->funcs[bin->by_name[mid]].name;

		if (compare_base(n, base_len(n), name, qlen) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	first = lo;
	for (i = first; i < bin->nfuncs; i++) {
		const struct gofunc *fn = &bin->funcs[bin->by_name[i]];
		bool wrapper, asm_body;

		if (compare_base(fn->name, base_len(fn->name), name, qlen) != 0)
			break;
		/* Only .symtab spellings tell the pair apart by name. */
		if (bin->source == GOBIN_SYMTAB && strcmp(fn->name, name) == 0)
			return fn;
		if (!fallback)
			fallback = fn;
		gobin_pcln_traits(bin, fn, &wrapper, &asm_body);
		if (!wrapper && asm_body)
			body_asm = true;
	}
	if (bin->source != GOBIN_PCLNTAB || i - first < 2)
		return fallback;
	for (i = first; i < bin->nfuncs; i++) {
		const struct gofunc *fn = &bin->funcs[bin->by_name[i]];
		bool wrapper, asm_body, abi0;

		if (compare_base(fn->name, base_len(fn->name), name, qlen) != 0)
			break;
		gobin_pcln_traits(bin, fn, &wrapper, &asm_body);
		abi0 = wrapper ? !body_asm : asm_body;
		if (abi0 == want_abi0)
			return fn;
	}
	return fallback;
}

bool gobin_is_data_symbol(const struct gobin *bin, const char *name)
{
	int type = symtab_lookup_type(&bin->img, name);

	return type == STT_OBJECT || type == STT_TLS;
}

const struct gofunc *gobin_func_at(const struct gobin *bin, uint64_t addr)
{
	size_t lo = 0, hi = bin->nfuncs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (bin->funcs[mid].entry <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	if (addr - bin->funcs[lo - 1].entry >= bin->funcs[lo - 1].size)
		return NULL;
	return &bin->funcs[lo - 1];
}

uint64_t gobin_next_start(const struct gobin *bin, const struct gofunc *fn,
			  char *what, size_t len)
{
	const struct elf_section *sec = NULL;
	struct pclntab_func f;
	const char *sym;
	uint64_t next, at;
	size_t lo = 0, hi = bin->nfuncs, i;

	for (i = 1; i < bin->img.nsections && !sec; i++) {
		const struct elf_section *s = &bin->img.sections[i];

		if ((s->flags & SHF_ALLOC) && s->type != SHT_NOBITS &&
		    fn->entry >= s->addr && fn->entry - s->addr < s->size)
			sec = s;
	}
	if (!sec)
		return 0;
	next = sec->addr + sec->size;
	snprintf(what, len, "the end of section %s", sec->name);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (bin->funcs[mid].entry <= fn->entry)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < bin->nfuncs && bin->funcs[lo].entry < next) {
		next = bin->funcs[lo].entry;
		snprintf(what, len, "function %s", bin->funcs[lo].name);
	}
	/* A .symtab model leaves out what the pclntab alone knows. */
	if (fn->pcln_index >= 0 &&
	    pclntab_func_read(&bin->tab, (uint32_t)fn->pcln_index + 1, &f, NULL) == 0 &&
	    bin->text_start + f.entry_off > fn->entry &&
	    bin->text_start + f.entry_off < next) {
		next = bin->text_start + f.entry_off;
		snprintf(what, len, "%s", (uint32_t)fn->pcln_index + 1 == bin->tab.nfunc ?
			 "the end of the pclntab's text" : "a function of the pclntab");
	}
	at = symtab_next_symbol(&bin->img, fn->entry, next, &sym);
	if (at) {
		next = at;
		snprintf(what, len, "symbol %s", sym);
	}
	return next;
}

const struct pclntab *gobin_pclntab(const struct gobin *bin)
{
	return &bin->tab;
}

int gobin_pcln_record(const struct gobin *bin, const struct gofunc *fn,
		      struct pclntab_func *out)
{
	if (fn->pcln_index < 0 ||
	    pclntab_func_read(&bin->tab, (uint32_t)fn->pcln_index, out, NULL) < 0)
		return -1;
	return 0;
}

const uint8_t *gobin_func_code(const struct gobin *bin, const struct gofunc *fn)
{
	return elf_image_vaddr_bytes(&bin->img, fn->entry, fn->size);
}

int gobin_pc_line(const struct gobin *bin, uint64_t pc, const char **file,
		  int32_t *line)
{
	int32_t i = gobin_pcln_lookup(bin, pc, false);
	struct pclntab_func f;
	int32_t fileno;
	uint64_t off;

	*file = NULL;
	*line = 0;
	if (i < 0 || pclntab_func_read(&bin->tab, (uint32_t)i, &f, NULL) < 0)
		return 0;
	off = pc - bin->text_start - f.entry_off;
	fileno = pclntab_value_at(&bin->tab, f.pcfile, off);
	*file = pclntab_file(&bin->tab, &f, fileno);
	*line = pclntab_value_at(&bin->tab, f.pcln, off);
	if (!*file || *line < 0) {
		*file = NULL;
		*line = 0;
		return 0;
	}
	return 1;
}

/* Name of the function at pclntab index i as the model spells it. */
static const char *gobin_pcln_name(const struct gobin *bin, const struct pclntab_func *f)
{
	const struct gofunc *fn = gobin_func_at(bin, bin->text_start + f->entry_off);

	if (fn && fn->entry == bin->text_start + f->entry_off)
		return fn->name;
	return pclntab_name(&bin->tab, f->name_off);
}

static int add_site(struct inline_site **sites, size_t *count, size_t *cap,
		    const struct inline_site *s)
{
	if (*count == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		struct inline_site *n = realloc(*sites, ncap * sizeof(*n));

		if (!n)
			return -1;
		*sites = n;
		*cap = ncap;
	}
	(*sites)[(*count)++] = *s;
	return 0;
}

static int compare_site(const void *a, const void *b)
{
	const struct inline_site *x = a, *y = b;

	return x->pc < y->pc ? -1 : x->pc > y->pc;
}

/* The inline tree of one function: its entries are indexed by the values
 * of the PCDATA_InlTreeIndex table, so the largest value bounds it. */
static int gobin_func_inlines(const struct gobin *bin, const struct pclntab_func *f,
			      const char *base, size_t blen,
			      struct inline_site **sites, size_t *count,
			      size_t *cap, struct rw_error *err)
{
	const struct pclntab *t = &bin->tab;
	uint32_t tree = pclntab_funcdata(t, f, FUNCDATA_INLTREE);
	uint32_t idx = pclntab_pcdata(t, f, PCDATA_INLTREEINDEX);
	uint32_t esize = pclntab_inline_size(t);
	const uint8_t *p = pclntab_pctab(t, idx);
	struct pcvalue_iter it;
	int32_t max = -1, ix;

	if (tree == UINT32_MAX || !p)
		return 0;
	pcvalue_start(&it, p, t->data + t->pc.off + t->pc.len, 0);
	while (pcvalue_next(&it))
		if (it.value > max)
			max = it.value;
	if (it.corrupt)
		return rw_fail(err, "%s: corrupt .gopclntab: the inline index table of %s (pctab offset 0x%x) runs past the table",
			       bin->img.path, pclntab_name(t, f->name_off), idx);
	if (max < 0)
		return 0;
	if (!bin->gofunc)
		return rw_fail(err, "%s: cannot read inline trees: go:func.* not found (no symbol, no runtime.firstmoduledata)",
			       bin->img.path);
	for (ix = 0; ix <= max; ix++) {
		uint64_t addr = bin->gofunc + tree + (uint64_t)ix * esize;
		const uint8_t *raw = elf_image_vaddr_bytes(&bin->img, addr, esize);
		struct pclntab_inline in;
		struct inline_site s;
		const char *callee;

		if (!raw)
			return rw_fail(err, "%s: corrupt inline tree of %s: entry %d at 0x%llx is outside the file",
				       bin->img.path, pclntab_name(t, f->name_off), ix,
				       (unsigned long long)addr);
		pclntab_inline_decode(t, raw, &in);
		callee = pclntab_name(t, in.name_off);
		if (!callee)
			return rw_fail(err, "%s: corrupt inline tree of %s: entry %d at 0x%llx names offset 0x%x, outside funcnametab",
				       bin->img.path, pclntab_name(t, f->name_off), ix,
				       (unsigned long long)addr, in.name_off);
		if (strlen(callee) != blen || memcmp(callee, base, blen) != 0)
			continue;
		s.caller = gobin_pcln_name(bin, f);
		s.pc = bin->text_start + f->entry_off + (uint64_t)(uint32_t)in.parent_pc;
		gobin_pc_line(bin, s.pc, &s.file, &s.line);
		if (add_site(sites, count, cap, &s) < 0)
			return rw_fail(err, "%s: out of memory", bin->img.path);
	}
	return 0;
}

int gobin_inline_sites(const struct gobin *bin, const char *name,
		       struct inline_site **sites, size_t *count,
		       struct rw_error *err)
{
	size_t cap = 0, blen = base_len(name);
	uint32_t i;

	*sites = NULL;
	*count = 0;
	for (i = 0; i < bin->tab.nfunc; i++) {
		struct pclntab_func f;

		if (pclntab_func_read(&bin->tab, i, &f, err) < 0 ||
		    gobin_func_inlines(bin, &f, name, blen, sites, count, &cap, err) < 0) {
			free(*sites);
			*sites = NULL;
			*count = 0;
			return -1;
		}
	}
	if (*count)
		qsort(*sites, *count, sizeof(**sites), compare_site);
	return 0;
}
