/* Spec files: one redirect a line, `FROM=TO` or `original FROM=PLACEHOLDER`. */
#include "spec.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A spec file this big is not a list of redirects. */
#define SPEC_FILE_MAX (64u << 20)

/* The UTF-8 byte order mark some editors write at the start of a file. */
#define UTF8_BOM "\xef\xbb\xbf"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* One line without its '\n'; origin is "name:LINE". */
static int parse_line(struct redirect_list *list, const char *line, size_t len,
		      const char *origin, struct rw_error *err)
{
	const char *hash = memchr(line, '#', len);
	enum redirect_kind kind = REDIRECT_REPLACE;
	size_t word, rest;

	if (hash)
		len = (size_t)(hash - line);
	while (len > 0 && is_blank(*line)) {
		line++;
		len--;
	}
	while (len > 0 && is_blank(line[len - 1]))
		len--;
	if (len == 0)
		return 0;
	/* A first word without '=' followed by more than an '=' is a keyword:
	 * "original a.F=b.G", but not "a.F = b.G". */
	for (word = 0; word < len && !is_blank(line[word]); word++)
		;
	for (rest = word; rest < len && is_blank(line[rest]); rest++)
		;
	if (rest < len && line[rest] != '=' && !memchr(line, '=', word) &&
	    memchr(line, '=', len)) {
		if (word != strlen("original") || memcmp(line, "original", word) != 0)
			return rw_fail(err, "%s: unknown keyword '%.*s' (want FROM=TO "
				       "or original FROM=PLACEHOLDER)", origin,
				       (int)word, line);
		kind = REDIRECT_ORIGINAL;
		line += rest;
		len -= rest;
	}
	return redirect_parse_pair(list, kind, line, len, origin, err);
}

int spec_parse_text(struct redirect_list *list, const char *text, size_t len,
		    const char *name, struct rw_error *err)
{
	size_t name_len = strlen(name), pos = 0, lineno = 0;
	/* "name:" + the digits of a size_t + NUL. */
	char *origin = malloc(name_len + 24);
	int rc = 0;

	if (!origin)
		return rw_fail(err, "%s: out of memory", name);
	/* Left in, it would be part of the first FROM: invisible in the
	 * message that no such function exists. */
	if (len >= strlen(UTF8_BOM) && memcmp(text, UTF8_BOM, strlen(UTF8_BOM)) == 0)
		pos = strlen(UTF8_BOM);
	while (pos < len && rc == 0) {
		const char *line = text + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t line_len = nl ? (size_t)(nl - line) : len - pos;

		lineno++;
		snprintf(origin, name_len + 24, "%s:%zu", name, lineno);
		if (line_len > SPEC_LINE_MAX)
			rc = rw_fail(err, "%s: line is %zu bytes long, more than %d",
				     origin, line_len, SPEC_LINE_MAX);
		else if (memchr(line, '\0', line_len))
			rc = rw_fail(err, "%s: NUL byte (is this a text file?)", origin);
		else
			rc = parse_line(list, line, line_len, origin, err);
		pos += line_len + 1;
	}
	free(origin);
	return rc;
}

int spec_parse_file(struct redirect_list *list, const char *path,
		    struct rw_error *err)
{
	FILE *f = fopen(path, "rb");
	char *text = NULL, *grown;
	size_t len = 0, cap = 0, n;
	int rc;

	if (!f)
		return rw_fail(err, "%s: cannot open spec file: %s", path,
			       strerror(errno));
	do {
		if (len == cap) {
			cap = cap ? cap * 2 : 4096;
			if (cap > SPEC_FILE_MAX) {
				free(text);
				fclose(f);
				return rw_fail(err, "%s: spec file larger than %u bytes",
					       path, SPEC_FILE_MAX);
			}
			grown = realloc(text, cap);
			if (!grown) {
				free(text);
				fclose(f);
				return rw_fail(err, "%s: out of memory", path);
			}
			text = grown;
		}
		n = fread(text + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	if (ferror(f)) {
		int e = errno;

		free(text);
		fclose(f);
		return rw_fail(err, "%s: cannot read spec file: %s", path,
			       strerror(e));
	}
	fclose(f);
	rc = spec_parse_text(list, text, len, path, err);
	free(text);
	return rc;
}
