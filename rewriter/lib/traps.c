/* Trap instructions of a binary's code, found by decoding each unit of its code map.
 *
 * Stages of traps_scan: map the code (code_map_build) -> decode each unit
 * as its original code (linearly; by following its branches when that
 * fails), then its patches, collecting trap sites, its own branches and
 * references into other units -> check that nothing refers to bytes no
 * path reached -> attribute the references to the functions holding
 * traps. */
#include "traps.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A branch or rip-relative address: from one unit into the body of
 * another (collected while decoding, attributed at the end), or a branch
 * of a unit to itself. */
struct ref {
	uint64_t from;
	uint64_t to;
};

/* Appends to a growable array; the macro keeps each use typed. */
#define GROW(arr, n, cap)						\
	((n) < (cap) ? 0 : grow((void **)&(arr), &(cap), sizeof(*(arr))))

static int grow(void **arr, size_t *cap, size_t elem)
{
	size_t ncap = *cap ? *cap * 2 : 64;
	void *p = realloc(*arr, ncap * elem);

	if (!p)
		return -1;
	*arr = p;
	*cap = ncap;
	return 0;
}

/* Bytes inside a unit that no path from its entry reaches. */
struct skipped {
	uint64_t from;
	uint64_t to;
	const struct code_unit *unit;
};

struct scan {
	const struct gobin *bin;
	struct traps *t;
	struct ref *far;		/* into the body of another unit */
	size_t nfar, far_cap;
	size_t sites_cap, functions_cap, gaps_cap;
	/* The unit being decoded. */
	const struct code_unit *cur;
	bool patched;			/* a patch lies in it */
	bool in_patch;			/* decoding a patch's own bytes */
	struct ref *inner;		/* its branches to itself */
	size_t ninner, inner_cap;
	struct disasm_insn prev;	/* the instruction before */
	bool has_prev;
	size_t first_site;		/* its first site in t->sites */
	/* Bytes of units decoded by following their branches that no path
	 * reaches (unit_follow). */
	struct skipped *skipped;
	size_t nskipped, skipped_cap;
};

const char *traps_kind_name(enum disasm_trap kind)
{
	switch (kind) {
	case DISASM_TRAP_SYSCALL: return "syscall";
	case DISASM_TRAP_SYSENTER: return "sysenter";
	case DISASM_TRAP_INT80: return "int 0x80";
	case DISASM_TRAP_NONE: break;
	}
	return "none";
}

const char *traps_origin_name(enum code_origin origin)
{
	switch (origin) {
	case CODE_ORIGIN_GO: return "go";
	case CODE_ORIGIN_ADDED: return "added";
	case CODE_ORIGIN_TRAMPOLINE: return "trampoline";
	}
	return "?";
}

static int site_add(struct scan *s, const struct disasm_insn *insn)
{
	struct traps *t = s->t;
	struct trap_site *site;

	if (GROW(t->sites, t->nsites, s->sites_cap) < 0)
		return -1;
	site = &t->sites[t->nsites++];
	memset(site, 0, sizeof(*site));
	site->addr = insn->addr;
	site->offset = insn->addr - s->cur->entry;
	site->len = insn->len;
	site->kind = insn->trap;
	/* The load right before; a branch onto the SYSCALL is checked after. */
	if (insn->trap == DISASM_TRAP_SYSCALL && s->has_prev && s->prev.sets_rax) {
		site->number_known = true;
		site->number = s->prev.rax_value;
	}
	t->count[insn->trap]++;
	return 0;
}

static int unit_visit(void *ctx, const struct disasm_insn *insn)
{
	struct scan *s = ctx;
	const struct code_unit *u = s->cur;
	uint64_t to = insn->branch != DISASM_BRANCH_NONE ? insn->target :
		      insn->rip_relative ? insn->rip_address : 0;

	/* An original instruction a patch overwrote no longer exists; it
	 * still set RAX for the instruction after it in the original code. */
	if (s->patched && !s->in_patch &&
	    code_map_patched(&s->t->map, insn->addr, insn->len))
		goto next;
	if (insn->trap != DISASM_TRAP_NONE && site_add(s, insn) < 0)
		return 1;
	if (insn->branch != DISASM_BRANCH_NONE && to >= u->entry &&
	    to - u->entry < u->size) {
		if (GROW(s->inner, s->ninner, s->inner_cap) < 0)
			return 1;
		s->inner[s->ninner++] = (struct ref){ insn->addr, to };
	} else if (to && code_map_inside(&s->t->map, to)) {
		if (GROW(s->far, s->nfar, s->far_cap) < 0)
			return 1;
		s->far[s->nfar++] = (struct ref){ insn->addr, to };
	}
next:
	s->prev = *insn;
	s->has_prev = true;
	return 0;
}

static int compare_sites(const void *a, const void *b)
{
	const struct trap_site *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* After a unit's decoding: a function record when it holds traps, its own
 * branches checked against its entry and its sites. */
static int function_close(struct scan *s)
{
	struct traps *t = s->t;
	const struct code_unit *u = s->cur;
	struct trap_function *f;

	if (t->nsites == s->first_site)
		return 0;
	if (GROW(t->functions, t->nfunctions, s->functions_cap) < 0)
		return -1;
	/* A patch's sites were appended after the rest. */
	qsort(t->sites + s->first_site, t->nsites - s->first_site,
	      sizeof(*t->sites), compare_sites);
	f = &t->functions[t->nfunctions];
	*f = (struct trap_function){
		.name = u->name, .entry = u->entry, .size = u->size,
		.origin = u->origin,
		.entry_patched = s->patched && code_map_patched(&t->map, u->entry, 1),
		.first_site = s->first_site, .nsites = t->nsites - s->first_site,
		.first_offset = t->sites[s->first_site].offset,
	};
	for (size_t i = 0; i < s->ninner; i++) {
		uint64_t to = s->inner[i].to;

		if (to > u->entry && to < u->entry + TRAPS_ENTRY_PATCH_LEN &&
		    f->branches_into_entry++ == 0)
			f->branch_into_entry_addr = s->inner[i].from;
		for (size_t j = f->first_site; j < t->nsites; j++)
			if (t->sites[j].addr == to)
				t->sites[j].number_known = false;
	}
	for (size_t j = f->first_site; j < t->nsites; j++)
		t->sites[j].function = t->nfunctions;
	t->nfunctions++;
	return 0;
}

static int gap_add(struct scan *s, const struct trap_gap *gap)
{
	struct traps *t = s->t;

	if (GROW(t->gaps, t->ngaps, s->gaps_cap) < 0)
		return -1;
	t->gaps[t->ngaps++] = *gap;
	return 0;
}

/* The patches' own bytes inside u, decoded as the instructions they are
 * (rewire writes whole jumps). disasm_walk's answer. */
static int patches_decode(struct scan *s, const struct code_unit *u,
			  struct rw_error *err)
{
	const struct rewire_note *note = &s->t->map.note;
	int rc = 0;

	s->in_patch = true;
	for (size_t i = 0; rc == 0 && i < note->npatches; i++) {
		const struct note_patch *p = &note->patches[i];

		if (p->addr < u->entry || p->addr - u->entry >= u->size)
			continue;
		s->has_prev = false;
		rc = disasm_walk(p->new_bytes, p->len, p->addr, unit_visit, s, err);
	}
	s->in_patch = false;
	return rc;
}

/* Forgets what a failed decoding of the current unit found: its sites,
 * its own branches, the references it made past the first nfar. */
static void unit_forget(struct scan *s, size_t nfar)
{
	struct traps *t = s->t;

	for (size_t i = s->first_site; i < t->nsites; i++)
		t->count[t->sites[i].kind]--;
	t->nsites = s->first_site;
	s->ninner = 0;
	s->nfar = nfar;
	s->has_prev = false;
}

/* The runs of bytes of u no path reached, for skipped_check. */
static int skipped_add(struct scan *s, const struct code_unit *u,
		       const uint8_t *seen)
{
	for (uint64_t off = 0; off < u->size;) {
		uint64_t end = off;

		while (end < u->size && !seen[end])
			end++;
		if (end > off) {
			if (GROW(s->skipped, s->nskipped, s->skipped_cap) < 0)
				return 1;
			s->skipped[s->nskipped++] = (struct skipped){
				u->entry + off, u->entry + end, u };
		}
		off = end + 1;
	}
	return 0;
}

/* A path's next place to decode; 1 when memory runs out. */
static int todo_push(uint64_t **todo, size_t *n, size_t *cap, uint64_t off)
{
	if (GROW(*todo, *n, *cap) < 0)
		return 1;
	(*todo)[(*n)++] = off;
	return 0;
}

/*
 * Decoding by control flow, when decoding linearly fails: some Go
 * functions hold data after a jump (crypto/internal/boring/sig's markers,
 * Go 1.19-1.22, jump over their signature bytes). From the entry, each
 * path is decoded to its end (ret, jmp, a branch out of the unit) and
 * each direct branch inside the unit followed; *decoded counts the bytes
 * reached. Bytes no path reaches are data only while nothing branches
 * into them: skipped_check makes them a gap otherwise. An indirect jump
 * (its targets are not in the code) or two paths that disagree on where
 * an instruction starts fail (-1, err); 1 when memory runs out.
 */
static int unit_follow(struct scan *s, const struct code_unit *u,
		       const uint8_t *code, uint64_t *decoded, struct rw_error *err)
{
	enum { UNSEEN, START, INSIDE };
	uint8_t *seen = calloc(u->size + 1, 1);
	uint64_t *todo = NULL;
	size_t ntodo = 0, todo_cap = 0;
	int rc = seen ? todo_push(&todo, &ntodo, &todo_cap, 0) : 1;

	*decoded = 0;
	while (rc == 0 && ntodo) {
		uint64_t off = todo[--ntodo];

		s->has_prev = false;
		while (rc == 0 && off < u->size && seen[off] != START) {
			struct disasm_insn insn;

			if (seen[off] == INSIDE) {
				rc = rw_fail(err, "a branch lands at +0x%" PRIx64 ", inside an instruction", off);
				break;
			}
			if (disasm_decode(code + off, u->size - off, u->entry + off, NULL,
					  &insn, err) < 0) {
				rc = -1;
				break;
			}
			for (uint64_t k = 1; k < insn.len; k++)
				if (seen[off + k] != UNSEEN)
					rc = rw_fail(err, "the instruction at +0x%" PRIx64 " overlaps another", off);
			if (rc)
				break;
			seen[off] = START;
			memset(seen + off + 1, INSIDE, insn.len - 1u);
			*decoded += insn.len;
			if (unit_visit(s, &insn)) {
				rc = 1;
				break;
			}
			if (insn.indirect_jump)
				rc = rw_fail(err, "an indirect jump at +0x%" PRIx64 ", whose targets are not in the code",
					     off);
			else if (insn.branch != DISASM_BRANCH_NONE &&
				 insn.target - u->entry < u->size)
				rc = todo_push(&todo, &ntodo, &todo_cap, insn.target - u->entry);
			if (insn.ends_flow)
				break;
			off += insn.len;
		}
	}
	if (rc == 0)
		rc = skipped_add(s, u, seen);
	free(todo);
	free(seen);
	return rc;
}

/* Decodes u; code that does not decode becomes a gap. -1 only for the
 * failures traps_scan reports (err set; out of memory). */
static int unit_decode(struct scan *s, const struct code_unit *u,
		       struct rw_error *err)
{
	struct traps *t = s->t;
	uint8_t *scratch = NULL;
	const uint8_t *code = code_map_original(&t->map, s->bin, u, &scratch, err);
	struct trap_gap gap = { .addr = u->entry, .size = u->size,
				.section = u->section->name,
				.reason = TRAP_GAP_UNDECODABLE, .function = u->name };
	struct rw_error derr = { { 0 } };
	size_t nfar = s->nfar;
	uint64_t decoded = u->size;
	bool followed = false;
	int rc;

	if (!code)
		return -1;
	s->cur = u;
	s->patched = scratch != NULL;
	s->in_patch = false;
	s->ninner = 0;
	s->has_prev = false;
	s->first_site = t->nsites;
	rc = disasm_walk(code, u->size, u->entry, unit_visit, s, &derr);
	if (rc < 0) {
		struct rw_error ferr = { { 0 } };

		unit_forget(s, nfar);
		rc = unit_follow(s, u, code, &decoded, &ferr);
		followed = rc == 0;
		if (rc < 0)
			snprintf(derr.msg + strlen(derr.msg), sizeof(derr.msg) - strlen(derr.msg),
				 "; following its branches: %.400s", ferr.msg);
	}
	if (rc == 0 && s->patched)
		rc = patches_decode(s, u, &derr);
	free(scratch);
	if (rc > 0)
		return rw_fail(err, "%s: out of memory", gobin_path(s->bin));
	if (rc < 0) {
		/* Half a function proves nothing: drop what it found. */
		unit_forget(s, s->nfar);
		snprintf(gap.detail, sizeof(gap.detail), "%s", derr.msg);
		return gap_add(s, &gap) < 0 ?
		       rw_fail(err, "%s: out of memory", gobin_path(s->bin)) : 0;
	}
	t->decoded++;
	t->followed += followed;
	t->decoded_bytes += decoded;
	if (function_close(s) < 0)
		return rw_fail(err, "%s: out of memory", gobin_path(s->bin));
	return 0;
}

/* References from elsewhere into the body of a function holding traps; a
 * SYSCALL that something jumps straight onto has no known number. */
static void refs_attribute(struct scan *s)
{
	struct traps *t = s->t;

	for (size_t i = 0; i < s->nfar; i++) {
		const struct ref *r = &s->far[i];

		for (size_t j = 0; j < t->nfunctions; j++) {
			struct trap_function *f = &t->functions[j];

			if (r->to <= f->entry || r->to - f->entry >= f->size)
				continue;
			if (f->refs_into_body++ == 0) {
				f->ref_into_body_addr = r->from;
				f->ref_into_body_target = r->to;
			}
			for (size_t k = f->first_site; k < f->first_site + f->nsites; k++)
				if (t->sites[k].addr == r->to)
					t->sites[k].number_known = false;
		}
	}
}

/* Bytes unit_follow found no path to are data only while no branch or
 * rip-relative address of other code lands in them: else their unit is
 * a gap after all. */
static int skipped_check(struct scan *s, struct rw_error *err)
{
	for (size_t i = 0; i < s->nskipped; i++) {
		const struct skipped *k = &s->skipped[i];

		for (size_t j = 0; j < s->nfar; j++) {
			const struct ref *r = &s->far[j];
			struct trap_gap gap = {
				.addr = k->from, .size = k->to - k->from,
				.section = k->unit->section->name,
				.reason = TRAP_GAP_UNDECODABLE, .function = k->unit->name,
			};

			if (r->to < k->from || r->to >= k->to)
				continue;
			snprintf(gap.detail, sizeof(gap.detail),
				 "no path from its entry reaches +0x%" PRIx64 "..+0x%" PRIx64 " (data after a jump?), yet the code at 0x%" PRIx64 " refers to 0x%" PRIx64 " in it",
				 k->from - k->unit->entry, k->to - k->unit->entry, r->from, r->to);
			if (gap_add(s, &gap) < 0)
				return rw_fail(err, "%s: out of memory", gobin_path(s->bin));
			break;
		}
	}
	return 0;
}

static int compare_gaps(const void *a, const void *b)
{
	const struct trap_gap *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* The map's gaps among the undecodable units, by address. */
static int map_gaps_add(struct scan *s, struct rw_error *err)
{
	const struct code_map *m = &s->t->map;

	for (size_t i = 0; i < m->ngaps; i++) {
		const struct code_gap *g = &m->gaps[i];
		struct trap_gap gap = {
			.addr = g->addr, .size = g->size, .section = g->section->name,
			.reason = TRAP_GAP_NO_SYMBOL, .function = g->before,
		};

		snprintf(gap.detail, sizeof(gap.detail), "%s", g->labels);
		if (gap_add(s, &gap) < 0)
			return rw_fail(err, "%s: out of memory", gobin_path(s->bin));
	}
	if (s->t->ngaps)
		qsort(s->t->gaps, s->t->ngaps, sizeof(*s->t->gaps), compare_gaps);
	return 0;
}

int traps_scan(struct traps *t, const struct gobin *bin, struct rw_error *err)
{
	struct scan s = { .bin = bin, .t = t };
	int rc;

	memset(t, 0, sizeof(*t));
	rc = code_map_build(&t->map, bin, err);
	t->trampolines = t->map.trampolines;
	/* Units are by entry: sites and functions come out by address. */
	for (size_t i = 0; rc == 0 && i < t->map.nunits; i++)
		rc = unit_decode(&s, &t->map.units[i], err);
	if (rc == 0)
		rc = skipped_check(&s, err);
	if (rc == 0)
		rc = map_gaps_add(&s, err);
	if (rc == 0)
		refs_attribute(&s);
	free(s.far);
	free(s.inner);
	free(s.skipped);
	return rc;
}

void traps_free(struct traps *t)
{
	free(t->sites);
	free(t->functions);
	free(t->gaps);
	code_map_free(&t->map);
	memset(t, 0, sizeof(*t));
}
