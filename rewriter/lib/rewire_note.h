/* The record rewire leaves in a patched binary (.note.rewire): what changed. */
#ifndef REWIRE_NOTE_H
#define REWIRE_NOTE_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define REWIRE_NOTE_SECTION ".note.rewire"
#define REWIRE_NOTE_OWNER "rewire"
#define REWIRE_NOTE_TYPE 1
#define REWIRE_NOTE_MAX_BYTES 32

/* One changed byte range of the original image. */
struct note_patch {
	uint64_t addr;
	uint8_t old_bytes[REWIRE_NOTE_MAX_BYTES];
	uint8_t new_bytes[REWIRE_NOTE_MAX_BYTES];
	size_t len;
};

/* One redirect as done: kind is "redirect" (FROM's entry jumps to TO) or
 * "original" (placeholder TO reaches FROM's original code through the
 * trampoline at via). `rewire image` writes one record of kind "image":
 * from = the mode ("trap"), from_addr = the Go entry the kernel starts,
 * to = "pvh_entry" at to_addr, via = the kernel's first address. */
struct note_redirect {
	char kind[16];
	char *from;
	uint64_t from_addr;
	char *to;
	uint64_t to_addr;
	uint64_t via;		/* trampoline address, 0 for "redirect" */
};

struct rewire_note {
	struct note_redirect *redirects;
	size_t nredirects;
	struct note_patch *patches;
	size_t npatches;
};

/* Text form, one record a line ("rewire-note 1" first). *out is malloc'd. */
int rewire_note_format(const struct rewire_note *note, char **out, size_t *len,
		       struct rw_error *err);
/* Parses the text form; every field is checked. */
int rewire_note_parse(struct rewire_note *note, const char *text, size_t len,
		      struct rw_error *err);
int rewire_note_add_redirect(struct rewire_note *note, const char *kind,
			     const char *from, uint64_t from_addr,
			     const char *to, uint64_t to_addr, uint64_t via);
int rewire_note_add_patch(struct rewire_note *note, uint64_t addr,
			  const uint8_t *old_bytes, const uint8_t *new_bytes,
			  size_t len);
void rewire_note_free(struct rewire_note *note);



struct elf_image;
/* Reads the note of a rewired binary: 0 read, 1 the binary has none, -1 a
 * note that is there but unreadable. */
int rewire_note_read(const struct elf_image *img, struct rewire_note *note,
		     struct rw_error *err);
#endif
