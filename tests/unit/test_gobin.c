/* Unit tests of the Go binary model over every Go version's fixtures: functions, build info, inline sites, failures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "fixture.h"
#include "gobin.h"

static char versions[GOFIXTURE_MAX_VERSIONS][16];
static size_t nversions;

static void load_versions(void)
{
	nversions = gofixture_versions(versions, GOFIXTURE_MAX_VERSIONS);
}

static struct gobin *open_ok(const char *version, const char *name)
{
	char path[4096];
	struct rw_error err = { "" };
	struct gobin *bin = NULL;

	gofixture_path(path, sizeof(path), version, name);
	if (gobin_open(&bin, path, &err) < 0)
		fail_msg("%s: %s", path, err.msg);
	return bin;
}

/* The pclntab spells some linker-made names differently from .symtab:
 * "·" where .symtab has "." (Go 1.23+), "[...]" where .symtab has the
 * array length (Go 1.19 type..eq functions), and no ".abi0" suffix. */
static void name_normalize(const char *in, char *out, size_t len)
{
	size_t o = 0;

	while (*in && o + 1 < len) {
		if ((unsigned char)in[0] == 0xc2 && (unsigned char)in[1] == 0xb7) {
			out[o++] = '.';
			in += 2;
		} else if (*in == '[') {
			const char *close = strchr(in, ']');

			if (!close)
				break;
			out[o++] = '[';
			out[o++] = ']';
			in = close + 1;
		} else {
			out[o++] = *in++;
		}
	}
	out[o] = '\0';
	if (o > 5 && strcmp(out + o - 5, ".abi0") == 0)
		out[o - 5] = '\0';
}

/* Address and size of name as `nm -S` prints them; 0 if absent. */
static int nm_lookup(const char *path, const char *name, uint64_t *addr, uint64_t *size)
{
	char cmd[4200], line[1024];
	FILE *p;
	int found = 0;

	snprintf(cmd, sizeof(cmd), "nm -S '%s'", path);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p)) {
		char sym[900], type;
		unsigned long long a, s;

		if (sscanf(line, "%llx %llx %c %899s", &a, &s, &type, sym) == 4 &&
		    strcmp(sym, name) == 0) {
			*addr = a;
			*size = s;
			found = 1;
		}
	}
	assert_int_equal(pclose(p), 0);
	return found;
}

/* Every function of .symtab and of the pclntab of the same binary agree. */
static void test_symtab_matches_pclntab(void **state)
{
	size_t v, i;

	(void)state;
	load_versions();
	for (v = 0; v < nversions; v++) {
		struct gobin *sym = open_ok(versions[v], "hello");
		struct gobin *pcl = open_ok(versions[v], "hello-stripped");

		assert_int_equal(gobin_symbol_source(sym), GOBIN_SYMTAB);
		assert_int_equal(gobin_symbol_source(pcl), GOBIN_PCLNTAB);
		assert_true(gobin_has_dwarf(sym));
		assert_false(gobin_has_dwarf(pcl));
		assert_int_equal(gobin_func_count(sym), gobin_func_count(pcl));
		for (i = 0; i < gobin_func_count(sym); i++) {
			const struct gofunc *a = gobin_func(sym, i), *b = gobin_func(pcl, i);
			const struct gofunc *found;
			char na[1024], nb[1024];

			name_normalize(a->name, na, sizeof(na));
			name_normalize(b->name, nb, sizeof(nb));
			if (strcmp(na, nb) != 0 || a->entry != b->entry || a->size != b->size)
				fail_msg("%s function %zu: .symtab %s at 0x%llx size %llu, pclntab %s at 0x%llx size %llu",
					 versions[v], i, a->name,
					 (unsigned long long)a->entry, (unsigned long long)a->size,
					 b->name, (unsigned long long)b->entry,
					 (unsigned long long)b->size);
			assert_int_equal(b->pcln_index, (int32_t)i);
			assert_true(a->pcln_index >= 0);
			/* The .symtab spelling finds the same function in the
			 * stripped twin, ABI wrappers included. */
			if (strncmp(a->name, b->name, strlen(b->name)) != 0 ||
			    (a->name[strlen(b->name)] != '\0' &&
			     strcmp(a->name + strlen(b->name), ".abi0") != 0))
				continue;
			found = gobin_find_func(pcl, a->name);
			if (!found || found->entry != a->entry)
				fail_msg("%s: %s at 0x%llx, the stripped binary finds %s at 0x%llx",
					 versions[v], a->name, (unsigned long long)a->entry,
					 found ? found->name : "nothing",
					 found ? (unsigned long long)found->entry : 0ull);
			assert_ptr_equal(gobin_find_func(sym, a->name), a);
			assert_ptr_equal(gobin_func_at(sym, a->entry + a->size - 1), a);
		}
		gobin_close(sym);
		gobin_close(pcl);
	}
}

/* The OS-layer functions the redirect mode patches, against `nm -S`. */
static void test_os_layer_functions(void **state)
{
	static const char *const names[] = {
		"runtime.futexsleep", "runtime.futexwakeup", "runtime.newosproc",
		"runtime.sysAllocOS", "time.Now", "runtime.futex.abi0",
		"runtime.futex",
	};
	size_t v, i;

	(void)state;
	load_versions();
	for (v = 0; v < nversions; v++) {
		struct gobin *sym = open_ok(versions[v], "hello");
		struct gobin *pcl = open_ok(versions[v], "hello-stripped");
		const char *path = gobin_path(sym);

		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			const char *name = names[i];
			const struct gofunc *a, *b;
			uint64_t addr = 0, size = 0;
			char nm_name[128];

			/* sysAllocOS was sysAlloc's OS half from Go 1.20 on. */
			if (strcmp(name, "runtime.sysAllocOS") == 0 &&
			    gofixture_minor(versions[v]) < 20)
				name = "runtime.sysAlloc";
			a = gobin_find_func(sym, name);
			b = gobin_find_func(pcl, name);
			if (!a || !b)
				fail_msg("%s: %s not found (symtab %p, pclntab %p)",
					 versions[v], name, (void *)a, (void *)b);
			assert_int_equal(a->entry, b->entry);
			assert_int_equal(a->size, b->size);
			snprintf(nm_name, sizeof(nm_name), "%s", a->name);
			if (!nm_lookup(path, nm_name, &addr, &size))
				fail_msg("%s: nm does not list %s", path, nm_name);
			assert_int_equal(addr, a->entry);
			assert_int_equal(size, a->size);
			assert_non_null(gobin_func_code(pcl, b));
			assert_ptr_equal(gobin_func_at(pcl, b->entry), b);
		}
		assert_string_equal(gobin_find_func(sym, "runtime.futex")->name,
				    "runtime.futex.abi0");
		assert_null(gobin_find_func(sym, "main.noSuchFunction"));
		assert_null(gobin_find_func(pcl, "main.noSuchFunction"));
		gobin_close(sym);
		gobin_close(pcl);
	}
}

static void test_build_info(void **state)
{
	static const char *const progs[] = { "hello", "hello-stripped", "inline", "inline-stripped" };
	size_t v, i;

	(void)state;
	load_versions();
	for (v = 0; v < nversions; v++) {
		for (i = 0; i < 4; i++) {
			struct gobin *bin = open_ok(versions[v], progs[i]);
			const char *want = i < 2 ? "example.com/hello" : "example.com/inline";
			size_t vlen = strlen(versions[v]);

			/* "go1.21" must not match "go1.2"; the dir names the minor. */
			assert_memory_equal(gobin_go_version(bin), versions[v], vlen);
			assert_true(gobin_go_version(bin)[vlen] == '.' ||
				    gobin_go_version(bin)[vlen] == '\0');
			assert_int_equal(gobin_go_minor(bin), gofixture_minor(versions[v]));
			assert_string_equal(gobin_module_path(bin), want);
			assert_string_equal(gobin_main_package(bin), want);
			gobin_close(bin);
		}
	}
}

static void test_inline_sites(void **state)
{
	static const char *const progs[] = { "inline", "inline-stripped" };
	size_t v, i, k;

	(void)state;
	load_versions();
	for (v = 0; v < nversions; v++) {
		for (k = 0; k < 2; k++) {
			struct gobin *bin = open_ok(versions[v], progs[k]);
			struct rw_error err = { "" };
			struct inline_site *sites = NULL;
			size_t n = 99;
			int seen_main = 0, seen_twice = 0;

			assert_int_equal(gobin_inline_sites(bin, "main.tripled", &sites, &n, &err), 0);
			assert_int_equal(n, 0);
			free(sites);
			assert_non_null(gobin_find_func(bin, "main.tripled"));
			if (gobin_inline_sites(bin, "main.addSeven", &sites, &n, &err) < 0)
				fail_msg("%s: %s", gobin_path(bin), err.msg);
			assert_int_equal(n, 2);
			for (i = 0; i < n; i++) {
				const struct gofunc *fn = gobin_func_at(bin, sites[i].pc);

				assert_non_null(fn);
				assert_string_equal(fn->name, sites[i].caller);
				assert_non_null(sites[i].file);
				assert_string_equal(sites[i].file, "example.com/inline/main.go");
				if (strcmp(sites[i].caller, "main.main") == 0) {
					assert_int_equal(sites[i].line, 28);
					seen_main++;
				} else if (strcmp(sites[i].caller, "main.twice") == 0) {
					assert_int_equal(sites[i].line, 23);
					seen_twice++;
				}
			}
			assert_int_equal(seen_main, 1);
			assert_int_equal(seen_twice, 1);
			free(sites);
			gobin_close(bin);
		}
	}
}

static void test_pc_line(void **state)
{
	size_t v;

	(void)state;
	load_versions();
	for (v = 0; v < nversions; v++) {
		struct gobin *bin = open_ok(versions[v], "inline-stripped");
		const struct gofunc *fn = gobin_find_func(bin, "main.tripled");
		const char *file = NULL;
		int32_t line = 0;

		assert_non_null(fn);
		assert_int_equal(gobin_pc_line(bin, fn->entry, &file, &line), 1);
		assert_string_equal(file, "example.com/inline/main.go");
		assert_in_range(line, 17, 19);
		assert_int_equal(gobin_pc_line(bin, 0x10, &file, &line), 0);
		assert_null(file);
		gobin_close(bin);
	}
}

/* A copy of a fixture, changed by the caller, in a temporary file. */
static void write_temp(char *path, size_t len, const uint8_t *bytes, size_t size)
{
	FILE *f;
	int fd;

	snprintf(path, len, "%s/rewire-gobin-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(bytes, 1, size, f), size);
	assert_int_equal(fclose(f), 0);
}

static uint8_t *read_all(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	buf = malloc((size_t)n);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*size = (size_t)n;
	return buf;
}

/* Opens bytes as a file and expects failure with a message holding want. */
static void expect_open_error(const uint8_t *bytes, size_t size, const char *want)
{
	char path[4096];
	struct rw_error err = { "" };
	struct gobin *bin = (struct gobin *)1;

	write_temp(path, sizeof(path), bytes, size);
	assert_int_equal(gobin_open(&bin, path, &err), -1);
	assert_null(bin);
	if (!strstr(err.msg, path) || !strstr(err.msg, want))
		fail_msg("opening %s: got \"%s\", want the path and \"%s\"", path, err.msg, want);
	unlink(path);
}

static void test_errors(void **state)
{
	static const size_t cuts[] = { 100, 0x1000, 0x90000, 0x100000 };
	char path[4096];
	struct rw_error err = { "" };
	struct gobin *bin;
	uint8_t *bytes;
	size_t size, i;
	uint64_t shoff;

	(void)state;
	load_versions();
	expect_open_error((const uint8_t *)"#!/bin/sh\necho hello\n", 21, "not an ELF file");

	/* Any ELF executable that is not Go (the test itself is one). */
	assert_int_equal(gobin_open(&bin, "/proc/self/exe", &err), -1);
	assert_non_null(strstr(err.msg, "not a Go binary (no .go.buildinfo"));

	gofixture_path(path, sizeof(path), versions[nversions - 1], "hello");
	bytes = read_all(path, &size);
	expect_open_error(bytes, 0, "not an ELF file");
	expect_open_error(bytes, 10, "not an ELF file");
	for (i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++)
		expect_open_error(bytes, cuts[i], "truncated");
	expect_open_error(bytes, size - 100, "truncated");

	/* Break the pclntab magic found through the section table. */
	{
		struct gobin *good = open_ok(versions[nversions - 1], "hello");
		const struct elf_section *sec = elf_image_section(gobin_elf(good), ".gopclntab");
		uint8_t *copy = malloc(size);

		assert_non_null(sec);
		assert_non_null(copy);
		memcpy(copy, bytes, size);
		copy[sec->offset] ^= 0x0f;
		expect_open_error(copy, size, "bad magic");
		memcpy(copy, bytes, size);
		/* nfunc far larger than the function table. */
		memset(copy + sec->offset + 8, 0x7f, 4);
		expect_open_error(copy, size, "functions do not fit");
		memcpy(copy, bytes, size);
		/* The pclntab cut short: its first function record moves out. */
		memset(copy + sec->offset + 64, 0x7f, 3);
		expect_open_error(copy, size, "corrupt .gopclntab");
		gobin_close(good);
		free(copy);
	}

	/* Without section headers, build info and pclntab are found by magic. */
	memcpy(&shoff, bytes + 0x28, 8);
	memset(bytes + 0x28, 0, 8);
	memset(bytes + 0x3a, 0, 6);
	write_temp(path, sizeof(path), bytes, size);
	if (gobin_open(&bin, path, &err) < 0)
		fail_msg("without section headers: %s", err.msg);
	assert_int_equal(gobin_symbol_source(bin), GOBIN_PCLNTAB);
	assert_non_null(gobin_find_func(bin, "runtime.futexsleep"));
	assert_int_equal(gobin_go_minor(bin), gofixture_minor(versions[nversions - 1]));
	gobin_close(bin);
	unlink(path);
	free(bytes);
}

/* The largest Go binary at hand: the newest fixture toolchain's compile tool,
 * shipped without .symtab. Its timing is measured by scripts/measure-large.sh,
 * not asserted here. */
static void test_large_binary(void **state)
{
	const char *minor = versions[nversions - 1] + 2;	/* "1.26" */
	char path[256];
	struct rw_error err = { "" };
	struct inline_site *sites = NULL;
	struct gobin *bin;
	size_t n = 0;

	(void)state;
	load_versions();
	snprintf(path, sizeof(path), "/usr/lib/go-%s/pkg/tool/linux_amd64/compile", minor);
	if (access(path, R_OK) != 0)
		fail_msg("%s is missing: the fixtures' toolchain has no compile tool", path);
	if (gobin_open(&bin, path, &err) < 0)
		fail_msg("%s", err.msg);
	assert_non_null(gobin_find_func(bin, "runtime.futexsleep"));
	assert_non_null(gobin_find_func(bin, "runtime.futex.abi0"));
	assert_non_null(gobin_find_func(bin, "main.main"));
	assert_int_equal(gobin_symbol_source(bin), GOBIN_PCLNTAB);
	assert_true(gobin_func_count(bin) > 10000);
	assert_int_equal(gobin_inline_sites(bin, "runtime.add", &sites, &n, &err), 0);
	assert_true(n > 0);
	free(sites);
	gobin_close(bin);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_symtab_matches_pclntab),
		cmocka_unit_test(test_os_layer_functions),
		cmocka_unit_test(test_build_info),
		cmocka_unit_test(test_inline_sites),
		cmocka_unit_test(test_pc_line),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_large_binary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
