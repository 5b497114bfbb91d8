/* rewire verify: the static proof that no trap instruction of Go code is reachable (trap_cover.h), as lines. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "error.h"
#include "trap_cover.h"
#include "traps.h"

/* "STATUS   WHAT TEXT" on stdout, TEXT escaped: names come from the
 * binary, and a hostile one must not reach the terminal raw. */
static int print_line(const char *status, const char *what, const char *text)
{
	size_t size = 4 * strlen(text) + 1;
	char *safe = malloc(size);

	if (!safe)
		return -1;
	rw_escape_text(safe, size, text);
	printf("%-8s %s %s\n", status, what, safe);
	free(safe);
	return 0;
}

/* The kinds of f's sites of one verdict, "syscall" or "syscall, int 0x80". */
static void kinds_format(const struct traps *t, const struct trap_cover *c,
			 const struct trap_function *f, enum trap_verdict verdict,
			 char *buf, size_t len)
{
	bool seen[DISASM_TRAP_INT80 + 1] = { false };
	size_t used = 0;

	buf[0] = '\0';
	for (size_t k = f->first_site; k < f->first_site + f->nsites; k++)
		if (c->sites[k].verdict == verdict)
			seen[t->sites[k].kind] = true;
	for (int kind = DISASM_TRAP_SYSCALL; kind <= DISASM_TRAP_INT80; kind++)
		if (seen[kind] && used < len)
			used += (size_t)snprintf(buf + used, len - used, "%s%s",
						 used ? ", " : "",
						 traps_kind_name((enum disasm_trap)kind));
}

/* One line for f's sites of one verdict: "NAME+0xA,+0xB KINDS: text". */
static int print_function(const struct traps *t, const struct trap_cover *c,
			  const struct trap_function *f, enum trap_verdict verdict,
			  const char *status, const char *text)
{
	char *line = NULL, kinds[64];
	size_t len = 0, n = 0;
	FILE *m = open_memstream(&line, &len);
	int rc;

	if (!m)
		return -1;
	for (size_t k = f->first_site; k < f->first_site + f->nsites; k++) {
		if (c->sites[k].verdict != verdict)
			continue;
		if (n++ == 0)
			fprintf(m, "%s+0x%" PRIx64, f->name, t->sites[k].offset);
		else
			fprintf(m, ",+0x%" PRIx64, t->sites[k].offset);
	}
	kinds_format(t, c, f, verdict, kinds, sizeof(kinds));
	fprintf(m, " %s: %s", kinds, text);
	if (fclose(m) != 0 || !line) {
		free(line);
		return -1;
	}
	rc = n ? print_line(status, "trap", line) : 0;
	free(line);
	return rc;
}

static bool named(const char *const *seen, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(seen[i], name) == 0)
			return true;
	return false;
}

static int print_sites(const struct traps *t, const struct trap_cover *c, bool quiet)
{
	for (size_t i = 0; i < t->nfunctions; i++) {
		const struct trap_function *f = &t->functions[i];
		const char *to, *seen[4];
		char text[600] = "";
		size_t used = 0, nseen = 0;

		for (size_t k = f->first_site; k < f->first_site + f->nsites; k++) {
			const struct trap_cover_site *v = &c->sites[k];

			if (v->verdict == TRAP_UNCOVERED &&
			    print_line("FAIL", "trap", v->reason) < 0)
				return -1;
			if (v->verdict != TRAP_COVERED)
				continue;
			/* Each redirect once: runtime.clone's sites have two. */
			to = v->redirect_to ? v->redirect_to : "?";
			if (named(seen, nseen, to))
				continue;
			if (nseen < sizeof(seen) / sizeof(seen[0]))
				seen[nseen++] = to;
			if (used < sizeof(text))
				used += (size_t)snprintf(text + used, sizeof(text) - used, "%s%s",
							 used ? " and " : "covered by redirect to ", to);
		}
		if (quiet)
			continue;
		if (print_function(t, c, f, TRAP_COVERED, "ok", text) < 0 ||
		    print_function(t, c, f, TRAP_ADDED, "info",
				   "in code rewire added (not Go's), not judged") < 0)
			return -1;
	}
	for (size_t i = 0; i < c->ngaps; i++) {
		const struct trap_cover_gap *g = &c->gaps[i];

		if ((!g->added || !quiet) &&
		    print_line(g->added ? "info" : "FAIL", "code", g->reason) < 0)
			return -1;
	}
	return 0;
}

static void print_summary(const struct trap_cover *c)
{
	printf("traps: %zu uncovered of %zu sites in %zu functions of Go code", c->uncovered,
	       c->go_sites, c->go_functions);
	if (c->unknown)
		printf(", %zu range(s) of Go code not decoded", c->unknown);
	printf(", %s; %zu sites in %zu functions of code rewire added, not judged",
	       trap_cover_ok(c) ? "all covered" : "NOT all covered", c->added_sites,
	       c->added_functions);
	if (c->added_gaps)
		printf(", %zu range(s) of it not decoded (%" PRIu64 " bytes)", c->added_gaps,
		       c->added_gap_bytes);
	printf("\n");
}

int verify_traps(const struct gobin *bin, bool quiet)
{
	struct rw_error err = { { 0 } };
	struct trap_cover c = { 0 };
	struct traps t;
	int rc = traps_scan(&t, bin, &err);

	if (rc == 0)
		rc = trap_cover_judge(&c, &t, &err);
	if (rc == 0 && print_sites(&t, &c, quiet) < 0)
		rc = rw_fail(&err, "%s: out of memory", gobin_path(bin));
	if (rc < 0) {
		cli_error("verify: %s", err.msg);
	} else {
		if (!quiet)
			print_summary(&c);
		if (!trap_cover_ok(&c))
			cli_error("verify: %s: %zu trap instruction(s) of Go code uncovered, in %zu function(s)%s",
				  gobin_path(bin), c.uncovered, c.uncovered_functions,
				  c.unknown ? ", and Go code not decoded" : "");
		rc = !trap_cover_ok(&c);
	}
	trap_cover_free(&c);
	traps_free(&t);
	return rc;
}
