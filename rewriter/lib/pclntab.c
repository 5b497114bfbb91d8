/* Reader of Go's .gopclntab: pcHeader, function table, pc-value tables, file and inline tables.
 *
 * Layouts come from runtime/symtab.go and cmd/link/internal/ld/pcln.go of
 * Go 1.19-1.26. Every read is bounds-checked against the table, because the
 * table comes from an untrusted file. */
#include "pclntab.h"

#include <string.h>

/* Sizes of the fixed part of _func: Go 1.20 added startLine. */
#define FUNC_SIZE_GO118 40
#define FUNC_SIZE_GO120 44
#define HEADER_SIZE 72	/* magic..nfiles (24) + 6 words */

static uint32_t read_u32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t read_u64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static bool part_has(const struct pclntab_part *part, uint64_t off, uint64_t len)
{
	return off <= part->len && len <= part->len - off;
}

void pcvalue_start(struct pcvalue_iter *it, const uint8_t *p,
		   const uint8_t *end, uint64_t pc)
{
	it->p = p;
	it->end = end;
	it->pc = pc;
	it->next_pc = pc;
	it->value = -1;
	it->first = true;
	it->corrupt = false;
}

/* A little-endian base-128 varint of at most 32 bits. */
static bool read_varint(struct pcvalue_iter *it, uint32_t *out)
{
	uint32_t v = 0;
	unsigned shift = 0;

	for (;;) {
		if (it->p >= it->end || shift >= 35) {
			it->corrupt = true;
			return false;
		}
		uint8_t b = *it->p++;
		v |= (uint32_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			break;
		shift += 7;
	}
	*out = v;
	return true;
}

bool pcvalue_next(struct pcvalue_iter *it)
{
	uint32_t uv, pcdelta;

	if (it->p >= it->end) {
		it->corrupt = true;
		return false;
	}
	/* A zero value delta ends the table, except in the first pair, whose
	 * value may legitimately stay at the initial -1. */
	if (*it->p == 0 && !it->first)
		return false;
	if (!read_varint(it, &uv) || !read_varint(it, &pcdelta))
		return false;
	it->first = false;
	/* Wraps like the runtime's int32 sum; a signed overflow in C would be
	 * undefined behaviour, reachable with a corrupt table. */
	it->value = (int32_t)((uint32_t)it->value + (-(uv & 1) ^ (uv >> 1)));
	it->pc = it->next_pc;
	it->next_pc = it->pc + pcdelta;	/* minLC is 1 on amd64 */
	return true;
}

bool pclntab_header_matches(const uint8_t *p, uint64_t len)
{
	uint32_t magic;

	if (len < 8)
		return false;
	magic = read_u32(p);
	return (magic == PCLNTAB_MAGIC_GO118 || magic == PCLNTAB_MAGIC_GO120) &&
	       p[4] == 0 && p[5] == 0 && p[6] == 1 && p[7] == 8;
}

/* Fills a part from its header offset; it ends at the next part's start
 * when the order is the usual one, else at the end of the table. */
static int part_set(struct pclntab *t, struct pclntab_part *part, uint64_t off,
		    uint64_t next, const char *what, uint64_t file_off,
		    struct rw_error *err)
{
	if (off < HEADER_SIZE || off > t->size)
		return rw_fail(err, "%s: corrupt .gopclntab at file offset 0x%llx: %s offset 0x%llx is outside the table (%llu bytes)",
			       t->path, (unsigned long long)file_off, what,
			       (unsigned long long)off, (unsigned long long)t->size);
	part->off = off;
	part->len = (next >= off && next <= t->size ? next : t->size) - off;
	return 0;
}

int pclntab_parse(struct pclntab *t, const char *path, const uint8_t *data,
		  uint64_t size, uint64_t addr, uint64_t file_off,
		  struct rw_error *err)
{
	uint64_t nfunc, nfiles, o[6];
	int i;

	memset(t, 0, sizeof(*t));
	t->path = path;
	t->data = data;
	t->size = size;
	t->addr = addr;
	if (size < HEADER_SIZE)
		return rw_fail(err, "%s: truncated .gopclntab at file offset 0x%llx: %llu bytes, shorter than its %d-byte header",
			       path, (unsigned long long)file_off,
			       (unsigned long long)size, HEADER_SIZE);
	t->magic = read_u32(data);
	if (t->magic == 0xfffffffau || t->magic == 0xfffffffbu)
		return rw_fail(err, "%s: .gopclntab at file offset 0x%llx has magic 0x%08x, the format of Go 1.17 or older (rewire handles Go 1.18+)",
			       path, (unsigned long long)file_off, t->magic);
	if (t->magic != PCLNTAB_MAGIC_GO118 && t->magic != PCLNTAB_MAGIC_GO120)
		return rw_fail(err, "%s: corrupt .gopclntab at file offset 0x%llx: bad magic 0x%08x (want 0x%08x or 0x%08x)",
			       path, (unsigned long long)file_off, t->magic,
			       PCLNTAB_MAGIC_GO118, PCLNTAB_MAGIC_GO120);
	if (!pclntab_header_matches(data, size))
		return rw_fail(err, "%s: corrupt .gopclntab at file offset 0x%llx: header says instruction size %u, pointer size %u (want 1 and 8 for amd64)",
			       path, (unsigned long long)file_off, data[6], data[7]);
	nfunc = read_u64(data + 8);
	nfiles = read_u64(data + 16);
	t->text_start = read_u64(data + 24);
	for (i = 0; i < 5; i++)
		o[i] = read_u64(data + 32 + 8 * i);
	o[5] = size;
	if (part_set(t, &t->funcname, o[0], o[1], "funcnametab", file_off, err) < 0 ||
	    part_set(t, &t->cu, o[1], o[2], "cutab", file_off, err) < 0 ||
	    part_set(t, &t->file, o[2], o[3], "filetab", file_off, err) < 0 ||
	    part_set(t, &t->pc, o[3], o[4], "pctab", file_off, err) < 0 ||
	    part_set(t, &t->func, o[4], o[5], "functab", file_off, err) < 0)
		return -1;
	/* nfunc+1 functab pairs of 8 bytes each must fit. */
	if (nfunc == 0 || nfunc >= t->func.len / 8)
		return rw_fail(err, "%s: corrupt .gopclntab at file offset 0x%llx: %llu functions do not fit the %llu-byte function table",
			       path, (unsigned long long)file_off,
			       (unsigned long long)nfunc,
			       (unsigned long long)t->func.len);
	t->nfunc = (uint32_t)nfunc;
	t->nfiles = nfiles > UINT32_MAX ? UINT32_MAX : (uint32_t)nfiles;
	return 0;
}

static uint32_t func_fixed_size(const struct pclntab *t)
{
	return t->magic == PCLNTAB_MAGIC_GO118 ? FUNC_SIZE_GO118 : FUNC_SIZE_GO120;
}

int pclntab_func_read(const struct pclntab *t, uint32_t i,
		      struct pclntab_func *f, struct rw_error *err)
{
	const uint8_t *tab = t->data + t->func.off;
	uint32_t funcoff, fixed = func_fixed_size(t);
	const uint8_t *p;

	memset(f, 0, sizeof(*f));
	f->index = i;
	if (i > t->nfunc)
		return rw_fail(err, "%s: .gopclntab: function index %u past the %u functions",
			       t->path, i, t->nfunc);
	f->entry_off = read_u32(tab + 8 * (uint64_t)i);
	if (i == t->nfunc)
		return 0;
	funcoff = read_u32(tab + 8 * (uint64_t)i + 4);
	if (!part_has(&t->func, funcoff, fixed))
		return rw_fail(err, "%s: corrupt .gopclntab: function %u's record at table offset 0x%llx lies outside the function table",
			       t->path, i, (unsigned long long)(t->func.off + funcoff));
	p = tab + funcoff;
	f->off = t->func.off + funcoff;
	if (read_u32(p) != f->entry_off)
		return rw_fail(err, "%s: corrupt .gopclntab: function %u's record at table offset 0x%llx has entry 0x%x, the function table says 0x%x",
			       t->path, i, (unsigned long long)f->off,
			       read_u32(p), f->entry_off);
	f->name_off = (int32_t)read_u32(p + 4);
	f->args = (int32_t)read_u32(p + 8);
	f->pcsp = read_u32(p + 16);
	f->pcfile = read_u32(p + 20);
	f->pcln = read_u32(p + 24);
	f->npcdata = read_u32(p + 28);
	f->cu_off = read_u32(p + 32);
	/* startLine (Go 1.20+) sits between cuOffset and funcID. */
	f->func_id = p[fixed - 4];
	f->flag = p[fixed - 3];
	f->nfuncdata = p[fixed - 1];
	if (f->npcdata > 1024 ||
	    !part_has(&t->func, funcoff + fixed,
		      4ull * f->npcdata + 4ull * f->nfuncdata))
		return rw_fail(err, "%s: corrupt .gopclntab: function %u's record at table offset 0x%llx claims %u pcdata and %u funcdata past the table",
			       t->path, i, (unsigned long long)f->off,
			       f->npcdata, f->nfuncdata);
	return 0;
}

const char *pclntab_name(const struct pclntab *t, int64_t off)
{
	const uint8_t *p;

	if (off < 0 || (uint64_t)off >= t->funcname.len)
		return NULL;
	p = t->data + t->funcname.off + off;
	if (!memchr(p, 0, t->funcname.len - (uint64_t)off))
		return NULL;
	return (const char *)p;
}

const uint8_t *pclntab_pctab(const struct pclntab *t, uint32_t off)
{
	if (off == 0 || off >= t->pc.len)
		return NULL;
	return t->data + t->pc.off + off;
}

int64_t pclntab_table_span(const struct pclntab *t, uint32_t off)
{
	const uint8_t *p = pclntab_pctab(t, off);
	struct pcvalue_iter it;

	if (!p)
		return -1;
	pcvalue_start(&it, p, t->data + t->pc.off + t->pc.len, 0);
	while (pcvalue_next(&it))
		;
	if (it.corrupt)
		return -1;
	return (int64_t)it.next_pc;
}

int pclntab_table_end(const struct pclntab *t, uint32_t off,
		      struct pclntab_table_end *out)
{
	const uint8_t *p = pclntab_pctab(t, off);
	struct pcvalue_iter it;
	bool any = false;

	memset(out, 0, sizeof(*out));
	if (!p)
		return -1;
	pcvalue_start(&it, p, t->data + t->pc.off + t->pc.len, 0);
	for (;;) {
		const uint8_t *pair = it.p;

		if (!pcvalue_next(&it))
			break;
		/* The pair is the value delta's varint, then the pc delta's. */
		while (*pair & 0x80)
			pair++;
		pair++;
		out->delta_off = (uint64_t)(pair - t->data);
		out->delta_len = (size_t)(it.p - pair);
		out->delta = (uint32_t)(it.next_pc - it.pc);
		out->last_value = it.value;
		out->span = it.next_pc;
		any = true;
	}
	return any && !it.corrupt ? 0 : -1;
}

int32_t pclntab_value_at(const struct pclntab *t, uint32_t off, uint64_t pc_off)
{
	const uint8_t *p = pclntab_pctab(t, off);
	struct pcvalue_iter it;

	if (!p)
		return -1;
	pcvalue_start(&it, p, t->data + t->pc.off + t->pc.len, 0);
	while (pcvalue_next(&it))
		if (pc_off >= it.pc && pc_off < it.next_pc)
			return it.value;
	return -1;
}

uint32_t pclntab_pcdata(const struct pclntab *t, const struct pclntab_func *f,
			uint32_t i)
{
	if (i >= f->npcdata)
		return 0;
	return read_u32(t->data + f->off + func_fixed_size(t) + 4ull * i);
}

uint32_t pclntab_funcdata(const struct pclntab *t, const struct pclntab_func *f,
			  uint32_t i)
{
	if (i >= f->nfuncdata)
		return UINT32_MAX;
	return read_u32(t->data + f->off + func_fixed_size(t) +
			4ull * f->npcdata + 4ull * i);
}

const char *pclntab_file(const struct pclntab *t, const struct pclntab_func *f,
			 int32_t fileno)
{
	uint64_t idx = (uint64_t)f->cu_off + (uint64_t)fileno;
	uint32_t off;
	const uint8_t *p;

	if (fileno < 0 || !part_has(&t->cu, 4 * idx, 4))
		return NULL;
	off = read_u32(t->data + t->cu.off + 4 * idx);
	if (off == UINT32_MAX || off >= t->file.len)
		return NULL;
	p = t->data + t->file.off + off;
	if (!memchr(p, 0, t->file.len - off))
		return NULL;
	return (const char *)p;
}

uint32_t pclntab_inline_size(const struct pclntab *t)
{
	/* Go 1.18/1.19: parent, funcID, pad, file, line, func_, parentPc.
	 * Go 1.20+: funcID, pad[3], nameOff, parentPc, startLine. */
	return t->magic == PCLNTAB_MAGIC_GO118 ? 20 : 16;
}

void pclntab_inline_decode(const struct pclntab *t, const uint8_t *raw,
			   struct pclntab_inline *in)
{
	if (t->magic == PCLNTAB_MAGIC_GO118) {
		in->name_off = (int32_t)read_u32(raw + 12);
		in->parent_pc = (int32_t)read_u32(raw + 16);
	} else {
		in->name_off = (int32_t)read_u32(raw + 4);
		in->parent_pc = (int32_t)read_u32(raw + 8);
	}
}
