/* The command-line handling the subcommands share: options, usage errors,
 * the input binary. */
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "cli.h"

int cli_usage_error(const char *usage, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cli_verror(fmt, ap);
	va_end(ap);
	fputs(usage, stderr);
	return EXIT_USAGE;
}

int cli_next_option(int argc, char **argv, const char *optstring,
		    const struct option *longopts, const char *usage,
		    int *exit_code)
{
	int c = longopts ? getopt_long(argc, argv, optstring, longopts, NULL) :
			   getopt(argc, argv, optstring);

	if (c == 'h') {
		fputs(usage, stdout);
		*exit_code = EXIT_OK;
		return CLI_EXIT;
	}
	if (c == '?' || c == ':') {
		fputs(usage, stderr);
		*exit_code = EXIT_USAGE;
		return CLI_EXIT;
	}
	return c;
}

const char *cli_input_binary(const char *cmd, const char *usage, int argc,
			     char **argv, bool more)
{
	if (optind >= argc) {
		cli_usage_error(usage, "%s: which binary?", cmd);
		return NULL;
	}
	if (!more && optind + 1 < argc) {
		cli_usage_error(usage, "%s: one input binary, got more: '%s'", cmd,
				argv[argc - 1]);
		return NULL;
	}
	return argv[optind];
}
