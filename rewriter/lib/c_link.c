/* Go -> C: link, collect C redirects, generate and assemble stubs, link again.
 *
 * The image is linked twice at the same base: the first link finds the
 * REWIRE_FROM records and the C functions (which decide the stubs), the
 * second adds the assembled stubs; every address is read from the second. */
#include "c_link.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "abi_stub.h"
#include "cleanup.h"
#include "fsutil.h"
#include "run.h"

/* One C redirect: FROM's entry jumps to the stub in front of C function TO. */
struct c_redirect {
	const char *from;	/* Go symbol as patched (ABI0: ".abi0" spelling) */
	const char *to;		/* C function */
	const char *origin;
	bool abi0;
	bool original;		/* to is generated: C calling FROM's original */
	bool missing;		/* FROM is not in the binary: no stub */
	struct abi_sig sig;
};

static char *keep(struct c_link *cl, char *s)
{
	char **grown;

	if (!s)
		return NULL;
	grown = realloc(cl->names, (cl->nnames + 1) * sizeof(*grown));
	if (!grown) {
		free(s);
		return NULL;
	}
	cl->names = grown;
	cl->names[cl->nnames++] = s;
	return s;
}

static bool same_words(const struct abi_word *a, size_t na,
		       const struct abi_word *b, size_t nb)
{
	size_t i;

	if (na != nb)
		return false;
	for (i = 0; i < na; i++)
		if (a[i].cls != b[i].cls || a[i].size != b[i].size)
			return false;
	return true;
}

/* FROM's signature: the record's text, DWARF's, or both agreeing. */
static int read_signature(struct c_redirect *cr, const char *text,
			  struct dwarf_info *di, const struct gobin *bin,
			  bool force, struct rw_error *err)
{
	struct go_signature gs = { 0 };
	struct abi_sig from_dwarf;
	struct rw_error why = { { 0 } };
	bool have_text = text && *text, have_dwarf = false;

	if (have_text && abi_sig_parse(text, &cr->sig, &why) < 0)
		return rw_fail(err, "%s: %s -> %s: %s", cr->origin, cr->from, cr->to, why.msg);
	if (!cr->abi0 && di) {
		int rc = dwarf_info_func_signature(di, cr->from, &gs, &why);

		if (rc < 0)
			return rw_fail(err, "%s: %s", cr->origin, why.msg);
		if (rc == 0) {
			rc = abi_sig_from_go(&gs, &from_dwarf, &why);
			go_signature_free(&gs);
			if (rc < 0)
				return rw_fail(err, "%s: %s -> %s: %s", cr->origin, cr->from,
					       cr->to, why.msg);
			have_dwarf = true;
		}
	}
	if (have_dwarf && !have_text) {
		cr->sig = from_dwarf;
		return 0;
	}
	if (have_dwarf && !force &&
	    (!same_words(cr->sig.params, cr->sig.nparams, from_dwarf.params, from_dwarf.nparams) ||
	     !same_words(cr->sig.results, cr->sig.nresults, from_dwarf.results, from_dwarf.nresults)))
		return rw_fail(err, "%s: %s -> %s: the signature \"%s\" does not match %s's in DWARF; fix it or pass --force",
			       cr->origin, cr->from, cr->to, text, cr->from);
	if (!have_text)
		return rw_fail(err, "%s: %s -> %s: %s, so rewire cannot build the stub: give the Go signature as REWIRE_FROM's fourth argument",
			       cr->origin, cr->from, cr->to,
			       cr->abi0 ? "an assembly (ABI0) function has no signature in DWARF" :
			       gobin_has_dwarf(bin) ? "DWARF does not know it" :
			       "the binary has no DWARF");
	return 0;
}

/* The original record that r came from, if any. */
static const struct linked_redirect *original_record(const struct linked_image *img,
						     const struct redirect *r)
{
	size_t i;

	if (r->kind != REDIRECT_ORIGINAL)
		return NULL;
	for (i = 0; i < img->nredirects; i++)
		if (img->redirects[i].original && strcmp(img->redirects[i].to, r->to) == 0)
			return &img->redirects[i];
	return NULL;
}

/* Adds the records to list, then collects every redirect of list to a C
 * function of img, and every original record. */
static int collect(struct c_link *cl, const struct gobin *bin,
		   struct dwarf_info *di, const struct linked_image *img,
		   struct redirect_list *list, bool force, struct c_redirect **out,
		   size_t *nout, struct rw_error *err)
{
	struct c_redirect *crs;
	size_t i, n = 0;

	for (i = 0; i < img->nredirects; i++) {
		const struct linked_redirect *r = &img->redirects[i];
		bool abi0 = strcmp(r->abi, "ABI0") == 0;
		if (r->door)
			continue; /* a kernel's: rewire image's to use */
		size_t len = strlen(r->from);
		char *from = NULL, *origin = NULL;

		if (abi0 && !(len > 5 && strcmp(r->from + len - 5, ".abi0") == 0)) {
			if (asprintf(&from, "%s.abi0", r->from) < 0)
				from = NULL;
		} else {
			from = strdup(r->from);
		}
		if (asprintf(&origin, "%s: %s(%s)", r->object,
			     r->original ? "REWIRE_ORIGINAL" : "REWIRE_FROM", r->to) < 0)
			origin = NULL;
		if (!keep(cl, from) || !keep(cl, origin))
			return rw_fail(err, "out of memory");
		if (redirect_list_add(list, r->original ? REDIRECT_ORIGINAL : REDIRECT_REPLACE,
				      from, r->to, origin, err) < 0)
			return -1;
	}
	crs = calloc(list->count + 1, sizeof(*crs));
	if (!crs)
		return rw_fail(err, "out of memory");
	*out = crs;
	for (i = 0; i < list->count; i++) {
		const struct redirect *r = &list->items[i];
		const struct linked_symbol *sym = linker_symbol(img, r->to);
		const char *text = NULL;
		size_t k, len = strlen(r->from);

		const struct linked_redirect *rec = original_record(img, r);

		if (rec) {
			crs[n] = (struct c_redirect){
				.from = r->from, .to = r->to, .origin = r->origin,
				.abi0 = strcmp(rec->abi, "ABI0") == 0, .original = true,
			};
			if (!gobin_find_func(bin, r->from)) {
				crs[n++].missing = true;
				continue;
			}
			if (read_signature(&crs[n], rec->signature, di, bin, force, err) < 0)
				return -1;
			n++;
			continue;
		}
		if (r->kind != REDIRECT_REPLACE || !sym || gobin_find_func(bin, r->to))
			continue;
		if (!sym->is_func)
			return rw_fail(err, "%s: %s -> %s: %s is C data, not a function",
				       r->origin, r->from, r->to, r->to);
		crs[n] = (struct c_redirect){
			.from = r->from, .to = r->to, .origin = r->origin,
			.abi0 = len > 5 && strcmp(r->from + len - 5, ".abi0") == 0,
		};
		/* No stub for a FROM the binary lacks: the planner says why. */
		if (!gobin_find_func(bin, r->from)) {
			crs[n++].missing = true;
			continue;
		}
		for (k = 0; k < img->nredirects; k++)
			if (strcmp(img->redirects[k].to, r->to) == 0)
				text = img->redirects[k].signature;
		if (read_signature(&crs[n], text, di, bin, force, err) < 0)
			return -1;
		n++;
	}
	*nout = n;
	return 0;
}

static char *stub_name(const char *c_function)
{
	char *s;

	return asprintf(&s, C_STUB_PREFIX "%s", c_function) < 0 ? NULL : s;
}

/* Writes and assembles the stubs into dir/stubs.o. */
static int assemble_stubs(struct c_link *cl, const char *dir,
			  const struct c_redirect *crs, size_t n,
			  struct rw_error *err)
{
	char src[4200], obj[4200];
	char *argv[] = { "as", "--64", "-o", obj, src, NULL };
	struct run_output res;
	struct rw_error why = { { 0 } };
	char summary[768];
	FILE *f;
	size_t i;

	snprintf(src, sizeof(src), "%s/stubs.s", dir);
	snprintf(obj, sizeof(obj), "%s/stubs.o", dir);
	f = fopen(src, "w");
	if (!f)
		return rw_fail(err, "%s: cannot write the stubs", src);
	for (i = 0; i < n; i++) {
		char *name = crs[i].missing || crs[i].original ? NULL :
			     keep(cl, stub_name(crs[i].to));
		int rc;

		if (crs[i].missing)
			continue;
		if (!crs[i].original && !name) {
			fclose(f);
			return rw_fail(err, "out of memory");
		}
		rc = crs[i].original ?
		     abi_original_emit(f, crs[i].to, crs[i].abi0, &crs[i].sig, &why) :
		     abi_stub_emit(f, name, crs[i].to, crs[i].abi0, &crs[i].sig, &why);
		if (rc < 0) {
			fclose(f);
			return rw_fail(err, "%s: %s -> %s: %s", crs[i].origin, crs[i].from,
				       crs[i].to, why.msg);
		}
	}
	if (fclose(f) != 0)
		return rw_fail(err, "%s: cannot write the stubs", src);
	if (run_program("the assembler", argv, NULL, NULL, 1 << 20, 0,
			"(install binutils)", &res, &why) < 0)
		return rw_fail(err, "%s", why.msg);
	run_stderr_summary(&res, 4, summary, sizeof(summary));
	run_output_free(&res);
	if (res.status != 0)
		return rw_fail(err, "as failed on the generated stubs: %s", summary);
	return 0;
}

/* What the writer needs: segments and symbols of the final image. */
static int describe(struct c_link *cl, struct rw_error *err)
{
	const struct linked_image *img = &cl->image;
	size_t i;

	cl->segments = calloc(img->nsegments + 1, sizeof(*cl->segments));
	cl->symbols = calloc(img->nsymbols + 1, sizeof(*cl->symbols));
	if (!cl->segments || !cl->symbols)
		return rw_fail(err, "out of memory");
	for (i = 0; i < img->nsegments; i++) {
		const struct linked_segment *s = &img->segments[i];

		cl->segments[cl->nsegments++] = (struct new_segment){
			.section_name = s->name, .flags = s->flags, .addr = s->addr,
			.bytes = s->bytes, .size = s->filesz, .memsz = s->memsz,
		};
	}
	for (i = 0; i < img->nsymbols; i++) {
		const struct linked_symbol *s = &img->symbols[i];

		cl->symbols[cl->nsymbols++] = (struct new_symbol){
			.name = s->name, .addr = s->addr, .size = s->size,
			.is_func = s->is_func,
		};
	}
	return 0;
}

int c_link_build(struct c_link *cl, const struct gobin *bin,
		 struct dwarf_info *di, const char *const *objects,
		 size_t nobjects, struct redirect_list *list, bool force,
		 struct rw_error *err)
{
	uint64_t base = elf_writer_next_vaddr(gobin_elf(bin));
	struct linked_image first = { 0 };
	struct c_redirect *crs = NULL;
	const char **inputs = NULL;
	char dir[4096], path[4200];
	size_t ncrs = 0, i;
	int rc = -1;

	memset(cl, 0, sizeof(*cl));
	if (temp_dir_make(dir, sizeof(dir), "rewire-stubs", err) < 0)
		return -1;
	if (linker_discover(&first, bin, objects, nobjects, base, err) < 0)
		goto out;
	if (collect(cl, bin, di, &first, list, force, &crs, &ncrs, err) < 0)
		goto out;
	inputs = calloc(nobjects + 1, sizeof(*inputs));
	if (!inputs) {
		rw_fail(err, "out of memory");
		goto out;
	}
	memcpy(inputs, objects, nobjects * sizeof(*objects));
	if (ncrs) {
		if (assemble_stubs(cl, dir, crs, ncrs, err) < 0)
			goto out;
		snprintf(path, sizeof(path), "%s/stubs.o", dir);
		inputs[nobjects] = path;
	}
	if (linker_link(&cl->image, bin, inputs, nobjects + (ncrs ? 1 : 0), base, err) < 0)
		goto out;
	cl->targets = calloc(ncrs + 1, sizeof(*cl->targets));
	if (!cl->targets) {
		rw_fail(err, "out of memory");
		goto out;
	}
	for (i = 0; i < ncrs; i++) {
		char *stub = crs[i].original ? (char *)crs[i].to : keep(cl, stub_name(crs[i].to));
		uint64_t addr = stub ? linker_symbol_addr(&cl->image, stub) : 0;

		if (crs[i].missing && stub) {
			/* A target all the same, so that the planner reports the
			 * missing FROM and not a missing Go replacement. */
			cl->targets[cl->ntargets++] = (struct plan_target){
				crs[i].to, stub, 0, crs[i].original };
			continue;
		}
		if (!addr) {
			rw_fail(err, "the stub for %s is missing from the linked image", crs[i].to);
			goto out;
		}
		cl->targets[cl->ntargets++] = (struct plan_target){
			crs[i].to, stub, addr, crs[i].original };
	}
	rc = describe(cl, err);
out:
	cleanup_remove(dir);
	linked_image_free(&first);
	free(crs);
	free(inputs);
	if (rc < 0)
		c_link_free(cl);
	return rc;
}

int c_link_set_originals(struct c_link *cl, const struct plan *plan,
			 struct rw_error *err)
{
	size_t i, k;

	for (i = 0; i < plan->nresolved; i++) {
		char slot[1100];
		uint64_t at;
		bool done = false;

		snprintf(slot, sizeof(slot), "%s.slot", plan->resolved[i].name);
		at = linker_symbol_addr(&cl->image, slot);
		for (k = 0; k < cl->image.nsegments && at; k++) {
			struct linked_segment *s = &cl->image.segments[k];

			if (at >= s->addr && at + 8 <= s->addr + s->filesz) {
				uint64_t v = plan->resolved[i].addr;

				for (int b = 0; b < 8; b++)
					s->bytes[at - s->addr + (uint64_t)b] = (uint8_t)(v >> (8 * b));
				done = true;
			}
		}
		if (!done)
			return rw_fail(err, "%s is missing from the linked image", slot);
	}
	return 0;
}

void c_link_free(struct c_link *cl)
{
	size_t i;

	linked_image_free(&cl->image);
	for (i = 0; i < cl->nnames; i++)
		free(cl->names[i]);
	free(cl->names);
	free(cl->targets);
	free(cl->segments);
	free(cl->symbols);
	memset(cl, 0, sizeof(*cl));
}
