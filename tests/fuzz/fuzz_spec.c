/* Fuzz target: spec files (spec_parse_text), including the redirect checks
 * every line goes through. */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct redirect_list list = { 0 };
	struct rw_error err;
	size_t i;

	spec_parse_text(&list, (const char *)data, size, "fuzz.spec", &err);
	/* What was accepted is well-formed: both names, and an origin. */
	for (i = 0; i < list.count; i++)
		if (!*list.items[i].from || !*list.items[i].to ||
		    !strchr(list.items[i].origin, ':'))
			abort();
	redirect_list_free(&list);
	return 0;
}
