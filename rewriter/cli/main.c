/* rewire: entry point and subcommand dispatch. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "cli.h"

static const char usage[] =
	"usage: rewire COMMAND [OPTIONS]\n"
	"\n"
	"Rewrites built Go binaries (linux/amd64, Go 1.19-1.26) at link level.\n"
	"\n"
	"commands:\n"
	"  inspect BINARY [SYMBOL...]   Go version, symbol source, functions; for each\n"
	"                               SYMBOL its entry, size, code, signature, inline sites\n"
	"  patch IN -o OUT [REDIRECTS]  make chosen functions jump to replacements\n"
	"  verify BINARY                re-check every patch a rewired binary records\n"
	"  image IN -o OUT              link the kernel runtime into a static Go binary:\n"
	"                               a PVH-bootable image (scripts/run-image boots it)\n"
	"\n"
	"Run `rewire COMMAND --help` for a command's options.\n"
	"Exit status: 0 success, 1 failure (bad input, failed check), 2 usage error.\n";

void cli_verror(const char *fmt, va_list ap)
{
	fputs("rewire: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cli_verror(fmt, ap);
	va_end(ap);
}

void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

int main(int argc, char **argv)
{
	struct rw_error err = { { 0 } };

	/* A signal removes whatever temporary files a command has made. */
	if (cleanup_install(&err) < 0) {
		cli_error("%s", err.msg);
		return EXIT_FAILED;
	}
	if (argc < 2) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		fputs(usage, stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("rewire %s\n", REWIRE_VERSION);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "inspect") == 0)
		return cmd_inspect(argc - 1, argv + 1);
	if (strcmp(argv[1], "patch") == 0)
		return cmd_patch(argc - 1, argv + 1);
	if (strcmp(argv[1], "verify") == 0)
		return cmd_verify(argc - 1, argv + 1);
	if (strcmp(argv[1], "image") == 0)
		return cmd_image(argc - 1, argv + 1);
	cli_error("unknown command '%s'", argv[1]);
	fputs(usage, stderr);
	return EXIT_USAGE;
}
