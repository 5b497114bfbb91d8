/* Redirect records of C objects: "[original|door] FROM ABI C_FUNCTION[ SIGNATURE]". */
#include "redirect_record.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "redirect.h"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_c_identifier(const char *s, size_t len)
{
	if (len == 0 || len > REDIRECT_SYMBOL_MAX ||
	    !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') || s[0] == '_'))
		return false;
	for (size_t i = 1; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

void redirect_record_free(struct linked_redirect *r)
{
	free(r->from);
	free(r->abi);
	free(r->to);
	free(r->signature);
	free(r->object);
	memset(r, 0, sizeof(*r));
}

/* Frees what a failed parse allocated; the caller's fields stay. */
static int parse_failed(struct linked_redirect *r)
{
	free(r->from);
	free(r->abi);
	free(r->to);
	free(r->signature);
	r->from = r->abi = r->to = r->signature = NULL;
	r->original = r->door = false;
	return -1;
}

int redirect_record_parse(const char *text, struct linked_redirect *r,
			  struct rw_error *err)
{
	const char *p = text, *word[3], *sig;
	size_t len[3], siglen;
	int i;

	r->from = r->abi = r->to = r->signature = NULL;
	while (is_blank(*p))
		p++;
	r->original = strncmp(p, "original", 8) == 0 && is_blank(p[8]);
	r->door = strncmp(p, "door", 4) == 0 && is_blank(p[4]);
	if (r->original)
		p += 8;
	if (r->door)
		p += 4;
	for (i = 0; i < 3; i++) {
		while (is_blank(*p))
			p++;
		word[i] = p;
		while (*p && !is_blank(*p))
			p++;
		len[i] = (size_t)(p - word[i]);
		if (len[i] == 0) {
			rw_fail(err, "%d word%s where \"%sFROM ABI C_FUNCTION[ GO_SIGNATURE]\" needs at least 3",
				i, i == 1 ? "" : "s",
				r->original ? "original " : r->door ? "door " : "");
			return parse_failed(r);
		}
	}
	while (is_blank(*p))
		p++;
	sig = p;
	siglen = strlen(sig);
	while (siglen && is_blank(sig[siglen - 1]))
		siglen--;
	r->from = strndup(word[0], len[0]);
	r->abi = strndup(word[1], len[1]);
	r->to = strndup(word[2], len[2]);
	r->signature = strndup(sig, siglen);
	if (!r->from || !r->abi || !r->to || !r->signature) {
		rw_fail(err, "out of memory");
		return parse_failed(r);
	}
	if (redirect_check_symbol(r->from, err) < 0) {
		rw_wrap(err, "FROM: ");
		return parse_failed(r);
	}
	if (strcmp(r->abi, "ABIInternal") != 0 && strcmp(r->abi, "ABI0") != 0) {
		rw_fail(err, "ABI %s is neither ABIInternal nor ABI0", r->abi);
		return parse_failed(r);
	}
	if (!is_c_identifier(r->to, len[2])) {
		rw_fail(err, "%s %.200s%s is not a C identifier", r->original ? "NAME" : "C_FUNCTION",
			r->to, len[2] > 200 ? "..." : "");
		return parse_failed(r);
	}
	return 0;
}
