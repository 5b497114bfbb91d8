/* Names for code addresses of a kernel image: its ksyms table, else its
 * .symtab functions, as one sorted array. */
#include "image_symbols.h"

#include <stdlib.h>
#include <string.h>

#include "elf_image.h"
#include "ksyms.h"
#include "symtab.h"

struct image_symbols {
	struct elf_image img;	/* the names point into its bytes */
	struct symtab_func *funcs;
	size_t count;
};

/* The table of ksyms.h in section KSYMS_SECTION, checked entry by entry;
 * 0 with no functions when the image has none. */
static int ksyms_read(struct image_symbols *s, struct rw_error *err)
{
	const struct elf_section *sec = elf_image_section(&s->img, KSYMS_SECTION);
	const uint8_t *bytes = elf_image_section_bytes(&s->img, sec);
	struct ksyms_header h;
	const char *names;

	if (!bytes || sec->size < sizeof(h))
		return 0;
	memcpy(&h, bytes, sizeof(h));
	if (h.magic != KSYMS_MAGIC ||
	    h.count > (sec->size - sizeof(h)) / sizeof(struct ksyms_entry) ||
	    h.names_size > sec->size - sizeof(h) - h.count * sizeof(struct ksyms_entry))
		return rw_fail(err, "%s: section %s is not a function table of this rewire",
			       s->img.path, KSYMS_SECTION);
	names = (const char *)bytes + sizeof(h) + h.count * sizeof(struct ksyms_entry);
	s->funcs = calloc(h.count ? h.count : 1, sizeof(*s->funcs));
	if (!s->funcs)
		return rw_fail(err, "%s: out of memory for %llu functions", s->img.path,
			       (unsigned long long)h.count);
	for (uint64_t i = 0; i < h.count; i++) {
		struct ksyms_entry e;

		memcpy(&e, bytes + sizeof(h) + i * sizeof(e), sizeof(e));
		if (e.name >= h.names_size || !memchr(names + e.name, 0, h.names_size - e.name))
			return rw_fail(err, "%s: section %s: function %llu's name lies outside the table",
				       s->img.path, KSYMS_SECTION, (unsigned long long)i);
		s->funcs[i] = (struct symtab_func){ names + e.name, e.addr, e.size };
	}
	s->count = h.count;
	return 0;
}

int image_symbols_open(const char *path, struct image_symbols **out,
		       struct rw_error *err)
{
	struct image_symbols *s = calloc(1, sizeof(*s));

	*out = NULL;
	if (!s)
		return rw_fail(err, "out of memory");
	if (elf_image_open(&s->img, path, err) < 0 || ksyms_read(s, err) < 0 ||
	    (!s->count && symtab_read_funcs(&s->img, &s->funcs, &s->count, err) < 0)) {
		image_symbols_close(s);
		return -1;
	}
	*out = s;
	return 0;
}

const char *image_symbols_name(const struct image_symbols *s, uint64_t addr,
			       uint64_t *offset)
{
	size_t lo = 0, hi = s ? s->count : 0;

	if (!hi)
		return NULL;
	/* The last function starting at or below addr (both tables are
	 * sorted by address). */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->funcs[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	const struct symtab_func *f = &s->funcs[lo];
	if (f->addr > addr || (f->size && addr - f->addr >= f->size))
		return NULL;
	*offset = addr - f->addr;
	return f->name;
}

void image_symbols_close(struct image_symbols *s)
{
	if (!s)
		return;
	free(s->funcs);
	elf_image_close(&s->img);
	free(s);
}
