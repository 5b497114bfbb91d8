/* ELF files read whole into memory and indexed with libelf. */
#include "elf_image.h"

#include <stdlib.h>
#include <string.h>

#include "fsutil.h"

static bool range_in_file(const struct elf_image *img, uint64_t off, uint64_t len)
{
	return off <= img->size && len <= img->size - off;
}

static int index_sections(struct elf_image *img, struct rw_error *err)
{
	size_t shnum, shstrndx, i;

	if (elf_getshdrnum(img->elf, &shnum) != 0 ||
	    elf_getshdrstrndx(img->elf, &shstrndx) != 0)
		return rw_fail(err, "%s: unreadable section header table: %s",
			       img->path, elf_errmsg(-1));
	if (img->ehdr.e_shoff &&
	    (shnum > img->size / sizeof(Elf64_Shdr) ||
	     !range_in_file(img, img->ehdr.e_shoff, shnum * sizeof(Elf64_Shdr))))
		return rw_fail(err, "%s: truncated: the section header table at 0x%llx lies past the end of the file (%zu bytes)",
			       img->path, (unsigned long long)img->ehdr.e_shoff, img->size);
	img->sections = calloc(shnum ? shnum : 1, sizeof(*img->sections));
	if (!img->sections)
		return rw_fail(err, "%s: out of memory", img->path);
	for (i = 0; i < shnum; i++) {
		Elf_Scn *scn = elf_getscn(img->elf, i);
		struct elf_section *s = &img->sections[i];
		GElf_Shdr sh;
		const char *name;

		if (!scn || !gelf_getshdr(scn, &sh))
			return rw_fail(err, "%s: unreadable section header %zu: %s",
				       img->path, i, elf_errmsg(-1));
		name = elf_strptr(img->elf, shstrndx, sh.sh_name);
		s->name = name ? name : "";
		s->index = (uint32_t)i;
		s->type = sh.sh_type;
		s->flags = sh.sh_flags;
		s->addr = sh.sh_addr;
		s->offset = sh.sh_offset;
		s->size = sh.sh_size;
		s->link = sh.sh_link;
		s->entsize = sh.sh_entsize;
		if (s->type != SHT_NOBITS && s->type != SHT_NULL &&
		    !range_in_file(img, s->offset, s->size))
			return rw_fail(err, "%s: truncated: section %s (offset 0x%llx, %llu bytes) extends past the end of the file (%zu bytes)",
				       img->path, s->name,
				       (unsigned long long)s->offset,
				       (unsigned long long)s->size, img->size);
	}
	img->nsections = shnum;
	return 0;
}

static int index_segments(struct elf_image *img, struct rw_error *err)
{
	size_t phnum, i;

	if (elf_getphdrnum(img->elf, &phnum) != 0)
		return rw_fail(err, "%s: unreadable program header table: %s",
			       img->path, elf_errmsg(-1));
	if (phnum > img->size / sizeof(Elf64_Phdr) ||
	    !range_in_file(img, img->ehdr.e_phoff, phnum * sizeof(Elf64_Phdr)))
		return rw_fail(err, "%s: truncated: the program header table lies past the end of the file",
			       img->path);
	img->segments = calloc(phnum ? phnum : 1, sizeof(*img->segments));
	if (!img->segments)
		return rw_fail(err, "%s: out of memory", img->path);
	for (i = 0; i < phnum; i++) {
		GElf_Phdr *ph = &img->segments[i];

		if (!gelf_getphdr(img->elf, (int)i, ph))
			return rw_fail(err, "%s: unreadable program header %zu: %s",
				       img->path, i, elf_errmsg(-1));
		if (ph->p_type == PT_LOAD &&
		    (!range_in_file(img, ph->p_offset, ph->p_filesz) ||
		     ph->p_filesz > ph->p_memsz))
			return rw_fail(err, "%s: truncated or corrupt: segment %zu (offset 0x%llx, %llu bytes) does not fit the file (%zu bytes)",
				       img->path, i, (unsigned long long)ph->p_offset,
				       (unsigned long long)ph->p_filesz, img->size);
	}
	img->nsegments = phnum;
	return 0;
}

int elf_image_from_buffer(struct elf_image *img, const char *path,
			  uint8_t *bytes, size_t size, struct rw_error *err)
{
	memset(img, 0, sizeof(*img));
	img->bytes = bytes;
	img->size = size;
	img->path = strdup(path);
	if (!img->path) {
		free(bytes);
		img->bytes = NULL;
		return rw_fail(err, "%s: out of memory", path);
	}
	if (size < EI_NIDENT || memcmp(bytes, ELFMAG, SELFMAG) != 0) {
		rw_fail(err, "%s: not an ELF file", path);
		goto fail;
	}
	if (bytes[EI_CLASS] != ELFCLASS64 || bytes[EI_DATA] != ELFDATA2LSB) {
		rw_fail(err, "%s: not a 64-bit little-endian ELF file (rewire handles linux/amd64 Go binaries)", path);
		goto fail;
	}
	if (size < sizeof(Elf64_Ehdr)) {
		rw_fail(err, "%s: truncated: %zu bytes, shorter than an ELF header", path, size);
		goto fail;
	}
	elf_version(EV_CURRENT);
	img->elf = elf_memory((char *)bytes, size);
	if (!img->elf || elf_kind(img->elf) != ELF_K_ELF ||
	    !gelf_getehdr(img->elf, &img->ehdr)) {
		rw_fail(err, "%s: unreadable ELF header: %s", path, elf_errmsg(-1));
		goto fail;
	}
	if (img->ehdr.e_machine != EM_X86_64) {
		rw_fail(err, "%s: ELF machine %u is not x86-64 (rewire handles linux/amd64 Go binaries)",
			path, img->ehdr.e_machine);
		goto fail;
	}
	if (img->ehdr.e_type != ET_EXEC && img->ehdr.e_type != ET_DYN) {
		rw_fail(err, "%s: ELF type %u is not an executable", path, img->ehdr.e_type);
		goto fail;
	}
	if (index_segments(img, err) < 0 || index_sections(img, err) < 0)
		goto fail;
	return 0;
fail:
	elf_image_close(img);
	return -1;
}

int elf_image_open(struct elf_image *img, const char *path, struct rw_error *err)
{
	uint8_t *bytes = NULL;
	size_t size = 0;

	memset(img, 0, sizeof(*img));
	if (file_read_all(path, &bytes, &size, err) < 0)
		return -1;
	return elf_image_from_buffer(img, path, bytes, size, err);
}

void elf_image_close(struct elf_image *img)
{
	if (img->elf)
		elf_end(img->elf);
	free(img->sections);
	free(img->segments);
	free(img->bytes);
	free(img->path);
	memset(img, 0, sizeof(*img));
}

const struct elf_section *elf_image_section(const struct elf_image *img,
					    const char *name)
{
	size_t i;

	for (i = 0; i < img->nsections; i++)
		if (strcmp(img->sections[i].name, name) == 0)
			return &img->sections[i];
	return NULL;
}

const uint8_t *elf_image_section_bytes(const struct elf_image *img,
				       const struct elf_section *sec)
{
	if (!sec || sec->type == SHT_NOBITS || (sec->flags & SHF_COMPRESSED))
		return NULL;
	return img->bytes + sec->offset;
}

int64_t elf_image_vaddr_offset(const struct elf_image *img, uint64_t addr,
			       uint64_t len)
{
	size_t i;

	for (i = 0; i < img->nsegments; i++) {
		const GElf_Phdr *ph = &img->segments[i];

		if (ph->p_type != PT_LOAD || addr < ph->p_vaddr)
			continue;
		if (addr - ph->p_vaddr > ph->p_filesz ||
		    len > ph->p_filesz - (addr - ph->p_vaddr))
			continue;
		return (int64_t)(ph->p_offset + (addr - ph->p_vaddr));
	}
	return -1;
}

const uint8_t *elf_image_vaddr_bytes(const struct elf_image *img,
				     uint64_t addr, uint64_t len)
{
	int64_t off = elf_image_vaddr_offset(img, addr, len);

	return off < 0 ? NULL : img->bytes + off;
}

bool elf_image_is_dynamic(const struct elf_image *img)
{
	size_t i;

	if (img->ehdr.e_type == ET_DYN)
		return true;
	for (i = 0; i < img->nsegments; i++)
		if (img->segments[i].p_type == PT_INTERP)
			return true;
	return false;
}
