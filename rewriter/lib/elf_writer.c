/* Writing a changed copy of an ELF executable with libelf (ELF_F_LAYOUT: we
 * place everything; nothing already in the file moves except the section
 * header table, which goes to the end so that the program header table can
 * grow into its old place — see DESIGN.md). */
#include "elf_writer.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"

#define PAGE_SIZE 0x1000ULL

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

uint64_t elf_writer_next_vaddr(const struct elf_image *img)
{
	uint64_t end = 0;
	size_t i;

	for (i = 0; i < img->nsegments; i++) {
		const GElf_Phdr *ph = &img->segments[i];

		if (ph->p_type == PT_LOAD && ph->p_vaddr + ph->p_memsz > end)
			end = ph->p_vaddr + ph->p_memsz;
	}
	return align_up(end, PAGE_SIZE);
}

/* The lowest file offset of any section's bytes: the program header table
 * must end before it. */
static uint64_t first_section_offset(const struct elf_image *img)
{
	uint64_t first = img->size;
	size_t i;

	for (i = 1; i < img->nsections; i++) {
		const struct elf_section *s = &img->sections[i];

		if (s->type != SHT_NULL && s->type != SHT_NOBITS && s->size &&
		    s->offset < first)
			first = s->offset;
	}
	return first;
}

static bool has_file_bytes(const struct elf_section *s)
{
	return s->type != SHT_NULL && s->type != SHT_NOBITS && s->size;
}

/*
 * Where the new bytes start. Adding symbols moves .symtab and .strtab
 * behind the new segments; when they (and .shstrtab) are all that ends the
 * file, as Go's linker lays it out, the new bytes take their place instead
 * of leaving it zeroed: the offset of the first of them. Else the file's end.
 */
static uint64_t free_tail(const struct elf_image *img, const struct elf_changes *ch)
{
	const struct elf_section *symtab = NULL, *strtab = NULL, *shstr = NULL;
	uint64_t lo, headers;
	size_t i;

	if (!ch->nsymbols || !ch->nsegments)
		return img->size;
	for (i = 1; i < img->nsections; i++)
		if (img->sections[i].type == SHT_SYMTAB) {
			symtab = &img->sections[i];
			break;
		}
	if (!symtab || symtab->link == 0 || symtab->link >= img->nsections)
		return img->size;
	strtab = &img->sections[symtab->link];
	if (img->ehdr.e_shstrndx < img->nsections)
		shstr = &img->sections[img->ehdr.e_shstrndx];
	lo = symtab->offset < strtab->offset ? symtab->offset : strtab->offset;
	for (i = 1; i < img->nsections; i++) {
		const struct elf_section *s = &img->sections[i];

		if (s == symtab || s == strtab || !has_file_bytes(s))
			continue;
		if (s == shstr && s->offset >= lo) /* it moves too */
			continue;
		if (s->offset + s->size > lo)
			return img->size;
	}
	headers = img->ehdr.e_shoff + (uint64_t)img->nsections * sizeof(Elf64_Shdr);
	if (img->ehdr.e_shoff && headers > lo)
		return img->size;
	headers = img->ehdr.e_phoff + (uint64_t)img->nsegments * sizeof(Elf64_Phdr);
	return headers > lo ? img->size : lo;
}

static int apply_patch(Elf *elf, const struct elf_image *img,
		       const struct byte_patch *p, struct rw_error *err)
{
	size_t i;

	for (i = 1; i < img->nsections; i++) {
		const struct elf_section *s = &img->sections[i];
		Elf_Scn *scn;
		Elf_Data *data;

		if (!(s->flags & SHF_ALLOC) || s->type == SHT_NOBITS ||
		    p->addr < s->addr || p->addr - s->addr >= s->size ||
		    p->len > s->size - (p->addr - s->addr))
			continue;
		scn = elf_getscn(elf, i);
		data = scn ? elf_getdata(scn, NULL) : NULL;
		if (!data || !data->d_buf || data->d_size != s->size)
			return rw_fail(err, "%s: cannot read section %s to patch 0x%llx: %s",
				       img->path, s->name,
				       (unsigned long long)p->addr, elf_errmsg(-1));
		memcpy((uint8_t *)data->d_buf + (p->addr - s->addr), p->bytes, p->len);
		elf_flagdata(data, ELF_C_SET, ELF_F_DIRTY);
		return 0;
	}
	return rw_fail(err, "%s: no section holds the %zu bytes to patch at 0x%llx",
		       img->path, p->len, (unsigned long long)p->addr);
}

/* Appends name to .shstrtab's data, returning its index in the table. */
static int shstrtab_add(Elf_Scn *shstr, GElf_Shdr *shstr_hdr,
			const char *name, size_t *index)
{
	Elf_Data *d = elf_newdata(shstr);

	if (!d)
		return -1;
	d->d_buf = (void *)name;
	d->d_size = strlen(name) + 1;
	d->d_off = (off_t)shstr_hdr->sh_size;
	d->d_align = 1;
	d->d_type = ELF_T_BYTE;
	*index = shstr_hdr->sh_size;
	shstr_hdr->sh_size += d->d_size;
	return 0;
}

/* The section add_section made last (for its index). */
static Elf_Scn *scn_last;

/* The symbols and names add_symbols hands to libelf (see there). */
static Elf64_Sym *symbols_buf;
static char *names_buf;

static Elf_Scn *add_section(Elf *elf, const GElf_Shdr *hdr, void *bytes,
			    size_t size, uint64_t align)
{
	Elf_Scn *scn = scn_last = elf_newscn(elf);
	Elf_Data *d;
	GElf_Shdr sh = *hdr;

	if (!scn || !gelf_update_shdr(scn, &sh))
		return NULL;
	d = elf_newdata(scn);
	if (!d)
		return NULL;
	d->d_buf = bytes;
	d->d_size = size;
	d->d_off = 0;
	d->d_align = align;
	d->d_type = ELF_T_BYTE;
	return scn;
}

/* Builds a note record: namesz, descsz, type, name (4-aligned), desc (4-aligned). */
static uint8_t *note_build(const struct new_note *n, size_t *len)
{
	size_t namesz = strlen(n->owner) + 1;
	size_t total = 12 + align_up(namesz, 4) + align_up(n->desc_len, 4);
	uint8_t *buf = calloc(1, total);
	uint32_t hdr[3] = { (uint32_t)namesz, (uint32_t)n->desc_len, n->type };

	if (!buf)
		return NULL;
	memcpy(buf, hdr, sizeof(hdr));
	memcpy(buf + 12, n->owner, namesz);
	if (n->desc_len)
		memcpy(buf + 12 + align_up(namesz, 4), n->desc, n->desc_len);
	*len = total;
	return buf;
}

/* Rewrites the program header table with one PT_LOAD per new segment
 * inserted after the last PT_LOAD (loaders want them sorted by address);
 * added holds those, then the new PT_NOTE headers. */
static int rewrite_phdrs(Elf *elf, const struct elf_image *img,
			 const GElf_Phdr *added, size_t nadded,
			 struct rw_error *err)
{
	size_t n = img->nsegments + nadded, last_load = 0, i, j = 0;
	uint64_t table_end = img->ehdr.e_phoff + n * sizeof(Elf64_Phdr);

	/* The table stays where the first PT_LOAD maps it (PT_PHDR must lie in
	 * a loaded segment), so it grows in place: Go's own linker leaves
	 * about 70 entries of room after it, the system linker of a cgo build
	 * (-linkmode=external) none. */
	if (table_end > first_section_offset(img))
		return rw_fail(err, "%s: no room for %zu more program headers: the table at 0x%llx can only grow up to the first section at 0x%llx. Go's own linker leaves that room, the system linker that links cgo builds leaves none: build it with CGO_ENABLED=0",
			       img->path, nadded, (unsigned long long)img->ehdr.e_phoff,
			       (unsigned long long)first_section_offset(img));
	for (i = 0; i < img->nsegments; i++)
		if (img->segments[i].p_type == PT_LOAD)
			last_load = i;
	if (!gelf_newphdr(elf, n))
		return rw_fail(err, "%s: cannot grow the program header table: %s",
			       img->path, elf_errmsg(-1));
	for (i = 0; i < img->nsegments; i++) {
		GElf_Phdr ph = img->segments[i];

		if (ph.p_type == PT_PHDR)
			ph.p_filesz = ph.p_memsz = n * sizeof(Elf64_Phdr);
		if (!gelf_update_phdr(elf, (int)j++, &ph))
			goto fail;
		if (i == last_load) {
			size_t k;

			for (k = 0; k < nadded; k++) {
				GElf_Phdr nph = added[k];

				if (!gelf_update_phdr(elf, (int)j++, &nph))
					goto fail;
			}
		}
	}
	return 0;
fail:
	return rw_fail(err, "%s: cannot write program headers: %s", img->path,
		       elf_errmsg(-1));
}

/* Zeroes what is left of the old section header table after it moved to
 * the end, so no stale headers linger between the program headers and the
 * first section. */
static int clear_old_shdrs(int fd, const struct elf_image *img,
			   const struct elf_changes *ch, struct rw_error *err)
{
	uint64_t start = img->ehdr.e_shoff;
	uint64_t stop = start + img->nsections * sizeof(Elf64_Shdr);
	uint64_t phdr_end = img->ehdr.e_phoff +
			    (img->nsegments + ch->nsegments + ch->nnote_segments) *
			    sizeof(Elf64_Phdr);
	static const uint8_t zeros[4096];

	if (!(ch->nsegments || ch->note) || !start ||
	    stop > first_section_offset(img))
		return 0;
	if (start < phdr_end)
		start = phdr_end;
	while (start < stop) {
		size_t n = stop - start < sizeof(zeros) ? stop - start : sizeof(zeros);

		if (pwrite(fd, zeros, n, (off_t)start) != (ssize_t)n)
			return rw_fail(err, "%s: write failed: %s", img->path,
				       strerror(errno));
		start += n;
	}
	return 0;
}

/*
 * Appends ch->symbols to .symtab (as globals, after every local, so sh_info
 * stays right) and their names to .strtab. Both move to the file's tail,
 * after *end, since Go's linker leaves no room behind them; their old place
 * holds the new segments (free_tail) or is zeroed by libelf.
 */
static int add_symbols(Elf *elf, const struct elf_image *img,
		       const struct elf_changes *ch, const size_t *scn_index,
		       uint64_t *end, struct rw_error *err)
{
	Elf_Scn *symtab = NULL, *strtab, *scn = NULL;
	GElf_Shdr symhdr, strhdr;
	Elf64_Sym *syms;
	Elf_Data *d;
	char *names;
	size_t names_len = 0, i, k;

	while ((scn = elf_nextscn(elf, scn)))
		if (gelf_getshdr(scn, &symhdr) && symhdr.sh_type == SHT_SYMTAB) {
			symtab = scn;
			break;
		}
	if (!symtab)
		return rw_fail(err, "%s has no .symtab to add the C symbols to (built with -ldflags=-s)",
			       img->path);
	strtab = elf_getscn(elf, symhdr.sh_link);
	if (!strtab || !gelf_getshdr(strtab, &strhdr))
		return rw_fail(err, "%s: .symtab has no string table: %s", img->path,
			       elf_errmsg(-1));
	for (i = 0; i < ch->nsymbols; i++)
		names_len += strlen(ch->symbols[i].name) + 1;
	/* libelf reads these at elf_update; write_changes frees them after. */
	symbols_buf = syms = calloc(ch->nsymbols, sizeof(*syms));
	names_buf = names = malloc(names_len ? names_len : 1);
	if (!syms || !names)
		return rw_fail(err, "out of memory");
	names_len = 0;
	for (i = 0; i < ch->nsymbols; i++) {
		const struct new_symbol *ns = &ch->symbols[i];
		uint16_t shndx = SHN_ABS;

		for (k = 0; k < ch->nsegments; k++) {
			const struct new_segment *seg = &ch->segments[k];
			size_t span = seg->memsz > seg->size ? seg->memsz : seg->size;

			if (ns->addr >= seg->addr && ns->addr < seg->addr + span)
				shndx = (uint16_t)scn_index[k];
		}
		syms[i].st_name = (Elf64_Word)(strhdr.sh_size + names_len);
		syms[i].st_info = ELF64_ST_INFO(STB_GLOBAL, ns->is_func ? STT_FUNC : STT_OBJECT);
		syms[i].st_shndx = shndx;
		syms[i].st_value = ns->addr;
		syms[i].st_size = ns->size;
		memcpy(names + names_len, ns->name, strlen(ns->name) + 1);
		names_len += strlen(ns->name) + 1;
	}
	for (d = NULL; (d = elf_getdata(symtab, d));)
		elf_flagdata(d, ELF_C_SET, ELF_F_DIRTY);
	for (d = NULL; (d = elf_getdata(strtab, d));)
		elf_flagdata(d, ELF_C_SET, ELF_F_DIRTY);
	if (!(d = elf_newdata(symtab)))
		goto fail;
	d->d_buf = syms;
	d->d_size = ch->nsymbols * sizeof(*syms);
	d->d_off = (off_t)symhdr.sh_size;
	d->d_align = 8;
	d->d_type = ELF_T_SYM;
	if (!(d = elf_newdata(strtab)))
		goto fail;
	d->d_buf = names;
	d->d_size = names_len;
	d->d_off = (off_t)strhdr.sh_size;
	d->d_align = 1;
	d->d_type = ELF_T_BYTE;
	symhdr.sh_offset = align_up(*end, 8);
	symhdr.sh_size += ch->nsymbols * sizeof(*syms);
	strhdr.sh_offset = symhdr.sh_offset + symhdr.sh_size;
	strhdr.sh_size += names_len;
	*end = strhdr.sh_offset + strhdr.sh_size;
	if (!gelf_update_shdr(symtab, &symhdr) || !gelf_update_shdr(strtab, &strhdr))
		goto fail;
	return 0;
fail:
	return rw_fail(err, "%s: cannot extend .symtab: libelf: %s", img->path,
		       elf_errmsg(-1));
}

static int write_changes(int fd, const struct elf_image *img,
			 const struct elf_changes *ch, struct rw_error *err)
{
	Elf *elf = elf_begin(fd, ELF_C_RDWR, NULL);
	GElf_Phdr *added = NULL;
	size_t *names = NULL, *scn_index = NULL;
	uint8_t *note = NULL;
	size_t note_len = 0, i, shstrndx;
	uint64_t end = img->size, tail;
	Elf_Scn *shstr, *old_note = NULL;
	GElf_Shdr shstr_hdr;
	GElf_Ehdr eh;
	int rc = -1;

	if (!elf)
		return rw_fail(err, "%s: libelf cannot reopen the copy: %s",
			       img->path, elf_errmsg(-1));
	elf_flagelf(elf, ELF_C_SET, ELF_F_LAYOUT);
	for (i = 0; i < ch->npatches; i++)
		if (apply_patch(elf, img, &ch->patches[i], err) < 0)
			goto out;

	if (elf_getshdrstrndx(elf, &shstrndx) != 0 ||
	    !(shstr = elf_getscn(elf, shstrndx)) || !gelf_getshdr(shstr, &shstr_hdr) ||
	    !elf_getdata(shstr, NULL)) {
		rw_fail(err, "%s: unreadable .shstrtab: %s", img->path, elf_errmsg(-1));
		goto out;
	}
	/* New section names extend .shstrtab. Go 1.20+ puts it at the file's
	 * tail, where it can grow in place; older linkers put it between
	 * sections, so it moves to the tail (libelf zeroes its old place), as
	 * it does when the tail is taken back from a moving .symtab. */
	tail = free_tail(img, ch);
	if ((shstr_hdr.sh_offset + shstr_hdr.sh_size != img->size || tail != img->size) &&
	    (ch->nsegments || ch->note)) {
		/* libelf writes only dirty data: mark the old names to move. */
		Elf_Data *d = NULL;

		while ((d = elf_getdata(shstr, d)))
			elf_flagdata(d, ELF_C_SET, ELF_F_DIRTY);
		shstr_hdr.sh_offset = tail;
	}

	added = calloc(ch->nsegments + ch->nnote_segments + 1, sizeof(*added));
	names = calloc(ch->nsegments + 1, sizeof(*names));
	scn_index = calloc(ch->nsegments + 1, sizeof(*scn_index));
	if (!added || !names || !scn_index) {
		rw_fail(err, "out of memory");
		goto out;
	}
	/* Names first: .shstrtab grows in place, the new bytes go after it. */
	for (i = 0; i < ch->nsegments; i++)
		if (shstrtab_add(shstr, &shstr_hdr, ch->segments[i].section_name,
				 &names[i]) < 0)
			goto libelf_fail;
	/* A binary rewire changed before (an image of a patched binary) has
	 * the note already: its section takes the new one, whole. */
	if (ch->note) {
		const struct elf_section *sec = elf_image_section(img, ch->note->section_name);

		old_note = sec ? elf_getscn(elf, sec->index) : NULL;
	}
	if (ch->note && !old_note &&
	    shstrtab_add(shstr, &shstr_hdr, ch->note->section_name,
			 &names[ch->nsegments]) < 0)
		goto libelf_fail;
	end = shstr_hdr.sh_offset + shstr_hdr.sh_size;

	for (i = 0; i < ch->nsegments; i++) {
		const struct new_segment *seg = &ch->segments[i];
		GElf_Shdr sh = { 0 };

		sh.sh_name = (Elf64_Word)names[i];
		sh.sh_type = SHT_PROGBITS;
		sh.sh_flags = SHF_ALLOC | ((seg->flags & PF_W) ? SHF_WRITE : 0) |
			      ((seg->flags & PF_X) ? SHF_EXECINSTR : 0);
		sh.sh_addr = seg->addr;
		sh.sh_addralign = 16;
		/* A segment's file offset and address agree modulo the page size. */
		sh.sh_offset = align_up(end, PAGE_SIZE) + (seg->addr % PAGE_SIZE);
		sh.sh_size = seg->size;
		if (!add_section(elf, &sh, (void *)seg->bytes, seg->size, 16))
			goto libelf_fail;
		added[i] = (GElf_Phdr){
			.p_type = PT_LOAD, .p_flags = seg->flags,
			.p_offset = sh.sh_offset, .p_vaddr = seg->addr,
			.p_paddr = seg->addr, .p_filesz = seg->size,
			.p_memsz = seg->memsz > seg->size ? seg->memsz : seg->size,
			.p_align = PAGE_SIZE,
		};
		scn_index[i] = elf_ndxscn(scn_last);
		end = sh.sh_offset + seg->size;
	}
	for (i = 0; i < ch->nnote_segments; i++) {
		const struct new_note_segment *ns = &ch->note_segments[i];
		size_t k;

		for (k = 0; k < ch->nsegments; k++)
			if (ns->addr >= added[k].p_vaddr &&
			    ns->addr + ns->size <= added[k].p_vaddr + added[k].p_filesz)
				break;
		if (k == ch->nsegments || ns->size == 0) {
			rw_fail(err, "the note range [0x%llx, 0x%llx) is not inside a new segment's bytes",
				(unsigned long long)ns->addr,
				(unsigned long long)(ns->addr + ns->size));
			goto out;
		}
		added[ch->nsegments + i] = (GElf_Phdr){
			.p_type = PT_NOTE, .p_flags = PF_R,
			.p_offset = added[k].p_offset + (ns->addr - added[k].p_vaddr),
			.p_vaddr = ns->addr, .p_paddr = ns->addr,
			.p_filesz = ns->size, .p_memsz = ns->size, .p_align = 4,
		};
	}
	if (ch->note) {
		GElf_Shdr sh = { 0 };

		note = note_build(ch->note, &note_len);
		if (!note) {
			rw_fail(err, "out of memory");
			goto out;
		}
		sh.sh_name = (Elf64_Word)names[ch->nsegments];
		sh.sh_type = SHT_NOTE;
		sh.sh_addralign = 4;
		sh.sh_offset = align_up(end, 8);
		sh.sh_size = note_len;
		if (old_note) {
			GElf_Shdr old;
			Elf_Data *d = elf_getdata(old_note, NULL);

			if (!d || !gelf_getshdr(old_note, &old))
				goto libelf_fail;
			sh.sh_name = old.sh_name;
			d->d_buf = note;
			d->d_size = note_len;
			d->d_off = 0;
			if (!gelf_update_shdr(old_note, &sh) ||
			    !elf_flagdata(d, ELF_C_SET, ELF_F_DIRTY))
				goto libelf_fail;
		} else if (!add_section(elf, &sh, note, note_len, 4)) {
			goto libelf_fail;
		}
		end = sh.sh_offset + note_len;
	}
	if (ch->nsymbols && add_symbols(elf, img, ch, scn_index, &end, err) < 0)
		goto out;
	if (!gelf_update_shdr(shstr, &shstr_hdr))
		goto libelf_fail;
	/* Rewritten even with no segment to add: when an update only adds a
	 * section, libelf (0.188) writes that section's header from stale
	 * memory; a new program header table makes it lay out everything. */
	if ((ch->nsegments || ch->note) &&
	    rewrite_phdrs(elf, img, added, ch->nsegments + ch->nnote_segments, err) < 0)
		goto out;

	if (!gelf_getehdr(elf, &eh))
		goto libelf_fail;
	if (ch->nsegments || ch->note || ch->entry) {
		if (ch->nsegments || ch->note)
			eh.e_shoff = align_up(end, 8);
		if (ch->entry)
			eh.e_entry = ch->entry;
		if (!gelf_update_ehdr(elf, &eh))
			goto libelf_fail;
	}
	if (elf_update(elf, ELF_C_WRITE) < 0)
		goto libelf_fail;
	if (clear_old_shdrs(fd, img, ch, err) < 0)
		goto out;
	rc = 0;
	goto out;
libelf_fail:
	rw_fail(err, "%s: libelf: %s", img->path, elf_errmsg(-1));
out:
	elf_end(elf);
	free(note);
	free(added);
	free(names);
	free(scn_index);
	free(symbols_buf);
	free(names_buf);
	symbols_buf = NULL;
	names_buf = NULL;
	return rc;
}

/* The finished temporary file's bytes, for a check before publishing. */
static int read_back(int fd, const char *name, uint8_t **bytes, size_t *size,
		     struct rw_error *err)
{
	struct stat st;
	size_t done = 0;

	*bytes = NULL;
	if (fstat(fd, &st) < 0)
		return rw_fail(err, "%s: cannot read back the output: %s", name,
			       strerror(errno));
	*size = (size_t)st.st_size;
	*bytes = malloc(*size + 1);
	if (!*bytes)
		return rw_fail(err, "%s: out of memory", name);
	while (done < *size) {
		ssize_t n = pread(fd, *bytes + done, *size - done, (off_t)done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : EIO;

			free(*bytes);
			*bytes = NULL;
			return rw_fail(err, "%s: cannot read back the output: %s", name,
				       strerror(e));
		}
		done += (size_t)n;
	}
	return 0;
}

int elf_writer_write(const struct elf_image *img,
		     const struct elf_changes *changes, const struct output *out,
		     struct rw_error *err)
{
	struct output_temp t;
	struct stat st;
	mode_t mode = 0755;

	if (stat(img->path, &st) == 0)
		mode = st.st_mode & 07777;
	if (output_begin(out, &t, err) < 0)
		return -1;
	if (file_write_all(t.fd, img->bytes, img->size) < 0) {
		rw_fail(err, "%s: write failed: %s", out->given, strerror(errno));
		goto fail;
	}
	if (write_changes(t.fd, img, changes, err) < 0)
		goto fail;
	if (changes->check) {
		uint8_t *bytes = NULL;
		size_t size = 0;

		if (read_back(t.fd, out->given, &bytes, &size, err) < 0 ||
		    changes->check(changes->check_ctx, out->given, bytes, size, err) < 0)
			goto fail;
	}
	return output_commit(out, &t, mode, err);
fail:
	output_abort(&t);
	return -1;
}
