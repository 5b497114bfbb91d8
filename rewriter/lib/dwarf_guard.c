/* Pre-checks of DWARF sections that the libdwarf in use mishandles when they are corrupt. */
#include "dwarf_guard.h"

#include <gelf.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* libdwarf's do_decompress_zlib refuses to inflate more than this much. */
#define ZLIB_INFLATION_MAX 16

static uint64_t read_le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

/* The section names libdwarf files as its .debug_rnglists. */
static bool is_rnglists(const char *name)
{
	return !strcmp(name, ".debug_rnglists") ||
	       !strcmp(name, ".zdebug_rnglists") ||
	       !strcmp(name, ".debug_rnglists.dwo");
}

/*
 * Inflates a compressed section as libdwarf's do_decompress_zlib does:
 * a "ZLIB" + big-endian size prefix (GNU .zdebug) wins over an Elf64_Chdr.
 * Returns the malloc'd bytes, or NULL when libdwarf would refuse the section
 * itself (it then fails cleanly, before reading any header).
 */
static uint8_t *inflate_section(const uint8_t *src, size_t len, size_t *out_len)
{
	uint64_t size = 0;
	size_t skip, i;
	uLongf dest_len;
	uint8_t *dest;

	if (len < 12)
		return NULL;
	if (!memcmp(src, "ZLIB", 4)) {
		for (i = 4; i < 12; i++)
			size = size << 8 | src[i];
		skip = 12;
	} else {
		if (len < 24 || read_le(src, 4) != ELFCOMPRESS_ZLIB)
			return NULL;
		size = read_le(src + 8, 8);
		skip = 24;
	}
	if (size == 0 || size / ZLIB_INFLATION_MAX > len - skip)
		return NULL;
	dest_len = (uLongf)size;
	dest = malloc(size);
	if (!dest)
		return NULL;
	if (uncompress(dest, &dest_len, src + skip, len - skip) != Z_OK) {
		free(dest);
		return NULL;
	}
	*out_len = dest_len;
	return dest;
}

/*
 * Walks the unit headers as _dwarf_internal_read_rnglists_header reads them
 * (unit length, 64-bit escape, version, address size, segment selector
 * size, offset entry count) and fails on each of its errors. Returns the
 * offset of the first bad header, or -1 when all are good.
 */
static int64_t bad_rnglists_header(const uint8_t *p, uint64_t size, const char **why)
{
	uint64_t off = 0;

	while (off < size) {
		uint64_t at = off, len, unit;

		*why = "truncated header";
		if (size - at < 4)
			return (int64_t)off;
		len = read_le(p + at, 4);
		at += 4;
		unit = len + 4;
		if (len == 0xffffffffu) {
			if (size - at < 8)
				return (int64_t)off;
			len = read_le(p + at, 8);
			at += 8;
			unit = len + 12;
		}
		*why = "unit length larger than the section";
		if (len > size)
			return (int64_t)off;
		*why = "truncated header";
		if (size - at < 2 + 1 + 1 + 4)
			return (int64_t)off;
		*why = "version is not 5";
		if (read_le(p + at, 2) != 5)
			return (int64_t)off;
		*why = "address size is not 2, 4 or 8";
		if (p[at + 2] != 2 && p[at + 2] != 4 && p[at + 2] != 8)
			return (int64_t)off;
		off += unit;
	}
	return -1;
}

static int check_rnglists(Elf_Scn *scn, const GElf_Shdr *sh, const char *name,
			  const char *path, struct rw_error *err)
{
	Elf_Data *data = elf_rawdata(scn, NULL);
	const uint8_t *bytes;
	uint8_t *inflated = NULL;
	size_t size;
	const char *why = "";
	int64_t bad;

	if (sh->sh_type == SHT_NOBITS || !data || (sh->sh_size && !data->d_buf))
		return rw_fail(err, "%s: section %s has no readable file bytes",
			       path, name);
	bytes = data->d_buf;
	size = data->d_size;
	if ((sh->sh_flags & SHF_COMPRESSED) || !strncmp(name, ".zdebug", 7)) {
		inflated = inflate_section(bytes, size, &size);
		if (!inflated)
			return 0;	/* libdwarf refuses it before any header */
		bytes = inflated;
	}
	bad = bad_rnglists_header(bytes, size, &why);
	free(inflated);
	if (bad >= 0)
		return rw_fail(err, "%s: corrupt DWARF: %s at offset 0x%llx: %s",
			       path, name, (unsigned long long)bad, why);
	return 0;
}

int dwarf_guard_check(int fd, const char *path, struct rw_error *err)
{
	Elf *elf;
	Elf_Scn *scn = NULL;
	GElf_Ehdr eh;
	size_t shstrndx;
	int rc = 0;

	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh) ||
	    elf_getshdrstrndx(elf, &shstrndx) != 0) {
		rc = rw_fail(err, "%s: unreadable ELF header or section header table: %s",
			     path, elf_errmsg(-1));
		goto out;
	}
	if (eh.e_ident[EI_DATA] != ELFDATA2LSB) {
		rc = rw_fail(err, "%s: not a little-endian ELF file (rewire handles linux/amd64 Go binaries)",
			     path);
		goto out;
	}
	while (rc == 0 && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *name;

		if (!gelf_getshdr(scn, &sh)) {
			rc = rw_fail(err, "%s: unreadable section header %zu: %s",
				     path, elf_ndxscn(scn), elf_errmsg(-1));
			break;
		}
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (name && is_rnglists(name))
			rc = check_rnglists(scn, &sh, name, path, err);
	}
out:
	if (elf)
		elf_end(elf);
	return rc;
}
