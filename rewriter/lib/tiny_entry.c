/* Entry jumps for functions shorter than a jmp rel32: a short jump into the
 * function's own INT3 padding, where the jmp rel32 sits.
 *
 * Go's linker aligns every function to 32 bytes and fills the room after
 * it with INT3, so a function of 2 to 4 bytes has at least 28 bytes of
 * padding that no one runs: room for the jmp rel32 its entry cannot hold.
 *
 * The padding belongs to the function as far as the runtime can tell
 * (findfunc maps a pc to the last function starting at or below it), but
 * the function's pc-value tables end with its code. An instruction run
 * there is seen by a SIGPROF traceback or, after an asynchronous
 * preemption, by the next stack scan, and their strict lookups stop the
 * program: "fatal error: invalid runtime symbol table" (tried on go1.26:
 * a loop calling such a redirected function under the CPU profiler died so
 * in two of five ten-second runs). So every table of the function is lengthened by the 5
 * bytes of the jump, in place: the last pc delta grows, its varint keeps
 * its length, and the last range's value carries over (stack delta 0, as
 * at the entry the jump comes from; the line of the last instruction).
 *
 * The linker stores each distinct table once, so other functions may share
 * the bytes changed here; they have the same content, hence the same size,
 * and they gain coverage only past their own end, over their padding or
 * the next function's code, where findfunc never asks them. */
#include "tiny_entry.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "pclntab.h"

#define INT3 0xcc

int tiny_padding_check(const char *name, uint64_t size, const uint8_t *after,
		       uint64_t room, const char *next, struct rw_error *err)
{
	uint64_t i;

	if (room < TINY_JMP_LEN)
		return rw_fail(err, "%s is too short to patch: %" PRIu64 " byte(s), and the padding after it holds %" PRIu64 " byte(s) before %s starts: a jmp rel32 needs %d there",
			       name, size, room, next, TINY_JMP_LEN);
	for (i = 0; i < room; i++)
		if (after[i] != INT3)
			return rw_fail(err, "%s is too short to patch: %" PRIu64 " byte(s), and the %" PRIu64 " byte(s) after it up to %s are not all INT3 padding (0x%02x at +0x%" PRIx64 "): nowhere to put the jmp rel32",
				       name, size, room, next, after[i], size + i);
	return 0;
}

/* v in exactly len varint bytes (runtime.readvarint also reads a
 * non-minimal form), or false when it needs more. */
static bool varint_encode(uint32_t v, uint8_t *out, size_t len)
{
	for (size_t k = 0; k < len; k++) {
		out[k] = (uint8_t)((v >> (7 * k)) & 0x7f);
		if (k + 1 < len)
			out[k] |= 0x80;
	}
	return len >= TINY_VARINT_MAX || (v >> (7 * len)) == 0;
}

/* Adds the patch lengthening table off (fn's table of what), once; says
 * why not as the end of a sentence on fn. */
static int table_lengthen(const struct pclntab *t, const struct gofunc *fn,
			  uint32_t off, const char *what, bool is_stack,
			  struct tiny_entry *out, struct rw_error *err)
{
	struct pclntab_table_end end;
	struct tiny_table_patch *p;

	if (pclntab_table_end(t, off, &end) < 0)
		return rw_fail(err, "its %s table in .gopclntab (pctab+0x%x) does not read",
			       what, off);
	if (end.span != fn->size)
		return rw_fail(err, "its %s table covers %" PRIu64 " byte(s), not its code: Go's tables cannot be lengthened over a jump in its padding",
			       what, end.span);
	/* The jump runs with the stack the entry had. */
	if (is_stack && end.last_value != 0)
		return rw_fail(err, "its stack delta is %d at its end, not 0 as at its entry: a jump in its padding cannot be described to Go's unwinder",
			       end.last_value);
	for (size_t i = 0; i < out->ntables; i++)
		if (out->tables[i].addr == t->addr + end.delta_off)
			return 0;
	if (out->ntables == TINY_MAX_TABLES || end.delta_len > TINY_VARINT_MAX)
		return rw_fail(err, "it has more pc tables than rewire lengthens (%d)",
			       TINY_MAX_TABLES);
	p = &out->tables[out->ntables];
	p->addr = t->addr + end.delta_off;
	p->len = end.delta_len;
	if (!varint_encode(end.delta + TINY_JMP_LEN, p->bytes, p->len))
		return rw_fail(err, "its %s table's last range (%u bytes) cannot grow by %d in place",
			       what, end.delta, TINY_JMP_LEN);
	out->ntables++;
	return 0;
}

static int tables_lengthen(const struct gobin *bin, const struct gofunc *fn,
			   struct tiny_entry *out, struct rw_error *err)
{
	const struct pclntab *t = gobin_pclntab(bin);
	struct pclntab_func f;
	char what[32];

	if (gobin_pcln_record(bin, fn, &f) < 0)
		return rw_fail(err, "the pclntab has no record of it to describe a jump in its padding");
	if (table_lengthen(t, fn, f.pcsp, "stack", true, out, err) < 0 ||
	    table_lengthen(t, fn, f.pcfile, "file", false, out, err) < 0 ||
	    table_lengthen(t, fn, f.pcln, "line", false, out, err) < 0)
		return -1;
	for (uint32_t i = 0; i < f.npcdata; i++) {
		uint32_t off = pclntab_pcdata(t, &f, i);

		snprintf(what, sizeof(what), "pcdata %u", i);
		if (off && table_lengthen(t, fn, off, what, false, out, err) < 0)
			return -1;
	}
	return 0;
}

int tiny_entry_plan(const struct gobin *bin, const struct gofunc *fn,
		    struct tiny_entry *out, struct rw_error *err)
{
	uint64_t end = fn->entry + fn->size, next, room;
	const uint8_t *after;
	char what[300];
	int64_t rel;

	memset(out, 0, sizeof(*out));
	if (fn->size < TINY_SHORT_JMP_LEN)
		return rw_fail(err, "%s is too short to patch: %" PRIu64 " byte(s); a jmp rel32 needs %d, a short jump into its padding %d",
			       fn->name, fn->size, TINY_JMP_LEN, TINY_SHORT_JMP_LEN);
	next = gobin_next_start(bin, fn, what, sizeof(what));
	if (!next)
		return rw_fail(err, "%s: code at 0x%" PRIx64 " is in no section", fn->name,
			       fn->entry);
	room = next > end ? next - end : 0;
	after = room ? elf_image_vaddr_bytes(gobin_elf(bin), end, room) : NULL;
	if (room && !after)
		return rw_fail(err, "%s: the padding after it at 0x%" PRIx64 " is not in the file",
			       fn->name, end);
	if (tiny_padding_check(fn->name, fn->size, after, room, what, err) < 0)
		return -1;
	/* At most 2 bytes past the short jump: always in reach. */
	rel = (int64_t)(end - (fn->entry + TINY_SHORT_JMP_LEN));
	if (rel < INT8_MIN || rel > INT8_MAX)
		return rw_fail(err, "%s: its padding at +0x%" PRIx64 " is out of a short jump's reach",
			       fn->name, fn->size);
	out->pad_addr = end;
	out->short_jmp[0] = 0xeb;
	out->short_jmp[1] = (uint8_t)(int8_t)rel;
	if (tables_lengthen(bin, fn, out, err) < 0)
		return rw_wrap(err, "%s is too short to patch: %" PRIu64 " byte(s), and ",
			       fn->name, fn->size);
	return 0;
}
