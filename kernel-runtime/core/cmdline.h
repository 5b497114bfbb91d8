/* The kernel command line: options, environment and the program's
 * arguments (the format is documented in kernel.h). */
#ifndef KCORE_CMDLINE_H
#define KCORE_CMDLINE_H

#include <stdbool.h>

#define CMDLINE_MAX_ARGS 256
#define CMDLINE_MAX_ENV 256
#define CMDLINE_MAX_OPTIONS 32
#define CMDLINE_DEFAULT_ARGV0 "program"

struct cmdline {
	int argc;
	char *argv[CMDLINE_MAX_ARGS + 1]; /* NULL-terminated */
	int envc;
	char *envp[CMDLINE_MAX_ENV + 1];  /* NULL-terminated */
	int optc;
	char *options[CMDLINE_MAX_OPTIONS]; /* the others: "KEY" or "KEY=VALUE" */
	bool stats; /* print the counters at exit */
	bool trace; /* log every syscall */
};

/* Parses text in place (it is cut into words and decoded). Returns 0, or
 * -1 with *error set to a message naming the limit that was exceeded. */
int cmdline_parse(char *text, struct cmdline *out, const char **error);
/* The value of option key: "" for a bare KEY, NULL when absent. */
const char *cmdline_option(const struct cmdline *c, const char *key);
/* The first option whose KEY is in neither NULL-terminated list (known,
 * more): the word as written on the command line ("KEY" or "KEY=VALUE",
 * decoded); NULL when every option is known. */
const char *cmdline_unknown_option(const struct cmdline *c,
				   const char *const known[],
				   const char *const more[]);
/* Percent-decodes one word in place, as kernel.h says: %XX is the byte
 * 0xXX (except %00, kept as it is: a C string cannot hold the byte), and a
 * word that is exactly "%" becomes the empty word. */
void cmdline_decode(char *word);

#endif
