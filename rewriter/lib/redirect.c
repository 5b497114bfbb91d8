/* The redirect list: checked symbols, conflict detection, "FROM=TO" parsing. */
#include "redirect.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

/* Bytes a Go linker name may hold. Identifiers may be any Unicode letter, so
 * every byte of a UTF-8 sequence passes; import paths add - ~ + and the
 * linker's %xx escapes; methods add ( * ); generic instances add [ ] , . */
static bool is_symbol_byte(unsigned char c)
{
	if (c >= 0x80)
		return true;
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return true;
	return strchr("_./()*%-~+[],", c) != NULL && c != '\0';
}

static bool is_c_identifier(const char *s)
{
	size_t i;

	if (!(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return false;
	for (i = 1; s[i]; i++)
		if (!(isalnum((unsigned char)s[i]) || s[i] == '_') || i >= REDIRECT_SYMBOL_MAX)
			return false;
	return true;
}

int redirect_check_symbol(const char *name, struct rw_error *err)
{
	size_t len = strlen(name), i;
	const char *slash, *dot;

	if (len == 0)
		return rw_fail(err, "empty symbol");
	if (len > REDIRECT_SYMBOL_MAX)
		return rw_fail(err, "symbol of %zu bytes is longer than %d",
			       len, REDIRECT_SYMBOL_MAX);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c == ' ' || c == '\t')
			return rw_fail(err, "'%s' contains a blank", name);
		if (!is_symbol_byte(c) && c > ' ' && c < 0x7f)
			return rw_fail(err, "'%s' contains '%c', not allowed in a "
				       "Go linker name", name, c);
		if (!is_symbol_byte(c))
			return rw_fail(err, "'%s' contains byte 0x%02x, not allowed "
				       "in a Go linker name", name, c);
		if (c == '%' && !(i + 2 < len && is_hex(name[i + 1]) &&
				  is_hex(name[i + 2])))
			return rw_fail(err, "'%s' has a '%%' not followed by two hex "
				       "digits (the linker writes '.' in a package's "
				       "last path element as %%2e)", name);
	}
	slash = strrchr(name, '/');
	dot = strchr(slash ? slash + 1 : name, '.');
	if (!dot || dot == (slash ? slash + 1 : name) || dot[1] == '\0')
		return rw_fail(err, "'%s' is not a Go linker name like time.Now or "
			       "example.com/pkg.(*T).M (package, '.', name)", name);
	return 0;
}

/* The entry a redirect rewrites: FROM for a replacement, the placeholder for
 * an original. Two redirects may never rewrite the same entry. */
static const char *patched_entry(enum redirect_kind kind, const char *from,
				 const char *to)
{
	return kind == REDIRECT_REPLACE ? from : to;
}

/* A message for a new redirect that conflicts with r, an earlier one. */
static int fail_conflict(const struct redirect *r, enum redirect_kind kind,
			 const char *from, const char *to, const char *origin,
			 struct rw_error *err)
{
	if (kind == REDIRECT_REPLACE && r->kind == REDIRECT_REPLACE)
		return rw_fail(err, "%s: %s is redirected twice: to %s here and "
			       "to %s at %s", origin, from, to, r->to, r->origin);
	if (kind == REDIRECT_ORIGINAL && r->kind == REDIRECT_ORIGINAL)
		return rw_fail(err, "%s: placeholder %s stands for two functions: "
			       "%s here and %s at %s", origin, to, from, r->from,
			       r->origin);
	if (kind == REDIRECT_ORIGINAL)
		return rw_fail(err, "%s: %s cannot be the placeholder for %s: it "
			       "is itself redirected to %s at %s", origin, to,
			       from, r->to, r->origin);
	return rw_fail(err, "%s: %s cannot be redirected: it is the placeholder "
		       "for the original %s at %s", origin, from, r->from,
		       r->origin);
}

static void redirect_free(struct redirect *r)
{
	free(r->from);
	free(r->to);
	free(r->origin);
}

int redirect_list_add(struct redirect_list *list, enum redirect_kind kind,
		      const char *from, const char *to, const char *origin,
		      struct rw_error *err)
{
	const char *entry = patched_entry(kind, from, to);
	struct redirect *items, r;
	size_t i;

	if (!origin)
		origin = "redirect";
	/* TO may also be a C function (rewire patch --link): a replacement, or
	 * the generated function through which C calls the original. */
	if (redirect_check_symbol(from, err) < 0 ||
	    (!is_c_identifier(to) &&
	     redirect_check_symbol(to, err) < 0))
		return rw_wrap(err, "%s: ", origin);
	if (strcmp(from, to) == 0)
		return rw_fail(err, "%s: %s is redirected to itself", origin, from);
	for (i = 0; i < list->count; i++) {
		const struct redirect *o = &list->items[i];

		if (o->kind == kind && strcmp(o->from, from) == 0 &&
		    strcmp(o->to, to) == 0)
			return 0;
		if (strcmp(patched_entry(o->kind, o->from, o->to), entry) == 0)
			return fail_conflict(o, kind, from, to, origin, err);
	}
	r.kind = kind;
	r.from = strdup(from);
	r.to = strdup(to);
	r.origin = strdup(origin);
	items = realloc(list->items, (list->count + 1) * sizeof(*items));
	if (!r.from || !r.to || !r.origin || !items) {
		redirect_free(&r);
		if (items)
			list->items = items;
		return rw_fail(err, "%s: out of memory", origin);
	}
	list->items = items;
	list->items[list->count++] = r;
	return 0;
}

void redirect_list_free(struct redirect_list *list)
{
	size_t i;

	for (i = 0; i < list->count; i++)
		redirect_free(&list->items[i]);
	free(list->items);
	list->items = NULL;
	list->count = 0;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* A copy of [s, s + len) without blanks at either end, or NULL (no memory). */
static char *strndup_trimmed(const char *s, size_t len)
{
	while (len > 0 && is_blank(*s)) {
		s++;
		len--;
	}
	while (len > 0 && is_blank(s[len - 1]))
		len--;
	return strndup(s, len);
}

int redirect_parse_pair(struct redirect_list *list, enum redirect_kind kind,
			const char *text, size_t len, const char *origin,
			struct rw_error *err)
{
	const char *want = kind == REDIRECT_REPLACE ? "FROM=TO" : "FROM=PLACEHOLDER";
	const char *eq = memchr(text, '=', len);
	char *from, *to;
	int rc;

	if (memchr(text, '\0', len))
		return rw_fail(err, "%s: NUL byte in redirect", origin);
	if (!eq)
		return rw_fail(err, "%s: missing '=' in '%.*s' (want %s)", origin,
			       (int)len, text, want);
	if (memchr(eq + 1, '=', len - (size_t)(eq + 1 - text)))
		return rw_fail(err, "%s: more than one '=' in '%.*s' (want %s)",
			       origin, (int)len, text, want);
	from = strndup_trimmed(text, (size_t)(eq - text));
	to = strndup_trimmed(eq + 1, len - (size_t)(eq + 1 - text));
	if (!from || !to)
		rc = rw_fail(err, "%s: out of memory", origin);
	else if (!*from)
		rc = rw_fail(err, "%s: empty FROM in '%.*s' (want %s)", origin,
			     (int)len, text, want);
	else if (!*to)
		rc = rw_fail(err, "%s: empty %s in '%.*s' (want %s)", origin,
			     kind == REDIRECT_REPLACE ? "TO" : "PLACEHOLDER",
			     (int)len, text, want);
	else
		rc = redirect_list_add(list, kind, from, to, origin, err);
	free(from);
	free(to);
	return rc;
}

int redirect_parse_arg(struct redirect_list *list, enum redirect_kind kind,
		       const char *arg, struct rw_error *err)
{
	return redirect_parse_pair(list, kind, arg, strlen(arg),
				   kind == REDIRECT_REPLACE ? "--redirect" : "--original",
				   err);
}
