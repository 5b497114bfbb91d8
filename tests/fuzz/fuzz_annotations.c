/* Fuzz target: the //go:redirect-from annotation scanner over one Go file
 * held in memory (annotations_scan_text). */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "annotations.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct redirect_list list = { 0 };
	struct rw_error err;
	char *prefix;
	size_t i;

	/* A prefix with an escaped '.', as a gopkg.in/yaml.v3 package has. */
	prefix = annotations_path_to_prefix("example.com/fuzz/yaml.v3");
	if (!prefix)
		abort();
	annotations_scan_text(&list, (const char *)data, size, "fuzz.go",
			      prefix, &err);
	/* Either kind's TO is the annotated function, named under the prefix. */
	for (i = 0; i < list.count; i++)
		if (strncmp(list.items[i].to, prefix, strlen(prefix)) != 0)
			abort();
	redirect_list_free(&list);
	free(prefix);
	return 0;
}
