/* The kernel command line: options, environment and program arguments.
 *
 *   [KEY=VALUE | KEY | env=NAME=VALUE]... [-- ARG...]
 *
 * Words are separated by spaces and percent-encoded (%XX) by
 * scripts/run-image, so that an argument may hold spaces or any byte; an
 * empty word is written %00. */
#include "kvm.h"

#define CMDLINE_MAX 16384
#define WORDS_MAX 1024

static char raw[CMDLINE_MAX];
static char decoded[CMDLINE_MAX];
static char *options[WORDS_MAX];
static char *args[WORDS_MAX + 1];
static char *env[WORDS_MAX + 1];
static int option_count, arg_count, env_count;

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes word in place (the result is never longer). */
static void percent_decode(char *word)
{
	char *out = word;
	for (char *in = word; *in; in++) {
		int hi, lo;
		if (*in == '%' && (hi = hex_value(in[1])) >= 0 &&
		    (lo = hex_value(in[2])) >= 0) {
			*out++ = (char)(hi << 4 | lo);
			in += 2;
		} else {
			*out++ = *in;
		}
	}
	*out = 0;
}

void cmdline_init(const char *src)
{
	size_t len = strlen(src);
	if (len >= CMDLINE_MAX) {
		kvm_warn("command line of %zu bytes cut to %d", len,
			 CMDLINE_MAX - 1);
		len = CMDLINE_MAX - 1;
	}
	memcpy(raw, src, len);
	memcpy(decoded, src, len);

	int after_dashes = 0;
	char *p = decoded;
	while (*p) {
		while (*p == ' ')
			*p++ = 0;
		if (!*p)
			break;
		char *word = p;
		while (*p && *p != ' ')
			p++;
		if (*p)
			*p++ = 0;
		if (!after_dashes && !strcmp(word, "--")) {
			after_dashes = 1;
			continue;
		}
		percent_decode(word);
		if (after_dashes) {
			if (arg_count < WORDS_MAX)
				args[arg_count++] = word;
		} else if (!strncmp(word, "env=", 4)) {
			if (env_count < WORDS_MAX)
				env[env_count++] = word + 4;
		} else if (option_count < WORDS_MAX) {
			options[option_count++] = word;
		}
	}
	if (arg_count == WORDS_MAX || env_count == WORDS_MAX ||
	    option_count == WORDS_MAX)
		kvm_warn("command line: more than %d words of a kind, the rest "
			 "dropped", WORDS_MAX);
}

const char *platform_cmdline(void)
{
	return raw;
}

const char *platform_option(const char *key)
{
	size_t n = strlen(key);
	for (int i = 0; i < option_count; i++) {
		if (strncmp(options[i], key, n))
			continue;
		if (options[i][n] == '=')
			return options[i] + n + 1;
		if (!options[i][n])
			return "";
	}
	return NULL;
}

char **platform_argv(int *argc)
{
	*argc = arg_count;
	return args;
}

char **platform_envp(void)
{
	return env;
}
