/* rewire image --mode redirect: the written image's trap instructions judged before it is published.
 *
 * Stages: model the bytes as written -> traps_scan -> trap_cover_judge ->
 * the counts and reasons into the result -> refuse unless forced. */
#include "image_cover.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gobin.h"
#include "trap_cover.h"
#include "traps.h"

/* The room in err's message for the list of uncovered places: the rest
 * says why and what to do. */
#define PLACES_MAX 480

/* Every reason, one a line, into cover->failures. */
static int failures_collect(struct image_cover *cover, const struct trap_cover *c)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	bool failed;

	if (!f)
		return -1;
	for (size_t i = 0; i < c->nsites; i++)
		if (c->sites[i].verdict == TRAP_UNCOVERED)
			fprintf(f, "%s\n", c->sites[i].reason);
	for (size_t i = 0; i < c->ngaps; i++)
		if (!c->gaps[i].added)
			fprintf(f, "%s\n", c->gaps[i].reason);
	failed = ferror(f) != 0;
	if (fclose(f) != 0 || failed) {
		free(text);
		return -1;
	}
	if (len == 0) {
		free(text);
		text = NULL;
	}
	cover->failures = text;
	return 0;
}

/* "FUNCTION+0xOFFSET" of each uncovered site, then each unknown range,
 * as many as fit in buf; "and N more" for the rest. */
static void places_format(const struct traps *t, const struct trap_cover *c,
			  char *buf, size_t len)
{
	size_t used = 0, left = c->uncovered + c->unknown;

	buf[0] = '\0';
	for (size_t i = 0; i < c->nsites + c->ngaps; i++) {
		char one[256];

		if (i < c->nsites) {
			const struct trap_site *s = &t->sites[i];
			const struct trap_function *f = &t->functions[s->function];

			if (c->sites[i].verdict != TRAP_UNCOVERED)
				continue;
			snprintf(one, sizeof(one), "%s%s+0x%" PRIx64, f->name,
				 f->origin == CODE_ORIGIN_TRAMPOLINE ? "'s trampoline" : "",
				 s->offset);
		} else {
			const struct trap_gap *g = &t->gaps[i - c->nsites];

			if (c->gaps[i - c->nsites].added)
				continue;
			snprintf(one, sizeof(one), "0x%" PRIx64 "-0x%" PRIx64 " in %s (not decoded)",
				 g->addr, g->addr + g->size, g->section);
		}
		/* Keep room for ", and N more". */
		if (used + strlen(one) + 24 >= len) {
			snprintf(buf + used, len - used, ", and %zu more", left);
			return;
		}
		used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? ", " : "", one);
		left--;
	}
}

static int refuse(const struct traps *t, const struct trap_cover *c,
		  const char *name, struct rw_error *err)
{
	char places[PLACES_MAX], what[160];

	places_format(t, c, places, sizeof(places));
	if (c->uncovered)
		snprintf(what, sizeof(what), "would leave %zu trap instruction(s) of Go code reachable, in %zu function(s)%s",
			 c->uncovered, c->uncovered_functions,
			 c->unknown ? ", and Go code not decoded" : "");
	else
		snprintf(what, sizeof(what), "cannot prove every trap instruction covered: %zu range(s) of Go code not decoded",
			 c->unknown);
	return rw_fail(err, "%s: redirect mode %s: %s. Only trap instructions behind an entry jump to a kernel door "
		       "(kcore_leaves.h) are covered; build the program without that code, give --mode trap "
		       "(every system call traps), or give --force to write the image anyway (they then "
		       "trap into the kernel, counted as traps)",
		       name, what, places);
}

int image_cover_check(void *ctx, const char *name, uint8_t *bytes,
		      size_t size, struct rw_error *err)
{
	struct image_cover_check *cc = ctx;
	struct image_cover *cover = cc->cover;
	struct trap_cover c = { 0 };
	struct traps t;
	struct gobin *bin;
	int rc;

	if (gobin_open_buffer(&bin, name, bytes, size, err) < 0)
		return rw_wrap(err, "reading back the image to prove its traps covered: ");
	rc = traps_scan(&t, bin, err);
	if (rc == 0)
		rc = trap_cover_judge(&c, &t, err);
	if (rc == 0) {
		*cover = (struct image_cover){
			.done = true, .sites = c.go_sites, .functions = c.go_functions,
			.uncovered = c.uncovered,
			.uncovered_functions = c.uncovered_functions,
			.unknown = c.unknown, .added_sites = c.added_sites,
			.added_functions = c.added_functions, .added_gaps = c.added_gaps,
		};
		if (failures_collect(cover, &c) < 0)
			rc = rw_fail(err, "%s: out of memory", name);
	}
	if (rc == 0 && !trap_cover_ok(&c) && !cc->force)
		rc = refuse(&t, &c, name, err);
	trap_cover_free(&c);
	traps_free(&t);
	gobin_close(bin);
	return rc;
}
