/* Unit tests: spec files, the redirect list's checks and "FROM=TO" arguments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "redirect.h"
#include "spec.h"

static void expect_contains(const char *msg, const char *want)
{
	if (!strstr(msg, want))
		fail_msg("message \"%s\" lacks \"%s\"", msg, want);
}

static void expect_item(const struct redirect_list *list, size_t i,
			enum redirect_kind kind, const char *from, const char *to,
			const char *origin)
{
	assert_true(i < list->count);
	assert_int_equal(list->items[i].kind, kind);
	assert_string_equal(list->items[i].from, from);
	assert_string_equal(list->items[i].to, to);
	assert_string_equal(list->items[i].origin, origin);
}

static void test_good_spec(void **state)
{
	static const char text[] =
		"# fake the clock\r\n"
		"\r\n"
		"time.Now = main.fakeNow   # FROM's entry jumps to TO\r\n"
		"   original   time.Now=main.realNow\r\n"
		"\tos.hostname\t=\tmain.(*T).host\n"
		"   # an indented comment\n"
		"#\n"
		"original\tos.Getpid =main.T.pid\n"
		"example.com/x/yaml%2ev3.Marshal= example.com/x.fake";
	struct redirect_list list = { 0 };
	struct rw_error err = { { 0 } };

	(void)state;
	if (spec_parse_text(&list, text, strlen(text), "spec.txt", &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(list.count, 5);
	expect_item(&list, 0, REDIRECT_REPLACE, "time.Now", "main.fakeNow", "spec.txt:3");
	expect_item(&list, 1, REDIRECT_ORIGINAL, "time.Now", "main.realNow", "spec.txt:4");
	expect_item(&list, 2, REDIRECT_REPLACE, "os.hostname", "main.(*T).host",
		    "spec.txt:5");
	expect_item(&list, 3, REDIRECT_ORIGINAL, "os.Getpid", "main.T.pid", "spec.txt:8");
	expect_item(&list, 4, REDIRECT_REPLACE, "example.com/x/yaml%2ev3.Marshal",
		    "example.com/x.fake", "spec.txt:9");
	redirect_list_free(&list);
	assert_int_equal(list.count, 0);
	assert_null(list.items);
}

static void test_empty_spec(void **state)
{
	static const char text[] = "\n\n# nothing to do\n   \r\n\t\n";
	struct redirect_list list = { 0 };
	struct rw_error err = { { 0 } };

	(void)state;
	assert_int_equal(spec_parse_text(&list, "", 0, "empty", &err), 0);
	assert_int_equal(spec_parse_text(&list, text, strlen(text), "blank", &err), 0);
	assert_int_equal(list.count, 0);
}

/* Editors on Windows start UTF-8 files with a byte order mark: it is not
 * part of the first FROM, and the lines keep their numbers. Later in the
 * file U+FEFF is no byte order mark, and stays (the look-up then fails). */
static void test_spec_bom(void **state)
{
	static const char text[] =
		"\xef\xbb\xbftime.Now=main.fakeNow\n"
		"original time.Now=main.realNow\n";
	static const char comment_first[] = "\xef\xbb\xbf# clock\nos.Getpid=main.pid\n";
	static const char later[] = "time.Now=main.fakeNow\n\xef\xbb\xbfos.Getpid=main.pid\n";
	struct redirect_list list = { 0 };
	struct rw_error err = { { 0 } };

	(void)state;
	if (spec_parse_text(&list, text, strlen(text), "bom.txt", &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(list.count, 2);
	expect_item(&list, 0, REDIRECT_REPLACE, "time.Now", "main.fakeNow", "bom.txt:1");
	expect_item(&list, 1, REDIRECT_ORIGINAL, "time.Now", "main.realNow", "bom.txt:2");
	redirect_list_free(&list);
	if (spec_parse_text(&list, comment_first, strlen(comment_first), "bom.txt", &err) < 0)
		fail_msg("%s", err.msg);
	expect_item(&list, 0, REDIRECT_REPLACE, "os.Getpid", "main.pid", "bom.txt:2");
	redirect_list_free(&list);
	if (spec_parse_text(&list, later, strlen(later), "bom.txt", &err) < 0)
		fail_msg("%s", err.msg);
	expect_item(&list, 1, REDIRECT_REPLACE, "\xef\xbb\xbfos.Getpid", "main.pid", "bom.txt:2");
	redirect_list_free(&list);
}

/* Parses text (len bytes) as spec "s.txt" and expects an error containing
 * each of the wanted strings; returns how many redirects were kept. */
static size_t expect_spec_error_len(const char *text, size_t len, const char *want1,
				    const char *want2)
{
	struct redirect_list list = { 0 };
	struct rw_error err = { { 0 } };
	size_t kept;

	if (spec_parse_text(&list, text, len, "s.txt", &err) == 0)
		fail_msg("no error for \"%s\"", text);
	expect_contains(err.msg, want1);
	if (want2)
		expect_contains(err.msg, want2);
	kept = list.count;
	redirect_list_free(&list);
	return kept;
}

static size_t expect_spec_error(const char *text, const char *want1, const char *want2)
{
	return expect_spec_error_len(text, strlen(text), want1, want2);
}

static void test_spec_errors(void **state)
{
	char *long_line;

	(void)state;
	expect_spec_error("time.Now main.fakeNow\n", "s.txt:1: ", "missing '='");
	expect_spec_error("# ok\n\ntime.Now\n", "s.txt:3: ", "missing '=' in 'time.Now'");
	expect_spec_error("a.B = c.D = e.F\n", "s.txt:1: ", "more than one '='");
	expect_spec_error(" = main.fakeNow\n", "s.txt:1: ", "empty FROM");
	expect_spec_error("time.Now =   # to nothing\n", "s.txt:1: ", "empty TO");
	expect_spec_error("original time.Now =\n", "s.txt:1: ", "empty PLACEHOLDER");
	expect_spec_error("time.Now = main.fake!\n", "s.txt:1: ",
			  "'main.fake!' contains '!'");
	expect_spec_error("time.Now = main.fake Now\n", "s.txt:1: ",
			  "'main.fake Now' contains a blank");
	/* A bare identifier is a C function (rewire patch --link), but FROM
	 * must be a Go name. */
	expect_spec_error("fakeNow = main.fakeNow\n", "s.txt:1: ",
			  "'fakeNow' is not a Go linker name");
	expect_spec_error("yaml%zz.F = main.f\n", "s.txt:1: ", "two hex digits");
	expect_spec_error("orignal time.Now=main.realNow\n", "s.txt:1: ",
			  "unknown keyword 'orignal'");
	expect_spec_error("time.Now = time.Now\n", "s.txt:1: ",
			  "time.Now is redirected to itself");
	expect_spec_error_len("a.B = c.D\nx.Y\0 = z.W\n", 21, "s.txt:2: ", "NUL byte");

	long_line = malloc(SPEC_LINE_MAX + 2);
	assert_non_null(long_line);
	memset(long_line, 'a', SPEC_LINE_MAX + 1);
	long_line[SPEC_LINE_MAX + 1] = '\0';
	expect_spec_error(long_line, "s.txt:1: ", "line is 4097 bytes long");
	/* A line of exactly SPEC_LINE_MAX bytes is read (and found wanting). */
	long_line[SPEC_LINE_MAX] = '\0';
	expect_spec_error(long_line, "s.txt:1: ", "missing '='");
	free(long_line);
}

/* Redirects before the bad line stay; conflicts name both lines. */
static void test_spec_conflicts(void **state)
{
	(void)state;
	assert_int_equal(expect_spec_error("a.B = c.D\n# x\na.B = e.F\n",
					   "s.txt:3: a.B is redirected twice: to e.F "
					   "here and to c.D at s.txt:1", NULL), 1);
	assert_int_equal(expect_spec_error("original a.B = p.P\noriginal c.D = p.P\n",
					   "s.txt:2: placeholder p.P stands for two "
					   "functions: c.D here and a.B at s.txt:1",
					   NULL), 1);
	assert_int_equal(expect_spec_error("a.B = c.D\noriginal x.Y = a.B\n",
					   "s.txt:2: a.B cannot be the placeholder for "
					   "x.Y: it is itself redirected to c.D at "
					   "s.txt:1", NULL), 1);
	assert_int_equal(expect_spec_error("original x.Y = a.B\na.B = c.D\n",
					   "s.txt:2: a.B cannot be redirected: it is "
					   "the placeholder for the original x.Y at "
					   "s.txt:1", NULL), 1);
}

/* A spec adds to what the command line already asked for. */
static void test_spec_after_arguments(void **state)
{
	struct redirect_list list = { 0 };
	struct rw_error err = { { 0 } };
	static const char repeat[] = "time.Now=main.fakeNow\n";
	static const char clash[] = "\n time.Now = main.other\n";

	(void)state;
	assert_int_equal(redirect_parse_arg(&list, REDIRECT_REPLACE,
					    "time.Now=main.fakeNow", &err), 0);
	/* An exact repeat from another source is accepted and not added. */
	assert_int_equal(spec_parse_text(&list, repeat, strlen(repeat), "s.txt", &err), 0);
	assert_int_equal(list.count, 1);
	assert_string_equal(list.items[0].origin, "--redirect");
	assert_int_equal(spec_parse_text(&list, clash, strlen(clash), "s.txt", &err), -1);
	expect_contains(err.msg, "s.txt:2: time.Now is redirected twice: to main.other "
			"here and to main.fakeNow at --redirect");
	assert_int_equal(list.count, 1);
	redirect_list_free(&list);
}

static void test_spec_file(void **state)
{
	const char *tmp = getenv("TMPDIR");
	struct redirect_list list = { 0 };
	struct rw_error err = { { 0 } };
	char path[256], where[320];
	FILE *f;
	int fd;

	(void)state;
	snprintf(path, sizeof(path), "%s/rewire-spec-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs("time.Now = main.fakeNow\nbad line\n", f);
	fclose(f);
	assert_int_equal(spec_parse_file(&list, path, &err), -1);
	snprintf(where, sizeof(where), "%s:2: missing '='", path);
	expect_contains(err.msg, where);
	assert_int_equal(list.count, 1);
	snprintf(where, sizeof(where), "%s:1", path);
	assert_string_equal(list.items[0].origin, where);
	redirect_list_free(&list);
	unlink(path);

	assert_int_equal(spec_parse_file(&list, path, &err), -1);
	expect_contains(err.msg, path);
	expect_contains(err.msg, "cannot open spec file");
	assert_int_equal(spec_parse_file(&list, "/", &err), -1);
	expect_contains(err.msg, "/: cannot read spec file");
	assert_int_equal(list.count, 0);
}

static void test_check_symbol(void **state)
{
	static const char *const good[] = {
		"time.Now", "main.fakeNow", "main.(*T).M", "main.T.M",
		"example.com/x/pkg.F", "gopkg.in/yaml%2ev3.Marshal",
		"runtime.futex.abi0", "main.F[go.shape.int]", "main.h\xc3\xa9llo",
		"example.com/a-b~c+d/e.F",
	};
	static const struct {
		const char *name, *want;
	} bad[] = {
		{ "", "empty symbol" },
		{ "time.Now ", "contains a blank" },
		{ "time.\tNow", "contains a blank" },
		{ "time.Now;", "contains ';'" },
		{ "time.N\x01ow", "byte 0x01" },
		{ "time.N\x7fow", "byte 0x7f" },
		{ "yaml%2.F", "two hex digits" },
		{ "yaml.F%", "two hex digits" },
		{ "Now", "not a Go linker name" },
		{ ".Now", "not a Go linker name" },
		{ "time.", "not a Go linker name" },
		{ "example.com/pkg", "not a Go linker name" },
	};
	struct rw_error err = { { 0 } };
	char *huge;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (redirect_check_symbol(good[i], &err) < 0)
			fail_msg("%s rejected: %s", good[i], err.msg);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (redirect_check_symbol(bad[i].name, &err) == 0)
			fail_msg("\"%s\" accepted", bad[i].name);
		expect_contains(err.msg, bad[i].want);
	}
	huge = malloc(REDIRECT_SYMBOL_MAX + 2);
	assert_non_null(huge);
	memset(huge, 'a', REDIRECT_SYMBOL_MAX + 1);
	huge[1] = '.';
	huge[REDIRECT_SYMBOL_MAX + 1] = '\0';
	assert_int_equal(redirect_check_symbol(huge, &err), -1);
	expect_contains(err.msg, "symbol of 1025 bytes is longer than 1024");
	huge[REDIRECT_SYMBOL_MAX] = '\0';
	assert_int_equal(redirect_check_symbol(huge, &err), 0);
	free(huge);
	/* err may be NULL. */
	assert_int_equal(redirect_check_symbol("", NULL), -1);
}

/* TO may name a C function of linked C code; FROM never. */
static void test_c_function_target(void **state)
{
	struct redirect_list list = { 0 };
	struct rw_error err = { { 0 } };

	(void)state;
	assert_int_equal(redirect_parse_arg(&list, REDIRECT_REPLACE, "time.Now=c_now", &err), 0);
	assert_int_equal(redirect_parse_arg(&list, REDIRECT_ORIGINAL, "time.Now=go_now", &err), 0);
	assert_int_equal(list.count, 2);
	assert_string_equal(list.items[0].to, "c_now");
	assert_int_equal(redirect_parse_arg(&list, REDIRECT_REPLACE, "c_now=time.Now", &err), -1);
	redirect_list_free(&list);
}

static void test_list_add(void **state)
{
	struct redirect_list list = { 0 };
	struct rw_error err = { { 0 } };

	(void)state;
	assert_int_equal(redirect_list_add(&list, REDIRECT_REPLACE, "time.Now",
					   "main.fakeNow", "a.txt:1", &err), 0);
	/* Same FROM, another TO: both origins named, list unchanged. */
	assert_int_equal(redirect_list_add(&list, REDIRECT_REPLACE, "time.Now",
					   "main.other", "b.go:7", &err), -1);
	expect_contains(err.msg, "b.go:7: time.Now is redirected twice: to main.other "
			"here and to main.fakeNow at a.txt:1");
	assert_int_equal(list.count, 1);
	/* An exact repeat is accepted once. */
	assert_int_equal(redirect_list_add(&list, REDIRECT_REPLACE, "time.Now",
					   "main.fakeNow", "c.txt:2", &err), 0);
	assert_int_equal(list.count, 1);
	assert_string_equal(list.items[0].origin, "a.txt:1");
	assert_int_equal(redirect_list_add(&list, REDIRECT_ORIGINAL, "time.Now",
					   "main.realNow", "d.txt:3", &err), 0);
	assert_int_equal(list.count, 2);
	assert_int_equal(redirect_list_add(&list, REDIRECT_REPLACE, "os.Getpid",
					   "os.Getpid", "e.txt:4", &err), -1);
	expect_contains(err.msg, "e.txt:4: os.Getpid is redirected to itself");
	/* Bad names are reported with the origin first. */
	assert_int_equal(redirect_list_add(&list, REDIRECT_REPLACE, "os.Get pid",
					   "main.f", "f.txt:5", &err), -1);
	expect_contains(err.msg, "f.txt:5: 'os.Get pid' contains a blank");
	assert_int_equal(redirect_list_add(&list, REDIRECT_REPLACE, "os.Getpid",
					   "main.f$", "g.txt:6", &err), -1);
	expect_contains(err.msg, "g.txt:6: 'main.f$' contains '$'");
	/* No origin: a generic one. */
	assert_int_equal(redirect_list_add(&list, REDIRECT_REPLACE, "os.Getpid",
					   "os.Getpid", NULL, &err), -1);
	expect_contains(err.msg, "redirect: os.Getpid is redirected to itself");
	assert_int_equal(list.count, 2);
	redirect_list_free(&list);
	/* A freed list is ready for reuse. */
	assert_int_equal(redirect_list_add(&list, REDIRECT_REPLACE, "time.Now",
					   "main.other", "h.txt:1", &err), 0);
	assert_int_equal(list.count, 1);
	redirect_list_free(&list);
}

static void expect_arg_error(enum redirect_kind kind, const char *arg,
			     const char *want)
{
	struct redirect_list list = { 0 };
	struct rw_error err = { { 0 } };

	if (redirect_parse_arg(&list, kind, arg, &err) == 0)
		fail_msg("\"%s\" accepted", arg);
	expect_contains(err.msg, want);
	assert_int_equal(list.count, 0);
	redirect_list_free(&list);
}

static void test_parse_arg(void **state)
{
	struct redirect_list list = { 0 };
	struct rw_error err = { { 0 } };

	(void)state;
	assert_int_equal(redirect_parse_arg(&list, REDIRECT_REPLACE,
					    " time.Now = main.fakeNow ", &err), 0);
	assert_int_equal(redirect_parse_arg(&list, REDIRECT_ORIGINAL,
					    "time.Now=main.realNow", &err), 0);
	expect_item(&list, 0, REDIRECT_REPLACE, "time.Now", "main.fakeNow", "--redirect");
	expect_item(&list, 1, REDIRECT_ORIGINAL, "time.Now", "main.realNow", "--original");
	redirect_list_free(&list);

	expect_arg_error(REDIRECT_REPLACE, "time.Now",
			 "--redirect: missing '=' in 'time.Now' (want FROM=TO)");
	expect_arg_error(REDIRECT_ORIGINAL, "time.Now",
			 "--original: missing '=' in 'time.Now' (want FROM=PLACEHOLDER)");
	expect_arg_error(REDIRECT_REPLACE, "a.B=c.D=e.F", "--redirect: more than one '='");
	expect_arg_error(REDIRECT_REPLACE, "=main.f", "--redirect: empty FROM");
	expect_arg_error(REDIRECT_REPLACE, "time.Now= ", "--redirect: empty TO");
	expect_arg_error(REDIRECT_ORIGINAL, "time.Now=", "--original: empty PLACEHOLDER");
	expect_arg_error(REDIRECT_REPLACE, "main=time.Now", "--redirect: 'main' is not "
			 "a Go linker name");
	expect_arg_error(REDIRECT_REPLACE, "time.Now=c-func", "--redirect: 'c-func' is not "
			 "a Go linker name");
	expect_arg_error(REDIRECT_ORIGINAL, "time.Now=time.Now",
			 "--original: time.Now is redirected to itself");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_spec),
		cmocka_unit_test(test_empty_spec),
		cmocka_unit_test(test_spec_bom),
		cmocka_unit_test(test_spec_errors),
		cmocka_unit_test(test_spec_conflicts),
		cmocka_unit_test(test_spec_after_arguments),
		cmocka_unit_test(test_spec_file),
		cmocka_unit_test(test_check_symbol),
		cmocka_unit_test(test_c_function_target),
		cmocka_unit_test(test_list_add),
		cmocka_unit_test(test_parse_arg),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
