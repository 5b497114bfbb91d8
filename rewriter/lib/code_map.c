/* The executable code of a binary as decodable units, and what lies between them.
 *
 * Stages of code_map_build: the model's functions -> the trampolines the
 * note records -> sorted, aliases merged -> jumps in functions' padding
 * joined to them -> per executable section, the bytes between units
 * checked for padding. */
#include "code_map.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "disasm.h"
#include "symtab.h"

static bool is_exec_section(const struct elf_section *sec)
{
	return sec->type == SHT_PROGBITS && (sec->flags & SHF_ALLOC) &&
	       (sec->flags & SHF_EXECINSTR);
}

static const struct elf_section *exec_section_at(const struct elf_image *img,
						 uint64_t addr)
{
	for (size_t i = 0; i < img->nsections; i++) {
		const struct elf_section *sec = &img->sections[i];

		if (is_exec_section(sec) && addr >= sec->addr &&
		    addr - sec->addr < sec->size)
			return sec;
	}
	return NULL;
}

static int compare_units(const void *a, const void *b)
{
	const struct code_unit *x = a, *y = b;

	if (x->entry != y->entry)
		return x->entry < y->entry ? -1 : 1;
	return x->size < y->size ? -1 : x->size > y->size;
}

/* The model's functions that lie in an executable section; the rest (a
 * function symbol in data, if any) is no code the CPU runs. */
static int functions_collect(struct code_map *m, const struct gobin *bin,
			     struct rw_error *err)
{
	const struct elf_image *img = gobin_elf(bin);
	size_t n = gobin_func_count(bin);

	/* Room for the trampolines too: at most one per note record. */
	m->units = calloc(n + m->note.nredirects + 1, sizeof(*m->units));
	if (!m->units)
		return rw_fail(err, "%s: out of memory", img->path);
	for (size_t i = 0; i < n; i++) {
		const struct gofunc *f = gobin_func(bin, i);
		const struct elf_section *sec = exec_section_at(img, f->entry);

		if (!sec)
			continue;
		if (f->size > sec->addr + sec->size - f->entry)
			return rw_fail(err, "%s: %s at 0x%" PRIx64 " (%" PRIu64 " bytes) runs past the end of section %s",
				       img->path, f->name, f->entry, f->size, sec->name);
		m->units[m->nunits++] = (struct code_unit){
			f->name, f->entry, f->size,
			f->pcln_index >= 0 ? CODE_ORIGIN_GO : CODE_ORIGIN_ADDED, sec,
		};
	}
	return 0;
}

/* Trampolines are the "original" records' via addresses that no function
 * covers (via is FROM itself when its entry was left alone). Each runs to
 * the next unit or its section's end: the INT3 between trampolines
 * decodes as padding. */
static void trampolines_collect(struct code_map *m, const struct gobin *bin)
{
	const struct elf_image *img = gobin_elf(bin);
	size_t first = m->nunits;

	for (size_t i = 0; i < m->note.nredirects; i++) {
		const struct note_redirect *r = &m->note.redirects[i];
		const struct elf_section *sec = exec_section_at(img, r->via);

		if (strcmp(r->kind, "original") != 0 || r->via == r->from_addr ||
		    !sec || gobin_func_at(bin, r->via))
			continue;
		m->units[m->nunits++] = (struct code_unit){
			r->from, r->via, sec->addr + sec->size - r->via,
			CODE_ORIGIN_TRAMPOLINE, sec,
		};
		m->trampolines++;
	}
	if (first == m->nunits)
		return;
	qsort(m->units, m->nunits, sizeof(*m->units), compare_units);
	for (size_t i = 0; i + 1 < m->nunits; i++) {
		struct code_unit *u = &m->units[i];

		if (u->origin == CODE_ORIGIN_TRAMPOLINE &&
		    u->entry + u->size > m->units[i + 1].entry)
			u->size = m->units[i + 1].entry - u->entry;
	}
}

/* Exact aliases (two names, one function) are decoded once. */
static void aliases_merge(struct code_map *m)
{
	size_t n = 0;

	qsort(m->units, m->nunits, sizeof(*m->units), compare_units);
	for (size_t i = 0; i < m->nunits; i++) {
		if (n && m->units[n - 1].entry == m->units[i].entry &&
		    m->units[n - 1].size == m->units[i].size)
			continue;
		m->units[n++] = m->units[i];
	}
	m->nunits = n;
}

/* A function shorter than a jump is redirected through a jump in its
 * padding, right after its code (tiny_entry.h): that jump is part of the
 * function's unit, as its lengthened pc tables say. */
static void padding_jumps_merge(struct code_map *m)
{
	for (size_t i = 0; i < m->nunits; i++) {
		struct code_unit *u = &m->units[i];
		uint64_t limit = i + 1 < m->nunits && m->units[i + 1].section == u->section ?
				 m->units[i + 1].entry : u->section->addr + u->section->size;

		for (size_t k = 0; m->has_note && k < m->note.npatches; k++) {
			const struct note_patch *p = &m->note.patches[k];

			if (u->origin == CODE_ORIGIN_GO && p->addr == u->entry + u->size &&
			    p->addr <= limit && p->len <= limit - p->addr)
				u->size += p->len;
		}
	}
}

/* The part of a stretch between units that is not padding. */
struct code_span {
	uint64_t first;		/* of the first instruction that is not padding */
	uint64_t end;		/* past the last one */
	bool any;		/* whether there is one */
	uint64_t decoded;	/* past the last instruction decoded */
};

static int padding_visit(void *ctx, const struct disasm_insn *insn)
{
	struct code_span *span = ctx;

	span->decoded = insn->addr + insn->len;
	if (insn->is_padding)
		return 0;
	if (!span->any)
		span->first = insn->addr;
	span->any = true;
	span->end = span->decoded;
	return 0;
}

/* Trims [from, to) to what is not padding. Bytes that do not decode are
 * no padding: from them on, everything is kept. */
static struct code_span code_span_find(const uint8_t *code, uint64_t from,
				       uint64_t to)
{
	struct code_span span = { .decoded = from };

	if (!code)
		return (struct code_span){ from, to, true, from };
	if (disasm_walk(code, to - from, from, padding_visit, &span, NULL) < 0) {
		if (!span.any)
			span.first = span.decoded;
		span.any = true;
		span.end = to;
	}
	return span;
}

/* The labels in [from, to), for a gap's message: most often it is
 * assembly whose functions have no .size. */
static void labels_format(const struct symtab_func *labels, size_t nlabels,
			  uint64_t from, uint64_t to, char *buf, size_t len)
{
	static const char more[] = ", ...";
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < nlabels; i++) {
		const char *sep = used ? ", " : "";

		if (labels[i].addr < from || labels[i].addr >= to)
			continue;
		/* Cut at a name, never inside one, keeping room for "...". */
		if (used + strlen(sep) + strlen(labels[i].name) + sizeof(more) > len) {
			if (used)
				snprintf(buf + used, len - used, "%s", more);
			return;
		}
		used += (size_t)snprintf(buf + used, len - used, "%s%s", sep,
					 labels[i].name);
	}
}

struct gap_ctx {
	struct code_map *m;
	size_t cap;
	const struct symtab_func *labels;
	size_t nlabels;
};

/* Bytes between units: padding is fine, anything else is a gap. */
static int between(struct gap_ctx *g, const struct elf_image *img,
		   uint64_t from, uint64_t to, const struct elf_section *sec,
		   const char *before)
{
	const uint8_t *code;
	struct code_map *m = g->m;
	struct code_gap *gap;
	struct code_span span;

	if (to <= from)
		return 0;
	code = elf_image_vaddr_bytes(img, from, to - from);
	span = code_span_find(code, from, to);
	if (!span.any)
		return 0;
	from = span.first;
	to = span.end;
	if (m->ngaps == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 8;
		struct code_gap *v = realloc(m->gaps, cap * sizeof(*v));

		if (!v)
			return -1;
		m->gaps = v;
		g->cap = cap;
	}
	gap = &m->gaps[m->ngaps++];
	*gap = (struct code_gap){ .addr = from, .size = to - from, .section = sec,
				  .before = before };
	labels_format(g->labels, g->nlabels, from, to, gap->labels, sizeof(gap->labels));
	return 0;
}

/* Sections in address order, so that gaps come out in address order. */
static int gaps_find(struct code_map *m, const struct elf_image *img,
		     struct gap_ctx *g, struct rw_error *err)
{
	uint64_t last = 0;
	bool any = false;

	for (;;) {
		const struct elf_section *sec = NULL;
		uint64_t cursor, end;
		const char *before = NULL;

		for (size_t i = 0; i < img->nsections; i++) {
			const struct elf_section *s = &img->sections[i];

			if (is_exec_section(s) && (!any || s->addr > last) &&
			    (!sec || s->addr < sec->addr))
				sec = s;
		}
		if (!sec)
			break;
		any = true;
		last = sec->addr;
		cursor = sec->addr;
		end = sec->addr + sec->size;
		for (size_t i = 0; i < m->nunits; i++) {
			const struct code_unit *u = &m->units[i];

			if (u->section != sec)
				continue;
			if (between(g, img, cursor, u->entry, sec, before) < 0)
				return rw_fail(err, "%s: out of memory", img->path);
			if (u->entry + u->size > cursor) {
				cursor = u->entry + u->size;
				before = u->name;
			}
		}
		if (between(g, img, cursor, end, sec, before) < 0)
			return rw_fail(err, "%s: out of memory", img->path);
	}
	if (!any)
		return rw_fail(err, "%s: no executable section to decode (are its section headers stripped?)",
			       img->path);
	return 0;
}

int code_map_build(struct code_map *m, const struct gobin *bin,
		   struct rw_error *err)
{
	const struct elf_image *img = gobin_elf(bin);
	struct gap_ctx g = { .m = m };
	struct symtab_func *labels = NULL;
	int rc;

	memset(m, 0, sizeof(*m));
	rc = rewire_note_read(img, &m->note, err);
	if (rc < 0)
		return -1;
	m->has_note = rc == 0;
	if (functions_collect(m, bin, err) < 0)
		return -1;
	trampolines_collect(m, bin);
	aliases_merge(m);
	padding_jumps_merge(m);
	if (symtab_read_labels(img, &labels, &g.nlabels, err) < 0)
		return -1;
	g.labels = labels;
	rc = gaps_find(m, img, &g, err);
	free(labels);
	return rc;
}

void code_map_free(struct code_map *m)
{
	free(m->units);
	free(m->gaps);
	if (m->has_note)
		rewire_note_free(&m->note);
	memset(m, 0, sizeof(*m));
}

const struct code_unit *code_map_unit_at(const struct code_map *m, uint64_t addr)
{
	size_t lo = 0, hi = m->nunits;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->units[mid].entry <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	const struct code_unit *u = &m->units[lo - 1];
	return addr - u->entry < u->size ? u : NULL;
}

const struct code_unit *code_map_inside(const struct code_map *m, uint64_t addr)
{
	const struct code_unit *u = code_map_unit_at(m, addr);

	return u && addr > u->entry ? u : NULL;
}

bool code_map_patched(const struct code_map *m, uint64_t addr, uint64_t len)
{
	for (size_t i = 0; m->has_note && i < m->note.npatches; i++) {
		const struct note_patch *p = &m->note.patches[i];

		if (p->addr < addr + len && addr < p->addr + p->len)
			return true;
	}
	return false;
}

const uint8_t *code_map_original(const struct code_map *m,
				 const struct gobin *bin,
				 const struct code_unit *u, uint8_t **scratch,
				 struct rw_error *err)
{
	const uint8_t *code = elf_image_vaddr_bytes(gobin_elf(bin), u->entry, u->size);

	*scratch = NULL;
	if (!code) {
		rw_fail(err, "%s: %s at 0x%" PRIx64 " (%" PRIu64 " bytes) has no bytes in the file",
			gobin_path(bin), u->name, u->entry, u->size);
		return NULL;
	}
	if (!code_map_patched(m, u->entry, u->size))
		return code;
	*scratch = malloc(u->size);
	if (!*scratch) {
		rw_fail(err, "%s: out of memory", gobin_path(bin));
		return NULL;
	}
	memcpy(*scratch, code, u->size);
	for (size_t i = 0; i < m->note.npatches; i++) {
		const struct note_patch *p = &m->note.patches[i];

		for (size_t k = 0; k < p->len; k++)
			if (p->addr + k >= u->entry && p->addr + k - u->entry < u->size)
				(*scratch)[p->addr + k - u->entry] = p->old_bytes[k];
	}
	return *scratch;
}
