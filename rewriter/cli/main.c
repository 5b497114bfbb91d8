/* rewire: entry point and subcommand dispatch. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "cli.h"
#include "error.h"

static const char usage[] =
	"usage: rewire COMMAND [OPTIONS]\n"
	"\n"
	"Rewrites built Go binaries (linux/amd64, Go 1.19-1.26) at link level.\n"
	"\n"
	"commands:\n"
	"  inspect BINARY [SYMBOL...]   Go version, symbol source, functions; for each\n"
	"                               SYMBOL its entry, size, code, signature, inline sites;\n"
	"                               --traps: every SYSCALL, SYSENTER and INT 0x80\n"
	"  patch IN -o OUT [REDIRECTS]  make chosen functions jump to replacements\n"
	"  verify BINARY                re-check every patch a rewired binary records\n"
	"  image IN -o OUT              link the kernel runtime into a static Go binary:\n"
	"                               a PVH-bootable image (rewire run boots it)\n"
	"  run BINARY|IMAGE [-- ARGS]   boot an image, or a Go binary imaged on the fly,\n"
	"                               under QEMU and run its program\n"
	"\n"
	"Run `rewire COMMAND --help` for a command's options.\n"
	"Exit status: 0 success, 1 failure (bad input, failed check), 2 usage error;\n"
	"run: the program's, or 124-127 (rewire run --help).\n";

/* Every message passes here, so escaping here covers them all: the paths,
 * symbols, spec lines and arguments they echo may hold control bytes. */
void cli_verror(const char *fmt, va_list ap)
{
	char msg[4096], safe[4 * sizeof(msg)];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	rw_escape_text(safe, sizeof(safe), msg);
	/* Both streams into one file (2>&1) keep the order they were
	 * written in: stdout is buffered there, stderr is not. */
	fflush(stdout);
	fprintf(stderr, "rewire: %s\n", safe);
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
	if (strcmp(argv[1], "run") == 0)
		return cmd_run(argc - 1, argv + 1);
	cli_error("unknown command '%s'", argv[1]);
	fputs(usage, stderr);
	return EXIT_USAGE;
}
