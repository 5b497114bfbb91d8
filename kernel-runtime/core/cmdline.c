/* Parsing of the kernel command line: words split on blanks, each one
 * percent-decoded, options before "--" and the program's argv after. */
#include "cmdline.h"

#include "kstring.h"

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes %XX in place; "%" alone is the empty word. A %00 stays as it is:
 * a C string cannot hold the byte. */
void cmdline_decode(char *w)
{
	char *out = w;

	if (w[0] == '%' && w[1] == 0) {
		w[0] = 0;
		return;
	}
	for (char *in = w; *in; ) {
		int hi = in[0] == '%' ? hex_digit(in[1]) : -1;
		int lo = hi >= 0 ? hex_digit(in[2]) : -1;
		if (lo >= 0 && (hi | lo)) {
			*out++ = (char)(hi << 4 | lo);
			in += 3;
		} else {
			*out++ = *in++;
		}
	}
	*out = 0;
}

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Cuts the next word out of *at (NULL at the end). */
static char *next_word(char **at)
{
	char *p = *at, *w;

	while (blank(*p))
		p++;
	if (!*p)
		return NULL;
	w = p;
	while (*p && !blank(*p))
		p++;
	if (*p)
		*p++ = 0;
	*at = p;
	return w;
}

int cmdline_parse(char *text, struct cmdline *out, const char **error)
{
	bool args = false;
	char *w;

	*out = (struct cmdline){ 0 };
	while ((w = next_word(&text)) != NULL) {
		if (!args && kstreq(w, "--")) {
			args = true;
			continue;
		}
		cmdline_decode(w);
		if (args) {
			if (out->argc == CMDLINE_MAX_ARGS) {
				*error = "more than 256 program arguments";
				return -1;
			}
			out->argv[out->argc++] = w;
		} else if (kstarts(w, "env=")) {
			if (out->envc == CMDLINE_MAX_ENV) {
				*error = "more than 256 env= options";
				return -1;
			}
			out->envp[out->envc++] = w + 4;
		} else if (kstreq(w, "stats")) {
			out->stats = true;
		} else if (kstreq(w, "trace")) {
			out->trace = true;
		} else {
			if (out->optc == CMDLINE_MAX_OPTIONS) {
				*error = "more than 32 kernel options";
				return -1;
			}
			out->options[out->optc++] = w;
		}
	}
	if (out->argc == 0)
		out->argv[out->argc++] = CMDLINE_DEFAULT_ARGV0;
	out->argv[out->argc] = NULL;
	out->envp[out->envc] = NULL;
	return 0;
}

const char *cmdline_option(const struct cmdline *c, const char *key)
{
	size_t n = kstrlen(key);

	for (int i = 0; i < c->optc; i++) {
		const char *o = c->options[i];
		if (!kstarts(o, key))
			continue;
		if (o[n] == 0)
			return "";
		if (o[n] == '=')
			return o + n + 1;
	}
	return NULL;
}

/* Whether option word o ("KEY" or "KEY=VALUE") has a KEY in keys. */
static bool key_listed(const char *o, const char *const keys[])
{
	for (int i = 0; keys && keys[i]; i++) {
		size_t n = kstrlen(keys[i]);
		if (kstarts(o, keys[i]) && (o[n] == 0 || o[n] == '='))
			return true;
	}
	return false;
}

const char *cmdline_unknown_option(const struct cmdline *c,
				   const char *const known[],
				   const char *const more[])
{
	for (int i = 0; i < c->optc; i++)
		if (!key_listed(c->options[i], known) &&
		    !key_listed(c->options[i], more))
			return c->options[i];
	return NULL;
}
