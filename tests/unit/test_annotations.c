/* Unit tests: //go:redirect-from and //go:redirect-original in Go packages on disk. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "annotations.h"

#define GO_DEFAULT "/usr/lib/go-1.26/bin/go"

/* A module in a fresh temporary directory, removed after the test. */
struct module {
	char dir[256];
	const char *go;
};

static const char go_mod[] = "module example.com/annot\n\ngo 1.19\n";

/* The go command to test with: $REWIRE_GO, else the newest packaged Go. */
static const char *find_go(void)
{
	const char *go = getenv("REWIRE_GO");

	if (go && *go)
		return go;
	if (access(GO_DEFAULT, X_OK) == 0)
		return GO_DEFAULT;
	return NULL;
}

static void put(const struct module *m, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", m->dir, name);
	f = fopen(path, "w");
	if (!f)
		fail_msg("cannot create %s", path);
	fputs(text, f);
	fclose(f);
}

static void put_dir(const struct module *m, const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", m->dir, name);
	assert_int_equal(mkdir(path, 0755), 0);
}

static int setup_module(void **state)
{
	struct module *m = calloc(1, sizeof(*m));
	const char *tmp = getenv("TMPDIR");

	if (!m)
		return -1;
	snprintf(m->dir, sizeof(m->dir), "%s/rewire-annot-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(m->dir)) {
		free(m);
		return -1;
	}
	m->go = find_go();
	*state = m;
	return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag,
			struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int teardown_module(void **state)
{
	struct module *m = *state;

	nftw(m->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(m);
	return 0;
}

/* The module with go.mod in place; skips the test when there is no Go. */
static struct module *module_with_go(void **state)
{
	struct module *m = *state;

	if (!m->go) {
		print_message("skipped: no go command (set REWIRE_GO, or install "
			      "Go at " GO_DEFAULT ")\n");
		skip();
	}
	put(m, "go.mod", go_mod);
	return m;
}

/* 1-based line of the first occurrence of needle in text. */
static unsigned line_of(const char *text, const char *needle)
{
	const char *at = strstr(text, needle), *p;
	unsigned line = 1;

	if (!at)
		fail_msg("'%s' not in the test source", needle);
	for (p = text; p < at; p++)
		line += *p == '\n';
	return line;
}

static void expect_redirect(const struct redirect_list *list, enum redirect_kind kind,
			    const char *from, const char *to, const char *dir,
			    const char *file, const char *text, const char *needle)
{
	char origin[512];
	size_t i;

	snprintf(origin, sizeof(origin), "%s/%s:%u", dir, file, line_of(text, needle));
	for (i = 0; i < list->count; i++) {
		const struct redirect *r = &list->items[i];

		if (r->kind == kind && strcmp(r->from, from) == 0 &&
		    strcmp(r->to, to) == 0) {
			assert_string_equal(r->origin, origin);
			return;
		}
	}
	fail_msg("no %s redirect %s -> %s", kind == REDIRECT_REPLACE ? "replace" :
		 "original", from, to);
}

static void expect_contains(const char *msg, const char *want)
{
	if (!strstr(msg, want))
		fail_msg("message \"%s\" lacks \"%s\"", msg, want);
}

/* want occurs exactly once in msg: a message names its folder once. */
static void expect_once(const char *msg, const char *want)
{
	const char *first = strstr(msg, want);

	if (!first)
		fail_msg("message \"%s\" lacks \"%s\"", msg, want);
	if (strstr(first + strlen(want), want))
		fail_msg("message \"%s\" names \"%s\" twice", msg, want);
}

static const char main_go[] =
	"// Package main fakes the clock.\n"
	"package main\n"
	"\n"
	"import (\n"
	"\t\"fmt\"\n"
	"\t\"time\"\n"
	")\n"
	"\n"
	"type T struct{ n int }\n"
	"\n"
	"// fakeNow replaces time.Now.\n"
	"//\n"
	"//go:redirect-from time.Now\n"
	"//go:noinline\n"
	"func fakeNow() time.Time { return time.Unix(0, 0) }\n"
	"\n"
	"//go:noinline\n"
	"//go:redirect-from\tos.hostname   \n"
	"func (t *T) host() (string, error) { return \"h\", nil }\n"
	"\n"
	"//go:redirect-from os.Getpid\n"
	"func (T) pid() int { return 1 }\n"
	"\n"
	"// The placeholder's body never runs.\n"
	"/* a block comment in the group */\n"
	"//go:redirect-original time.Now\n"
	"func realNow() time.Time { panic(\"placeholder\") }\n"
	"\n"
	"func main() { fmt.Println(fakeNow(), realNow()) }\n";

static const char main_test_go[] =
	"package main\n"
	"\n"
	"import \"testing\"\n"
	"\n"
	"//go:redirect-from time.Since\n"
	"func fakeSince() int { return 0 }\n"
	"\n"
	"func TestA(t *testing.T) {}\n";

static const char xtest_go[] =
	"package main_test\n"
	"\n"
	"import \"testing\"\n"
	"\n"
	"//go:redirect-from time.Sleep\n"
	"func fakeSleep() {}\n"
	"\n"
	"func TestB(t *testing.T) {}\n";

static void put_main_package(const struct module *m)
{
	put(m, "main.go", main_go);
	put(m, "main_test.go", main_test_go);
	put(m, "x_test.go", xtest_go);
}

static void test_main_program(void **state)
{
	struct module *m = module_with_go(state);
	struct redirect_list list = { 0 };
	struct rw_error err = { { 0 } };

	put_main_package(m);
	if (annotations_scan(&list, m->dir, m->go, false, &err) < 0)
		fail_msg("%s", err.msg);
	/* A program holds no test code: its _test.go files are not read. */
	assert_int_equal(list.count, 4);
	expect_redirect(&list, REDIRECT_REPLACE, "time.Now", "main.fakeNow", m->dir,
			"main.go", main_go, "//go:redirect-from time.Now");
	expect_redirect(&list, REDIRECT_REPLACE, "os.hostname", "main.(*T).host",
			m->dir, "main.go", main_go, "//go:redirect-from\tos");
	expect_redirect(&list, REDIRECT_REPLACE, "os.Getpid", "main.T.pid", m->dir,
			"main.go", main_go, "//go:redirect-from os.Getpid");
	expect_redirect(&list, REDIRECT_ORIGINAL, "time.Now", "main.realNow", m->dir,
			"main.go", main_go, "//go:redirect-original");
	redirect_list_free(&list);
}

/* `go test -c` compiles package main under its import path. */
static void test_main_test_binary(void **state)
{
	struct module *m = module_with_go(state);
	struct redirect_list list = { 0 };
	struct rw_error err = { { 0 } };

	put_main_package(m);
	if (annotations_scan(&list, m->dir, m->go, true, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(list.count, 6);
	expect_redirect(&list, REDIRECT_REPLACE, "time.Now",
			"example.com/annot.fakeNow", m->dir, "main.go", main_go,
			"//go:redirect-from time.Now");
	expect_redirect(&list, REDIRECT_REPLACE, "os.hostname",
			"example.com/annot.(*T).host", m->dir, "main.go", main_go,
			"//go:redirect-from\tos");
	expect_redirect(&list, REDIRECT_REPLACE, "os.Getpid", "example.com/annot.T.pid",
			m->dir, "main.go", main_go, "//go:redirect-from os.Getpid");
	expect_redirect(&list, REDIRECT_ORIGINAL, "time.Now",
			"example.com/annot.realNow", m->dir, "main.go", main_go,
			"//go:redirect-original");
	expect_redirect(&list, REDIRECT_REPLACE, "time.Since",
			"example.com/annot.fakeSince", m->dir, "main_test.go",
			main_test_go, "//go:redirect-from");
	expect_redirect(&list, REDIRECT_REPLACE, "time.Sleep",
			"example.com/annot_test.fakeSleep", m->dir, "x_test.go",
			xtest_go, "//go:redirect-from");
	redirect_list_free(&list);
}

static const char lib_go[] =
	"package yaml\n"
	"\n"
	"//go:redirect-from os.Getenv\n"
	"func getenv(string) string { return \"\" }\n";

static const char lib_test_go[] =
	"package yaml\n"
	"\n"
	"//go:redirect-from os.Getuid\n"
	"func getuid() int { return 0 }\n";

static const char lib_xtest_go[] =
	"package yaml_test\n"
	"\n"
	"//go:redirect-original os.Getenv\n"
	"func realGetenv(string) string { return \"\" }\n";

/* A '.' in the last path element is %2e in linker names, also for _test. */
static void test_library_package(void **state)
{
	struct module *m = module_with_go(state);
	struct redirect_list list = { 0 };
	struct rw_error err = { { 0 } };
	char dir[512];
	int test_binary;

	put_dir(m, "yaml.v3");
	put(m, "yaml.v3/yaml.go", lib_go);
	put(m, "yaml.v3/yaml_test.go", lib_test_go);
	put(m, "yaml.v3/x_test.go", lib_xtest_go);
	snprintf(dir, sizeof(dir), "%s/yaml.v3/", m->dir);
	/* Only package main changes name in a test binary; test files count
	 * only there. */
	for (test_binary = 0; test_binary < 2; test_binary++) {
		if (annotations_scan(&list, dir, m->go, test_binary, &err) < 0)
			fail_msg("%s", err.msg);
		assert_int_equal(list.count, test_binary ? 3 : 1);
		/* A trailing '/' of the directory is not doubled in origins. */
		dir[strlen(dir) - 1] = '\0';
		expect_redirect(&list, REDIRECT_REPLACE, "os.Getenv",
				"example.com/annot/yaml%2ev3.getenv", dir, "yaml.go",
				lib_go, "//go:");
		if (test_binary) {
			expect_redirect(&list, REDIRECT_REPLACE, "os.Getuid",
					"example.com/annot/yaml%2ev3.getuid", dir,
					"yaml_test.go", lib_test_go, "//go:");
			expect_redirect(&list, REDIRECT_ORIGINAL, "os.Getenv",
					"example.com/annot/yaml%2ev3_test.realGetenv", dir,
					"x_test.go", lib_xtest_go, "//go:");
		}
		strcat(dir, "/");
		redirect_list_free(&list);
	}
}

/* Receivers with and without a name, in parentheses, over several lines. */
static void test_receiver_forms(void **state)
{
	static const char src[] =
		"package main\n"
		"\n"
		"type T struct{}\n"
		"\n"
		"//go:redirect-from os.Getuid\n"
		"func (\n"
		"\tr *T,\n"
		") uid() int {\n"
		"\treturn 0\n"
		"}\n"
		"\n"
		"//go:redirect-from os.Getgid\n"
		"func ( T ) gid() int { return 0 }\n"
		"\n"
		"//go:redirect-from os.Geteuid\n"
		"func (*T) euid() int { return 0 }\n"
		"\n"
		"//go:redirect-from os.Getegid\n"
		"func (t (T)) egid() int { return 0 }\n"
		"\n"
		"func main() {}\n";
	struct module *m = module_with_go(state);
	struct redirect_list list = { 0 };
	struct rw_error err = { { 0 } };

	put(m, "main.go", src);
	if (annotations_scan(&list, m->dir, m->go, false, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(list.count, 4);
	expect_redirect(&list, REDIRECT_REPLACE, "os.Getuid", "main.(*T).uid", m->dir,
			"main.go", src, "os.Getuid");
	expect_redirect(&list, REDIRECT_REPLACE, "os.Getgid", "main.T.gid", m->dir,
			"main.go", src, "os.Getgid");
	expect_redirect(&list, REDIRECT_REPLACE, "os.Geteuid", "main.(*T).euid", m->dir,
			"main.go", src, "os.Geteuid");
	expect_redirect(&list, REDIRECT_REPLACE, "os.Getegid", "main.T.egid", m->dir,
			"main.go", src, "os.Getegid");
	redirect_list_free(&list);
}

/* Annotation-looking text in literals and block comments, look-alike
 * directives, and CRLF line ends. */
static void test_ignored_text(void **state)
{
	static const char src[] =
		"package main\r\n"
		"\r\n"
		"var s = \"//go:redirect-from a.B\"\r\n"
		"var r = `\r\n"
		"//go:redirect-from a.C\r\n"
		"`\r\n"
		"var q, dq = '\\'', '\"'\r\n"
		"var e = \"\\\"//go:redirect-from a.D\"\r\n"
		"var w = `raw \\` + \"x\" // //go:redirect-from a.J\r\n"
		"\r\n"
		"/*\r\n"
		"//go:redirect-from a.E\r\n"
		"*/\r\n"
		"\r\n"
		"//go:redirect-fromX a.F\r\n"
		"// go:redirect-from a.G\r\n"
		"//go:redirect-originals a.H\r\n"
		"\r\n"
		"//go:redirect-from a.I\r\n"
		"func main() {\r\n"
		"\tx := \"}\"\r\n"
		"\t_ = x\r\n"
		"}\r\n";
	struct module *m = module_with_go(state);
	struct redirect_list list = { 0 };
	struct rw_error err = { { 0 } };

	put(m, "main.go", src);
	if (annotations_scan(&list, m->dir, m->go, false, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(list.count, 1);
	expect_redirect(&list, REDIRECT_REPLACE, "a.I", "main.main", m->dir,
			"main.go", src, "//go:redirect-from a.I");
	redirect_list_free(&list);
}

/* Scans a package main of one file, src, and expects an error naming
 * main.go at the line of needle and containing want. */
static void expect_scan_error(struct module *m, const char *src, const char *needle,
			      const char *want)
{
	struct redirect_list list = { 0 };
	struct rw_error err = { { 0 } };
	char where[512];

	put(m, "main.go", src);
	if (annotations_scan(&list, m->dir, m->go, false, &err) == 0)
		fail_msg("no error for:\n%s", src);
	snprintf(where, sizeof(where), "%s/main.go:%u: ", m->dir, line_of(src, needle));
	expect_contains(err.msg, where);
	expect_contains(err.msg, want);
	redirect_list_free(&list);
}

static void test_floating_annotation(void **state)
{
	struct module *m = module_with_go(state);
	const char *floating = "annotation is not on a function declaration";

	/* A blank line ends the comment block. */
	expect_scan_error(m,
		"package main\n\n//go:redirect-from a.B\n\nfunc main() {}\n",
		"//go:", floating);
	expect_scan_error(m,
		"package main\n\n//go:redirect-from a.B\ntype T int\n\nfunc main() {}\n",
		"//go:", floating);
	expect_scan_error(m,
		"package main\n\n//go:redirect-from a.B\nvar f = func() {}\n\n"
		"func main() {}\n", "//go:", floating);
	/* Inside a function body, even above a func literal. */
	expect_scan_error(m,
		"package main\n\nfunc main() {\n\t//go:redirect-from a.B\n"
		"\tf := func() {}\n\tf()\n}\n", "//go:", floating);
	/* After code on the same line. */
	expect_scan_error(m,
		"package main\n\nvar x = 1 //go:redirect-from a.B\nfunc main() {}\n",
		"//go:", floating);
	/* At the end of the file. */
	expect_scan_error(m,
		"package main\n\nfunc main() {}\n\n//go:redirect-original a.B\n",
		"//go:", floating);
	/* The first of two annotations is the one named. */
	expect_scan_error(m,
		"package main\n\n//go:redirect-from a.B\n//go:redirect-from a.C\n\n"
		"func main() {}\n", "//go:redirect-from a.B", floating);
}

static void test_bad_directive(void **state)
{
	struct module *m = module_with_go(state);

	expect_scan_error(m, "package main\n\n//go:redirect-from\nfunc main() {}\n",
			  "//go:", "//go:redirect-from needs a symbol");
	expect_scan_error(m, "package main\n\n//go:redirect-original  \nfunc main() {}\n",
			  "//go:", "//go:redirect-original needs a symbol");
	expect_scan_error(m, "package main\n\n//go:redirect-from a.B c.D\nfunc main() {}\n",
			  "//go:", "takes one symbol, found more after 'a.B'");
	expect_scan_error(m, "package main\n\n//go:redirect-from a.B!\nfunc main() {}\n",
			  "//go:", "'a.B!' contains '!'");
	expect_scan_error(m, "package main\n\n//go:redirect-from main.main\n"
			  "func main() {}\n", "//go:", "main.main is redirected to itself");
	expect_scan_error(m, "package main\n\n//go:redirect-from a.B\n"
			  "func F[T any](t T) T { return t }\n\nfunc main() {}\n",
			  "func F", "generic function F cannot be annotated");
	expect_scan_error(m, "package main\n\ntype G[K any] struct{}\n\n"
			  "//go:redirect-from a.B\nfunc (g *G[K]) M() {}\n\n"
			  "func main() {}\n", "func (g", "methods of generic types");
	expect_scan_error(m, "package main\n\n//go:redirect-from a.B\n"
			  "func init() {}\n\nfunc main() {}\n", "func init",
			  "func init cannot be annotated");
}

/* Two files of one package redirecting the same function. */
static void test_conflict_names_both(void **state)
{
	struct module *m = module_with_go(state);
	struct redirect_list list = { 0 };
	struct rw_error err = { { 0 } };
	char first[512], second[512];

	put(m, "a.go", "package main\n\n//go:redirect-from time.Now\nfunc a() {}\n");
	put(m, "b.go", "package main\n\nfunc main() {}\n\n"
	    "//go:redirect-from time.Now\nfunc b() {}\n");
	assert_int_equal(annotations_scan(&list, m->dir, m->go, false, &err), -1);
	snprintf(first, sizeof(first), "%s/a.go:3", m->dir);
	snprintf(second, sizeof(second), "%s/b.go:5", m->dir);
	expect_contains(err.msg, first);
	expect_contains(err.msg, second);
	expect_contains(err.msg, "time.Now is redirected twice");
	/* The first file's redirect stays. */
	assert_int_equal(list.count, 1);
	redirect_list_free(&list);
}

static void test_go_list_fails(void **state)
{
	struct module *m = *state;
	struct redirect_list list = { 0 };
	struct rw_error err = { { 0 } };
	char dir[512];

	if (!m->go) {
		print_message("skipped: no go command (set REWIRE_GO, or install "
			      "Go at " GO_DEFAULT ")\n");
		skip();
	}
	/* No go.mod here or above (the temporary directory's parents). */
	put(m, "main.go", "package main\n\nfunc main() {}\n");
	assert_int_equal(annotations_scan(&list, m->dir, m->go, false, &err), -1);
	expect_contains(err.msg, m->dir);
	expect_contains(err.msg, "go list failed");
	expect_contains(err.msg, "go.mod");

	snprintf(dir, sizeof(dir), "%s/missing", m->dir);
	assert_int_equal(annotations_scan(&list, dir, m->go, false, &err), -1);
	expect_once(err.msg, dir);
	expect_contains(err.msg, "no such folder");
	/* A file where the package's folder should be. */
	snprintf(dir, sizeof(dir), "%s/main.go", m->dir);
	assert_int_equal(annotations_scan(&list, dir, m->go, false, &err), -1);
	expect_once(err.msg, dir);
	expect_contains(err.msg, "not a folder");

	/* A package go list cannot read. */
	put(m, "go.mod", go_mod);
	put(m, "main.go", "packag main\n");
	assert_int_equal(annotations_scan(&list, m->dir, m->go, false, &err), -1);
	expect_contains(err.msg, m->dir);
	expect_contains(err.msg, "go list failed");
	assert_int_equal(list.count, 0);
}

static void test_go_command_missing(void **state)
{
	struct module *m = *state;
	struct redirect_list list = { 0 };
	struct rw_error err = { { 0 } };

	assert_int_equal(annotations_scan(&list, m->dir, "/nonexistent/bin/go",
					  false, &err), -1);
	expect_contains(err.msg, "cannot run go command '/nonexistent/bin/go'");
	expect_contains(err.msg, "--go PATH");
	assert_int_equal(annotations_scan(&list, m->dir, "no/such/go", false, &err), -1);
	expect_contains(err.msg, "cannot run go command 'no/such/go'");
	assert_int_equal(list.count, 0);
}

static void test_path_to_prefix(void **state)
{
	static const char *const cases[][2] = {
		{ "main", "main" },
		{ "gopkg.in/yaml.v3", "gopkg.in/yaml%2ev3" },
		{ "example.com/a.b/c.d.e", "example.com/a.b/c%2ed%2ee" },
		{ "example.com", "example%2ecom" },
		{ "example.com/a%b", "example.com/a%25b" },
		{ "example.com/x_test", "example.com/x_test" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *p = annotations_path_to_prefix(cases[i][0]);

		assert_non_null(p);
		assert_string_equal(p, cases[i][1]);
		free(p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_to_prefix),
		cmocka_unit_test_setup_teardown(test_main_program, setup_module,
						teardown_module),
		cmocka_unit_test_setup_teardown(test_main_test_binary, setup_module,
						teardown_module),
		cmocka_unit_test_setup_teardown(test_library_package, setup_module,
						teardown_module),
		cmocka_unit_test_setup_teardown(test_receiver_forms, setup_module,
						teardown_module),
		cmocka_unit_test_setup_teardown(test_ignored_text, setup_module,
						teardown_module),
		cmocka_unit_test_setup_teardown(test_floating_annotation, setup_module,
						teardown_module),
		cmocka_unit_test_setup_teardown(test_bad_directive, setup_module,
						teardown_module),
		cmocka_unit_test_setup_teardown(test_conflict_names_both, setup_module,
						teardown_module),
		cmocka_unit_test_setup_teardown(test_go_list_fails, setup_module,
						teardown_module),
		cmocka_unit_test_setup_teardown(test_go_command_missing, setup_module,
						teardown_module),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
