/* Unit tests of linking C objects against a Go binary's symbols with GNU ld, over every Go version's fixtures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <ftw.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "fixture.h"
#include "gobin.h"
#include "linker.h"
#include "symtab.h"

extern char **environ;

static char versions[GOFIXTURE_MAX_VERSIONS][16];
static size_t nversions;
static char tmpdir[2048];	/* objects, archives, junk inputs */
static char workdir[4096];	/* TMPDIR of the linker: must stay empty */
static char srcdir[2048];	/* tests/unit/linker */
static char includedir[4096];	/* kernel-runtime/include */

/* The C inputs, each built with the flags a user is told to use. */
static const char *const sources[] = {
	"full", "funcs", "undef", "go_data", "dup_a", "dup_b", "bad_abi",
	"bad_words", "bad_data", "bad_missing", "ar_main", "ar_helper",
	"ar_redirect", "ar_unused", "tls", "ifunc", "rewire_h",
};

static int run(const char *const argv[])
{
	pid_t pid;
	int status;

	if (posix_spawnp(&pid, argv[0], NULL, NULL, (char *const *)argv, environ) != 0)
		return -1;
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void tmp_path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", tmpdir, name);
}

static int compile(const char *name, const char *out_name, const char *pic)
{
	char src[4200], out[4200], inc[4200];
	const char *argv[] = { "gcc", "-c", "-O2", "-ffreestanding", pic, "-mno-red-zone",
			       "-fno-stack-protector", inc, "-o", out, src, NULL };

	snprintf(src, sizeof(src), "%s/%s.c", srcdir, name);
	snprintf(inc, sizeof(inc), "-I%s", includedir);
	tmp_path(out, sizeof(out), out_name);
	return run(argv);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int group_setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	char obj[300], lib[4200], member[4200], junk[4200];
	const char *slash;
	FILE *f;

	(void)state;
	nversions = gofixture_versions(versions, GOFIXTURE_MAX_VERSIONS);
	/* This file is tests/unit/test_linker.c; its inputs are in tests/unit/linker. */
	slash = strrchr(__FILE__, '/');
	snprintf(srcdir, sizeof(srcdir), "%.*s/linker", slash ? (int)(slash - __FILE__) : 1,
		 slash ? __FILE__ : ".");
	snprintf(includedir, sizeof(includedir), "%s/../../../kernel-runtime/include", srcdir);
	snprintf(tmpdir, sizeof(tmpdir), "%s/rewire-test-linker-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(workdir, sizeof(workdir), "%s/work", tmpdir);
	if (mkdir(workdir, 0700) < 0 || setenv("TMPDIR", workdir, 1) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(sources) / sizeof(sources[0]); i++) {
		snprintf(obj, sizeof(obj), "%s.o", sources[i]);
		if (compile(sources[i], obj, "-fno-pic") != 0) {
			fprintf(stderr, "cannot compile %s/%s.c\n", srcdir, sources[i]);
			return -1;
		}
	}
	if (compile("full", "full-pic.o", "-fPIC") != 0)
		return -1;
	/* lib.a: three members; a.a: a member that is no object. */
	tmp_path(lib, sizeof(lib), "lib.a");
	{
		char m1[4200], m2[4200], m3[4200];
		const char *argv[] = { "ar", "rcs", lib, m1, m2, m3, NULL };

		tmp_path(m1, sizeof(m1), "ar_helper.o");
		tmp_path(m2, sizeof(m2), "ar_redirect.o");
		tmp_path(m3, sizeof(m3), "ar_unused.o");
		if (run(argv) != 0)
			return -1;
	}
	tmp_path(junk, sizeof(junk), "notes.txt");
	f = fopen(junk, "w");
	if (!f)
		return -1;
	fputs("not an object\n", f);
	fclose(f);
	tmp_path(lib, sizeof(lib), "junk.a");
	tmp_path(member, sizeof(member), "ar_helper.o");
	{
		const char *argv[] = { "ar", "rcs", lib, member, junk, NULL };

		if (run(argv) != 0)
			return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	if (tmpdir[0])
		nftw(tmpdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

static struct gobin *open_fixture(const char *version, const char *name)
{
	char path[4096];
	struct rw_error err = { "" };
	struct gobin *bin = NULL;

	gofixture_path(path, sizeof(path), version, name);
	if (gobin_open(&bin, path, &err) < 0)
		fail_msg("%s: %s", path, err.msg);
	return bin;
}

/* Right after the Go binary's last segment, as the caller picks it. */
static uint64_t base_after(const struct gobin *bin)
{
	const struct elf_image *img = gobin_elf(bin);
	uint64_t end = 0;

	for (size_t i = 0; i < img->nsegments; i++)
		if (img->segments[i].p_type == PT_LOAD &&
		    img->segments[i].p_vaddr + img->segments[i].p_memsz > end)
			end = img->segments[i].p_vaddr + img->segments[i].p_memsz;
	return (end + 4095) & ~4095ULL;
}

/* Links the named objects of tmpdir; returns linker_link's result. */
static int link_objects(struct linked_image *img, const struct gobin *bin, uint64_t base,
			struct rw_error *err, size_t n, ...)
{
	char paths[8][4200];
	const char *inputs[8];
	va_list ap;

	assert_true(n <= 8);
	va_start(ap, n);
	for (size_t i = 0; i < n; i++) {
		tmp_path(paths[i], sizeof(paths[i]), va_arg(ap, const char *));
		inputs[i] = paths[i];
	}
	va_end(ap);
	err->msg[0] = '\0';
	return linker_link(img, bin, inputs, n, base, err);
}

static void link_ok(struct linked_image *img, const struct gobin *bin, uint64_t base,
		    const char *obj)
{
	struct rw_error err;

	if (link_objects(img, bin, base, &err, 1, obj) < 0)
		fail_msg("%s: linking %s: %s", gobin_path(bin), obj, err.msg);
}

/* Links and expects failure with every one of the wanted texts in the message. */
static void link_fails(const struct gobin *bin, uint64_t base, const char *want1,
		       const char *want2, size_t n, ...)
{
	char paths[8][4200];
	const char *inputs[8];
	struct linked_image img;
	struct rw_error err = { "" };
	va_list ap;

	va_start(ap, n);
	for (size_t i = 0; i < n; i++) {
		const char *name = va_arg(ap, const char *);

		if (strchr(name, '/'))
			snprintf(paths[i], sizeof(paths[i]), "%s", name);
		else
			tmp_path(paths[i], sizeof(paths[i]), name);
		inputs[i] = paths[i];
	}
	va_end(ap);
	if (linker_link(&img, bin, inputs, n, base, &err) == 0)
		fail_msg("linking %s into %s succeeded, wanted an error with \"%s\"",
			 inputs[0], gobin_path(bin), want1);
	assert_int_equal(img.nsegments, 0);
	assert_null(img.symbols);
	if (!strstr(err.msg, want1) || (want2 && !strstr(err.msg, want2)))
		fail_msg("error \"%s\" lacks \"%s\"%s%s", err.msg, want1,
			 want2 ? " or " : "", want2 ? want2 : "");
}

static const uint8_t *image_bytes(const struct linked_image *img, uint64_t addr, size_t len)
{
	for (size_t i = 0; i < img->nsegments; i++) {
		const struct linked_segment *s = &img->segments[i];

		if (addr >= s->addr && addr - s->addr <= s->filesz &&
		    len <= s->filesz - (addr - s->addr))
			return s->bytes + (addr - s->addr);
	}
	return NULL;
}

static uint64_t image_quad(const struct linked_image *img, const char *sym)
{
	const uint8_t *p = image_bytes(img, linker_symbol_addr(img, sym), 8);
	uint64_t v;

	assert_non_null(p);
	memcpy(&v, p, 8);
	return v;
}

/* Whether fn holds a call or jmp rel32 whose target is target. */
static bool branches_to(const struct linked_image *img, const char *fn, uint64_t target)
{
	const struct linked_symbol *s = linker_symbol(img, fn);
	const uint8_t *code;

	assert_non_null(s);
	assert_true(s->is_func);
	code = image_bytes(img, s->addr, s->size);
	assert_non_null(code);
	for (uint64_t i = 0; i + 5 <= s->size; i++) {
		int32_t rel;

		if (code[i] != 0xe8 && code[i] != 0xe9)
			continue;
		memcpy(&rel, code + i + 1, 4);
		if (s->addr + i + 5 + (uint64_t)(int64_t)rel == target)
			return true;
	}
	return false;
}

static uint64_t go_func(const struct gobin *bin, const char *name)
{
	const struct gofunc *fn = gobin_find_func(bin, name);

	if (!fn)
		fail_msg("%s: no function %s", gobin_path(bin), name);
	return fn->entry;
}

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), m = strlen(tail);

	return n >= m && strcmp(s + n - m, tail) == 0;
}

/* Segments: one per kind, page-aligned from base on, in order, bss in data. */
static void check_layout(const struct linked_image *img, uint64_t base)
{
	static const char *const names[] = { ".rewire.c.text", ".rewire.c.rodata", ".rewire.c.data" };
	static const uint32_t flags[] = { PF_R | PF_X, PF_R, PF_R | PF_W };
	uint64_t prev_end = base;

	assert_int_equal(img->nsegments, 3);
	assert_int_equal(img->segments[0].addr, base);
	for (size_t i = 0; i < 3; i++) {
		const struct linked_segment *s = &img->segments[i];

		assert_string_equal(s->name, names[i]);
		assert_int_equal(s->flags, flags[i]);
		assert_int_equal(s->addr % 4096, 0);
		assert_true(s->addr >= prev_end);
		assert_true(s->memsz >= s->filesz);
		prev_end = s->addr + s->memsz;
	}
	/* c_zeroes is 8 KiB of bss after the data. */
	assert_true(img->segments[2].memsz >= img->segments[2].filesz + 8192);
	assert_int_equal(img->end % 4096, 0);
	assert_true(img->end >= prev_end && img->end - prev_end < 4096);
}

static void test_full(void **state)
{
	(void)state;
	for (size_t v = 0; v < nversions; v++) {
		struct gobin *bin = open_fixture(versions[v], "hello");
		uint64_t base = base_after(bin), m0 = symtab_lookup(gobin_elf(bin), "runtime.m0");
		const struct linked_symbol *s;
		struct linked_image img;
		const uint8_t *msg;

		link_ok(&img, bin, base, "full.o");
		check_layout(&img, base);
		/* .quad references: Go data and a Go function by address. */
		assert_int_not_equal(m0, 0);
		assert_int_equal(image_quad(&img, "c_m0_ref"), m0);
		assert_int_equal(image_quad(&img, "c_fn_ref"), go_func(bin, "runtime.asmcgocall"));
		assert_int_equal(image_quad(&img, "c_counter"), 7);
		/* A rel32 call lands on the Go function's entry. */
		assert_true(branches_to(&img, "c_clock", go_func(bin, "runtime.nanotime1.abi0")));
		msg = image_bytes(&img, linker_symbol_addr(&img, "c_message"), 14);
		assert_non_null(msg);
		assert_memory_equal(msg, "rewire rodata", 14);
		s = linker_symbol(&img, "c_zeroes");
		assert_non_null(s);
		assert_false(s->is_func);
		assert_int_equal(s->size, 8192);
		assert_null(image_bytes(&img, s->addr, 8));	/* bss: no file bytes */
		/* No Go symbol is taken for a C one. */
		assert_int_equal(linker_symbol_addr(&img, "runtime.m0"), 0);
		assert_int_equal(linker_symbol_addr(&img, "c_absent"), 0);
		/* The redirect record. */
		assert_int_equal(img.nredirects, 1);
		assert_string_equal(img.redirects[0].from, "runtime.nanotime1");
		assert_string_equal(img.redirects[0].abi, "ABI0");
		assert_string_equal(img.redirects[0].to, "c_clock");
		assert_string_equal(img.redirects[0].signature, "func() int64");
		assert_int_equal(img.redirects[0].to_addr, linker_symbol_addr(&img, "c_clock"));
		assert_true(ends_with(img.redirects[0].object, "/full.o"));
		linked_image_free(&img);
		gobin_close(bin);
	}
}

/* Both spellings of assembly functions, in binaries with and without .symtab. */
static void test_functions_stripped(void **state)
{
	static const char *const names[] = { "runtime.asmcgocall.abi0", "runtime.asmcgocall",
					     "runtime.nanotime1", "main.main" };

	(void)state;
	for (size_t v = 0; v < nversions; v++) {
		for (int stripped = 0; stripped < 2; stripped++) {
			struct gobin *bin = open_fixture(versions[v], stripped ? "hello-stripped" : "hello");
			uint64_t base = base_after(bin), table = 0;
			struct linked_image img;
			const uint8_t *p;

			link_ok(&img, bin, base, "funcs.o");
			table = linker_symbol_addr(&img, "c_funcs");
			for (size_t i = 0; i < 4; i++) {
				uint64_t got;

				p = image_bytes(&img, table + 8 * i, 8);
				assert_non_null(p);
				memcpy(&got, p, 8);
				if (got != go_func(bin, names[i]))
					fail_msg("%s: %s is 0x%llx in the C image, gobin says 0x%llx",
						 gobin_path(bin), names[i], (unsigned long long)got,
						 (unsigned long long)go_func(bin, names[i]));
			}
			/* The wrapper and the body are different functions. */
			assert_int_not_equal(go_func(bin, names[0]), go_func(bin, names[1]));
			assert_true(branches_to(&img, "c_call_main", go_func(bin, "main.main")));
			linked_image_free(&img);
			gobin_close(bin);
		}
	}
}

static void test_data_needs_symtab(void **state)
{
	(void)state;
	for (size_t v = 0; v < nversions; v++) {
		struct gobin *bin = open_fixture(versions[v], "hello");
		struct gobin *stripped = open_fixture(versions[v], "hello-stripped");
		struct linked_image img;

		link_ok(&img, bin, base_after(bin), "go_data.o");
		linked_image_free(&img);
		link_fails(stripped, base_after(stripped),
			   "undefined symbol runtime.m0 (referenced from ",
			   "go_data.o): the Go binary has no symbol of that name (it has no .symtab, so only functions are offered, no data)",
			   1, "go_data.o");
		gobin_close(bin);
		gobin_close(stripped);
	}
}

static struct gobin *newest(const char *name)
{
	return open_fixture(versions[nversions - 1], name);
}

static void test_undefined(void **state)
{
	struct gobin *bin = newest("hello");
	char path[4200], want[4400];

	(void)state;
	tmp_path(path, sizeof(path), "undef.o");
	snprintf(want, sizeof(want), "undefined symbol c_missing_function (referenced from %s)", path);
	link_fails(bin, base_after(bin), want,
		   "undefined symbol runtime_m0 (referenced from ", 1, "undef.o");
	link_fails(bin, base_after(bin),
		   ": Go's runtime.m0? C cannot spell that name: declare it with an asm label, e.g. extern char runtime_m0[] __asm__(\"runtime.m0\")",
		   NULL, 1, "undef.o");
	gobin_close(bin);
}

static void test_duplicate(void **state)
{
	struct gobin *bin = newest("hello");
	char a[4200], b[4200], want[9000];

	(void)state;
	tmp_path(a, sizeof(a), "dup_a.o");
	tmp_path(b, sizeof(b), "dup_b.o");
	snprintf(want, sizeof(want), "duplicate symbol c_twice: defined in %s and in %s", a, b);
	link_fails(bin, base_after(bin), want, NULL, 2, "dup_a.o", "dup_b.o");
	gobin_close(bin);
}

static void test_bad_inputs(void **state)
{
	struct gobin *bin = newest("hello");
	uint64_t base = base_after(bin);
	struct linked_image img;
	struct rw_error err = { "" };

	(void)state;
	link_fails(bin, base, "missing.o: cannot open: No such file or directory", NULL, 1,
		   "missing.o");
	link_fails(bin, base, "notes.txt: not an ELF object or ar archive", NULL, 1, "notes.txt");
	link_fails(bin, base, "junk.a(notes.txt): archive member is not an ELF object", NULL, 1,
		   "junk.a");
	link_fails(bin, base, "work: not a regular file", NULL, 1, "work");
	/* An executable: the Go binary itself. */
	link_fails(bin, base, "hello: an executable, not a relocatable object: compile it with gcc -c",
		   NULL, 2, "full.o", gobin_path(bin));
	assert_int_equal(linker_link(&img, bin, NULL, 0, base, &err), -1);
	assert_string_equal(err.msg, "no C objects to link");
	gobin_close(bin);
}

static void test_bad_records(void **state)
{
	struct gobin *bin = newest("hello");
	uint64_t base = base_after(bin);

	(void)state;
	link_fails(bin, base, "bad_abi.o: redirect record \"runtime.nanotime1 ABI1 c_bad_abi\": ABI ABI1 is neither ABIInternal nor ABI0",
		   NULL, 1, "bad_abi.o");
	link_fails(bin, base, "bad_words.o: redirect record \"runtime.nanotime1 c_bad_words\": 2 words where \"FROM ABI C_FUNCTION[ GO_SIGNATURE]\" needs at least 3",
		   NULL, 1, "bad_words.o");
	link_fails(bin, base, "bad_data.o: redirect record \"time.Now ABIInternal c_not_a_function\": c_not_a_function is data, not a function",
		   NULL, 1, "bad_data.o");
	link_fails(bin, base, "bad_missing.o: redirect record \"time.Now ABIInternal c_nowhere\": C function c_nowhere is not defined in the linked objects",
		   NULL, 1, "bad_missing.o");
	/* Two records for time.Now that disagree. */
	link_fails(bin, base, "redirect record \"time.Now ABIInternal c_ar_now\": time.Now is also redirected by ",
		   "rewire_h.o's record \"time.Now ABIInternal c_now\"", 2, "rewire_h.o", "ar_redirect.o");
	gobin_close(bin);
}

static void test_archive(void **state)
{
	struct gobin *bin = newest("hello");
	struct linked_image img;
	struct rw_error err;
	const struct linked_symbol *s;

	(void)state;
	if (link_objects(&img, bin, base_after(bin), &err, 2, "ar_main.o", "lib.a") < 0)
		fail_msg("%s", err.msg);
	assert_true(branches_to(&img, "c_ar_main", linker_symbol_addr(&img, "c_helper")));
	s = linker_symbol(&img, "c_ar_now");
	assert_non_null(s);
	assert_true(s->is_func && s->is_global);
	assert_null(linker_symbol(&img, "c_ar_unused"));
	assert_int_equal(img.nredirects, 1);
	assert_string_equal(img.redirects[0].from, "time.Now");
	assert_string_equal(img.redirects[0].abi, "ABIInternal");
	assert_string_equal(img.redirects[0].signature, "");
	assert_int_equal(img.redirects[0].to_addr, s->addr);
	assert_true(ends_with(img.redirects[0].object, "/lib.a(ar_redirect.o)"));
	linked_image_free(&img);
	gobin_close(bin);
}

static void test_unsupported_sections(void **state)
{
	struct gobin *bin = newest("hello");

	(void)state;
	link_fails(bin, base_after(bin), "tls.o: section .tbss: thread-local storage is not supported",
		   NULL, 1, "tls.o");
	link_fails(bin, base_after(bin), "ifunc.o: ifunc c_ifunc is not supported (nothing would run its resolver)",
		   NULL, 1, "ifunc.o");
	gobin_close(bin);
}

/* -fPIC objects go through a GOT that ld fills at link time. */
static void test_pic(void **state)
{
	(void)state;
	for (size_t v = 0; v < nversions; v++) {
		struct gobin *bin = open_fixture(versions[v], "hello");
		struct linked_image img;

		link_ok(&img, bin, base_after(bin), "full-pic.o");
		assert_int_equal(image_quad(&img, "c_m0_ref"),
				 symtab_lookup(gobin_elf(bin), "runtime.m0"));
		assert_int_equal(img.nredirects, 1);
		assert_int_equal(img.segments[0].addr, base_after(bin));
		linked_image_free(&img);
		gobin_close(bin);
	}
}

static void test_placement_errors(void **state)
{
	struct gobin *bin = newest("hello");
	uint64_t base = base_after(bin);

	(void)state;
	link_fails(bin, base + 12, "not a page-aligned address", NULL, 1, "full.o");
	link_fails(bin, 0x400000, "the C image's segment .rewire.c.text [0x400000, ",
		   "where the Go binary ends", 1, "full.o");
	/* 8 GB up: the call to Go no longer reaches. */
	link_fails(bin, 0x200000000ULL,
		   "relocation R_X86_64_PLT32 against runtime.nanotime1.abi0 does not fit (relocation truncated to fit) with the C image at 0x200000000",
		   "link at a base within 2 GB of the Go binary", 1, "full.o");
	gobin_close(bin);
}

static void test_rewire_h(void **state)
{
	struct gobin *bin = newest("hello");
	struct linked_image img;

	(void)state;
	link_ok(&img, bin, base_after(bin), "rewire_h.o");
	assert_int_equal(img.nredirects, 2);
	assert_string_equal(img.redirects[0].from, "time.Now");
	assert_string_equal(img.redirects[0].to, "c_now");
	assert_string_equal(img.redirects[0].signature, "");
	assert_string_equal(img.redirects[1].from, "runtime.nanotime1");
	assert_string_equal(img.redirects[1].abi, "ABI0");
	assert_string_equal(img.redirects[1].signature, "func() int64");
	assert_int_equal(img.redirects[1].to_addr, linker_symbol_addr(&img, "c_nano"));
	linked_image_free(&img);
	gobin_close(bin);
}

static void test_no_ld(void **state)
{
	struct gobin *bin = newest("hello");

	(void)state;
	setenv("REWIRE_LD", "rewire-no-such-ld", 1);
	link_fails(bin, base_after(bin), "rewire-no-such-ld is not on PATH", NULL, 1, "full.o");
	unsetenv("REWIRE_LD");
	gobin_close(bin);
}

/* Runs last: every link above, failed or not, removed its directory. */
static void test_workdirs_removed(void **state)
{
	DIR *d = opendir(workdir);
	struct dirent *de;

	(void)state;
	assert_non_null(d);
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			fail_msg("%s/%s was left behind", workdir, de->d_name);
	closedir(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_functions_stripped),
		cmocka_unit_test(test_data_needs_symtab),
		cmocka_unit_test(test_undefined),
		cmocka_unit_test(test_duplicate),
		cmocka_unit_test(test_bad_inputs),
		cmocka_unit_test(test_bad_records),
		cmocka_unit_test(test_archive),
		cmocka_unit_test(test_unsupported_sections),
		cmocka_unit_test(test_pic),
		cmocka_unit_test(test_placement_errors),
		cmocka_unit_test(test_rewire_h),
		cmocka_unit_test(test_no_ld),
		cmocka_unit_test(test_workdirs_removed),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
