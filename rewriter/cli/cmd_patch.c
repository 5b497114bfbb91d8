/* rewire patch: collect redirects, plan and check them, then write the output. */
#include <getopt.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "annotations.h"
#include "c_link.h"
#include "cli.h"
#include "dwarf_info.h"
#include "gobin.h"
#include "output.h"
#include "plan.h"
#include "redirect.h"
#include "spec.h"

static const char usage[] =
	"usage: rewire patch IN (-o OUT | --in-place) [REDIRECTS...] [OPTIONS]\n"
	"\n"
	"Makes each chosen Go function FROM start with a jump to a replacement TO of\n"
	"the same signature. Every check runs before anything is written; IN is never\n"
	"changed unless --in-place is given.\n"
	"\n"
	"redirects (any mix, each may repeat):\n"
	"  --redirect FROM=TO         e.g. --redirect time.Now=main.fakeNow\n"
	"  --original FROM=PLACEHOLDER\n"
	"                             make PLACEHOLDER (a //go:noinline function the\n"
	"                             replacement calls) run FROM's original code\n"
	"  --spec FILE                one redirect a line: FROM=TO or original FROM=TO;\n"
	"                             '#' starts a comment\n"
	"  --annotations DIR          read //go:redirect-from pkg.Func and\n"
	"                             //go:redirect-original pkg.Func comments on the\n"
	"                             functions of the Go package in DIR (runs go list)\n"
	"  --link OBJ                 link a freestanding C object or archive into the\n"
	"                             binary (static binaries only); its REWIRE_FROM\n"
	"                             records (kernel-runtime/include/rewire.h) and any\n"
	"                             FROM=C_FUNCTION redirect reach C through a\n"
	"                             generated ABI stub\n"
	"options:\n"
	"  -o, --output OUT           where to write the patched binary (below)\n"
	"      --in-place             overwrite IN (atomically); through a symbolic\n"
	"                             link, the file it leads to\n"
	"      --go PATH              the go command for --annotations (default: go)\n"
	"      --force                patch even when DWARF says the signatures differ,\n"
	"                             or a Go version outside 1.19-1.26 built IN (a\n"
	"                             redirect cycle is refused all the same)\n"
	"      --allow-inlined        patch even if FROM is also inlined elsewhere\n"
	"                             (those inlined copies keep the original code)\n"
	"      --allow-none           nothing to redirect is no error: write nothing,\n"
	"                             exit 0 (rewire-test-exec runs the test binary\n"
	"                             as built when no OUT appears)\n"
	"      --dry-run              run every check (OUT's too), write nothing\n"
	"  -q, --quiet                print nothing on success\n"
	"\n"
	"A chain (A=B and B=C) makes A run C, with a warning; a cycle (A=B and B=A,\n"
	"or longer) is refused.\n"
	"\n"
	CLI_OUTPUT_HELP
	"\n"
	"Exit status: 0 patched, 1 a check failed, bad input or OUT cannot be\n"
	"written (nothing written), 2 usage error (OUT is IN without --in-place\n"
	"included); killed by a signal above: that signal.\n";

struct patch_args {
	const char *in, *out, *go;
	bool in_place, dry_run, quiet, allow_none;
	struct plan_options plan;
	/* --annotations directories, read once the binary is open. */
	const char **dirs;
	size_t ndirs;
	const char **links;	/* --link objects */
	size_t nlinks;
};

/* parse_args result when --help printed the usage. */
#define HELP_SHOWN (-1)

enum { OPT_REDIRECT = 256, OPT_ORIGINAL, OPT_SPEC, OPT_ANNOT, OPT_GO,
       OPT_FORCE, OPT_ALLOW_INLINED, OPT_DRY_RUN, OPT_IN_PLACE, OPT_LINK,
       OPT_ALLOW_NONE };

static int parse_args(int argc, char **argv, struct patch_args *a,
		      struct redirect_list *list)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "redirect", required_argument, NULL, OPT_REDIRECT },
		{ "original", required_argument, NULL, OPT_ORIGINAL },
		{ "spec", required_argument, NULL, OPT_SPEC },
		{ "annotations", required_argument, NULL, OPT_ANNOT },
		{ "link", required_argument, NULL, OPT_LINK },
		{ "go", required_argument, NULL, OPT_GO },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "allow-inlined", no_argument, NULL, OPT_ALLOW_INLINED },
		{ "allow-none", no_argument, NULL, OPT_ALLOW_NONE },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "in-place", no_argument, NULL, OPT_IN_PLACE },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct rw_error err = { { 0 } };
	int c, code = EXIT_OK;

	a->dirs = calloc((size_t)argc, sizeof(*a->dirs));
	a->links = calloc((size_t)argc, sizeof(*a->links));
	if (!a->dirs || !a->links)
		return EXIT_FAILED;
	while ((c = cli_next_option(argc, argv, "ho:q", longopts, usage, &code)) >= 0) {
		int rc = 0;

		switch (c) {
		case 'o':
			a->out = optarg;
			break;
		case OPT_REDIRECT:
			rc = redirect_parse_arg(list, REDIRECT_REPLACE, optarg, &err);
			break;
		case OPT_ORIGINAL:
			rc = redirect_parse_arg(list, REDIRECT_ORIGINAL, optarg, &err);
			break;
		case OPT_SPEC:
			rc = spec_parse_file(list, optarg, &err);
			break;
		case OPT_ANNOT:
			a->dirs[a->ndirs++] = optarg;
			break;
		case OPT_LINK:
			a->links[a->nlinks++] = optarg;
			break;
		case OPT_GO:
			a->go = optarg;
			break;
		case OPT_FORCE:
			a->plan.force = true;
			break;
		case OPT_ALLOW_INLINED:
			a->plan.allow_inlined = true;
			break;
		case OPT_ALLOW_NONE:
			a->allow_none = true;
			break;
		case OPT_DRY_RUN:
			a->dry_run = true;
			break;
		case OPT_IN_PLACE:
			a->in_place = true;
			break;
		case 'q':
			a->quiet = true;
			break;
		}
		if (rc < 0) {
			cli_error("%s", err.msg);
			return c == OPT_REDIRECT || c == OPT_ORIGINAL ? EXIT_USAGE : EXIT_FAILED;
		}
	}
	if (c == CLI_EXIT)
		return code == EXIT_OK ? HELP_SHOWN : code;
	a->in = cli_input_binary("patch", usage, argc, argv, false);
	if (!a->in)
		return EXIT_USAGE;
	if (a->in_place ? a->out != NULL : (a->out == NULL && !a->dry_run)) {
		cli_error("patch: give either -o OUT or --in-place");
		return EXIT_USAGE;
	}
	if (a->in_place)
		a->out = a->in;
	return EXIT_OK;
}

/*
 * `go test -c` compiles a package main under its import path (the test's own
 * main takes the name "main"), so annotations name its functions differently
 * in a test binary; testing.tRunner (never inlined: it defers) tells the two apart.
 */
static int read_annotations(const struct patch_args *a, const struct gobin *bin,
			    struct redirect_list *list)
{
	bool test_binary = gobin_find_func(bin, "testing.tRunner") != NULL;
	struct rw_error err = { { 0 } };
	size_t i;

	for (i = 0; i < a->ndirs; i++)
		if (annotations_scan(list, a->dirs[i], a->go, test_binary, &err) < 0) {
			cli_error("%s", err.msg);
			return -1;
		}
	return 0;
}

/* OUT (IN with --in-place) checked before any work, --dry-run included. */
static int check_output(const struct patch_args *a, struct output *out)
{
	struct rw_error err = { { 0 } };
	int rc = output_check(out, a->out, a->in, a->in_place, &err);

	if (rc == OUTPUT_IS_INPUT) {
		cli_error("patch: %s: IN is never changed without --in-place; use --in-place or another OUT",
			  err.msg);
		return EXIT_USAGE;
	}
	if (rc < 0) {
		cli_error("%s", err.msg);
		return EXIT_FAILED;
	}
	return EXIT_OK;
}

static void print_messages(const char *kind, const struct plan_message *m, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		cli_error("%s: %s", kind, m[i].text);
}

int cmd_patch(int argc, char **argv)
{
	struct patch_args a = { 0 };
	struct redirect_list list = { 0 };
	struct dwarf_info *di = NULL;
	struct rw_error err = { { 0 } };
	struct gobin *bin = NULL;
	struct plan plan = { 0 };
	struct c_link cl = { 0 };
	struct plan_extras extras = { 0 };
	struct output out;
	int rc = parse_args(argc, argv, &a, &list);
	size_t i;

	if (rc == EXIT_OK && a.out)
		rc = check_output(&a, &out);
	if (rc != EXIT_OK) {
		free(a.dirs);
		free(a.links);
		redirect_list_free(&list);
		return rc == HELP_SHOWN ? EXIT_OK : rc;
	}
	rc = EXIT_FAILED;
	if (gobin_open(&bin, a.in, &err) < 0) {
		cli_error("%s", err.msg);
		goto out;
	}
	if (gobin_check_go_version(bin, &err) < 0) {
		if (!a.plan.force) {
			cli_error("%s (--force: patch anyway)", err.msg);
			goto out;
		}
		cli_error("warning: %s; patching anyway (--force)", err.msg);
	}
	if (dwarf_info_open(&di, a.in, &err) < 0) {
		cli_error("%s (signatures cannot be checked; continuing)", err.msg);
		di = NULL;
	}
	if (read_annotations(&a, bin, &list) < 0)
		goto out;
	if (a.nlinks) {
		if (c_link_build(&cl, bin, di, a.links, a.nlinks, &list, a.plan.force,
				 &err) < 0) {
			cli_error("%s", err.msg);
			goto out;
		}
		a.plan.targets = cl.targets;
		a.plan.ntargets = cl.ntargets;
		a.plan.text_addr = cl.image.end;
		extras = (struct plan_extras){ cl.segments, cl.nsegments,
					       cl.symbols, cl.nsymbols };
		/* `go test` (before Go 1.23) and -ldflags=-s leave no .symtab. */
		if (gobin_symbol_source(bin) != GOBIN_SYMTAB) {
			extras.nsymbols = 0;
			if (!a.quiet)
				cli_error("warning: %s has no .symtab: debuggers will not name the C functions",
					  a.in);
		}
	}
	/* A wrapper patching every package's test binary meets packages
	 * without redirects: for it, nothing to do is a result, not an error. */
	if (list.count == 0 && a.allow_none) {
		if (!a.quiet)
			printf("nothing to redirect in %s: wrote nothing\n", a.in);
		rc = EXIT_OK;
		goto out;
	}
	if (list.count == 0) {
		cli_error("patch: nothing to do: no --redirect, --original, --spec entry or annotation (--allow-none: no error)");
		rc = EXIT_USAGE;
		goto out;
	}
	if (plan_build(&plan, bin, di, &list, &a.plan, &err) < 0) {
		print_messages("error", plan.errors, plan.nerrors);
		cli_error("%s", err.msg);
		goto out;
	}
	print_messages("warning", plan.warnings, plan.nwarnings);
	if (a.nlinks && c_link_set_originals(&cl, &plan, &err) < 0) {
		cli_error("%s", err.msg);
		goto out;
	}
	if (!a.dry_run && plan_write(&plan, bin, &extras, &out, &err) < 0) {
		cli_error("%s", err.msg);
		goto out;
	}
	if (!a.quiet) {
		for (i = 0; i < plan.note.nredirects; i++) {
			const struct note_redirect *r = &plan.note.redirects[i];

			if (strcmp(r->kind, "redirect") == 0 &&
			    strncmp(r->to, C_STUB_PREFIX, strlen(C_STUB_PREFIX)) == 0)
				printf("%s -> %s (C, through %s)\n", r->from,
				       r->to + strlen(C_STUB_PREFIX), r->to);
			else if (strcmp(r->kind, "redirect") == 0)
				printf("%s -> %s\n", r->from, r->to);
			else
				printf("%s calls the original %s\n", r->to, r->from);
		}
		printf("%s %s: %zu redirect(s), %zu patch(es), %zu trampoline byte(s)\n",
		       a.dry_run ? "checked, not written" : "wrote",
		       a.dry_run ? a.in : a.out, plan.note.nredirects, plan.npatches,
		       plan.text_len);
	}
	rc = EXIT_OK;
out:
	plan_free(&plan);
	if (di)
		dwarf_info_close(di);
	if (bin)
		gobin_close(bin);
	c_link_free(&cl);
	redirect_list_free(&list);
	free(a.dirs);
	free(a.links);
	return rc;
}
