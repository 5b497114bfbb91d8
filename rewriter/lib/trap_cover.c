/* The static proof of redirect mode: each trap site judged against the entry redirects recorded.
 *
 * Stages of trap_cover_judge: per function holding traps, what keeps its
 * sites from being reached (the note's redirect and patch, the facts
 * traps_scan computed, the note's "original" records) -> a verdict and a
 * reason per site -> per range not decoded, whether it is Go code. */
#include "trap_cover.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* rewire's added sections are named so (linker.c, plan.c). */
#define ADDED_SECTION_PREFIX ".rewire."
#define JMP_REL32 0xe9

/* A reason, grown one why at a time. */
struct reason {
	FILE *f;
	char *text;
	size_t len;
	bool any;	/* a why was given */
};

static int reason_open(struct reason *r)
{
	r->text = NULL;
	r->len = 0;
	r->any = false;
	r->f = open_memstream(&r->text, &r->len);
	return r->f ? 0 : -1;
}

static void __attribute__((format(printf, 2, 3)))
why(struct reason *r, const char *fmt, ...)
{
	va_list ap;

	fputs(r->any ? "; " : " ", r->f);
	va_start(ap, fmt);
	vfprintf(r->f, fmt, ap);
	va_end(ap);
	r->any = true;
}

/* The text, or NULL when memory ran out. */
static char *reason_close(struct reason *r)
{
	bool failed = ferror(r->f) != 0;

	if (fclose(r->f) != 0 || failed) {
		free(r->text);
		return NULL;
	}
	return r->text;
}

/* The record of that kind whose FROM is the function at entry. */
static const struct note_redirect *record_for(const struct code_map *m,
					      const char *kind, uint64_t entry)
{
	for (size_t i = 0; m->has_note && i < m->note.nredirects; i++) {
		const struct note_redirect *r = &m->note.redirects[i];

		if (r->from_addr == entry && strcmp(r->kind, kind) == 0)
			return r;
	}
	return NULL;
}

/* Whether a recorded patch puts `jmp rel32` to `to` at entry: the record
 * says a redirect was made, the patch is what makes it. */
static bool patch_jumps(const struct code_map *m, uint64_t entry, uint64_t to)
{
	for (size_t i = 0; m->has_note && i < m->note.npatches; i++) {
		const struct note_patch *p = &m->note.patches[i];
		int32_t rel;

		if (p->addr != entry || p->len < TRAPS_ENTRY_PATCH_LEN ||
		    p->new_bytes[0] != JMP_REL32)
			continue;
		memcpy(&rel, p->new_bytes + 1, sizeof(rel));
		if (entry + TRAPS_ENTRY_PATCH_LEN + (uint64_t)(int64_t)rel == to)
			return true;
	}
	return false;
}

/* "NAME+0xOFF" of the code at addr ("NAME's trampoline+0xOFF"), or its
 * bare address. */
static void where(const struct code_map *m, uint64_t addr, char *buf, size_t len)
{
	const struct code_unit *u = code_map_unit_at(m, addr);

	if (u)
		snprintf(buf, len, "%s%s+0x%" PRIx64, u->name,
			 u->origin == CODE_ORIGIN_TRAMPOLINE ? "'s trampoline" : "",
			 addr - u->entry);
	else
		snprintf(buf, len, "0x%" PRIx64, addr);
}

/* Why the whole function f lets its sites be reached, whatever their
 * offset; the redirect's target when it has one. */
static void function_whys(struct reason *r, const struct traps *t,
			  const struct trap_function *f, const char **to)
{
	const struct code_map *m = &t->map;
	const struct note_redirect *rec = record_for(m, "redirect", f->entry);
	char from[512];

	*to = NULL;
	if (!rec)
		why(r, "its entry is not redirected (%s)", m->has_note ?
		    "no redirect record of .note.rewire names it" :
		    "the binary carries no .note.rewire record");
	else if (!f->entry_patched || !patch_jumps(m, f->entry, rec->to_addr))
		why(r, "the record redirects it to %s, but no recorded patch puts a jump to 0x%" PRIx64 " at its entry",
		    rec->to, rec->to_addr);
	else
		*to = rec->to;
	if (f->branches_into_entry)
		why(r, "%zu branch(es) of its own land inside the entry jump (entry+1..+%d), the first at 0x%" PRIx64 " (+0x%" PRIx64 ")",
		    f->branches_into_entry, TRAPS_ENTRY_PATCH_LEN - 1,
		    f->branch_into_entry_addr, f->branch_into_entry_addr - f->entry);
	if (f->refs_into_body) {
		where(m, f->ref_into_body_addr, from, sizeof(from));
		why(r, "%zu branch(es) or rip-relative reference(s) from other code land past its entry, the first at 0x%" PRIx64 " (%s) onto +0x%" PRIx64,
		    f->refs_into_body, f->ref_into_body_addr, from,
		    f->ref_into_body_target - f->entry);
	}
	for (size_t i = 0; m->has_note && i < m->note.nredirects; i++) {
		const struct note_redirect *o = &m->note.redirects[i];

		if (o->from_addr != f->entry || strcmp(o->kind, "original") != 0)
			continue;
		if (o->via)
			why(r, "REWIRE_ORIGINAL %s keeps its original code callable: the trampoline at 0x%" PRIx64 " runs its first instructions and jumps back past the entry",
			    o->to, o->via);
		else
			why(r, "REWIRE_ORIGINAL %s calls its original, unredirected entry",
			    o->to);
	}
}

/* The target of a jump rewire image put inside f right before site s
 * (runtime.clone's thread exit: the kernel resumes its child past the
 * entry), which is what keeps that child from it; NULL for none. */
static const char *inner_jump_to(const struct code_map *m,
				 const struct trap_function *f,
				 const struct trap_site *s)
{
	uint64_t at = s->addr - TRAPS_ENTRY_PATCH_LEN;
	const struct note_redirect *rec = at > f->entry ? record_for(m, "redirect", at) : NULL;

	return rec && patch_jumps(m, at, rec->to_addr) ? rec->to : NULL;
}

/* The verdict on site k of function f (origin go or trampoline). */
static int site_judge(struct trap_cover *c, const struct traps *t,
		      const struct trap_function *f, size_t k)
{
	const struct trap_site *s = &t->sites[k];
	struct trap_cover_site *v = &c->sites[k];
	struct reason r;
	const char *to = NULL;

	if (reason_open(&r) < 0)
		return -1;
	if (f->origin == CODE_ORIGIN_TRAMPOLINE) {
		fprintf(r.f, "%s's trampoline+0x%" PRIx64 " %s:", f->name, s->offset,
			traps_kind_name(s->kind));
		why(&r, "it lies in the copy of the function's first instructions at 0x%" PRIx64 " that a REWIRE_ORIGINAL runs, which no redirect guards",
		    f->entry);
	} else {
		fprintf(r.f, "%s+0x%" PRIx64 " %s:", f->name, s->offset,
			traps_kind_name(s->kind));
		function_whys(&r, t, f, &to);
		if (s->offset < TRAPS_ENTRY_PATCH_LEN)
			why(&r, "it lies within the first %d bytes, which the entry jump overwrites",
			    TRAPS_ENTRY_PATCH_LEN);
	}
	if (!r.any) {
		fclose(r.f);
		free(r.text);
		v->verdict = TRAP_COVERED;
		v->redirect_to = inner_jump_to(&t->map, f, s) ?: to;
		c->covered++;
		return 0;
	}
	v->verdict = TRAP_UNCOVERED;
	v->reason = reason_close(&r);
	c->uncovered++;
	return v->reason ? 0 : -1;
}

/* Whether section name holds a function of the Go program. */
static bool holds_go(const struct code_map *m, const char *section)
{
	for (size_t i = 0; i < m->nunits; i++)
		if (m->units[i].origin == CODE_ORIGIN_GO &&
		    strcmp(m->units[i].section->name, section) == 0)
			return true;
	return false;
}

static int gap_judge(struct trap_cover *c, const struct traps *t, size_t i)
{
	const struct trap_gap *g = &t->gaps[i];
	struct trap_cover_gap *v = &c->gaps[i];
	struct reason r;

	/* A section named like rewire's but holding Go functions is Go's. */
	v->added = !holds_go(&t->map, g->section) &&
		   strncmp(g->section, ADDED_SECTION_PREFIX,
			   strlen(ADDED_SECTION_PREFIX)) == 0;
	if (reason_open(&r) < 0)
		return -1;
	fprintf(r.f, "0x%" PRIx64 "-0x%" PRIx64 " (%" PRIu64 " bytes) in %s:",
		g->addr, g->addr + g->size, g->size, g->section);
	if (g->reason == TRAP_GAP_UNDECODABLE) {
		why(&r, "%s does not decode (%s)", g->function ? g->function : "?",
		    g->detail);
	} else {
		fprintf(r.f, " no function symbol covers it");
		if (g->function)
			fprintf(r.f, " (after %s)", g->function);
		if (g->detail[0])
			fprintf(r.f, ", symbols without a size in it: %s", g->detail);
		r.any = true;
	}
	if (v->added) {
		why(&r, "code rewire added, not judged");
		c->added_gaps++;
		c->added_gap_bytes += g->size;
	} else {
		why(&r, "not decoded, so a trap instruction in it cannot be ruled out");
		c->unknown++;
	}
	v->reason = reason_close(&r);
	return v->reason ? 0 : -1;
}

int trap_cover_judge(struct trap_cover *c, const struct traps *t,
		     struct rw_error *err)
{
	memset(c, 0, sizeof(*c));
	c->sites = calloc(t->nsites + 1, sizeof(*c->sites));
	c->gaps = calloc(t->ngaps + 1, sizeof(*c->gaps));
	if (!c->sites || !c->gaps)
		return rw_fail(err, "out of memory");
	c->nsites = t->nsites;
	c->ngaps = t->ngaps;
	for (size_t i = 0; i < t->nfunctions; i++) {
		const struct trap_function *f = &t->functions[i];
		size_t before = c->uncovered;

		if (f->origin == CODE_ORIGIN_ADDED) {
			for (size_t k = f->first_site; k < f->first_site + f->nsites; k++)
				c->sites[k].verdict = TRAP_ADDED;
			c->added_sites += f->nsites;
			c->added_functions++;
			continue;
		}
		c->go_sites += f->nsites;
		c->go_functions++;
		for (size_t k = f->first_site; k < f->first_site + f->nsites; k++)
			if (site_judge(c, t, f, k) < 0)
				return rw_fail(err, "out of memory");
		c->uncovered_functions += c->uncovered > before;
	}
	for (size_t i = 0; i < t->ngaps; i++)
		if (gap_judge(c, t, i) < 0)
			return rw_fail(err, "out of memory");
	return 0;
}

bool trap_cover_ok(const struct trap_cover *c)
{
	return c->uncovered == 0 && c->unknown == 0;
}

void trap_cover_free(struct trap_cover *c)
{
	for (size_t i = 0; c->sites && i < c->nsites; i++)
		free(c->sites[i].reason);
	for (size_t i = 0; c->gaps && i < c->ngaps; i++)
		free(c->gaps[i].reason);
	free(c->sites);
	free(c->gaps);
	memset(c, 0, sizeof(*c));
}
