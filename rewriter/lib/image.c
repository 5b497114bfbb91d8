/* rewire image: link the kernel runtime into a static Go binary and write an
 * ELF its platform runs.
 *
 * Stages: check the input -> find the kernel's objects and the platform's
 * layout -> link them after the Go binary (linker_link_kernel) -> write
 * the copy with the kernel's segments, its PT_NOTE, entry, symbols and the
 * record -> redirect mode: prove its trap instructions covered before it
 * is published (image_cover.c). */
#include "image.h"

#include <dirent.h>
#include <gelf.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elf_writer.h"
#include "fsutil.h"
#include "gobin.h"
#include "image_cover.h"
#include "ksyms.h"
#include "leaf_facts.h"
#include "linker.h"
#include "plan.h"
#include "redirect.h"
#include "rewire_note.h"

#define PAGE_SIZE 4096ULL
/* Kernels are built with -mcmodel=small: they and what they address
 * directly lie below 2 GiB. (A platform's layout may ask for less.) */
#define KERNEL_LIMIT 0x80000000ULL
/* Longest platform name: they are folder names under platform/. */
#define PLATFORM_NAME_MAX 32

static bool is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* DIR/platform-PLATFORM.EXT into path (PATH_MAX + 64 bytes); false when
 * it does not fit. */
static bool platform_file(char *path, const char *dir, const char *platform,
			  const char *ext)
{
	int n = snprintf(path, PATH_MAX + 64, "%s/platform-%s.%s", dir, platform, ext);

	return n > 0 && n < PATH_MAX + 64;
}

static bool kernel_dir_ok(const char *dir, const char *platform)
{
	char path[PATH_MAX + 64];

	return platform_file(path, dir, platform, "a") && is_file(path);
}

/* A platform name: letters, digits, '-' and '_' (it names files). */
static int platform_check(const char *platform, struct rw_error *err)
{
	size_t n = strlen(platform);

	if (n == 0 || n > PLATFORM_NAME_MAX ||
	    strspn(platform, "abcdefghijklmnopqrstuvwxyz0123456789-_") != n)
		return rw_fail(err, "'%.40s' is not a platform name (kvm or hosted)",
			       platform);
	return 0;
}

int image_find_kernel_dir(char *buf, size_t len, const char *platform,
			  struct rw_error *err)
{
	static const char *const rel[] = {
		"../kernel", "../../build/kernel", "../lib/rewire/kernel",
	};
	const char *env = getenv(IMAGE_KERNEL_DIR_ENV);
	char exe[PATH_MAX], tried[1024] = "";
	ssize_t n;
	char *slash;

	if (platform_check(platform, err) < 0)
		return -1;
	if (env && *env) {
		if (!kernel_dir_ok(env, platform))
			return rw_fail(err, "%s=%s holds no platform-%s.a (build the kernel with make)",
				       IMAGE_KERNEL_DIR_ENV, env, platform);
		snprintf(buf, len, "%s", env);
		return 0;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return rw_fail(err, "cannot find the rewire binary's directory: give --kernel-dir or set %s",
			       IMAGE_KERNEL_DIR_ENV);
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';
	for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		char dir[PATH_MAX + 64], real[PATH_MAX];
		size_t t = strlen(tried);

		snprintf(dir, sizeof(dir), "%s/%s", exe, rel[i]);
		if (kernel_dir_ok(dir, platform)) {
			snprintf(buf, len, "%s", realpath(dir, real) ? real : dir);
			return 0;
		}
		snprintf(tried + t, sizeof(tried) - t, "%s%.300s", t ? ", " : "", dir);
	}
	return rw_fail(err, "no kernel build for platform %s found (tried %s): run make, or give --kernel-dir or %s",
		       platform, tried, IMAGE_KERNEL_DIR_ENV);
}

static int compare_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct inputs {
	char **paths;
	size_t count;
};

static void inputs_free(struct inputs *in)
{
	for (size_t i = 0; i < in->count; i++)
		free(in->paths[i]);
	free(in->paths);
	memset(in, 0, sizeof(*in));
}

static int inputs_add(struct inputs *in, char *path)
{
	char **p = realloc(in->paths, (in->count + 1) * sizeof(*p));

	if (!p || !path) {
		free(path);
		return -1;
	}
	in->paths = p;
	in->paths[in->count++] = path;
	return 0;
}

/* The core's objects (DIR/core/ *.o, sorted) and the platform archive. */
static int kernel_inputs(struct inputs *in, const char *dir, const char *platform,
			 struct rw_error *err)
{
	char core[PATH_MAX + 16], *p = NULL;
	struct dirent *de;
	DIR *d;

	snprintf(core, sizeof(core), "%s/core", dir);
	d = opendir(core);
	if (!d)
		return rw_fail(err, "%s: no kernel core objects (make builds them)", core);
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);

		if (n < 3 || strcmp(de->d_name + n - 2, ".o") != 0)
			continue;
		if (asprintf(&p, "%s/%s", core, de->d_name) < 0 || inputs_add(in, p) < 0) {
			closedir(d);
			return rw_fail(err, "out of memory");
		}
	}
	closedir(d);
	if (in->count == 0)
		return rw_fail(err, "%s: no kernel core objects (make builds them)", core);
	qsort(in->paths, in->count, sizeof(*in->paths), compare_str);
	if (asprintf(&p, "%s/platform-%s.a", dir, platform) < 0 || inputs_add(in, p) < 0)
		return rw_fail(err, "out of memory");
	return 0;
}

/* The platform's layout, DIR/platform-PLATFORM.ld, as text (malloc'd). */
static char *layout_read(const char *dir, const char *platform, struct rw_error *err)
{
	char path[PATH_MAX + 64];
	uint8_t *text = NULL;
	size_t size;

	if (!platform_file(path, dir, platform, "ld")) {
		rw_fail(err, "%s: the path is too long", dir);
		return NULL;
	}
	if (file_read_all(path, &text, &size, err) < 0) {
		rw_wrap(err, "platform %s has no image layout: ", platform);
		return NULL;
	}
	if (strlen((char *)text) != size) {
		rw_fail(err, "%s: a NUL byte in the layout", path);
		free(text);
		return NULL;
	}
	return (char *)text;
}

struct ksym {
	uint64_t addr;
	uint64_t size;
	const char *name;
};

static int ksym_compare(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* The table of ksyms.h for every Go function (from .symtab, or .gopclntab
 * when stripped) and every kernel C function: *out (malloc'd), *len. */
static int ksyms_build(const struct gobin *bin, const struct linked_image *k,
		       uint8_t **out, size_t *len, size_t *count, struct rw_error *err)
{
	size_t ngo = gobin_func_count(bin), n = 0, names = 0;
	struct ksym *syms = calloc(ngo + k->nsymbols + 1, sizeof(*syms));
	struct ksyms_header h = { .magic = KSYMS_MAGIC };
	uint8_t *buf;

	if (!syms)
		return rw_fail(err, "out of memory");
	for (size_t i = 0; i < ngo; i++) {
		const struct gofunc *f = gobin_func(bin, i);

		if (f->name && *f->name)
			syms[n++] = (struct ksym){ f->entry, f->size, f->name };
	}
	for (size_t i = 0; i < k->nsymbols; i++)
		if (k->symbols[i].is_func && *k->symbols[i].name)
			syms[n++] = (struct ksym){ k->symbols[i].addr, k->symbols[i].size,
						   k->symbols[i].name };
	qsort(syms, n, sizeof(*syms), ksym_compare);
	for (size_t i = 0; i < n; i++)
		names += strlen(syms[i].name) + 1;
	if (names > UINT32_MAX) {
		free(syms);
		return rw_fail(err, "the function names take %zu bytes, more than the kernel's symbol table holds",
			       names);
	}
	h.count = n;
	h.names_size = names;
	*len = sizeof(h) + n * sizeof(struct ksyms_entry) + names;
	buf = calloc(1, *len);
	if (!buf) {
		free(syms);
		return rw_fail(err, "out of memory");
	}
	memcpy(buf, &h, sizeof(h));
	struct ksyms_entry *e = (struct ksyms_entry *)(buf + sizeof(h));
	char *name = (char *)(e + n);
	size_t at = 0;
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(syms[i].name) + 1;

		e[i].addr = syms[i].addr;
		e[i].size = syms[i].size > UINT32_MAX ? 0 : (uint32_t)syms[i].size;
		e[i].name = (uint32_t)at;
		memcpy(name + at, syms[i].name, l);
		at += l;
	}
	free(syms);
	*out = buf;
	*count = n;
	return 0;
}

/* Sets the kernel's pointer to the table at table_addr: 8 bytes inside the
 * linked kernel's data, before the segments are written. */
static int ksyms_point(struct linked_image *k, uint64_t table_addr, struct rw_error *err)
{
	uint64_t at = linker_symbol_addr(k, KSYMS_POINTER);

	for (size_t i = 0; at && i < k->nsegments; i++) {
		struct linked_segment *s = &k->segments[i];

		if (at >= s->addr && at + sizeof(table_addr) <= s->addr + s->filesz) {
			memcpy(s->bytes + (at - s->addr), &table_addr, sizeof(table_addr));
			return 0;
		}
	}
	return rw_fail(err, "the kernel has no %s in its initialized data (a kernel build from before symbol tables? run make)",
		       KSYMS_POINTER);
}

/* The address of the Go binary's ELF header once loaded: the PT_LOAD that
 * maps file offset 0. Also checks what every platform's loader needs:
 * physical and virtual addresses agree (a PVH loader goes by the physical
 * ones), everything below the kernel limit. */
static int program_check(const struct gobin *bin, uint64_t *ehdr, struct rw_error *err)
{
	const struct elf_image *img = gobin_elf(bin);

	*ehdr = 0;
	if (img->ehdr.e_type != ET_EXEC || elf_image_is_dynamic(img))
		return rw_fail(err, "%s is position-independent or dynamically linked: an image needs a static Go binary (CGO_ENABLED=0, -buildmode=exe)",
			       gobin_path(bin));
	for (size_t i = 0; i < img->nsegments; i++) {
		const GElf_Phdr *ph = &img->segments[i];

		if (ph->p_type == PT_DYNAMIC)
			return rw_fail(err, "%s has a dynamic section: an image needs a static Go binary",
				       gobin_path(bin));
		if (ph->p_type != PT_LOAD)
			continue;
		if (ph->p_paddr != ph->p_vaddr)
			return rw_fail(err, "%s: segment at 0x%llx has physical address 0x%llx: a PVH loader would put it elsewhere",
				       gobin_path(bin), (unsigned long long)ph->p_vaddr,
				       (unsigned long long)ph->p_paddr);
		if (ph->p_vaddr + ph->p_memsz > KERNEL_LIMIT)
			return rw_fail(err, "%s: segment at 0x%llx ends above 2 GiB, where the kernel cannot follow it",
				       gobin_path(bin), (unsigned long long)ph->p_vaddr);
		if (ph->p_offset == 0 && !*ehdr)
			*ehdr = ph->p_vaddr;
	}
	if (!*ehdr)
		return rw_fail(err, "%s: no PT_LOAD maps the ELF header (file offset 0); the kernel finds the program through it",
			       gobin_path(bin));
	return 0;
}

/* What rewire did to bin before, into *prior (empty when nothing): a
 * patched binary (its Go -> Go fakes, its linked C) can be imaged, an image
 * cannot be imaged again. */
static int prior_read(const struct gobin *bin, struct rewire_note *prior,
		      struct rw_error *err)
{
	int rc = rewire_note_read(gobin_elf(bin), prior, err);

	if (rc < 0)
		return -1;
	if (rc == 1) {
		memset(prior, 0, sizeof(*prior));
		return 0;
	}
	for (size_t i = 0; i < prior->nredirects; i++)
		if (strcmp(prior->redirects[i].kind, "image") == 0)
			return rw_fail(err, "%s is an image already (%s mode, %s platform): image the Go binary it was made of",
				       gobin_path(bin), prior->redirects[i].from,
				       prior->redirects[i].to);
	return 0;
}

/* Appends what plan recorded to rec. */
static int note_append(struct rewire_note *rec, const struct rewire_note *more)
{
	for (size_t i = 0; i < more->nredirects; i++) {
		const struct note_redirect *r = &more->redirects[i];

		if (rewire_note_add_redirect(rec, r->kind, r->from, r->from_addr, r->to,
					     r->to_addr, r->via) < 0)
			return -1;
	}
	for (size_t i = 0; i < more->npatches; i++) {
		const struct note_patch *p = &more->patches[i];

		if (rewire_note_add_patch(rec, p->addr, p->old_bytes, p->new_bytes,
					  p->len) < 0)
			return -1;
	}
	return 0;
}

/* The gobin name of a record's Go function: ABI0 ones with ".abi0". */
static char *door_from(const struct linked_redirect *r)
{
	size_t len = strlen(r->from);
	char *name = NULL;

	if (strcmp(r->abi, "ABI0") == 0 && !(len > 5 && strcmp(r->from + len - 5, ".abi0") == 0)) {
		if (asprintf(&name, "%s.abi0", r->from) < 0)
			return NULL;
		return name;
	}
	return strdup(r->from);
}

/* A door record's frame check, "args N" in its signature field: the
 * bytes of arguments and results the glue reads and writes above the
 * return address. -1 when the record has none (the door takes registers
 * or a frame the pclntab does not size). */
static long door_args(const struct linked_redirect *r)
{
	long n;
	int used = 0;

	if (sscanf(r->signature, "args %ld%n", &n, &used) == 1 &&
	    (r->signature[used] == 0 || strcmp(r->signature + used, " fast") == 0))
		return n;
	return -1;
}

/* A record whose signature ends in "fast" is a Go-level fast path: taken
 * only where it fits whole, never a reason to refuse the image (the leaves
 * it calls have doors of their own). */
static bool door_fast(const struct linked_redirect *r)
{
	size_t len = strlen(r->signature);

	return len >= 4 && strcmp(r->signature + len - 4, "fast") == 0 &&
	       (len == 4 || r->signature[len - 5] == ' ');
}

/* Why fast path fn cannot be taken (into why), or false when it can: the
 * compiler inlined copies of it, which would keep calling its leaves. */
static bool fast_unfit(const struct gobin *bin, const struct gofunc *fn,
		       char *why, size_t len)
{
	struct inline_site *sites = NULL;
	size_t count = 0;
	struct rw_error ignored;

	if (gobin_inline_sites(bin, fn->name, &sites, &count, &ignored) < 0)
		count = 1;
	free(sites);
	if (count == 0)
		return false;
	size_t used = strlen(why);
	snprintf(why + used, len - used, "%s%s inlined at %zu site(s)", used ? "; " : "",
		 fn->name, count);
	return true;
}

/* Whether record r fits fn: its frame check, if any, matches the
 * pclntab's size of fn's arguments and results. */
static bool door_fits(const struct linked_redirect *r, const struct gobin *bin,
		      const struct gofunc *fn)
{
	long want = door_args(r);

	return want < 0 || gobin_func_args(bin, fn) == want;
}

/* Fails when the leaf called name (fn) has door records but none fits: a
 * Go version whose frame the kernel's glue does not know. */
static int door_none_fits(const struct linked_image *k, const char *name,
			  const struct gofunc *fn, const struct gobin *bin,
			  struct rw_error *err)
{
	char wanted[128] = "";
	size_t used = 0;

	for (size_t i = 0; i < k->nredirects; i++) {
		const struct linked_redirect *r = &k->redirects[i];
		char *from;
		bool same;

		if (!r->door || !(from = door_from(r)))
			continue;
		same = strcmp(from, name) == 0;
		free(from);
		if (!same)
			continue;
		if (door_fits(r, bin, fn))
			return 0;
		if (used < sizeof(wanted))
			used += (size_t)snprintf(wanted + used, sizeof(wanted) - used, "%s%ld",
						 used ? " or " : "", door_args(r));
	}
	return rw_fail(err, "redirect mode: %s's frame holds %d bytes of arguments and "
		       "results, the kernel's door expects %s: this Go version's leaf is "
		       "not one the kernel knows", name, gobin_func_args(bin, fn), wanted);
}

/*
 * Redirect mode: a plan that makes the entry of every leaf of the kernel's
 * door records (kcore_leaves.h) that this binary has jump to its door,
 * with the checks every redirect gets (room for the jump, no branch into
 * it, not inlined). A leaf the Go version lacks is skipped; of a leaf's
 * records (one per frame layout: "args N") the one that fits its frame is
 * taken, and none fitting is an error; a door the platform lacks (its
 * record unresolved) makes redirect mode impossible.
 */
static int doors_plan(struct plan *plan, const struct gobin *bin,
		      const struct linked_image *k, const char *platform,
		      struct image_result *res, struct rw_error *err)
{
	struct redirect_list list = { 0 };
	struct plan_target *targets = calloc(k->nredirects + 1, sizeof(*targets));
	char **names = calloc(k->nredirects + 1, sizeof(*names));
	size_t n = 0;
	int rc = -1;

	res->ndoors = res->nfast = 0;
	res->fast_skipped[0] = 0;
	if (!targets || !names) {
		rw_fail(err, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < k->nredirects; i++) {
		const struct linked_redirect *r = &k->redirects[i];

		if (!r->door)
			continue;
		if (!(names[n] = door_from(r))) {
			rw_fail(err, "out of memory");
			goto out;
		}
		const struct gofunc *fn = gobin_find_func(bin, names[n]);
		bool fast = door_fast(r);
		if (fn && fast && door_fits(r, bin, fn) &&
		    fast_unfit(bin, fn, res->fast_skipped, sizeof(res->fast_skipped)))
			fn = NULL;
		if (!fn || !door_fits(r, bin, fn)) {
			if (fn && !fast && door_none_fits(k, names[n], fn, bin, err) < 0) {
				n++;
				goto out;
			}
			free(names[n]);
			names[n] = NULL;
			continue;
		}
		if (!r->to_addr) {
			rw_fail(err, "redirect mode: the %s platform's kernel build has no door %s "
				"(for %s); rebuild the kernel (make) or give --kernel-dir", platform, r->to, r->from);
			n++;
			goto out;
		}
		targets[n] = (struct plan_target){ .name = r->to, .stub = r->to,
						   .addr = r->to_addr };
		if (redirect_list_add(&list, REDIRECT_REPLACE, names[n], r->to,
				      "the kernel's redirect set", err) < 0) {
			n++;
			goto out;
		}
		res->nfast += fast;
		n++;
	}
	struct plan_options opts = { .targets = targets, .ntargets = n,
				     .beside_recorded = true };
	if (list.count == 0) {
		rw_fail(err, "%s has none of the Go runtime's leaves the kernel redirects", gobin_path(bin));
		goto out;
	}
	if (plan_build(plan, bin, NULL, &list, &opts, err) < 0) {
		if (plan->nerrors)
			rw_fail(err, "%s", plan->errors[0].text);
		goto out;
	}
	res->ndoors = list.count;
	rc = 0;
out:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(targets);
	redirect_list_free(&list);
	return rc;
}

/* runtime.clone's child resumes past the leaf's entry (the kernel starts
 * it there); should its function return, the child's own thread exit
 * would trap: its `mov eax, 60` jumps to the cloneExit door instead. */
static int clone_exit_plan(struct plan *plan, const struct gobin *bin,
			   const struct linked_image *k, const struct clone_facts *cf,
			   const char *platform, struct rw_error *err)
{
	const char *door = "kcore_door_cloneExit";
	const struct gofunc *fn = gobin_find_func(bin, "runtime.clone.abi0");
	uint64_t to = linker_symbol_addr(k, door);

	if (!cf->found || !fn)
		return 0;
	if (!to)
		return rw_fail(err, "redirect mode: the %s platform's kernel build has no door %s "
			       "(for runtime.clone's thread exit); rebuild the kernel (make) or give --kernel-dir",
			       platform, door);
	return plan_add_inner_jump(plan, bin, fn, cf->exit_pc, door, to, err);
}

int image_make(const char *in_path, const struct output *out,
	       const struct image_options *opts, struct image_result *res,
	       struct rw_error *err)
{
	const char *platform = opts->platform ? opts->platform : IMAGE_DEFAULT_PLATFORM;
	struct gobin *bin = NULL;
	struct linked_image k = { 0 };
	struct kernel_layout layout = { 0 };
	char *script = NULL, *defines = NULL;
	struct inputs in = { 0 };
	struct new_segment *segs = NULL;
	uint8_t *table = NULL;
	size_t table_len = 0;
	struct new_symbol *syms = NULL;
	struct new_note_segment note_seg;
	struct rewire_note record = { 0 };
	struct new_note note = {
		.section_name = REWIRE_NOTE_SECTION, .owner = REWIRE_NOTE_OWNER,
		.type = REWIRE_NOTE_TYPE,
	};
	struct elf_changes ch = { 0 };
	struct plan plan = { 0 };
	struct image_cover_check cover = { .force = opts->force, .cover = &res->cover };
	struct clone_facts cf = { 0 };
	char *text = NULL;
	size_t len = 0;
	uint64_t base;
	int rc = -1;

	memset(res, 0, sizeof(*res));
	if (platform_check(platform, err) < 0)
		return -1;
	snprintf(res->platform, sizeof(res->platform), "%s", platform);
	if (opts->kernel_dir) {
		if (!kernel_dir_ok(opts->kernel_dir, platform))
			return rw_fail(err, "%s holds no platform-%s.a (build the kernel with make)",
				       opts->kernel_dir, platform);
		snprintf(res->kernel_dir, sizeof(res->kernel_dir), "%s", opts->kernel_dir);
	} else if (image_find_kernel_dir(res->kernel_dir, sizeof(res->kernel_dir),
					 platform, err) < 0) {
		return -1;
	}
	if (!(script = layout_read(res->kernel_dir, platform, err)))
		return -1;
	if (gobin_open(&bin, in_path, err) < 0)
		goto out;
	/* The kernel emulates Linux as the known runtimes use it. */
	if (!opts->force && gobin_check_go_version(bin, err) < 0) {
		struct rw_error why = *err;

		rw_fail(err, "%s (--force: image it anyway)", why.msg);
		goto out;
	}
	if (program_check(bin, &res->program_ehdr, err) < 0 ||
	    prior_read(bin, &record, err) < 0)
		goto out;
	res->go_entry = gobin_elf(bin)->ehdr.e_entry;
	if (kernel_inputs(&in, res->kernel_dir, platform, err) < 0)
		goto out;
	base = elf_writer_next_vaddr(gobin_elf(bin));
	/* Redirect mode: what the clone glue needs of this runtime.clone. */
	if (opts->mode == IMAGE_MODE_REDIRECT) {
		if (clone_facts_read(bin, &cf, err) < 0)
			goto out;
		if (cf.found && !(defines = clone_facts_script(&cf))) {
			rw_fail(err, "out of memory");
			goto out;
		}
	}
	layout = (struct kernel_layout){ script, res->program_ehdr, res->go_entry, defines };
	if (linker_link_kernel(&k, bin, (const char *const *)in.paths, in.count, base,
			       &layout, err) < 0) {
		rw_wrap(err, "linking the kernel (platform %s) from %s: ", platform,
			res->kernel_dir);
		goto out;
	}
	res->kernel_base = base;
	res->kernel_end = k.end;
	res->kernel_entry = linker_symbol_addr(&k, "rewire_kernel_entry");
	res->image_entry = linker_symbol_addr(&k, "rewire_image_entry");
	if (!res->image_entry)
		res->image_entry = res->go_entry;
	if (k.end > KERNEL_LIMIT) {
		rw_fail(err, "the kernel would end at 0x%llx, above 2 GiB",
			(unsigned long long)k.end);
		goto out;
	}

	/* The function table, in a read-only segment after the kernel. */
	if (ksyms_build(bin, &k, &table, &table_len, &res->nksyms, err) < 0 ||
	    ksyms_point(&k, k.end, err) < 0)
		goto out;
	if (k.end + table_len > KERNEL_LIMIT) {
		rw_fail(err, "the kernel's symbol table would end at 0x%llx, above 2 GiB",
			(unsigned long long)(k.end + table_len));
		goto out;
	}

	segs = calloc(k.nsegments + 1, sizeof(*segs));
	syms = calloc(k.nsymbols + 1, sizeof(*syms));
	if (!segs || !syms) {
		rw_fail(err, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < k.nsegments; i++) {
		const struct linked_segment *s = &k.segments[i];

		segs[i] = (struct new_segment){
			.section_name = s->name, .flags = s->flags, .addr = s->addr,
			.bytes = s->bytes, .size = s->filesz, .memsz = s->memsz,
		};
	}
	segs[k.nsegments] = (struct new_segment){
		.section_name = KSYMS_SECTION, .flags = PF_R, .addr = k.end,
		.bytes = table, .size = table_len,
	};
	for (size_t i = 0; i < k.nsymbols; i++)
		syms[i] = (struct new_symbol){
			.name = k.symbols[i].name, .addr = k.symbols[i].addr,
			.size = k.symbols[i].size, .is_func = k.symbols[i].is_func,
		};
	res->nsymbols = k.nsymbols;

	/* Redirect mode: the leaves' entries jump to the doors; the plan's
	 * record of each redirect goes with the image's, after what a patch
	 * of the binary recorded. */
	if (opts->mode == IMAGE_MODE_REDIRECT) {
		if (doors_plan(&plan, bin, &k, platform, res, err) < 0 ||
		    clone_exit_plan(&plan, bin, &k, &cf, platform, err) < 0)
			goto out;
		if (note_append(&record, &plan.note) < 0) {
			rw_fail(err, "out of memory");
			goto out;
		}
	}
	/* The record: "image MODE GO_ENTRY PLATFORM IMAGE_ENTRY KERNEL_BASE". */
	if (rewire_note_add_redirect(&record, "image",
				     opts->mode == IMAGE_MODE_REDIRECT ? "redirect" : "trap",
				     res->go_entry, platform, res->image_entry, base) < 0) {
		rw_fail(err, "out of memory");
		goto out;
	}
	if (rewire_note_format(&record, &text, &len, err) < 0)
		goto out;
	note.desc = (const uint8_t *)text;
	note.desc_len = len;
	ch = (struct elf_changes){
		.segments = segs, .nsegments = k.nsegments + 1, .note = &note,
		.entry = res->image_entry,
		.patches = plan.patches, .npatches = plan.npatches,
	};
	/* Redirect mode promises no trap: proved on the bytes written. */
	if (opts->mode == IMAGE_MODE_REDIRECT) {
		ch.check = image_cover_check;
		ch.check_ctx = &cover;
	}
	if (k.note_addr) {
		note_seg = (struct new_note_segment){ .addr = k.note_addr,
						      .size = k.note_size };
		ch.note_segments = &note_seg;
		ch.nnote_segments = 1;
	}
	/* A stripped binary (-s) has no .symtab to add the kernel's names to. */
	if (elf_image_section(gobin_elf(bin), ".symtab")) {
		ch.symbols = syms;
		ch.nsymbols = k.nsymbols;
	} else {
		res->nsymbols = 0;
	}
	rc = elf_writer_write(gobin_elf(bin), &ch, out, err);
out:
	free(text);
	free(table);
	free(script);
	free(defines);
	rewire_note_free(&record);
	plan_free(&plan);
	free(segs);
	free(syms);
	linked_image_free(&k);
	inputs_free(&in);
	if (bin)
		gobin_close(bin);
	return rc;
}

void image_result_free(struct image_result *res)
{
	free(res->cover.failures);
	res->cover.failures = NULL;
}
