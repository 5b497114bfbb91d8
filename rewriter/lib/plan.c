/* Redirect planning and the checks that run before any byte is written. */
#include "plan.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "disasm.h"
#include "dwarf_info.h"
#include "redirect_chain.h"
#include "tiny_entry.h"
#include "trampoline.h"

#define JMP_REL32_LEN 5
/* Room for a displaced rel8 morestack back-jump: `jmp rel32` to the
 * trampoline at entry+5 needs five bytes more than the entry jump. */
#define ENTRY_WITH_BOUNCE_LEN 10
#define TRAMPOLINE_ALIGN 16

static void message_add(struct plan_message **list, size_t *n,
			const struct redirect *r, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void message_add(struct plan_message **list, size_t *n,
			const struct redirect *r, const char *fmt, ...)
{
	struct plan_message *grown = realloc(*list, (*n + 1) * sizeof(**list));
	char body[900];
	va_list ap;

	if (!grown)
		return;
	*list = grown;
	va_start(ap, fmt);
	vsnprintf(body, sizeof(body), fmt, ap);
	va_end(ap);
	snprintf(grown[*n].text, sizeof(grown[*n].text), "%s: %s%s=%s: %s",
		 r->origin ? r->origin : "redirect",
		 r->kind == REDIRECT_ORIGINAL ? "original " : "", r->from,
		 r->to, body);
	(*n)++;
}

#define fail(plan, r, ...) message_add(&(plan)->errors, &(plan)->nerrors, r, __VA_ARGS__)
#define warn(plan, r, ...) message_add(&(plan)->warnings, &(plan)->nwarnings, r, __VA_ARGS__)

static void jmp_rel32(uint8_t *buf, uint64_t at, uint64_t target)
{
	int32_t rel = (int32_t)(int64_t)(target - (at + JMP_REL32_LEN));

	buf[0] = 0xe9;
	memcpy(buf + 1, &rel, 4);
}

static bool rel32_reaches(uint64_t at, size_t len, uint64_t target)
{
	int64_t d = (int64_t)(target - (at + len));

	return d >= INT32_MIN && d <= INT32_MAX;
}

static int patch_add(struct plan *plan, const struct gobin *bin, uint64_t addr,
		     const uint8_t *bytes, size_t len)
{
	const uint8_t *old = elf_image_vaddr_bytes(gobin_elf(bin), addr, len);
	void *p1, *p2;

	if (!old || len > REWIRE_NOTE_MAX_BYTES)
		return -1;
	p1 = realloc(plan->patches, (plan->npatches + 1) * sizeof(*plan->patches));
	if (!p1)
		return -1;
	plan->patches = p1;
	p2 = realloc(plan->patch_bytes, (plan->npatches + 1) * sizeof(*plan->patch_bytes));
	if (!p2)
		return -1;
	plan->patch_bytes = p2;
	memcpy(plan->patch_bytes[plan->npatches], bytes, len);
	plan->patches[plan->npatches] = (struct byte_patch){ .addr = addr, .len = len };
	plan->npatches++;
	return rewire_note_add_patch(&plan->note, addr, old, bytes, len);
}

/* patch_add, except that the very same change already planned is not
 * planned twice (a pc table shared by two redirected tiny functions). */
static int patch_add_once(struct plan *plan, const struct gobin *bin,
			  uint64_t addr, const uint8_t *bytes, size_t len)
{
	for (size_t i = 0; i < plan->npatches; i++)
		if (plan->patches[i].addr == addr && plan->patches[i].len == len &&
		    memcmp(plan->patch_bytes[i], bytes, len) == 0)
			return 0;
	return patch_add(plan, bin, addr, bytes, len);
}

/* Lists functions whose name ends like the missing one, to catch a wrong
 * package path ("main.fakeNow" vs "example.com/x.fakeNow"). */
static void similar_names(const struct gobin *bin, const char *name,
			  char *buf, size_t len)
{
	const char *dot = strrchr(name, '.');
	const char *tail = dot ? dot : name;
	size_t i, used = 0, found = 0;

	buf[0] = '\0';
	for (i = 0; i < gobin_func_count(bin) && found < 3; i++) {
		const char *n = gobin_func(bin, i)->name;
		size_t nl = strlen(n), tl = strlen(tail);

		if (nl < tl || strcmp(n + nl - tl, tail) != 0)
			continue;
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
					 found ? ", " : "; functions with that name: ", n);
		if (used >= len)
			break;
		found++;
	}
}

static const struct gofunc *resolve(struct plan *plan, const struct gobin *bin,
				    struct dwarf_info *di, const struct redirect *r,
				    const char *name, const char *role)
{
	const struct gofunc *fn = gobin_find_func(bin, name);
	struct rw_error err = { { 0 } };
	char similar[400];

	if (fn)
		return fn;
	/* Checked first: a variable is no function, dropped or not. */
	if (gobin_is_data_symbol(bin, name)) {
		fail(plan, r, "%s in %s is a data symbol (a variable), not a function: FROM, TO and placeholders are functions",
		     name, gobin_path(bin));
		return NULL;
	}
	similar_names(bin, name, similar, sizeof(similar));
	if (strcmp(role, "replacement") == 0)
		fail(plan, r, "no function %s in %s: if it is in your sources, Go's linker removed it because nothing references it (dead code). Keep it linked with `func init() { keepLinked(%s) }` and `//go:noinline func keepLinked(...any) {}` in its package%s",
		     name, gobin_path(bin), strrchr(name, '.') ? strrchr(name, '.') + 1 : name,
		     similar);
	else if (strcmp(role, "placeholder") == 0)
		fail(plan, r, "no function %s in %s: a placeholder must be called by the replacement and marked //go:noinline, or the compiler inlines or drops it%s",
		     name, gobin_path(bin), similar);
	else if (di && dwarf_info_func_inlined(di, name, &err) == 1)
		fail(plan, r, "no function %s in %s: the compiler inlined it into every caller, so no body is left to patch; build with -gcflags=all=-l (also for go test) or redirect a function it calls",
		     name, gobin_path(bin));
	else
		fail(plan, r, "no function %s in %s%s", name, gobin_path(bin), similar);
	return NULL;
}

static bool is_abi0(const struct gofunc *fn)
{
	size_t n = strlen(fn->name);

	return n > 5 && strcmp(fn->name + n - 5, ".abi0") == 0;
}

/* Call sites where name was inlined, formatted for a message; count in *n
 * (1 when only DWARF knows of an inlined copy). */
static void inline_report(const struct gobin *bin, struct dwarf_info *di,
			  const char *name, char *buf, size_t len, size_t *n,
			  struct rw_error *err)
{
	struct inline_site *sites = NULL;
	size_t count = 0, i, used = 0;

	buf[0] = '\0';
	*n = 0;
	if (gobin_inline_sites(bin, name, &sites, &count, err) < 0)
		return;
	for (i = 0; i < count && used < len; i++) {
		if (i == 4) {
			snprintf(buf + used, len - used, " and %zu more", count - i);
			break;
		}
		if (sites[i].file)
			used += (size_t)snprintf(buf + used, len - used, "%s%s at %s:%d",
						 i ? ", " : "", sites[i].caller,
						 sites[i].file, sites[i].line);
		else
			used += (size_t)snprintf(buf + used, len - used, "%s%s+0x%" PRIx64,
						 i ? ", " : "", sites[i].caller,
						 sites[i].pc);
	}
	*n = count;
	free(sites);
	if (count == 0 && di && dwarf_info_func_inlined(di, name, err) == 1) {
		snprintf(buf, len, "a call site that left no code of its own, known only from DWARF");
		*n = 1;
	}
}

/* DWARF signature comparison; silent when DWARF cannot tell. */
static void check_signatures(struct plan *plan, struct dwarf_info *di,
			     const struct redirect *r, const struct gofunc *a,
			     const struct gofunc *b, const struct plan_options *opt)
{
	struct go_signature sa = { 0 }, sb = { 0 };
	struct rw_error err = { { 0 } };
	char fa[400], fb[400];

	if (!di)
		return;
	if (dwarf_info_func_signature(di, a->name, &sa, &err) != 0 ||
	    dwarf_info_func_signature(di, b->name, &sb, &err) != 0)
		goto out;
	if (!go_signature_compatible(&sa, &sb)) {
		go_signature_format(&sa, fa, sizeof(fa));
		go_signature_format(&sb, fb, sizeof(fb));
		if (opt->force)
			warn(plan, r, "signatures differ (%s is %s, %s is %s); patched anyway (--force)",
			     a->name, fa, b->name, fb);
		else
			fail(plan, r, "signatures differ: %s is %s but %s is %s (DWARF); use --force to patch anyway",
			     a->name, fa, b->name, fb);
	}
out:
	go_signature_free(&sa);
	go_signature_free(&sb);
}

/* Checks that FROM's first len bytes can be overwritten: whole function
 * long enough and no branch of its own lands inside them. */
static bool check_entry_room(struct plan *plan, const struct gobin *bin,
			     const struct redirect *r, const struct gofunc *fn,
			     size_t len)
{
	const uint8_t *code = gobin_func_code(bin, fn);
	struct disasm_branch hit;
	struct rw_error err = { { 0 } };
	size_t count = 0;

	if (fn->size < len) {
		fail(plan, r, "%s is too short to patch: %" PRIu64 " byte(s), the jump needs %zu",
		     fn->name, fn->size, len);
		return false;
	}
	if (!code) {
		fail(plan, r, "%s: code at 0x%" PRIx64 " is not in the file", fn->name,
		     fn->entry);
		return false;
	}
	if (disasm_branches_into(code, fn->size, fn->entry, fn->entry,
				 fn->entry + len, &hit, 1, &count, &err) < 0) {
		fail(plan, r, "cannot decode %s: %s", fn->name, err.msg);
		return false;
	}
	if (count > 0) {
		fail(plan, r, "%s cannot be patched: the branch at +0x%" PRIx64 " lands at +0x%" PRIx64 ", inside the %zu bytes the jump would overwrite",
		     fn->name, hit.addr - fn->entry, hit.target - fn->entry, len);
		return false;
	}
	return true;
}

/* How a function's entry reaches a target: a jmp rel32 over its first 5
 * bytes or, in a function shorter than that, a short jump into its INT3
 * padding where the jmp rel32 sits (tiny_entry.c). */
struct entry_jump {
	size_t len;		/* bytes overwritten at the entry */
	struct tiny_entry tiny;	/* when len is TINY_SHORT_JMP_LEN */
};

/* Checks that fn's entry can become a jump, and which; false once it has
 * said why not. */
static bool entry_jump_plan(struct plan *plan, const struct gobin *bin,
			    const struct redirect *r, const struct gofunc *fn,
			    struct entry_jump *j)
{
	struct rw_error err = { { 0 } };

	j->len = JMP_REL32_LEN;
	if (fn->size < JMP_REL32_LEN) {
		if (tiny_entry_plan(bin, fn, &j->tiny, &err) < 0) {
			fail(plan, r, "%s", err.msg);
			return false;
		}
		j->len = TINY_SHORT_JMP_LEN;
	}
	return check_entry_room(plan, bin, r, fn, j->len);
}

/* Plans the bytes that make fn's entry jump to target, as entry_jump_plan
 * chose: a short entry also changes the padding and the pclntab. */
static bool entry_jump_add(struct plan *plan, const struct gobin *bin,
			   const struct redirect *r, const struct gofunc *fn,
			   const struct entry_jump *j, uint64_t target)
{
	bool tiny = j->len == TINY_SHORT_JMP_LEN;
	uint64_t at = tiny ? j->tiny.pad_addr : fn->entry;
	uint8_t jmp[JMP_REL32_LEN];
	size_t i;

	if (!rel32_reaches(at, JMP_REL32_LEN, target)) {
		fail(plan, r, "0x%" PRIx64 " is out of a jmp rel32's reach from %s at 0x%" PRIx64,
		     target, fn->name, at);
		return false;
	}
	jmp_rel32(jmp, at, target);
	if (tiny && patch_add(plan, bin, fn->entry, j->tiny.short_jmp,
			      TINY_SHORT_JMP_LEN) < 0)
		goto oom;
	if (patch_add(plan, bin, at, jmp, sizeof(jmp)) < 0)
		goto oom;
	for (i = 0; tiny && i < j->tiny.ntables; i++)
		if (patch_add_once(plan, bin, j->tiny.tables[i].addr,
				   j->tiny.tables[i].bytes, j->tiny.tables[i].len) < 0)
			goto oom;
	return true;
oom:
	fail(plan, r, "out of memory");
	return false;
}

static const struct redirect *replacement_of(const struct redirect_list *list,
					     const char *from)
{
	size_t i;

	for (i = 0; i < list->count; i++)
		if (list->items[i].kind == REDIRECT_REPLACE &&
		    strcmp(list->items[i].from, from) == 0)
			return &list->items[i];
	return NULL;
}

static const struct plan_target *find_target(const struct plan_options *opt,
					     const char *name)
{
	size_t i;

	for (i = 0; i < opt->ntargets; i++)
		if (strcmp(opt->targets[i].name, name) == 0)
			return &opt->targets[i];
	return NULL;
}

static void plan_replace(struct plan *plan, const struct gobin *bin,
			 struct dwarf_info *di, const struct redirect *r,
			 const struct plan_options *opt, struct rw_error *err)
{
	const struct gofunc *from = resolve(plan, bin, di, r, r->from, "function");
	const struct plan_target *target = find_target(opt, r->to);
	/* Generated code (a C stub) stands in for a Go replacement. */
	const struct gofunc stub = target ? (struct gofunc){
		.name = target->stub, .entry = target->addr, .pcln_index = -1,
	} : (struct gofunc){ .pcln_index = -1 };
	const struct gofunc *to = target ? &stub :
				  resolve(plan, bin, di, r, r->to, "replacement");
	char sites[600];
	struct entry_jump jump;
	size_t ninlined;

	if (!from || !to)
		return;
	if (from->entry == to->entry) {
		fail(plan, r, "%s and %s are the same function", from->name, to->name);
		return;
	}
	if (!target && is_abi0(from) != is_abi0(to)) {
		fail(plan, r, "%s uses %s and %s uses %s: a jump between them would pass arguments the wrong way",
		     from->name, is_abi0(from) ? "ABI0 (stack arguments)" : "ABIInternal (register arguments)",
		     to->name, is_abi0(to) ? "ABI0 (stack arguments)" : "ABIInternal (register arguments)");
		return;
	}
	if (!entry_jump_plan(plan, bin, r, from, &jump))
		return;
	inline_report(bin, di, from->name, sites, sizeof(sites), &ninlined, err);
	if (ninlined && opt->allow_inlined)
		warn(plan, r, "%s is also inlined at %s, which keep%s the original code",
		     from->name, sites, ninlined == 1 ? "s" : "");
	else if (ninlined) {
		fail(plan, r, "%s is inlined at %s, which would keep the original code; build with -gcflags=all=-l or pass --allow-inlined to accept a partial redirect",
		     from->name, sites);
		return;
	}
	/* A stub is made from FROM's own signature. */
	if (!target)
		check_signatures(plan, di, r, from, to, opt);
	if (!entry_jump_add(plan, bin, r, from, &jump, to->entry))
		return;
	if (rewire_note_add_redirect(&plan->note, "redirect", from->name,
				     from->entry, to->name, to->entry, 0) < 0)
		fail(plan, r, "out of memory");
}

/* Appends a trampoline for FROM's original code; returns its address or 0. */
static uint64_t trampoline_add(struct plan *plan, const struct gobin *bin,
			       const struct redirect *r, const struct gofunc *from,
			       size_t min_len, size_t *displaced)
{
	uint64_t at = plan->text_addr + plan->text_len;
	struct trampoline t;
	struct rw_error err = { { 0 } };
	uint8_t *grown;

	at = (at + TRAMPOLINE_ALIGN - 1) & ~(uint64_t)(TRAMPOLINE_ALIGN - 1);
	if (trampoline_build(gobin_func_code(bin, from), from->size, from->entry,
			     min_len, at, &t, &err) < 0) {
		fail(plan, r, "cannot move %s's first instructions: %s", from->name,
		     err.msg);
		return 0;
	}
	if (t.has_call) {
		fail(plan, r, "%s calls a function within its first %zu bytes; a call from the trampoline would return to code Go's unwinder does not know",
		     from->name, t.displaced);
		return 0;
	}
	grown = realloc(plan->text, at - plan->text_addr + t.len);
	if (!grown) {
		fail(plan, r, "out of memory");
		return 0;
	}
	plan->text = grown;
	/* INT3 between trampolines: a stray jump stops at once. */
	memset(plan->text + plan->text_len, 0xcc, at - plan->text_addr - plan->text_len);
	memcpy(plan->text + (at - plan->text_addr), t.code, t.len);
	plan->text_len = at - plan->text_addr + t.len;
	*displaced = t.displaced;
	return at;
}

/* Go's stack-growth path ends in a jump back to the entry, which now leads
 * to the replacement; re-point it at the trampoline so that after the stack
 * grows the original runs again, not the replacement. */
static bool plan_morestack_return(struct plan *plan, const struct gobin *bin,
				  const struct redirect *r, const struct gofunc *from,
				  const struct disasm_morestack *ms, uint64_t tramp)
{
	uint8_t buf[JMP_REL32_LEN];

	if (ms->jmp_len == JMP_REL32_LEN) {
		jmp_rel32(buf, ms->jmp_addr, tramp);
		return patch_add(plan, bin, ms->jmp_addr, buf, JMP_REL32_LEN) == 0;
	}
	/* Short jump: bounce through a jmp rel32 placed at entry+5. */
	{
		int64_t d = (int64_t)(from->entry + JMP_REL32_LEN) - (int64_t)(ms->jmp_addr + 2);
		uint8_t rel8[2] = { 0xeb, (uint8_t)(int8_t)d };

		if (d < INT8_MIN || d > INT8_MAX) {
			fail(plan, r, "the stack-growth jump of %s at +0x%" PRIx64 " cannot reach entry+5",
			     from->name, ms->jmp_addr - from->entry);
			return false;
		}
		jmp_rel32(buf, from->entry + JMP_REL32_LEN, tramp);
		return patch_add(plan, bin, from->entry + JMP_REL32_LEN, buf,
				 JMP_REL32_LEN) == 0 &&
		       patch_add(plan, bin, ms->jmp_addr, rel8, 2) == 0;
	}
}

/* Where FROM's original code can be called: FROM itself while its entry
 * is untouched, else a trampoline with its displaced instructions (and its
 * stack-growth path re-pointed there). 0 when a check failed. */
static uint64_t original_code(struct plan *plan, const struct gobin *bin,
			      const struct redirect_list *list,
			      const struct redirect *r, const struct gofunc *from)
{
	struct disasm_morestack ms = { 0 };
	struct rw_error derr = { { 0 } };
	/* What the redirect overwrites at the entry (entry_jump_plan). */
	bool tiny = from->size < JMP_REL32_LEN;
	size_t min_len = tiny ? TINY_SHORT_JMP_LEN : JMP_REL32_LEN, displaced = 0;
	uint64_t target;
	int found;

	if (!replacement_of(list, r->from))
		return from->entry;
	found = disasm_find_morestack_return(gobin_func_code(bin, from),
					     from->size, from->entry, &ms, &derr);
	if (found < 0) {
		fail(plan, r, "cannot decode %s: %s", from->name, derr.msg);
		return 0;
	}
	if (found && tiny) {
		fail(plan, r, "%s is %" PRIu64 " bytes yet has a stack-growth path: cannot keep its original code",
		     from->name, from->size);
		return 0;
	}
	if (found && ms.jmp_len != JMP_REL32_LEN)
		min_len = ENTRY_WITH_BOUNCE_LEN;
	if (!check_entry_room(plan, bin, r, from, min_len))
		return 0;
	target = trampoline_add(plan, bin, r, from, min_len, &displaced);
	if (!target)
		return 0;
	/* The trampoline resumes at entry + displaced; at the end of a short
	 * function that is the jump in the padding, to the replacement. */
	if (tiny && displaced >= from->size) {
		fail(plan, r, "%s's first instruction is all of its %" PRIu64 " bytes: its original code would resume in its padding, which jumps to the replacement",
		     from->name, from->size);
		return 0;
	}
	if (found && !plan_morestack_return(plan, bin, r, from, &ms, target)) {
		fail(plan, r, "cannot re-point the stack-growth path of %s", from->name);
		return 0;
	}
	return target;
}

/* original FROM=NAME where NAME is generated code (C reaching the original):
 * nothing to patch, the caller stores the address where NAME finds it. */
static void plan_original_for_target(struct plan *plan, const struct gobin *bin,
				     struct dwarf_info *di,
				     const struct redirect_list *list,
				     const struct redirect *r,
				     const struct plan_target *t)
{
	const struct gofunc *from = resolve(plan, bin, di, r, r->from, "function");
	uint64_t target = from ? original_code(plan, bin, list, r, from) : 0;
	struct plan_resolved *grown;

	if (!target)
		return;
	grown = realloc(plan->resolved, (plan->nresolved + 1) * sizeof(*grown));
	if (!grown) {
		fail(plan, r, "out of memory");
		return;
	}
	plan->resolved = grown;
	plan->resolved[plan->nresolved++] = (struct plan_resolved){ t->name, target };
	if (rewire_note_add_redirect(&plan->note, "original", from->name, from->entry,
				     t->stub, t->addr,
				     target == from->entry ? 0 : target) < 0)
		fail(plan, r, "out of memory");
}

static void plan_original(struct plan *plan, const struct gobin *bin,
			  struct dwarf_info *di, const struct redirect_list *list,
			  const struct redirect *r, const struct plan_options *opt,
			  struct rw_error *err)
{
	const struct plan_target *t = find_target(opt, r->to);
	const struct gofunc *from, *ph;
	struct plan_options strict = { 0 };
	struct entry_jump jump;
	char sites[600];
	size_t ninlined;
	uint64_t target;

	if (t && t->original) {
		plan_original_for_target(plan, bin, di, list, r, t);
		return;
	}
	from = resolve(plan, bin, di, r, r->from, "function");
	ph = resolve(plan, bin, di, r, r->to, "placeholder");
	if (!from || !ph)
		return;
	inline_report(bin, di, ph->name, sites, sizeof(sites), &ninlined, err);
	if (ninlined) {
		fail(plan, r, "placeholder %s is inlined (%s), so those calls never reach the original; mark it //go:noinline",
		     ph->name, sites);
		return;
	}
	if (!entry_jump_plan(plan, bin, r, ph, &jump))
		return;
	check_signatures(plan, di, r, from, ph, &strict);
	target = original_code(plan, bin, list, r, from);
	if (!target || !entry_jump_add(plan, bin, r, ph, &jump, target))
		return;
	if (rewire_note_add_redirect(&plan->note, "original", from->name, from->entry,
				     ph->name, ph->entry,
				     target == from->entry ? 0 : target) < 0)
		fail(plan, r, "out of memory");
}

/* Two patches on the same bytes mean two redirects fight over a function. */
/* Whether patch a changes any byte of [addr, addr + len). */
static bool patch_overlaps(const struct byte_patch *a, uint64_t addr, size_t len)
{
	return a->addr < addr + len && addr < a->addr + a->len;
}

/* Each planned patch's bytes, where patch_add's reallocations left them. */
static void patches_point(struct plan *plan)
{
	for (size_t i = 0; i < plan->npatches; i++)
		plan->patches[i].bytes = plan->patch_bytes[i];
}

static void check_overlaps(struct plan *plan, const struct redirect_list *list)
{
	size_t i, j;

	for (i = 0; i < plan->npatches; i++)
		for (j = i + 1; j < plan->npatches; j++) {
			const struct byte_patch *a = &plan->patches[i], *b = &plan->patches[j];

			if (patch_overlaps(a, b->addr, b->len))
				fail(plan, &list->items[0],
				     "two redirects change the same bytes at 0x%" PRIx64 " (a function is both redirected and used as a placeholder or target?)",
				     a->addr > b->addr ? a->addr : b->addr);
		}
}

/* Is record i the first of a chain: a jump whose FROM nothing jumps to? */
static bool chain_head(const struct rewire_note *note, size_t i)
{
	for (size_t j = 0; j < note->nredirects; j++)
		if (redirect_chain_next(note, j) == (long)i)
			return false;
	return true;
}

/* The redirect that made jump record i. Once every redirect has been
 * planned without error, the REPLACE items of list and the jump records
 * come in the same order, one each. */
static const struct redirect *jump_origin(const struct redirect_list *list,
					  const struct rewire_note *note, size_t i)
{
	size_t k = 0, j;

	for (j = 0; j < i; j++)
		k += strcmp(note->redirects[j].kind, "redirect") == 0;
	for (j = 0; j < list->count; j++)
		if (list->items[j].kind == REDIRECT_REPLACE && k-- == 0)
			return &list->items[j];
	return &list->items[0];
}

/* Redirects that lead on to others: a cycle jumps around forever (refused,
 * whatever --force says); a chain runs its last TO (a warning). */
static void check_chains(struct plan *plan, const struct redirect_list *list)
{
	const struct rewire_note *note = &plan->note;
	size_t i, cycles = 0;
	char path[800];

	for (i = 0; i < note->nredirects; i++) {
		if (!redirect_chain_is_cycle(note, i))
			continue;
		redirect_chain_format(note, i, path, sizeof(path));
		fail(plan, jump_origin(list, note, i),
		     "redirect cycle %s: a call of any of them would jump around forever; drop one of these redirects",
		     path);
		cycles++;
	}
	for (i = 0; i < note->nredirects && !cycles; i++) {
		const struct note_redirect *r = &note->redirects[i];
		long at = redirect_chain_next(note, i), last = at;

		if (at < 0 || !chain_head(note, i))
			continue;
		while ((at = redirect_chain_next(note, (size_t)at)) >= 0)
			last = at;
		redirect_chain_format(note, i, path, sizeof(path));
		warn(plan, jump_origin(list, note, i),
		     "chain %s: calls of %s run %s", path, r->from,
		     note->redirects[last].to);
	}
}

/* A plan for a binary rewired before is refused where a new patch would
 * touch bytes a recorded one changed. */
static int check_beside(const struct plan *plan, const struct gobin *bin,
			const struct rewire_note *done, struct rw_error *err)
{
	for (size_t i = 0; i < plan->npatches; i++) {
		const struct byte_patch *p = &plan->patches[i];

		for (size_t j = 0; j < done->npatches; j++) {
			const struct note_patch *q = &done->patches[j];
			const struct gofunc *fn;

			if (p->addr >= q->addr + q->len || q->addr >= p->addr + p->len)
				continue;
			fn = gobin_func_at(bin, p->addr);
			return rw_fail(err, "%s: %s at 0x%" PRIx64 " was patched before (its record); that patch and this one cannot both hold",
				       gobin_path(bin), fn ? fn->name : "the code", p->addr);
		}
	}
	return 0;
}

static int plan_make(struct plan *plan, const struct gobin *bin,
		     struct dwarf_info *di, const struct redirect_list *list,
		     const struct plan_options *opt, struct rw_error *err);

int plan_build(struct plan *plan, const struct gobin *bin,
	       struct dwarf_info *di, const struct redirect_list *list,
	       const struct plan_options *opt, struct rw_error *err)
{
	struct rewire_note done;
	int rc;

	memset(plan, 0, sizeof(*plan));
	rc = rewire_note_read(gobin_elf(bin), &done, err);
	if (rc < 0)
		return -1;
	if (rc == 0 && opt->beside_recorded) {
		rc = plan_make(plan, bin, di, list, opt, err);
		if (rc == 0)
			rc = check_beside(plan, bin, &done, err);
		rewire_note_free(&done);
		return rc;
	}
	if (rc == 0) {
		rw_fail(err, "%s was already rewired (%zu redirect(s), first: %s -> %s); patch the original binary with all redirects at once",
			gobin_path(bin), done.nredirects,
			done.nredirects ? done.redirects[0].from : "?",
			done.nredirects ? done.redirects[0].to : "?");
		rewire_note_free(&done);
		return -1;
	}
	return plan_make(plan, bin, di, list, opt, err);
}

static int plan_make(struct plan *plan, const struct gobin *bin,
		     struct dwarf_info *di, const struct redirect_list *list,
		     const struct plan_options *opt, struct rw_error *err)
{
	size_t i;

	if (list->count == 0)
		return rw_fail(err, "no redirects given (use --redirect, --spec or --annotations)");
	plan->text_addr = opt->text_addr ? opt->text_addr :
			  elf_writer_next_vaddr(gobin_elf(bin));
	for (i = 0; i < list->count; i++) {
		const struct redirect *r = &list->items[i];

		if (r->kind == REDIRECT_REPLACE)
			plan_replace(plan, bin, di, r, opt, err);
	}
	for (i = 0; i < list->count; i++) {
		const struct redirect *r = &list->items[i];

		if (r->kind == REDIRECT_ORIGINAL)
			plan_original(plan, bin, di, list, r, opt, err);
	}
	if (plan->nerrors == 0)
		check_chains(plan, list);
	if (plan->nerrors == 0)
		check_overlaps(plan, list);
	patches_point(plan);
	if (plan->nerrors)
		return rw_fail(err, "%zu problem(s); %s left unchanged",
			       plan->nerrors, gobin_path(bin));
	return 0;
}

int plan_add_inner_jump(struct plan *plan, const struct gobin *bin,
			const struct gofunc *fn, uint64_t at, const char *to,
			uint64_t to_addr, struct rw_error *err)
{
	uint8_t jmp[JMP_REL32_LEN];
	char from[512];

	if (at <= fn->entry || at + JMP_REL32_LEN > fn->entry + fn->size)
		return rw_fail(err, "%s: 0x%" PRIx64 " is not inside %s past its entry",
			       gobin_path(bin), at, fn->name);
	if (!rel32_reaches(at, JMP_REL32_LEN, to_addr))
		return rw_fail(err, "%s: %s at 0x%" PRIx64 " is out of a jmp rel32's reach from 0x%" PRIx64,
			       gobin_path(bin), to, to_addr, at);
	for (size_t i = 0; i < plan->npatches; i++)
		if (patch_overlaps(&plan->patches[i], at, JMP_REL32_LEN))
			return rw_fail(err, "%s: the jump at %s+0x%" PRIx64 " would change bytes another redirect changes",
				       gobin_path(bin), fn->name, at - fn->entry);
	snprintf(from, sizeof(from), "%s+0x%" PRIx64, fn->name, at - fn->entry);
	jmp_rel32(jmp, at, to_addr);
	if (patch_add(plan, bin, at, jmp, sizeof(jmp)) < 0 ||
	    rewire_note_add_redirect(&plan->note, "redirect", from, at, to, to_addr, 0) < 0)
		return rw_fail(err, "out of memory");
	patches_point(plan);
	return 0;
}

int plan_write(const struct plan *plan, const struct gobin *bin,
	       const struct plan_extras *extras, const struct output *out,
	       struct rw_error *err)
{
	struct new_note note = {
		.section_name = REWIRE_NOTE_SECTION, .owner = REWIRE_NOTE_OWNER,
		.type = REWIRE_NOTE_TYPE,
	};
	size_t nextra = extras ? extras->nsegments : 0;
	struct new_segment *segs = calloc(nextra + 1, sizeof(*segs));
	struct elf_changes ch = {
		.patches = plan->patches, .npatches = plan->npatches,
		.segments = segs, .note = &note,
		.symbols = extras ? extras->symbols : NULL,
		.nsymbols = extras ? extras->nsymbols : 0,
	};
	char *text = NULL;
	size_t len = 0;
	int rc;

	if (!segs)
		return rw_fail(err, "out of memory");
	if (nextra)
		memcpy(segs, extras->segments, nextra * sizeof(*segs));
	ch.nsegments = nextra;
	/* Trampolines come after the linked C code (plan_options.text_addr). */
	if (plan->text_len)
		segs[ch.nsegments++] = (struct new_segment){
			.section_name = ".rewire.text", .flags = PF_R | PF_X,
			.addr = plan->text_addr, .bytes = plan->text,
			.size = plan->text_len,
		};
	if (rewire_note_format(&plan->note, &text, &len, err) < 0) {
		free(segs);
		return -1;
	}
	note.desc = (const uint8_t *)text;
	note.desc_len = len;
	rc = elf_writer_write(gobin_elf(bin), &ch, out, err);
	free(text);
	free(segs);
	return rc;
}

void plan_free(struct plan *plan)
{
	free(plan->patches);
	free(plan->patch_bytes);
	free(plan->text);
	free(plan->errors);
	free(plan->warnings);
	free(plan->resolved);
	rewire_note_free(&plan->note);
	memset(plan, 0, sizeof(*plan));
}
