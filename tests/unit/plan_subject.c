/* The planner's test subject (plan_subject.h). */
#include "plan_subject.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"
#include "output.h"

void subject_open_path(struct subject *s, const char *path)
{
	memset(s, 0, sizeof(*s));
	if (gobin_open(&s->bin, path, &s->err) < 0)
		fail_msg("%s", s->err.msg);
	if (dwarf_info_open(&s->di, path, &s->err) < 0)
		fail_msg("%s", s->err.msg);
}

void subject_open(struct subject *s, const char *version, const char *name)
{
	char path[512];

	gofixture_path(path, sizeof(path), version, name);
	subject_open_path(s, path);
}

void subject_close(struct subject *s)
{
	plan_free(&s->plan);
	redirect_list_free(&s->list);
	if (s->di)
		dwarf_info_close(s->di);
	gobin_close(s->bin);
}

void add(struct subject *s, enum redirect_kind kind, const char *from, const char *to)
{
	if (redirect_list_add(&s->list, kind, from, to, "test", &s->err) < 0)
		fail_msg("%s", s->err.msg);
}

int build(struct subject *s)
{
	return plan_build(&s->plan, s->bin, s->di, &s->list, &s->opt, &s->err);
}

const char *errors_text(const struct subject *s)
{
	static char buf[8192];
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < s->plan.nerrors && used < sizeof(buf); i++)
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s\n",
					 s->plan.errors[i].text);
	return buf;
}

void assert_error_says(const struct subject *s, const char *phrase)
{
	const char *text = errors_text(s);

	if (!strstr(text, phrase))
		fail_msg("wanted an error saying '%s', got: %s", phrase, text);
}

void write_rewired_traps(const char *version, char *out)
{
	struct subject s;
	struct output target;
	int fd = mkstemp(out);

	assert_true(fd >= 0);
	close(fd);
	subject_open(&s, version, "traps");
	add(&s, REDIRECT_REPLACE, "main.getpidLeaf.abi0", "main.fakeGetpid.abi0");
	add(&s, REDIRECT_ORIGINAL, "main.getpidLeaf.abi0", "main.realGetpid.abi0");
	add(&s, REDIRECT_REPLACE, "main.syscallFirst.abi0", "main.fakeGetpid.abi0");
	add(&s, REDIRECT_ORIGINAL, "main.syscallFirst.abi0", "main.realFirst.abi0");
	add(&s, REDIRECT_REPLACE, "main.behindJump.abi0", "main.fakeGetpid.abi0");
	if (build(&s) < 0)
		fail_msg("%s: %s (%s)", version, s.err.msg, errors_text(&s));
	if (output_check(&target, out, NULL, false, &s.err) < 0 ||
	    plan_write(&s.plan, s.bin, NULL, &target, &s.err) < 0)
		fail_msg("%s", s.err.msg);
	subject_close(&s);
}
