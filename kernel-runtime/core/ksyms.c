/* Names for code addresses, from the table `rewire image` writes
 * (include/ksyms.h): what a crash dump prints beside each address. */
#include "ksyms.h"

#include "kernel.h"
#include "platform.h"

/* Set in the image's bytes by `rewire image`; NULL in a test kernel. */
__attribute__((section(KSYMS_POINTER_SECTION), used))
const struct ksyms_header *rewire_ksyms = (const void *)0;

const char *kcore_symbolize(uint64_t addr, uint64_t *offset)
{
	const struct ksyms_header *h = rewire_ksyms;

	if (!h || h->magic != KSYMS_MAGIC || h->count == 0)
		return NULL;
	const struct ksyms_entry *e = (const void *)(h + 1);
	const char *names = (const char *)(e + h->count);
	/* The last entry at or below addr. */
	uint64_t lo = 0, hi = h->count;
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;
		if (e[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	const struct ksyms_entry *f = &e[lo];
	if (f->addr > addr || f->name >= h->names_size)
		return NULL;
	/* Past a known size, addr is padding or code the table lacks. */
	if (f->size && addr - f->addr >= f->size)
		return NULL;
	*offset = addr - f->addr;
	return names + f->name;
}
