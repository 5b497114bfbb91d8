/* Redirect annotations in Go source: find the package's files, then scan each.
 *
 * Stages of annotations_scan: `go list` in the package directory (which files,
 * which import path) -> linker prefix of the package and of its external test
 * package -> per file, a small Go tokenizer that tracks comment groups and
 * brace depth, and attaches each annotation to the top-level func right
 * below its comment group. */
#include "annotations.h"
#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* More output than this from go list, or a Go file this big, is a mistake. */
#define GO_LIST_OUTPUT_MAX (16u << 20)
#define GO_FILE_MAX (64u << 20)
/* How much of go list's stderr goes into a message. */
#define GO_LIST_STDERR_LINES 4

/* One tagged line per fact, so that no field can be mistaken for another:
 * "I path", "N name", then "G file" (package), "T file" (in-package test),
 * "X file" (external test package). */
#define GO_LIST_TEMPLATE \
	"I {{.ImportPath}}\nN {{.Name}}\n" \
	"{{range .GoFiles}}G {{.}}\n{{end}}" \
	"{{range .TestGoFiles}}T {{.}}\n{{end}}" \
	"{{range .XTestGoFiles}}X {{.}}\n{{end}}"

/* Reproducible, offline go list: no toolchain switch, no download, no
 * vendoring surprise, no cgo files. */
static const char *const go_env[] = {
	"GOTOOLCHAIN=local", "GOFLAGS=-mod=mod", "GOPROXY=off", "CGO_ENABLED=0",
	NULL,
};

#define DIRECTIVE_FROM "//go:redirect-from"
#define DIRECTIVE_ORIGINAL "//go:redirect-original"

struct buffer {
	char *data;
	size_t len, cap;
};

static int buffer_append(struct buffer *b, const char *p, size_t n, size_t max)
{
	char *grown;
	size_t cap;

	if (b->len + n + 1 > max)
		return -1;
	if (b->len + n + 1 > b->cap) {
		cap = b->cap ? b->cap : 4096;
		while (cap < b->len + n + 1)
			cap *= 2;
		grown = realloc(b->data, cap);
		if (!grown)
			return -1;
		b->data = grown;
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

char *annotations_path_to_prefix(const char *import_path)
{
	static const char hex[] = "0123456789abcdef";
	const char *slash = strrchr(import_path, '/');
	size_t i, n = 0, len = strlen(import_path);
	char *out;

	for (i = 0; i <= len; i++) {
		unsigned char c = (unsigned char)import_path[i];

		if (i < len && (c <= ' ' || c == '%' || c == '"' || c >= 0x7f ||
				(c == '.' && (!slash || import_path + i > slash))))
			n += 3;
		else
			n++;
	}
	out = malloc(n);
	if (!out)
		return NULL;
	for (i = 0, n = 0; i < len; i++) {
		unsigned char c = (unsigned char)import_path[i];

		if (c <= ' ' || c == '%' || c == '"' || c >= 0x7f ||
		    (c == '.' && (!slash || import_path + i > slash))) {
			out[n++] = '%';
			out[n++] = hex[c >> 4];
			out[n++] = hex[c & 0xf];
		} else {
			out[n++] = (char)c;
		}
	}
	out[n] = '\0';
	return out;
}

/* Runs `go list -f TEMPLATE .` in dir; on success *out holds its stdout. */
static int run_go_list(const char *dir, const char *go_command,
		       struct buffer *out, struct rw_error *err)
{
	char *argv[] = { (char *)(go_command ? go_command : "go"), "list", "-f",
			 GO_LIST_TEMPLATE, ".", NULL };
	struct run_output res;
	char summary[768];

	/* run_program's message names dir when it cannot enter it, and the go
	 * command when it cannot start it: nothing to add. */
	if (run_program("go command", argv, dir, go_env, GO_LIST_OUTPUT_MAX, 0,
			"(use --go PATH to name the go command)", &res, err) < 0)
		return -1;
	run_stderr_summary(&res, GO_LIST_STDERR_LINES, summary, sizeof(summary));
	if (res.status != 0) {
		if (res.status < 0)
			rw_fail(err, "%s: go list killed by signal %d%s%s", dir,
				res.signal, *summary ? ": " : "", summary);
		else
			rw_fail(err, "%s: go list failed (exit status %d)%s%s", dir,
				res.status, *summary ? ": " : "", summary);
		run_output_free(&res);
		return -1;
	}
	if (!res.out) {
		run_output_free(&res);
		return rw_fail(err, "%s: go list printed nothing", dir);
	}
	out->data = res.out;
	out->len = res.out_len;
	out->cap = res.out_len + 1;
	free(res.errs);
	return 0;
}

/* ---- Go tokenizer: just enough to find comments, top-level funcs and
 * receivers while skipping literals. ---- */

enum token_kind {
	TOK_EOF,
	TOK_WORD,	/* identifier, keyword or number */
	TOK_PUNCT,	/* one byte of anything else */
	TOK_LITERAL,	/* string, raw string or rune */
	TOK_COMMENT,
};

struct token {
	enum token_kind kind;
	const char *text;
	size_t len;
	unsigned line;		/* of the first byte */
	unsigned end_line;	/* of the last byte (raw strings, block comments) */
};

struct lexer {
	const char *src;
	size_t len, pos;
	unsigned line;
	const char *path;	/* for messages */
};

static bool is_word_byte(unsigned char c)
{
	return c == '_' || c >= 0x80 || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Skips a quoted literal ending at quote; raw ones have no escapes and may
 * span lines. */
static int lex_literal(struct lexer *lx, char quote, struct rw_error *err)
{
	unsigned start = lx->line;

	lx->pos++;
	while (lx->pos < lx->len) {
		char c = lx->src[lx->pos++];

		if (c == quote)
			return 0;
		if (c == '\n') {
			if (quote != '`')
				break;
			lx->line++;
		} else if (c == '\\' && quote != '`' && lx->pos < lx->len &&
			   lx->src[lx->pos] != '\n') {
			lx->pos++;
		}
	}
	return rw_fail(err, "%s:%u: unterminated %s literal", lx->path, start,
		       quote == '`' ? "raw string" : quote == '"' ? "string" : "rune");
}

static int lex_next(struct lexer *lx, struct token *t, struct rw_error *err)
{
	const char *s = lx->src;

	while (lx->pos < lx->len && strchr(" \t\r\n\f\v", s[lx->pos]) && s[lx->pos]) {
		if (s[lx->pos] == '\n')
			lx->line++;
		lx->pos++;
	}
	t->text = s + lx->pos;
	t->line = lx->line;
	if (lx->pos >= lx->len) {
		t->kind = TOK_EOF;
		t->len = 0;
	} else if (s[lx->pos] == '/' && lx->pos + 1 < lx->len && s[lx->pos + 1] == '/') {
		t->kind = TOK_COMMENT;
		while (lx->pos < lx->len && s[lx->pos] != '\n')
			lx->pos++;
	} else if (s[lx->pos] == '/' && lx->pos + 1 < lx->len && s[lx->pos + 1] == '*') {
		const char *end = memmem(s + lx->pos + 2, lx->len - lx->pos - 2, "*/", 2);

		if (!end)
			return rw_fail(err, "%s:%u: unterminated block comment",
				       lx->path, lx->line);
		t->kind = TOK_COMMENT;
		for (; s + lx->pos < end + 2; lx->pos++)
			if (s[lx->pos] == '\n')
				lx->line++;
	} else if (s[lx->pos] == '"' || s[lx->pos] == '`' || s[lx->pos] == '\'') {
		t->kind = TOK_LITERAL;
		if (lex_literal(lx, s[lx->pos], err) < 0)
			return -1;
	} else if (is_word_byte((unsigned char)s[lx->pos])) {
		t->kind = TOK_WORD;
		while (lx->pos < lx->len && is_word_byte((unsigned char)s[lx->pos]))
			lx->pos++;
	} else {
		t->kind = TOK_PUNCT;
		lx->pos++;
	}
	t->len = (size_t)(s + lx->pos - t->text);
	t->end_line = lx->line;
	return 0;
}

/* The next token that is not a comment. */
static int lex_next_code(struct lexer *lx, struct token *t, struct rw_error *err)
{
	do {
		if (lex_next(lx, t, err) < 0)
			return -1;
	} while (t->kind == TOK_COMMENT);
	return 0;
}

static bool token_is(const struct token *t, const char *text)
{
	return t->len == strlen(text) && memcmp(t->text, text, t->len) == 0;
}

/* ---- Annotations ---- */

struct annotation {
	enum redirect_kind kind;
	const char *symbol;	/* in the source text */
	size_t symbol_len;
	unsigned line;
};

struct file_scan {
	struct redirect_list *list;
	const char *path;
	const char *prefix;	/* linker name of the file's package */
	struct lexer lx;
	int depth;		/* of ( [ { */
	unsigned last_code_line;
	unsigned group_end;	/* last line of the current comment group, 0: none */
	struct annotation *pending;	/* in the current comment group */
	size_t npending, cap;
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/*
 * Reads a line comment as an annotation: sets *found and fills a when it
 * starts with a directive followed by a blank or its end. A directive glued
 * to more text (//go:redirect-fromX) is some other comment.
 */
static int parse_annotation(const struct file_scan *fs, const struct token *t,
			    bool *found, struct annotation *a, struct rw_error *err)
{
	const char *p = t->text, *end = t->text + t->len, *word;
	size_t dlen;

	*found = false;
	if (t->len >= strlen(DIRECTIVE_FROM) &&
	    memcmp(p, DIRECTIVE_FROM, strlen(DIRECTIVE_FROM)) == 0) {
		a->kind = REDIRECT_REPLACE;
		dlen = strlen(DIRECTIVE_FROM);
	} else if (t->len >= strlen(DIRECTIVE_ORIGINAL) &&
		   memcmp(p, DIRECTIVE_ORIGINAL, strlen(DIRECTIVE_ORIGINAL)) == 0) {
		a->kind = REDIRECT_ORIGINAL;
		dlen = strlen(DIRECTIVE_ORIGINAL);
	} else {
		return 0;
	}
	p += dlen;
	if (p < end && !is_space(*p))
		return 0;
	*found = true;
	a->line = t->line;
	while (p < end && is_space(*p))
		p++;
	if (p == end)
		return rw_fail(err, "%s:%u: %.*s needs a symbol (e.g. %.*s time.Now)",
			       fs->path, t->line, (int)dlen, t->text, (int)dlen,
			       t->text);
	for (word = p; p < end && !is_space(*p); p++)
		;
	a->symbol = word;
	a->symbol_len = (size_t)(p - word);
	while (p < end && is_space(*p))
		p++;
	if (p != end)
		return rw_fail(err, "%s:%u: %.*s takes one symbol, found more after "
			       "'%.*s'", fs->path, t->line, (int)dlen, t->text,
			       (int)a->symbol_len, a->symbol);
	return 0;
}

static int fail_floating(const struct file_scan *fs, unsigned line,
			 struct rw_error *err)
{
	return rw_fail(err, "%s:%u: annotation is not on a function declaration "
		       "(it must be in the comment block right above a top-level "
		       "func, with no blank line between)", fs->path, line);
}

/*
 * Reads a receiver's tokens up to its ')' into *pointer and *type_name:
 * "(r *T)", "(T)", "(r (T))". A '[' means a generic receiver type.
 */
static int parse_receiver(struct file_scan *fs, unsigned line, bool *pointer,
			  struct token *type_name, struct rw_error *err)
{
	struct token words[2], t;
	size_t nwords = 0;
	int depth = 1;

	*pointer = false;
	for (;;) {
		if (lex_next_code(&fs->lx, &t, err) < 0)
			return -1;
		if (t.kind == TOK_EOF)
			return rw_fail(err, "%s:%u: unterminated receiver", fs->path, line);
		if (token_is(&t, "(")) {
			depth++;
		} else if (token_is(&t, ")")) {
			if (--depth == 0)
				break;
		} else if (token_is(&t, "[")) {
			return rw_fail(err, "%s:%u: methods of generic types cannot be "
				       "annotated: their code takes a hidden dictionary "
				       "argument", fs->path, line);
		} else if (token_is(&t, "*") && nwords <= 1) {
			*pointer = true;
		} else if (token_is(&t, ",")) {
			/* A receiver split over lines ends in ','. */
		} else if (t.kind == TOK_WORD && nwords < 2) {
			words[nwords++] = t;
		} else {
			return rw_fail(err, "%s:%u: cannot read the receiver at '%.*s'",
				       fs->path, t.line, (int)t.len, t.text);
		}
	}
	if (nwords == 0)
		return rw_fail(err, "%s:%u: receiver without a type", fs->path, line);
	/* "(r *T)" names the receiver; "(*T)" and "(T)" do not. */
	*type_name = words[nwords - 1];
	return 0;
}

/* Adds the pending annotations with the func whose keyword was just read. */
static int attach_to_func(struct file_scan *fs, const struct token *func,
			  struct rw_error *err)
{
	struct token t, name, type_name = { 0 };
	struct lexer peek;
	bool method = false, pointer = false;
	char *symbol = NULL, *origin = NULL;
	size_t i, size;
	int rc = 0;

	if (lex_next_code(&fs->lx, &t, err) < 0)
		return -1;
	if (token_is(&t, "(")) {
		if (parse_receiver(fs, func->line, &pointer, &type_name, err) < 0)
			return -1;
		method = true;
		if (lex_next_code(&fs->lx, &t, err) < 0)
			return -1;
	}
	if (t.kind != TOK_WORD)
		return rw_fail(err, "%s:%u: annotated func has no name", fs->path,
			       func->line);
	name = t;
	fs->last_code_line = name.end_line;
	peek = fs->lx;
	if (lex_next_code(&peek, &t, err) < 0)
		return -1;
	if (token_is(&t, "["))
		return rw_fail(err, "%s:%u: generic function %.*s cannot be annotated: "
			       "its code takes a hidden dictionary argument",
			       fs->path, func->line, (int)name.len, name.text);
	if (token_is(&name, "_") || (!method && token_is(&name, "init")))
		return rw_fail(err, "%s:%u: func %.*s cannot be annotated: it has "
			       "no linker name of its own", fs->path, func->line,
			       (int)name.len, name.text);

	size = strlen(fs->prefix) + name.len + (method ? type_name.len : 0) + 8;
	symbol = malloc(size);
	origin = malloc(strlen(fs->path) + 24);
	if (!symbol || !origin) {
		rc = rw_fail(err, "%s: out of memory", fs->path);
		goto out;
	}
	if (!method)
		snprintf(symbol, size, "%s.%.*s", fs->prefix, (int)name.len, name.text);
	else if (pointer)
		snprintf(symbol, size, "%s.(*%.*s).%.*s", fs->prefix,
			 (int)type_name.len, type_name.text, (int)name.len, name.text);
	else
		snprintf(symbol, size, "%s.%.*s.%.*s", fs->prefix,
			 (int)type_name.len, type_name.text, (int)name.len, name.text);
	for (i = 0; i < fs->npending && rc == 0; i++) {
		const struct annotation *a = &fs->pending[i];
		char *target = strndup(a->symbol, a->symbol_len);

		snprintf(origin, strlen(fs->path) + 24, "%s:%u", fs->path, a->line);
		if (!target)
			rc = rw_fail(err, "%s: out of memory", origin);
		else
			rc = redirect_list_add(fs->list, a->kind, target, symbol,
					       origin, err);
		free(target);
	}
out:
	free(symbol);
	free(origin);
	return rc;
}

static int add_pending(struct file_scan *fs, const struct annotation *a,
		       struct rw_error *err)
{
	if (fs->npending == fs->cap) {
		size_t cap = fs->cap ? fs->cap * 2 : 4;
		struct annotation *grown = realloc(fs->pending, cap * sizeof(*grown));

		if (!grown)
			return rw_fail(err, "%s: out of memory", fs->path);
		fs->pending = grown;
		fs->cap = cap;
	}
	fs->pending[fs->npending++] = *a;
	return 0;
}

static int scan_comment(struct file_scan *fs, const struct token *t,
			struct rw_error *err)
{
	struct annotation a;
	bool found = false;

	if (t->text[1] == '/' && parse_annotation(fs, t, &found, &a, err) < 0)
		return -1;
	/* A comment after code on its line belongs to that line, never to the
	 * next declaration (go/parser's line comment). */
	if (t->line == fs->last_code_line) {
		if (found)
			return fail_floating(fs, t->line, err);
		return 0;
	}
	if (fs->group_end && t->line > fs->group_end + 1) {
		if (fs->npending)
			return fail_floating(fs, fs->pending[0].line, err);
	}
	if (!fs->group_end || t->line > fs->group_end + 1)
		fs->npending = 0;
	fs->group_end = t->end_line;
	return found ? add_pending(fs, &a, err) : 0;
}

static int scan_code(struct file_scan *fs, const struct token *t,
		     struct rw_error *err)
{
	if (fs->npending) {
		/* The group must end on the line just above a top-level func. */
		if (!(fs->depth == 0 && token_is(t, "func") &&
		      t->line == fs->group_end + 1))
			return fail_floating(fs, fs->pending[0].line, err);
		fs->last_code_line = t->end_line;
		if (attach_to_func(fs, t, err) < 0)
			return -1;
		fs->npending = 0;
		fs->group_end = 0;
		return 0;
	}
	fs->group_end = 0;
	fs->last_code_line = t->end_line;
	if (t->kind == TOK_PUNCT && t->len == 1 && strchr("([{", *t->text))
		fs->depth++;
	else if (t->kind == TOK_PUNCT && t->len == 1 && strchr(")]}", *t->text))
		fs->depth--;
	return 0;
}

static int scan_source(struct file_scan *fs, struct rw_error *err)
{
	struct token t;

	/* Go allows a byte order mark at the very start. */
	if (fs->lx.len >= 3 && memcmp(fs->lx.src, "\xef\xbb\xbf", 3) == 0)
		fs->lx.pos = 3;
	for (;;) {
		if (lex_next(&fs->lx, &t, err) < 0)
			return -1;
		if (t.kind == TOK_EOF)
			break;
		if (t.kind == TOK_COMMENT) {
			if (scan_comment(fs, &t, err) < 0)
				return -1;
		} else if (scan_code(fs, &t, err) < 0) {
			return -1;
		}
	}
	if (fs->npending)
		return fail_floating(fs, fs->pending[0].line, err);
	return 0;
}

static int read_whole_file(const char *path, struct buffer *b, struct rw_error *err)
{
	char chunk[65536];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return rw_fail(err, "%s: cannot open: %s", path, strerror(errno));
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (buffer_append(b, chunk, (size_t)n, GO_FILE_MAX) < 0) {
			close(fd);
			return rw_fail(err, "%s: larger than %u bytes or out of memory",
				       path, GO_FILE_MAX);
		}
	}
	if (n < 0) {
		int e = errno;

		close(fd);
		return rw_fail(err, "%s: cannot read: %s", path, strerror(e));
	}
	close(fd);
	return 0;
}

static int scan_file(struct redirect_list *list, const char *dir,
		     const char *file, const char *prefix, struct rw_error *err)
{
	size_t dlen = strlen(dir);
	bool slash = dlen > 0 && dir[dlen - 1] == '/';
	struct buffer src = { 0 };
	char *path = malloc(dlen + strlen(file) + 2);
	int rc;

	if (!path)
		return rw_fail(err, "%s: out of memory", dir);
	sprintf(path, "%s%s%s", dir, slash ? "" : "/", file);
	rc = read_whole_file(path, &src, err);
	if (rc == 0)
		rc = annotations_scan_text(list, src.data, src.len, path, prefix, err);
	free(src.data);
	free(path);
	return rc;
}

int annotations_scan_text(struct redirect_list *list, const char *text,
			  size_t len, const char *path, const char *prefix,
			  struct rw_error *err)
{
	struct file_scan fs = { .list = list, .path = path, .prefix = prefix };
	int rc;

	fs.lx.src = text && len ? text : "";
	fs.lx.len = text ? len : 0;
	fs.lx.line = 1;
	fs.lx.path = path;
	rc = scan_source(&fs, err);
	free(fs.pending);
	return rc;
}

/* ---- The package ---- */

/*
 * Linker prefixes, as observed with `go tool nm` on Go 1.19, 1.21-1.26:
 * a package is named by its import path with '.' in the last element
 * escaped (example.com/annot/yaml.v3 -> example.com/annot/yaml%2ev3); its
 * external test package by the same with "_test" appended to the path
 * (yaml%2ev3_test). Package main is "main" in `go build` output, but in a
 * `go test -c` binary the generated test main takes that name and the
 * package is compiled under its import path (example.com/annot.fakeNow,
 * example.com/annot%2ev2.(*T).M, example.com/annot_test.F for its external
 * tests).
 */
struct package_info {
	char *import_path;
	char *name;
	char *prefix;
	char *xtest_prefix;
};

static int parse_go_list(char *out, const char *dir, struct package_info *pkg,
			 struct rw_error *err)
{
	char *line, *save = NULL;

	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "I ", 2) == 0 && !pkg->import_path)
			pkg->import_path = line + 2;
		else if (strncmp(line, "N ", 2) == 0 && !pkg->name)
			pkg->name = line + 2;
	}
	if (!pkg->import_path || !*pkg->import_path || !pkg->name || !*pkg->name)
		return rw_fail(err, "%s: go list did not name the package", dir);
	return 0;
}

int annotations_scan(struct redirect_list *list, const char *dir,
		     const char *go_command, bool test_binary,
		     struct rw_error *err)
{
	struct package_info pkg = { 0 };
	struct buffer out = { 0 };
	char *files, *line, *save = NULL, *xtest_path = NULL;
	struct stat st;
	int rc = -1;

	/* Said here, in the user's words, rather than by a go list that
	 * cannot start in it. */
	if (stat(dir, &st) < 0)
		return rw_fail(err, "%s: %s: annotations are read from the folder of a Go package",
			       dir, errno == ENOENT ? "no such folder" : strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return rw_fail(err, "%s: not a folder: annotations are read from the folder of a Go package",
			       dir);
	if (run_go_list(dir, go_command, &out, err) < 0)
		goto done;
	/* parse_go_list cuts the text into lines: keep a copy for the files. */
	files = strdup(out.data);
	if (!files) {
		rw_fail(err, "%s: out of memory", dir);
		goto done;
	}
	if (parse_go_list(out.data, dir, &pkg, err) < 0)
		goto free_files;
	xtest_path = malloc(strlen(pkg.import_path) + sizeof("_test"));
	if (!xtest_path) {
		rw_fail(err, "%s: out of memory", dir);
		goto free_files;
	}
	sprintf(xtest_path, "%s_test", pkg.import_path);
	if (strcmp(pkg.name, "main") == 0 && !test_binary)
		pkg.prefix = strdup("main");
	else
		pkg.prefix = annotations_path_to_prefix(pkg.import_path);
	pkg.xtest_prefix = annotations_path_to_prefix(xtest_path);
	if (!pkg.prefix || !pkg.xtest_prefix) {
		rw_fail(err, "%s: out of memory", dir);
		goto free_files;
	}
	rc = 0;
	for (line = strtok_r(files, "\n", &save); line && rc == 0;
	     line = strtok_r(NULL, "\n", &save)) {
		/* Test files are compiled into test binaries only. */
		if (line[0] == 'G' || (line[0] == 'T' && test_binary))
			rc = scan_file(list, dir, line + 2, pkg.prefix, err);
		else if (line[0] == 'X' && test_binary)
			rc = scan_file(list, dir, line + 2, pkg.xtest_prefix, err);
	}
free_files:
	free(files);
done:
	free(pkg.prefix);
	free(pkg.xtest_prefix);
	free(xtest_path);
	free(out.data);
	return rc;
}
