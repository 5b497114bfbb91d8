/* Unit tests of dwarf_info: signatures, struct layouts and failures on every Go version's fixtures. */
#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "dwarf_info.h"
#include "elf_image.h"

extern char **environ;

/* The Go version under test: its fixture folder and minor version. */
static char g_dir[4096];
static int g_minor;

/* What one version's group opens once for all its tests. */
struct fixture {
	struct dwarf_info *hello;
	struct dwarf_info *sig;
};

static void fixture_path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", g_dir, name);
}

static struct dwarf_info *open_ok(const char *name)
{
	struct rw_error err = { "" };
	struct dwarf_info *info = NULL;
	char path[4352];

	fixture_path(path, sizeof(path), name);
	int rc = dwarf_info_open(&info, path, &err);
	if (rc != 0)
		print_error("dwarf_info_open(%s) = %d: %s\n", path, rc, err.msg);
	return rc == 0 ? info : NULL;
}

static int group_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->hello = open_ok("hello");
	f->sig = open_ok("sig");
	*state = f;
	return f->hello && f->sig ? 0 : -1;
}

static int group_teardown(void **state)
{
	struct fixture *f = *state;

	if (f) {
		dwarf_info_close(f->hello);
		dwarf_info_close(f->sig);
		free(f);
	}
	return 0;
}

/* Reads a signature that must exist. */
static void signature_get(struct dwarf_info *info, const char *func,
			  struct go_signature *sig)
{
	struct rw_error err = { "" };
	int rc = dwarf_info_func_signature(info, func, sig, &err);

	if (rc != 0)
		fail_msg("%s: %s: rc %d: %s", g_dir, func, rc, err.msg);
}

static void param_check(const struct go_signature *sig, size_t i,
			const char *name, const char *type, uint64_t size,
			bool is_result)
{
	assert_true(i < sig->count);
	assert_string_equal(sig->params[i].name, name);
	assert_string_equal(sig->params[i].type, type);
	assert_int_equal(sig->params[i].size, size);
	assert_int_equal(sig->params[i].is_result, is_result);
}

static void format_check(const struct go_signature *sig, const char *want)
{
	char buf[512];

	go_signature_format(sig, buf, sizeof(buf));
	assert_string_equal(buf, want);
}

static void test_time_now(void **state)
{
	struct fixture *f = *state;
	struct go_signature sig;

	signature_get(f->hello, "time.Now", &sig);
	assert_int_equal(sig.count, 1);
	param_check(&sig, 0, "~r0", "time.Time", 24, true);
	assert_true(sig.entry >= 0x401000);
	format_check(&sig, "func() time.Time");
	go_signature_free(&sig);
	assert_null(sig.params);
	assert_int_equal(sig.count, 0);
}

static void test_method_mixed_params(void **state)
{
	struct fixture *f = *state;
	struct go_signature sig;

	signature_get(f->hello, "os.(*File).Write", &sig);
	assert_int_equal(sig.count, 4);
	param_check(&sig, 0, "f", "*os.File", 8, false);
	param_check(&sig, 1, "b", "[]uint8", 24, false);
	param_check(&sig, 2, "n", "int", 8, true);
	param_check(&sig, 3, "err", "error", 16, true);
	assert_true(sig.entry != 0);
	format_check(&sig, "func(f *os.File, b []uint8) (n int, err error)");
	go_signature_free(&sig);

	/* Only inlined in hello: read from the abstract DIE. */
	signature_get(f->hello, "os.Hostname", &sig);
	format_check(&sig, "func() (name string, err error)");
	go_signature_free(&sig);
}

static void test_sig_fixture(void **state)
{
	struct fixture *f = *state;
	struct go_signature sig;

	signature_get(f->sig, "example.com/sig/pkg.F", &sig);
	format_check(&sig, "func(s string, count int) string");
	go_signature_free(&sig);

	signature_get(f->sig, "main.(*T).M", &sig);
	assert_int_equal(sig.count, 5);
	param_check(&sig, 0, "t", "*main.T", 8, false);
	param_check(&sig, 3, "~r0", "float64", 8, true);
	format_check(&sig, "func(t *main.T, a int, b string) (float64, error)");
	go_signature_free(&sig);

	signature_get(f->sig, "main.T.Get", &sig);
	param_check(&sig, 0, "t", "main.T", 24, false);
	format_check(&sig, "func(t main.T) int");
	go_signature_free(&sig);

	signature_get(f->sig, "main.Mix", &sig);
	assert_int_equal(sig.count, 6);
	param_check(&sig, 0, "a", "int8", 1, false);
	param_check(&sig, 1, "f", "float64", 8, false);
	param_check(&sig, 2, "s", "[]string", 24, false);
	param_check(&sig, 3, "m", "map[string]int", 8, false);
	param_check(&sig, 4, "x", "float32", 4, true);
	param_check(&sig, 5, "ok", "bool", 1, true);
	go_signature_free(&sig);

	/* Go 1.21 and older leave blank parameters out of DWARF. */
	signature_get(f->sig, "main.Blank", &sig);
	format_check(&sig, g_minor <= 21 ? "func(b int) int" :
		     "func(_ int, b int) int");
	go_signature_free(&sig);
}

static void test_compatible_across_binaries(void **state)
{
	struct fixture *f = *state;
	struct go_signature now, fake, wrong, repeat, pf, method;

	signature_get(f->hello, "time.Now", &now);
	signature_get(f->sig, "main.fakeNow", &fake);
	signature_get(f->sig, "main.wrongNow", &wrong);
	signature_get(f->sig, "strings.Repeat", &repeat);
	signature_get(f->sig, "example.com/sig/pkg.F", &pf);
	signature_get(f->sig, "main.(*T).M", &method);
	assert_true(go_signature_compatible(&now, &fake));
	assert_true(go_signature_compatible(&fake, &now));
	assert_false(go_signature_compatible(&now, &wrong));
	assert_true(go_signature_compatible(&repeat, &pf));
	assert_false(go_signature_compatible(&pf, &method));
	assert_false(go_signature_compatible(&now, &pf));
	go_signature_free(&now);
	go_signature_free(&fake);
	go_signature_free(&wrong);
	go_signature_free(&repeat);
	go_signature_free(&pf);
	go_signature_free(&method);
}

static void member_check(struct dwarf_info *info, const char *type,
			 const char *member, uint64_t want_off, uint64_t want_size)
{
	struct rw_error err = { "" };
	uint64_t off = ~0ull, size = ~0ull;
	int rc = dwarf_info_struct_member(info, type, member, &off, &size, &err);

	if (rc != 0)
		fail_msg("%s: %s.%s: rc %d: %s", g_dir, type, member, rc, err.msg);
	assert_int_equal(off, want_off);
	assert_int_equal(size, want_size);
}

static void test_struct_members(void **state)
{
	struct fixture *f = *state;
	struct rw_error err = { "" };
	uint64_t g_size = 0, m_size = 0, off = 0, size = 0;

	member_check(f->hello, "runtime.g", "stack", 0, 16);
	member_check(f->hello, "runtime.g", "stackguard0", 16, 8);
	member_check(f->hello, "runtime.g", "m", 48, 8);
	/* g.sched is a runtime.gobuf whose first word is sp. */
	member_check(f->hello, "runtime.g", "sched.sp", 56, 8);
	member_check(f->hello, "runtime.m", "g0", 0, 8);
	member_check(f->hello, "time.Time", "wall", 0, 8);
	assert_int_equal(dwarf_info_type_size(f->hello, "runtime.g", &g_size, &err), 0);
	assert_int_equal(dwarf_info_type_size(f->hello, "runtime.m", &m_size, &err), 0);
	assert_true(g_size > 56 && g_size < 4096);
	assert_true(m_size > 64 && m_size < 8192);
	assert_int_equal(dwarf_info_struct_member(f->hello, "runtime.m", "procid",
						  &off, &size, &err), 0);
	assert_true(off > 0 && off + size <= m_size);
	assert_int_equal(size, 8);
	assert_int_equal(dwarf_info_type_size(f->hello, "int", &size, &err), 0);
	assert_int_equal(size, 8);
	assert_int_equal(dwarf_info_type_size(f->hello, "string", &size, &err), 0);
	assert_int_equal(size, 16);
	assert_int_equal(dwarf_info_type_size(f->hello, "*runtime.g", &size, &err), 0);
	assert_int_equal(size, 8);
	/* "error" is a typedef of a typedef of the interface struct. */
	assert_int_equal(dwarf_info_type_size(f->hello, "error", &size, &err), 0);
	assert_int_equal(size, 16);
}

static void test_not_found(void **state)
{
	struct fixture *f = *state;
	struct rw_error err = { "" };
	struct go_signature sig;
	uint64_t off, size;

	assert_int_equal(dwarf_info_func_signature(f->hello, "main.noSuchFunc",
						   &sig, &err), 1);
	assert_int_equal(sig.count, 0);
	assert_null(sig.params);
	assert_non_null(strstr(err.msg, "main.noSuchFunc"));
	go_signature_free(&sig);
	/* Assembly functions have a DIE but no parameters in it. */
	assert_int_equal(dwarf_info_func_signature(f->hello, "runtime.rt0_go",
						   &sig, &err), 0);
	assert_int_equal(sig.count, 0);
	assert_true(sig.entry != 0);
	go_signature_free(&sig);
	assert_int_equal(dwarf_info_struct_member(f->hello, "runtime.noSuchType",
						  "m", &off, &size, &err), 1);
	assert_int_equal(dwarf_info_struct_member(f->hello, "runtime.g",
						  "noSuchMember", &off, &size, &err), 1);
	assert_non_null(strstr(err.msg, "noSuchMember"));
	assert_int_equal(dwarf_info_struct_member(f->hello, "runtime.g",
						  "m.noSuchMember", &off, &size, &err), 1);
	assert_int_equal(dwarf_info_struct_member(f->hello, "runtime.g", "",
						  &off, &size, &err), 1);
	assert_int_equal(dwarf_info_struct_member(f->hello, "int", "x",
						  &off, &size, &err), 1);
	assert_int_equal(dwarf_info_type_size(f->hello, "no.Such", &size, &err), 1);
}

static void test_no_dwarf(void **state)
{
	struct rw_error err = { "untouched" };
	struct dwarf_info *info = (struct dwarf_info *)1;
	char path[4352];

	(void)state;
	fixture_path(path, sizeof(path), "hello-stripped");
	assert_int_equal(dwarf_info_open(&info, path, &err), 1);
	assert_null(info);
	assert_string_equal(err.msg, "untouched");
}

/* Writes len bytes to a new temporary file whose name goes into path. */
static void temp_write(char *path, size_t plen, const void *bytes, size_t len)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(path, plen, "%s/rewire-dwarf-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, bytes, len), (ssize_t)len);
	close(fd);
}

/* Opens path and reads time.Now; something must fail with a message naming
 * the file, and nothing may crash. */
static void corrupt_check(const char *path)
{
	struct rw_error err = { "" };
	struct dwarf_info *info = NULL;
	struct go_signature sig;
	int rc = dwarf_info_open(&info, path, &err);

	if (rc == 0) {
		rc = dwarf_info_func_signature(info, "time.Now", &sig, &err);
		go_signature_free(&sig);
		/* The index failure is remembered, not retried. */
		if (rc < 0) {
			struct rw_error again = { "" };
			assert_int_equal(dwarf_info_func_signature(info, "time.Now",
								   &sig, &again), -1);
			assert_string_equal(again.msg, err.msg);
		}
		dwarf_info_close(info);
	}
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err.msg, path));
}

static void test_corrupt(void **state)
{
	struct elf_image img;
	struct rw_error err = { "" };
	char src[4352], path[4352];

	(void)state;
	fixture_path(src, sizeof(src), "hello");
	assert_int_equal(elf_image_open(&img, src, &err), 0);
	const struct elf_section *info = elf_image_section(&img, ".debug_info");
	assert_non_null(info);

	/* Cut inside the DWARF sections: their headers point past the end. */
	temp_write(path, sizeof(path), img.bytes, info->offset + info->size / 2);
	corrupt_check(path);
	unlink(path);

	/* Garbage inside the zlib stream of .debug_info. */
	uint8_t *copy = malloc(img.size);
	assert_non_null(copy);
	memcpy(copy, img.bytes, img.size);
	memset(copy + info->offset + 24 + info->size / 4, 0x5a, info->size / 4);
	temp_write(path, sizeof(path), copy, img.size);
	corrupt_check(path);
	unlink(path);

	/* A compression header claiming an absurd uncompressed size. */
	memcpy(copy, img.bytes, img.size);
	memset(copy + info->offset + 8, 0xff, 8);
	temp_write(path, sizeof(path), copy, img.size);
	corrupt_check(path);
	unlink(path);
	free(copy);
	elf_image_close(&img);
}

static void test_not_elf(void **state)
{
	struct rw_error err = { "" };
	struct dwarf_info *info = (struct dwarf_info *)1;
	char path[4352];

	(void)state;
	temp_write(path, sizeof(path), "not an ELF file\n", 16);
	assert_int_equal(dwarf_info_open(&info, path, &err), -1);
	assert_null(info);
	assert_non_null(strstr(err.msg, path));
	unlink(path);

	assert_int_equal(dwarf_info_open(&info, "/nonexistent/rewire/file", &err), -1);
	assert_non_null(strstr(err.msg, "/nonexistent/rewire/file"));
}

static void test_compatible_rules(void **state)
{
	struct go_param pa[] = {
		{ "s", "string", 16, false }, { "n", "int", 8, false },
		{ "~r0", "string", 16, true },
	};
	struct go_param pb[] = {
		{ "x", "string", 16, false }, { "y", "int", 8, false },
		{ "out", "string", 16, true },
	};
	struct go_signature a = { pa, 3, 0 }, b = { pb, 3, 0 };
	char buf[64];

	(void)state;
	assert_true(go_signature_compatible(&a, &b));	/* names differ */
	format_check(&b, "func(x string, y int) (out string)");
	pb[1].size = 4;
	assert_false(go_signature_compatible(&a, &b));
	pb[1].size = 8;
	pb[1].type = "int64";
	assert_false(go_signature_compatible(&a, &b));
	pb[1].type = "int";
	pb[2].is_result = false;	/* three params, no result */
	assert_false(go_signature_compatible(&a, &b));
	b.count = 2;
	assert_false(go_signature_compatible(&a, &b));
	assert_false(go_signature_compatible(&a, NULL));

	/* Truncation keeps the buffer terminated. */
	go_signature_format(&a, buf, 10);
	assert_string_equal(buf, "func(s st");
	go_signature_format(&a, buf, 0);
	struct go_signature empty = { NULL, 0, 0 };
	format_check(&empty, "func()");
	go_signature_free(NULL);
}

/* Builds the sig fixture for every version (incremental) beside the others. */
static int sig_fixture_build(const char *fixtures)
{
	char script[4096], dir[4096];
	const char *slash;
	pid_t pid;
	int status;

	/* This file is tests/unit/test_dwarf.c; the script is in tests/fixtures. */
	snprintf(dir, sizeof(dir), "%s", __FILE__);
	slash = strrchr(dir, '/');
	snprintf(script, sizeof(script), "%.*s/../fixtures/build-sig.sh",
		 slash ? (int)(slash - dir) : 1, slash ? dir : ".");
	char *argv[] = { "bash", script, (char *)fixtures, NULL };
	if (posix_spawnp(&pid, "bash", NULL, NULL, argv, environ))
		return -1;
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static int version_cmp(const struct dirent **a, const struct dirent **b)
{
	return atoi((*a)->d_name + 4) - atoi((*b)->d_name + 4);
}

static int version_filter(const struct dirent *d)
{
	return !strncmp(d->d_name, "go1.", 4);
}

int main(void)
{
	const char *fixtures = getenv("REWIRE_FIXTURES");
	const struct CMUnitTest per_version[] = {
		cmocka_unit_test(test_time_now),
		cmocka_unit_test(test_method_mixed_params),
		cmocka_unit_test(test_sig_fixture),
		cmocka_unit_test(test_compatible_across_binaries),
		cmocka_unit_test(test_struct_members),
		cmocka_unit_test(test_not_found),
		cmocka_unit_test(test_no_dwarf),
		cmocka_unit_test(test_corrupt),
	};
	const struct CMUnitTest once[] = {
		cmocka_unit_test(test_not_elf),
		cmocka_unit_test(test_compatible_rules),
	};
	struct dirent **versions;
	int failed, n;

	if (!fixtures || !*fixtures) {
		fprintf(stderr, "test_dwarf: REWIRE_FIXTURES is not set "
			"(make unit-test sets it)\n");
		return 1;
	}
	n = scandir(fixtures, &versions, version_filter, version_cmp);
	if (n <= 0) {
		fprintf(stderr, "test_dwarf: no go1.* fixtures in %s\n", fixtures);
		return 1;
	}
	if (sig_fixture_build(fixtures)) {
		fprintf(stderr, "test_dwarf: building the sig fixture failed\n");
		return 1;
	}
	failed = cmocka_run_group_tests_name("dwarf", once, NULL, NULL);
	for (int i = 0; i < n; i++) {
		char name[300];
		snprintf(g_dir, sizeof(g_dir), "%s/%s", fixtures, versions[i]->d_name);
		g_minor = atoi(versions[i]->d_name + 4);
		snprintf(name, sizeof(name), "dwarf %s", versions[i]->d_name);
		failed += cmocka_run_group_tests_name(name, per_version,
						      group_setup, group_teardown);
		free(versions[i]);
	}
	free(versions);
	return failed ? 1 : 0;
}
