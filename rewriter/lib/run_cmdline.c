/* The kernel command line of a run, words percent-encoded (kernel.h). */
#include "run_cmdline.h"

#include <stdlib.h>
#include <string.h>

void run_cmdline_encode(FILE *f, const char *word)
{
	static const char plain[] = "._~/:,+=@-";

	if (!*word) {
		fputc('%', f);
		return;
	}
	for (const unsigned char *p = (const unsigned char *)word; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr(plain, *p))
			fputc(*p, f);
		else
			fprintf(f, "%%%02X", *p);
	}
}

void run_cmdline_options(FILE *f, const struct run_options *o)
{
	if (o->kernel_options && *o->kernel_options)
		fprintf(f, "%s ", o->kernel_options);
	if (o->stats)
		fputs("stats ", f);
	if (o->trace)
		fputs("trace ", f);
	if (o->verbose)
		fputs("verbose ", f);
	if (o->cwd) {
		fputs("cwd=", f);
		run_cmdline_encode(f, o->cwd);
		fputc(' ', f);
	}
	if (o->exe) {
		fputs("exe=", f);
		run_cmdline_encode(f, o->exe);
		fputc(' ', f);
	}
}

int run_cmdline_build(const struct run_options *o, char **out, struct rw_error *err)
{
	size_t len = 0;
	FILE *f = open_memstream(out, &len);

	if (!f)
		return rw_fail(err, "out of memory for the kernel command line");
	run_cmdline_options(f, o);
	for (size_t i = 0; i < o->nenvs; i++) {
		fputs("env=", f);
		run_cmdline_encode(f, o->envs[i]);
		fputc(' ', f);
	}
	fputs("-- ", f);
	run_cmdline_encode(f, o->argv0);
	for (size_t i = 0; i < o->nargs; i++) {
		fputc(' ', f);
		run_cmdline_encode(f, o->args[i]);
	}
	if (fclose(f) != 0) {
		free(*out);
		*out = NULL;
		return rw_fail(err, "out of memory for the kernel command line");
	}
	return 0;
}
