/* Function symbols of an ELF .symtab, read straight from the file bytes. */
#include "symtab.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* The symbol table and its string table, both checked to lie in the file
 * (elf_image_open checked each section's range). */
static int symtab_sections(const struct elf_image *img, const uint8_t **syms,
			   size_t *nsyms, const char **strs, size_t *strsize,
			   struct rw_error *err)
{
	const struct elf_section *sec = elf_image_section(img, ".symtab");
	const struct elf_section *str;

	*syms = NULL;
	*nsyms = 0;
	if (!sec || sec->type != SHT_SYMTAB)
		return 0;
	if (sec->link >= img->nsections)
		return rw_fail(err, "%s: section .symtab links to string table section %u, past the %zu sections",
			       img->path, sec->link, img->nsections);
	str = &img->sections[sec->link];
	if (str->type != SHT_STRTAB || !elf_image_section_bytes(img, str) ||
	    !elf_image_section_bytes(img, sec))
		return rw_fail(err, "%s: section .symtab: its string table %s is unreadable",
			       img->path, str->name);
	*syms = elf_image_section_bytes(img, sec);
	*nsyms = sec->size / sizeof(Elf64_Sym);
	*strs = (const char *)elf_image_section_bytes(img, str);
	*strsize = str->size;
	return 0;
}

static const char *sym_name(const char *strs, size_t strsize, uint32_t off)
{
	if (off >= strsize || !memchr(strs + off, 0, strsize - off))
		return NULL;
	return strs + off;
}

static int compare_addr(const void *a, const void *b)
{
	const struct symtab_func *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Whether symbol s is one of the kind asked for: a sized function, or a
 * label of assembly code (a function without a size). */
static bool symbol_wanted(const struct elf_image *img, const Elf64_Sym *s,
			  bool labels)
{
	if (ELF64_ST_TYPE(s->st_info) != STT_FUNC || s->st_shndx == SHN_UNDEF)
		return false;
	if (!labels)
		return s->st_size != 0;
	/* Absolute markers (__kernel_text_end) are no code. */
	return s->st_size == 0 && s->st_shndx < img->nsections &&
	       (img->sections[s->st_shndx].flags & SHF_EXECINSTR);
}

static int symtab_collect(const struct elf_image *img, bool labels,
			  struct symtab_func **funcs, size_t *count,
			  struct rw_error *err)
{
	const uint8_t *syms;
	const char *strs = NULL;
	size_t nsyms, strsize = 0, i, n = 0;
	struct symtab_func *out;

	*funcs = NULL;
	*count = 0;
	if (symtab_sections(img, &syms, &nsyms, &strs, &strsize, err) < 0)
		return -1;
	if (!syms)
		return 0;
	out = malloc((nsyms ? nsyms : 1) * sizeof(*out));
	if (!out)
		return rw_fail(err, "%s: out of memory for %zu symbols", img->path, nsyms);
	for (i = 0; i < nsyms; i++) {
		Elf64_Sym s;

		memcpy(&s, syms + i * sizeof(s), sizeof(s));
		if (!symbol_wanted(img, &s, labels))
			continue;
		out[n].name = sym_name(strs, strsize, s.st_name);
		if (!out[n].name) {
			free(out);
			return rw_fail(err, "%s: section .symtab: symbol %zu's name offset 0x%x is outside .strtab",
				       img->path, i, s.st_name);
		}
		out[n].addr = s.st_value;
		out[n].size = s.st_size;
		n++;
	}
	qsort(out, n, sizeof(*out), compare_addr);
	*funcs = out;
	*count = n;
	return 0;
}

int symtab_read_funcs(const struct elf_image *img, struct symtab_func **funcs,
		      size_t *count, struct rw_error *err)
{
	return symtab_collect(img, false, funcs, count, err);
}

int symtab_read_labels(const struct elf_image *img, struct symtab_func **labels,
		       size_t *count, struct rw_error *err)
{
	return symtab_collect(img, true, labels, count, err);
}

uint64_t symtab_next_symbol(const struct elf_image *img, uint64_t after,
			    uint64_t limit, const char **name)
{
	const uint8_t *syms;
	const char *strs = NULL;
	size_t nsyms, strsize = 0, i;
	uint64_t best = 0;

	*name = NULL;
	if (symtab_sections(img, &syms, &nsyms, &strs, &strsize, NULL) < 0 || !syms)
		return 0;
	for (i = 0; i < nsyms; i++) {
		Elf64_Sym s;
		int type;

		memcpy(&s, syms + i * sizeof(s), sizeof(s));
		type = ELF64_ST_TYPE(s.st_info);
		if (type == STT_SECTION || type == STT_FILE ||
		    s.st_shndx == SHN_UNDEF || s.st_shndx >= SHN_LORESERVE ||
		    s.st_value <= after || s.st_value >= limit ||
		    (best && s.st_value >= best))
			continue;
		best = s.st_value;
		*name = sym_name(strs, strsize, s.st_name);
	}
	if (best && !*name)
		*name = "(a symbol without a readable name)";
	return best;
}

/* The first symbol called name into *out; false when there is none. */
static bool symtab_find(const struct elf_image *img, const char *name,
			Elf64_Sym *out)
{
	const uint8_t *syms;
	const char *strs = NULL;
	size_t nsyms, strsize = 0, i;

	if (symtab_sections(img, &syms, &nsyms, &strs, &strsize, NULL) < 0 || !syms)
		return false;
	for (i = 0; i < nsyms; i++) {
		const char *n;

		memcpy(out, syms + i * sizeof(*out), sizeof(*out));
		n = sym_name(strs, strsize, out->st_name);
		if (n && strcmp(n, name) == 0)
			return true;
	}
	return false;
}

uint64_t symtab_lookup(const struct elf_image *img, const char *name)
{
	Elf64_Sym s;

	return symtab_find(img, name, &s) ? s.st_value : 0;
}

int symtab_lookup_type(const struct elf_image *img, const char *name)
{
	Elf64_Sym s;

	return symtab_find(img, name, &s) ? ELF64_ST_TYPE(s.st_info) : -1;
}
