/* Fuzz target: the .note.rewire text (rewire_note_parse). A note that
 * parses must also survive a round trip through rewire_note_format: verify
 * and a second patch run read back what patch wrote. */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "rewire_note.h"

static void check_same(const struct rewire_note *a, const struct rewire_note *b)
{
	size_t i;

	if (a->nredirects != b->nredirects || a->npatches != b->npatches)
		abort();
	for (i = 0; i < a->nredirects; i++) {
		const struct note_redirect *x = &a->redirects[i], *y = &b->redirects[i];

		if (strcmp(x->kind, y->kind) || strcmp(x->from, y->from) ||
		    strcmp(x->to, y->to) || x->from_addr != y->from_addr ||
		    x->to_addr != y->to_addr || x->via != y->via)
			abort();
	}
	for (i = 0; i < a->npatches; i++) {
		const struct note_patch *x = &a->patches[i], *y = &b->patches[i];

		if (x->addr != y->addr || x->len != y->len ||
		    memcmp(x->old_bytes, y->old_bytes, x->len) ||
		    memcmp(x->new_bytes, y->new_bytes, x->len))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rewire_note note, again;
	struct rw_error err;
	char *text = NULL;
	size_t len = 0;

	if (rewire_note_parse(&note, (const char *)data, size, &err) < 0)
		return 0;
	if (rewire_note_format(&note, &text, &len, &err) < 0)
		abort();
	if (rewire_note_parse(&again, text, len, &err) < 0)
		abort();
	check_same(&note, &again);
	rewire_note_free(&again);
	rewire_note_free(&note);
	free(text);
	return 0;
}
