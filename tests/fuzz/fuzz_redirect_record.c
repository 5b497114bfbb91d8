/* Fuzz target: a .rewire.redirects section of a C object, its NUL-separated
 * records "[original] FROM ABI C_FUNCTION[ SIGNATURE]" (redirect_record_parse),
 * then what rewire does with an accepted one: the redirect list c_link adds
 * it to (redirect_list_add), the Go signature from the same record
 * (abi_sig_parse) and the stub or original function generated from it
 * (abi_stub_emit, abi_original_emit). An accepted record written back in its
 * canonical form must parse to the same fields. */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi_stub.h"
#include "redirect.h"
#include "redirect_record.h"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static void check_word(const char *w)
{
	if (!*w)
		abort();
	for (; *w; w++)
		if (is_blank(*w))
			abort();
}

static void check_sig(const struct abi_sig *s)
{
	unsigned end = 0;

	if (s->nparams > ABI_MAX_PARAM_WORDS || s->nresults > ABI_MAX_RESULT_WORDS)
		abort();
	/* ABI0 frame: words in order, none overlapping, all inside. */
	for (size_t i = 0; i < s->nparams + s->nresults; i++) {
		const struct abi_word *w = i < s->nparams ? &s->params[i] :
				&s->results[i - s->nparams];

		if (w->size != 1 && w->size != 2 && w->size != 4 && w->size != 8)
			abort();
		if (w->cls != ABI_INT && w->cls != ABI_F32 && w->cls != ABI_F64)
			abort();
		if (w->offset < end || w->offset % w->size)
			abort();
		end = w->offset + w->size;
	}
	if (end > s->frame_size || s->frame_size % 8)
		abort();
}

/* The generated assembly goes nowhere: only the emitters' reads count. */
static FILE *sink(void)
{
	static FILE *f;

	if (!f)
		f = fopen("/dev/null", "w");
	if (!f)
		abort();
	return f;
}

static void one_record(const char *text, struct redirect_list *list)
{
	struct linked_redirect r = { 0 }, again = { 0 };
	struct rw_error err = { { 0 } };
	struct abi_sig sig;
	char *canon = NULL, *from = NULL, *stub = NULL;
	bool abi0;
	size_t len;

	if (redirect_record_parse(text, &r, &err) < 0) {
		if (r.from || r.abi || r.to || r.signature || !err.msg[0])
			abort();
		fuzz_touch_string(err.msg);
		return;
	}
	check_word(r.from);
	check_word(r.abi);
	check_word(r.to);
	len = strlen(r.signature);
	if (len && (is_blank(r.signature[0]) || is_blank(r.signature[len - 1])))
		abort();
	if (redirect_check_symbol(r.from, NULL) < 0)
		abort();
	abi0 = strcmp(r.abi, "ABI0") == 0;
	if (!abi0 && strcmp(r.abi, "ABIInternal") != 0)
		abort();

	/* Written back as REWIRE_FROM / REWIRE_ORIGINAL would. */
	if (asprintf(&canon, "%s%s %s %s%s%s",
		     r.original ? "original " : r.door ? "door " : "", r.from,
		     r.abi, r.to, len ? " " : "", r.signature) < 0)
		abort();
	if (redirect_record_parse(canon, &again, &err) < 0 ||
	    again.original != r.original || again.door != r.door ||
	    strcmp(again.from, r.from) ||
	    strcmp(again.abi, r.abi) || strcmp(again.to, r.to) ||
	    strcmp(again.signature, r.signature))
		abort();
	redirect_record_free(&again);
	free(canon);

	/* As c_link's collect: an ABI0 FROM gets its .abi0 suffix. The list
	 * may refuse (a conflict, a name grown too long), with a message. */
	len = strlen(r.from);
	if (abi0 && !(len > 5 && strcmp(r.from + len - 5, ".abi0") == 0)) {
		if (asprintf(&from, "%s.abi0", r.from) < 0)
			abort();
	} else if (!(from = strdup(r.from))) {
		abort();
	}
	if (redirect_list_add(list, r.original ? REDIRECT_ORIGINAL : REDIRECT_REPLACE,
			      from, r.to, "fuzz.o", &err) < 0)
		fuzz_touch_string(err.msg);
	free(from);

	/* The signature, when the record has one, is untrusted text too. */
	if (r.signature[0]) {
		if (abi_sig_parse(r.signature, &sig, &err) < 0) {
			fuzz_touch_string(err.msg);
		} else {
			check_sig(&sig);
			if (r.original) {
				if (abi_original_emit(sink(), r.to, abi0, &sig, &err) < 0)
					fuzz_touch_string(err.msg);
			} else {
				if (asprintf(&stub, "rewire_stub_%s", r.to) < 0)
					abort();
				if (abi_stub_emit(sink(), stub, r.to, abi0, &sig, &err) < 0)
					fuzz_touch_string(err.msg);
				free(stub);
			}
		}
	}
	redirect_record_free(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct redirect_list list = { 0 };
	size_t off = 0;

	/* As the linker reads a section: NUL-terminated records, empty ones
	 * (alignment padding) skipped. A last record without its NUL is an
	 * error there; here it is parsed too. Each record gets a buffer of
	 * its own size, so that a read past its NUL is caught. */
	while (off < size) {
		const uint8_t *nul = memchr(data + off, 0, size - off);
		size_t n = nul ? (size_t)(nul - (data + off)) : size - off;
		char *text;

		if (n) {
			text = malloc(n + 1);
			if (!text)
				abort();
			memcpy(text, data + off, n);
			text[n] = '\0';
			one_record(text, &list);
			free(text);
		}
		off += n + 1;
	}
	redirect_list_free(&list);
	return 0;
}
