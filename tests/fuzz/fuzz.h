/* What every libFuzzer target shares: the entry point and an in-memory file for path-only parsers. */
#ifndef REWIRE_FUZZ_H
#define REWIRE_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Called by libFuzzer once per input; always returns 0. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Puts the input into one memfd, reused from run to run, and returns a path
 * that opens it ("/proc/self/fd/N"): gobin_open and dwarf_info_open take a
 * path, and a memfd keeps the disk out of the loop. Aborts when the memfd
 * cannot be written: that is the harness failing, not the parser. */
const char *fuzz_input_path(const uint8_t *data, size_t size);

/* Reads s up to its NUL, so that ASan sees a string that is not terminated
 * inside its buffer; the volatile store keeps the compiler from dropping
 * a strlen whose result is unused. */
static inline void fuzz_touch_string(const char *s)
{
	static volatile size_t sink;

	sink = strlen(s);
	(void)sink;
}

#endif
