/* The rewire command line: one function per subcommand, shared exit codes. */
#ifndef REWIRE_CLI_H
#define REWIRE_CLI_H

#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

/* Exit codes scripts can rely on. */
enum {
	EXIT_OK = 0,
	EXIT_FAILED = 1,	/* bad input, failed check, verify mismatch */
	EXIT_USAGE = 2,		/* wrong command line */
};

#define REWIRE_VERSION "0.1.0"

/* Where -o OUT goes (output_check), for the usage of the commands that
 * write one. */
#define CLI_OUTPUT_HELP \
	"OUT (checked before any work):\n" \
	"  missing               its folder must exist and be writable\n" \
	"  a regular file        replaced by a finished temporary file from beside\n" \
	"                        it, renamed over it (with IN's permission bits)\n" \
	"  a symbolic link       the file it leads to is replaced so, the link stays;\n" \
	"                        a link to nothing is refused\n" \
	"  a character device    or a FIFO (/dev/null; /dev/stdout with -q): the\n" \
	"                        output, built whole in $TMPDIR first, is written\n" \
	"                        through; the node stays\n" \
	"  anything else         a folder, block device or socket: refused; IN itself\n" \
	"                        (./IN, a link to IN, a hard link) is a usage error\n" \
	"On SIGINT, SIGTERM, SIGHUP or SIGQUIT rewire removes its temporary files,\n" \
	"leaves OUT as it was (or complete: a device or FIFO may have got part of\n" \
	"it) and dies of that signal.\n"

int cmd_inspect(int argc, char **argv);
int cmd_patch(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_image(int argc, char **argv);
int cmd_run(int argc, char **argv);

/* Prints "rewire: " + message to stderr (cli_verror: from a va_list), its
 * control bytes and invalid UTF-8 escaped (rw_escape_text). */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_verror(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* Prints "rewire: " + message, then the command's usage, to stderr; returns
 * EXIT_USAGE. */
int cli_usage_error(const char *usage, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* cli_next_option's answer when the command is done: exit with *exit_code. */
#define CLI_EXIT (-2)

/*
 * getopt_long (getopt when longopts is NULL) over a command's options, doing
 * what every command does with two of them: -h (--help) prints usage on
 * stdout, *exit_code = EXIT_OK; an unknown option or a missing argument
 * (getopt has said which) prints usage on stderr, *exit_code = EXIT_USAGE;
 * both return CLI_EXIT. Otherwise returns the next option for the caller,
 * or -1 after the last one (optind is then the first operand).
 */
int cli_next_option(int argc, char **argv, const char *optstring,
		    const struct option *longopts, const char *usage,
		    int *exit_code);

/*
 * The input binary, argv[optind]. When it is missing ("CMD: which binary?")
 * or is not the last argument ("CMD: one input binary, got more: 'ARG'";
 * allowed with more, for operands after it), prints that and usage to
 * stderr and returns NULL: the command exits with EXIT_USAGE.
 */
const char *cli_input_binary(const char *cmd, const char *usage, int argc,
			     char **argv, bool more);
/* rewire inspect --traps: prints every trap instruction of bin's code
 * (traps.h), or in --json form the "traps" member of inspect's object
 * with its trailing comma. -1 (message printed) when the scan failed. */
struct gobin;
int inspect_traps(const struct gobin *bin, bool json);

/* rewire inspect of a rewired binary: note's redirects and patches (where
 * each lies, old and new bytes), as lines under "rewired" or in --json
 * form the "note" member of inspect's object with its trailing comma. */
struct rewire_note;
void inspect_note(const struct gobin *bin, const struct rewire_note *note,
		  bool json);
/* rewire verify's trap proof (trap_cover.h) over bin: a line per function
 * holding traps ("ok", "info") and per uncovered site ("FAIL"), then a
 * summary; quiet prints the FAIL lines only. 0 all covered, 1 not (said
 * on stderr too), -1 the scan failed (message printed). */
int verify_traps(const struct gobin *bin, bool quiet);

/* Writes s as a JSON string literal. */
void json_string(FILE *f, const char *s);

#endif
