/* rewire inspect of a rewired binary: the redirects and patched bytes its .note.rewire records. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "error.h"
#include "gobin.h"
#include "rewire_note.h"

/* The last function starting at or below addr, or NULL. */
static const struct gofunc *func_below(const struct gobin *bin, uint64_t addr)
{
	size_t lo = 0, hi = gobin_func_count(bin);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (gobin_func(bin, mid)->entry <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? gobin_func(bin, lo - 1) : NULL;
}

/* Where addr lies, for a reader: "main.sub+0x0", "main.sub+0x4 (its
 * padding)" for the room after a function's code, else "SECTION+0x10". */
static void where(const struct gobin *bin, uint64_t addr, char *buf, size_t len)
{
	const struct gofunc *fn = func_below(bin, addr);
	const struct elf_image *img = gobin_elf(bin);
	char next[300];

	if (fn && addr - fn->entry < fn->size) {
		snprintf(buf, len, "%s+0x%" PRIx64, fn->name, addr - fn->entry);
		return;
	}
	if (fn && addr < gobin_next_start(bin, fn, next, sizeof(next))) {
		snprintf(buf, len, "%s+0x%" PRIx64 " (its padding)", fn->name,
			 addr - fn->entry);
		return;
	}
	for (size_t i = 1; i < img->nsections; i++) {
		const struct elf_section *s = &img->sections[i];

		if ((s->flags & SHF_ALLOC) && addr >= s->addr && addr - s->addr < s->size) {
			snprintf(buf, len, "%s+0x%" PRIx64, s->name, addr - s->addr);
			return;
		}
	}
	snprintf(buf, len, "outside every section");
}

/* bytes in hex, sep between them, into buf of len bytes. */
static void hex(char *buf, size_t len, const uint8_t *bytes, size_t n,
		const char *sep)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%02x",
					 i ? sep : "", bytes[i]);
}

static void print_text(const struct gobin *bin, const struct rewire_note *note)
{
	char a[1024], b[1024], at[1200], was[3 * REWIRE_NOTE_MAX_BYTES + 1],
	     now[3 * REWIRE_NOTE_MAX_BYTES + 1];

	for (size_t i = 0; i < note->nredirects; i++) {
		const struct note_redirect *r = &note->redirects[i];

		rw_escape_text(a, sizeof(a), r->from);
		rw_escape_text(b, sizeof(b), r->to);
		if (strcmp(r->kind, "redirect") == 0)
			printf("  redirect  %s -> %s\n", a, b);
		else if (strcmp(r->kind, "original") == 0 && r->via)
			printf("  original  %s calls %s's original code (trampoline at 0x%" PRIx64 ")\n",
			       b, a, r->via);
		else if (strcmp(r->kind, "original") == 0)
			printf("  original  %s calls %s\n", b, a);
		else
			printf("  %-8s  %s, %s\n", r->kind, a, b);
	}
	for (size_t i = 0; i < note->npatches; i++) {
		const struct note_patch *p = &note->patches[i];

		where(bin, p->addr, a, sizeof(a));
		rw_escape_text(at, sizeof(at), a);
		hex(was, sizeof(was), p->old_bytes, p->len, " ");
		hex(now, sizeof(now), p->new_bytes, p->len, " ");
		printf("  patch     0x%" PRIx64 "  %zu byte(s)  %s: %s -> %s\n",
		       p->addr, p->len, at, was, now);
	}
}

static void print_json(const struct gobin *bin, const struct rewire_note *note)
{
	char at[1024], bytes[2 * REWIRE_NOTE_MAX_BYTES + 1];

	printf("\"note\":{\"redirects\":[");
	for (size_t i = 0; i < note->nredirects; i++) {
		const struct note_redirect *r = &note->redirects[i];

		printf("%s{\"kind\":", i ? "," : "");
		json_string(stdout, r->kind);
		printf(",\"from\":");
		json_string(stdout, r->from);
		printf(",\"from_addr\":\"0x%" PRIx64 "\",\"to\":", r->from_addr);
		json_string(stdout, r->to);
		printf(",\"to_addr\":\"0x%" PRIx64 "\",\"via\":\"0x%" PRIx64 "\"}",
		       r->to_addr, r->via);
	}
	printf("],\"patches\":[");
	for (size_t i = 0; i < note->npatches; i++) {
		const struct note_patch *p = &note->patches[i];

		where(bin, p->addr, at, sizeof(at));
		printf("%s{\"addr\":\"0x%" PRIx64 "\",\"len\":%zu,\"where\":",
		       i ? "," : "", p->addr, p->len);
		json_string(stdout, at);
		hex(bytes, sizeof(bytes), p->old_bytes, p->len, "");
		printf(",\"old\":\"%s\"", bytes);
		hex(bytes, sizeof(bytes), p->new_bytes, p->len, "");
		printf(",\"new\":\"%s\"}", bytes);
	}
	printf("]},");
}

void inspect_note(const struct gobin *bin, const struct rewire_note *note,
		  bool json)
{
	if (json)
		print_json(bin, note);
	else
		print_text(bin, note);
}
