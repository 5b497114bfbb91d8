/* The rewire command line: one function per subcommand, shared exit codes. */
#ifndef REWIRE_CLI_H
#define REWIRE_CLI_H

#include <stdio.h>

/* Exit codes scripts can rely on. */
enum {
	EXIT_OK = 0,
	EXIT_FAILED = 1,	/* bad input, failed check, verify mismatch */
	EXIT_USAGE = 2,		/* wrong command line */
};

#define REWIRE_VERSION "0.1.0"

int cmd_inspect(int argc, char **argv);
int cmd_patch(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_image(int argc, char **argv);

/* Prints "rewire: " + message to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Writes s as a JSON string literal. */
void json_string(FILE *f, const char *s);

#endif
