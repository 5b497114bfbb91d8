/* Decoding of the build information blob the Go linker writes into .go.buildinfo. */
#include "buildinfo.h"

#include <stdlib.h>
#include <string.h>

static const char buildinfo_magic[] = "\xff Go buildinf:";
#define MAGIC_LEN 14
#define HEADER_LEN 32
#define FLAGS_VERSION_INLINE 0x2
#define FLAGS_BIG_ENDIAN 0x1

/* A bounded view of file bytes at a virtual address. */
struct blob {
	const struct elf_image *img;
	uint64_t addr;
	const uint8_t *p;
	uint64_t len;
};

static char *dup_range(const char *s, size_t len)
{
	char *out = malloc(len + 1);

	if (!out)
		return NULL;
	memcpy(out, s, len);
	out[len] = '\0';
	return out;
}

/* Reads a varint-prefixed string at *off in b (Go 1.18+ format). */
static int read_inline_string(const struct blob *b, uint64_t *off, const char **s,
			      uint64_t *len)
{
	uint64_t v = 0;
	unsigned shift = 0;

	for (;;) {
		if (*off >= b->len || shift > 63)
			return -1;
		uint8_t c = b->p[(*off)++];
		v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			break;
		shift += 7;
	}
	if (v > b->len - *off)
		return -1;
	*s = (const char *)b->p + *off;
	*len = v;
	*off += v;
	return 0;
}

/* Reads a Go string header {ptr, len} at vaddr addr (pre-1.18 format). */
static int read_pointer_string(const struct elf_image *img, uint64_t addr,
			       const char **s, uint64_t *len)
{
	const uint8_t *hdr = elf_image_vaddr_bytes(img, addr, 16);
	uint64_t ptr;

	if (!hdr)
		return -1;
	memcpy(&ptr, hdr, 8);
	memcpy(len, hdr + 8, 8);
	if (*len == 0) {
		*s = "";
		return 0;
	}
	*s = (const char *)elf_image_vaddr_bytes(img, ptr, *len);
	return *s ? 0 : -1;
}

static int find_blob(const struct elf_image *img, struct blob *b)
{
	const struct elf_section *sec = elf_image_section(img, ".go.buildinfo");
	size_t i;

	b->img = img;
	if (sec && elf_image_section_bytes(img, sec) && sec->size >= HEADER_LEN) {
		b->p = elf_image_section_bytes(img, sec);
		b->len = sec->size;
		b->addr = sec->addr;
		if (memcmp(b->p, buildinfo_magic, MAGIC_LEN) == 0)
			return 0;
	}
	/* Without section headers the linker still puts the blob at a 16-byte
	 * boundary near the start of the data segment. */
	for (i = 0; i < img->nsegments; i++) {
		const GElf_Phdr *ph = &img->segments[i];
		uint64_t off;

		if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_W))
			continue;
		for (off = (16 - ph->p_vaddr % 16) % 16;
		     off + HEADER_LEN <= ph->p_filesz; off += 16) {
			const uint8_t *p = img->bytes + ph->p_offset + off;

			if (memcmp(p, buildinfo_magic, MAGIC_LEN) != 0)
				continue;
			b->p = p;
			b->len = ph->p_filesz - off;
			b->addr = ph->p_vaddr + off;
			return 0;
		}
	}
	return -1;
}

int buildinfo_parse_modinfo(struct buildinfo *bi, const char *mod, size_t len)
{
	const char *p = mod, *end = mod + len;

	/* The linker wraps the text in two 16-byte sentinels; debug/buildinfo
	 * strips them when the text before the closing one ends a line. */
	if (len >= 33 && mod[len - 17] == '\n') {
		p = mod + 16;
		end = mod + len - 16;
	}
	free(bi->main_package);
	free(bi->module_path);
	bi->main_package = NULL;
	bi->module_path = NULL;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *line_end = nl ? nl : end;
		size_t n = (size_t)(line_end - p);

		if (n > 5 && memcmp(p, "path\t", 5) == 0 && !bi->main_package)
			bi->main_package = dup_range(p + 5, n - 5);
		else if (n > 4 && memcmp(p, "mod\t", 4) == 0 && !bi->module_path) {
			const char *tab = memchr(p + 4, '\t', n - 4);
			bi->module_path = dup_range(p + 4, (size_t)((tab ? tab : line_end) - (p + 4)));
		}
		p = line_end + (nl ? 1 : 0);
	}
	if (!bi->main_package)
		bi->main_package = dup_range("", 0);
	if (!bi->module_path)
		bi->module_path = dup_range("", 0);
	return bi->main_package && bi->module_path ? 0 : -1;
}

static int version_minor(const char *v)
{
	int minor = 0;

	if (strncmp(v, "go1.", 4) != 0)
		return 0;
	for (v += 4; *v >= '0' && *v <= '9' && minor < 1000; v++)
		minor = minor * 10 + (*v - '0');
	return minor;
}

int buildinfo_read(const struct elf_image *img, struct buildinfo *bi,
		   struct rw_error *err)
{
	struct blob b = { 0 };
	const char *vers = NULL, *mod = NULL;
	uint64_t vlen = 0, mlen = 0, off = HEADER_LEN;
	uint8_t flags;

	memset(bi, 0, sizeof(*bi));
	if (find_blob(img, &b) < 0)
		return rw_fail(err, "%s: not a Go binary (no .go.buildinfo section and no \"\\xff Go buildinf:\" magic in a data segment)",
			       img->path);
	flags = b.p[15];
	if (flags & FLAGS_VERSION_INLINE) {
		if (read_inline_string(&b, &off, &vers, &vlen) < 0 ||
		    read_inline_string(&b, &off, &mod, &mlen) < 0)
			return rw_fail(err, "%s: corrupt .go.buildinfo at 0x%llx: its version or module string runs past the blob",
				       img->path, (unsigned long long)b.addr);
	} else {
		uint64_t vptr, mptr;

		if (b.p[14] != 8 || (flags & FLAGS_BIG_ENDIAN))
			return rw_fail(err, "%s: .go.buildinfo at 0x%llx: pointer size %u or byte order is not amd64's",
				       img->path, (unsigned long long)b.addr, b.p[14]);
		memcpy(&vptr, b.p + 16, 8);
		memcpy(&mptr, b.p + 24, 8);
		if (read_pointer_string(img, vptr, &vers, &vlen) < 0 ||
		    read_pointer_string(img, mptr, &mod, &mlen) < 0)
			return rw_fail(err, "%s: corrupt .go.buildinfo at 0x%llx: its version or module pointer is outside the file",
				       img->path, (unsigned long long)b.addr);
	}
	if (vlen == 0)
		return rw_fail(err, "%s: not a Go binary (.go.buildinfo at 0x%llx has no Go version)",
			       img->path, (unsigned long long)b.addr);
	bi->go_version = dup_range(vers, vlen);
	if (!bi->go_version || buildinfo_parse_modinfo(bi, mod, mlen) < 0) {
		buildinfo_free(bi);
		return rw_fail(err, "%s: out of memory", img->path);
	}
	bi->go_minor = version_minor(bi->go_version);
	return 0;
}

void buildinfo_free(struct buildinfo *bi)
{
	free(bi->go_version);
	free(bi->main_package);
	free(bi->module_path);
	memset(bi, 0, sizeof(*bi));
}
