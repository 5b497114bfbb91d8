/* The .note.rewire record: a line-oriented text that verify and a second
 * patch run read back. */
#include "rewire_note.h"

#include "elf_image.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOTE_MAGIC "rewire-note 1"

int rewire_note_add_redirect(struct rewire_note *note, const char *kind,
			     const char *from, uint64_t from_addr,
			     const char *to, uint64_t to_addr, uint64_t via)
{
	struct note_redirect *r;
	void *grown = realloc(note->redirects,
			      (note->nredirects + 1) * sizeof(*note->redirects));

	if (!grown)
		return -1;
	note->redirects = grown;
	r = &note->redirects[note->nredirects];
	memset(r, 0, sizeof(*r));
	snprintf(r->kind, sizeof(r->kind), "%s", kind);
	r->from = strdup(from);
	r->to = strdup(to);
	if (!r->from || !r->to) {
		free(r->from);
		free(r->to);
		return -1;
	}
	r->from_addr = from_addr;
	r->to_addr = to_addr;
	r->via = via;
	note->nredirects++;
	return 0;
}

int rewire_note_add_patch(struct rewire_note *note, uint64_t addr,
			  const uint8_t *old_bytes, const uint8_t *new_bytes,
			  size_t len)
{
	struct note_patch *p;
	void *grown;

	if (len == 0 || len > REWIRE_NOTE_MAX_BYTES)
		return -1;
	grown = realloc(note->patches, (note->npatches + 1) * sizeof(*note->patches));
	if (!grown)
		return -1;
	note->patches = grown;
	p = &note->patches[note->npatches++];
	memset(p, 0, sizeof(*p));
	p->addr = addr;
	p->len = len;
	memcpy(p->old_bytes, old_bytes, len);
	memcpy(p->new_bytes, new_bytes, len);
	return 0;
}

void rewire_note_free(struct rewire_note *note)
{
	size_t i;

	for (i = 0; i < note->nredirects; i++) {
		free(note->redirects[i].from);
		free(note->redirects[i].to);
	}
	free(note->redirects);
	free(note->patches);
	memset(note, 0, sizeof(*note));
}

static void hex_put(FILE *f, const uint8_t *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		fprintf(f, "%02x", b[i]);
}

int rewire_note_format(const struct rewire_note *note, char **out, size_t *len,
		       struct rw_error *err)
{
	FILE *f = open_memstream(out, len);
	size_t i;

	if (!f)
		return rw_fail(err, "out of memory");
	fprintf(f, "%s\n", NOTE_MAGIC);
	for (i = 0; i < note->nredirects; i++) {
		const struct note_redirect *r = &note->redirects[i];

		fprintf(f, "%s %s 0x%" PRIx64 " %s 0x%" PRIx64 " 0x%" PRIx64 "\n",
			r->kind, r->from, r->from_addr, r->to, r->to_addr, r->via);
	}
	for (i = 0; i < note->npatches; i++) {
		const struct note_patch *p = &note->patches[i];

		fprintf(f, "patch 0x%" PRIx64 " ", p->addr);
		hex_put(f, p->old_bytes, p->len);
		fputc(' ', f);
		hex_put(f, p->new_bytes, p->len);
		fputc('\n', f);
	}
	if (fclose(f) != 0)
		return rw_fail(err, "out of memory");
	return 0;
}

static int hex_get(const char *s, uint8_t *b, size_t max, size_t *n)
{
	size_t len = strlen(s), i;

	if (len == 0 || len % 2 || len / 2 > max)
		return -1;
	for (i = 0; i < len / 2; i++) {
		unsigned v;

		if (sscanf(s + 2 * i, "%2x", &v) != 1 ||
		    !strchr("0123456789abcdef", s[2 * i]) ||
		    !strchr("0123456789abcdef", s[2 * i + 1]))
			return -1;
		b[i] = (uint8_t)v;
	}
	*n = len / 2;
	return 0;
}

static int parse_line(struct rewire_note *note, char *line, size_t lineno,
		      struct rw_error *err)
{
	char *fields[8];
	size_t n = 0;
	char *save = NULL, *tok;

	for (tok = strtok_r(line, " ", &save); tok && n < 8;
	     tok = strtok_r(NULL, " ", &save))
		fields[n++] = tok;
	if (n == 6 && (strcmp(fields[0], "redirect") == 0 ||
		       strcmp(fields[0], "original") == 0 ||
		       strcmp(fields[0], "image") == 0)) {
		uint64_t a, b, c;
		char *e1, *e2, *e3;

		a = strtoull(fields[2], &e1, 16);
		b = strtoull(fields[4], &e2, 16);
		c = strtoull(fields[5], &e3, 16);
		if (*e1 || *e2 || *e3)
			return rw_fail(err, "line %zu: bad address", lineno);
		if (rewire_note_add_redirect(note, fields[0], fields[1], a,
					     fields[3], b, c) < 0)
			return rw_fail(err, "out of memory");
		return 0;
	}
	if (n == 4 && strcmp(fields[0], "patch") == 0) {
		uint8_t old_bytes[REWIRE_NOTE_MAX_BYTES], new_bytes[REWIRE_NOTE_MAX_BYTES];
		size_t n_old, n_new;
		char *end;
		uint64_t addr = strtoull(fields[1], &end, 16);

		if (*end || hex_get(fields[2], old_bytes, sizeof(old_bytes), &n_old) < 0 ||
		    hex_get(fields[3], new_bytes, sizeof(new_bytes), &n_new) < 0 ||
		    n_old != n_new)
			return rw_fail(err, "line %zu: bad patch record", lineno);
		if (rewire_note_add_patch(note, addr, old_bytes, new_bytes, n_old) < 0)
			return rw_fail(err, "out of memory");
		return 0;
	}
	return rw_fail(err, "line %zu: unknown record", lineno);
}

int rewire_note_parse(struct rewire_note *note, const char *text, size_t len,
		      struct rw_error *err)
{
	char *copy = malloc(len + 1), *line, *save = NULL;
	size_t lineno = 0;
	int rc = 0;

	memset(note, 0, sizeof(*note));
	if (!copy)
		return rw_fail(err, "out of memory");
	memcpy(copy, text, len);
	copy[len] = '\0';
	if (strlen(copy) != len && strlen(copy) + 1 != len) {
		free(copy);
		return rw_fail(err, "note holds a NUL byte inside its text");
	}
	for (line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		lineno++;
		if (lineno == 1) {
			if (strcmp(line, NOTE_MAGIC) != 0) {
				rc = rw_fail(err, "not a rewire note (first line is not \"%s\")",
					     NOTE_MAGIC);
				break;
			}
			continue;
		}
		if (parse_line(note, line, lineno, err) < 0) {
			rc = -1;
			break;
		}
	}
	if (rc == 0 && lineno == 0)
		rc = rw_fail(err, "empty rewire note");
	free(copy);
	if (rc < 0)
		rewire_note_free(note);
	return rc;
}

int rewire_note_read(const struct elf_image *img, struct rewire_note *note,
		     struct rw_error *err)
{
	const struct elf_section *sec = elf_image_section(img, REWIRE_NOTE_SECTION);
	const uint8_t *b = elf_image_section_bytes(img, sec);
	uint32_t namesz, descsz;
	size_t desc_off;

	memset(note, 0, sizeof(*note));
	if (!sec)
		return 1;
	if (!b || sec->size < 12)
		return rw_fail(err, "%s: section %s is too short", img->path,
			       REWIRE_NOTE_SECTION);
	memcpy(&namesz, b, 4);
	memcpy(&descsz, b + 4, 4);
	desc_off = 12 + (((size_t)namesz + 3) & ~(size_t)3);
	if (namesz != sizeof(REWIRE_NOTE_OWNER) || desc_off > sec->size ||
	    descsz > sec->size - desc_off ||
	    memcmp(b + 12, REWIRE_NOTE_OWNER, namesz) != 0)
		return rw_fail(err, "%s: section %s does not hold a rewire note",
			       img->path, REWIRE_NOTE_SECTION);
	if (rewire_note_parse(note, (const char *)b + desc_off, descsz, err) < 0)
		return rw_wrap(err, "%s: %s: ", img->path, REWIRE_NOTE_SECTION);
	return 0;
}
