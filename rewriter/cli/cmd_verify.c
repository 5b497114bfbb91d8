/* rewire verify: re-check a rewired binary against the note it carries. */
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "disasm.h"
#include "gobin.h"
#include "image_symbols.h"
#include "redirect_chain.h"
#include "rewire_note.h"

static const char usage[] =
	"usage: rewire verify [-q] [--traps] BINARY\n"
	"\n"
	"Reads the record (.note.rewire) that `rewire patch` and `rewire image`\n"
	"leave and checks it against the code: every patched byte is in place,\n"
	"every redirected entry jumps to its replacement (one shorter than a jump:\n"
	"through a short jump to the jump in its padding), every placeholder\n"
	"reaches the original code, the functions are still where the record\n"
	"says, and no redirects form a cycle (A jumps to B, B back to A: a call\n"
	"would never return).\n"
	"\n"
	"An image of redirect mode (rewire image --mode redirect) promises that\n"
	"no trap instruction (SYSCALL, SYSENTER, INT 0x80) of Go code is\n"
	"reachable; verify then proves it from the code: each one must sit in a\n"
	"function whose entry the record redirects (a recorded jmp to the\n"
	"target), at +5 or later, with no branch of the function into its first\n"
	"5 bytes, no branch or rip-relative address from other code past its\n"
	"entry, and no REWIRE_ORIGINAL trampoline that runs its first\n"
	"instructions. Code that does not decode in Go's text fails too. A line\n"
	"per function: \"ok       trap NAME+0xOFF KIND: covered by redirect to\n"
	"DOOR\", \"FAIL     trap NAME+0xOFF KIND: why\" per uncovered site,\n"
	"\"info     trap ...\" for code rewire added (the kernel's own host calls:\n"
	"not Go's, not judged), then \"traps: N uncovered of M sites ...\".\n"
	"\n"
	"  -q, --quiet   print only what fails: mismatches on stderr, FAIL lines\n"
	"                on stdout\n"
	"      --traps   run the trap proof on any binary, rewired or not (a plain\n"
	"                Go binary fails it: nothing redirects its traps)\n"
	"\n"
	"Exit status: 0 all verified (and every trap covered), 1 not rewired\n"
	"(without --traps), a mismatch, or a trap instruction of Go code left\n"
	"reachable, 2 usage.\n";

enum { OPT_TRAPS = 256 };

/* Where the jmp rel32 at addr goes, or 0 when addr does not hold one. */
static uint64_t jump_target(const struct gobin *bin, uint64_t addr)
{
	const uint8_t *b = elf_image_vaddr_bytes(gobin_elf(bin), addr, 5);
	int32_t rel;

	if (!b || b[0] != 0xe9)
		return 0;
	memcpy(&rel, b + 1, 4);
	return addr + 5 + (uint64_t)(int64_t)rel;
}

/* Where a patched entry at addr leads: its jmp rel32, or for a function
 * shorter than one, its short jump (eb rel8) to the jmp rel32 in its
 * padding. 0 when it holds neither. */
static uint64_t entry_target(const struct gobin *bin, uint64_t addr)
{
	const uint8_t *b = elf_image_vaddr_bytes(gobin_elf(bin), addr, 2);

	if (b && b[0] == 0xeb)
		return jump_target(bin, addr + 2 + (uint64_t)(int64_t)(int8_t)b[1]);
	return jump_target(bin, addr);
}

/* Whether a and b name one function, ".abi0" aside (a stripped binary's
 * pclntab names an assembly function and its ABIInternal wrapper alike). */
static bool same_function_name(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la > lb)
		return same_function_name(b, a);
	return strncmp(a, b, la) == 0 && (lb == la || strcmp(b + la, ".abi0") == 0);
}

/* name is a function ("runtime.clone.abi0") or a place inside one
 * ("runtime.clone.abi0+0x94": a jump rewire image put past an entry). */
static int check_function(const struct gobin *bin, const char *name,
			  uint64_t addr)
{
	const char *plus = strrchr(name, '+');
	char base[512];
	uint64_t offset = 0;
	const struct gofunc *fn;
	int used = 0;

	snprintf(base, sizeof(base), "%s", name);
	if (plus && sscanf(plus, "+0x%" SCNx64 "%n", &offset, &used) == 1 && !plus[used])
		base[(size_t)(plus - name) < sizeof(base) ? (size_t)(plus - name) : 0] = 0;
	else
		offset = 0;
	fn = gobin_find_func(bin, base);
	if (!fn) {
		cli_error("verify: %s: %s is gone", gobin_path(bin), base);
		return 1;
	}
	/* Of two functions of that name, the one at the recorded address. */
	const struct gofunc *at = gobin_func_at(bin, addr - offset);
	if (at && at->entry == addr - offset && same_function_name(at->name, base))
		fn = at;
	if (offset >= (fn->size ? fn->size : 1)) {
		cli_error("verify: %s: %s lies past the end of %s (0x%" PRIx64 " bytes)",
			  gobin_path(bin), name, base, fn->size);
		return 1;
	}
	if (fn->entry + offset != addr) {
		cli_error("verify: %s: %s is at 0x%" PRIx64 ", the record says 0x%" PRIx64,
			  gobin_path(bin), name, fn->entry + offset, addr);
		return 1;
	}
	return 0;
}

/* A redirect's TO: a function of the binary, or (a door of an image of a
 * stripped binary, which has no .symtab to name the kernel's code in) one
 * the image's own function table names at exactly that address. */
static int check_target(const struct gobin *bin, const struct image_symbols *syms,
			const char *name, uint64_t addr)
{
	uint64_t offset = 1;
	const char *found = gobin_find_func(bin, name) ? NULL :
			    image_symbols_name(syms, addr, &offset);

	if (found && offset == 0 && strcmp(found, name) == 0)
		return 0;
	return check_function(bin, name, addr);
}

/* A trampoline must decode cleanly and end in a jump back into FROM. */
static int check_trampoline(const struct gobin *bin, const struct note_redirect *r)
{
	const struct gofunc *from = gobin_find_func(bin, r->from);
	uint64_t at = r->via;
	int n;

	for (n = 0; n < 16; n++) {
		const uint8_t *b = NULL;
		struct rw_error err;
		struct disasm_insn in;
		uint64_t back;
		size_t avail;

		/* An instruction is at most 15 bytes; never read past the segment. */
		for (avail = 15; avail > 0; avail--)
			if ((b = elf_image_vaddr_bytes(gobin_elf(bin), at, avail)))
				break;
		if (!b) {
			cli_error("verify: trampoline for %s at 0x%" PRIx64 " is not in the file",
				  r->from, r->via);
			return 1;
		}
		if (disasm_decode(b, avail, at, NULL, &in, &err) < 0) {
			cli_error("verify: trampoline for %s: %s", r->from, err.msg);
			return 1;
		}
		back = jump_target(bin, at);
		if (back && from && back > from->entry && back < from->entry + from->size)
			return 0;
		at += in.len;
	}
	cli_error("verify: trampoline for %s at 0x%" PRIx64 " does not jump back into it",
		  r->from, r->via);
	return 1;
}

/* The address a generated original function (REWIRE_ORIGINAL) calls: the
 * 8-byte slot of its first `call qword ptr [rip + disp]`. 0 if none. */
static uint64_t slot_call_target(const struct gobin *bin, uint64_t at)
{
	int n;

	for (n = 0; n < 64; n++) {
		const uint8_t *b = NULL, *slot;
		struct rw_error err;
		struct disasm_insn in;
		size_t avail;

		for (avail = 15; avail > 0; avail--)
			if ((b = elf_image_vaddr_bytes(gobin_elf(bin), at, avail)))
				break;
		if (!b || disasm_decode(b, avail, at, NULL, &in, &err) < 0)
			return 0;
		if (in.len == 6 && b[0] == 0xff && b[1] == 0x15) {
			int32_t disp = (int32_t)((uint32_t)b[2] | (uint32_t)b[3] << 8 |
						 (uint32_t)b[4] << 16 | (uint32_t)b[5] << 24);
			uint64_t v = 0;

			slot = elf_image_vaddr_bytes(gobin_elf(bin), at + 6 + (uint64_t)(int64_t)disp, 8);
			if (!slot)
				return 0;
			for (int k = 7; k >= 0; k--)
				v = v << 8 | slot[k];
			return v;
		}
		if (b[0] == 0xc3)
			return 0;
		at += in.len;
	}
	return 0;
}

int cmd_verify(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "traps", no_argument, NULL, OPT_TRAPS },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct rewire_note note;
	struct rw_error err = { { 0 } };
	struct gobin *bin;
	struct image_symbols *syms = NULL;
	bool quiet = false, traps = false;
	int c, bad = 0, rc, code = EXIT_OK;
	size_t i;

	while ((c = cli_next_option(argc, argv, "+hq", longopts, usage, &code)) >= 0) {
		if (c == 'q')
			quiet = true;
		else if (c == OPT_TRAPS)
			traps = true;
	}
	if (c == CLI_EXIT)
		return code;
	if (optind + 1 != argc) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	if (gobin_open(&bin, argv[optind], &err) < 0) {
		cli_error("%s", err.msg);
		return EXIT_FAILED;
	}
	rc = rewire_note_read(gobin_elf(bin), &note, &err);
	/* A binary as go build wrote it: the proof alone. */
	if (rc > 0 && traps) {
		rc = verify_traps(bin, quiet);
		gobin_close(bin);
		return rc == 0 ? EXIT_OK : EXIT_FAILED;
	}
	if (rc != 0) {
		if (rc > 0)
			cli_error("verify: %s was not rewired (no %s section)",
				  argv[optind], REWIRE_NOTE_SECTION);
		else
			cli_error("%s", err.msg);
		gobin_close(bin);
		return EXIT_FAILED;
	}
	/* An image's own function table (NULL-safe when unreadable: lookups
	 * then find nothing). */
	image_symbols_open(argv[optind], &syms, NULL);
	for (i = 0; i < note.npatches; i++) {
		const struct note_patch *p = &note.patches[i];
		const uint8_t *b = elf_image_vaddr_bytes(gobin_elf(bin), p->addr, p->len);

		if (!b || memcmp(b, p->new_bytes, p->len) != 0) {
			cli_error("verify: %s: the %zu patched bytes at 0x%" PRIx64 " are not what the record says",
				  argv[optind], p->len, p->addr);
			bad++;
		}
	}
	for (i = 0; i < note.nredirects; i++) {
		const struct note_redirect *r = &note.redirects[i];
		bool original = strcmp(r->kind, "original") == 0;

		/* rewire image: "image MODE GO_ENTRY PLATFORM IMAGE_ENTRY
		 * KERNEL_BASE"; the ELF entry must be the one recorded (the Go
		 * entry, or the kernel's on a platform that starts there). */
		if (strcmp(r->kind, "image") == 0) {
			bool ok = gobin_elf(bin)->ehdr.e_entry == r->to_addr;

			if (!ok)
				cli_error("verify: %s: the ELF entry 0x%" PRIx64 " is not the entry 0x%" PRIx64 " the record says",
					  argv[optind], (uint64_t)gobin_elf(bin)->ehdr.e_entry,
					  r->to_addr);
			bad += !ok;
			traps |= strcmp(r->from, "redirect") == 0;
			if (!quiet)
				printf("%-8s image (%s mode, %s platform), kernel at 0x%" PRIx64 ", Go entry 0x%" PRIx64 "\n",
				       ok ? "ok" : "BAD", r->from, r->to, r->via, r->from_addr);
			continue;
		}
		uint64_t want = original ? (r->via ? r->via : r->from_addr) : r->to_addr;
		uint64_t at = original ? r->to_addr : r->from_addr;
		int fn_bad = check_function(bin, r->from, r->from_addr) +
			     check_target(bin, syms, r->to, r->to_addr);

		/* A generated original function calls through a slot; a Go
		 * placeholder's entry jumps. */
		if (entry_target(bin, at) != want &&
		    !(original && slot_call_target(bin, at) == want)) {
			cli_error("verify: %s: 0x%" PRIx64 " does not jump to 0x%" PRIx64 " (%s %s -> %s)",
				  argv[optind], at, want, r->kind, r->from, r->to);
			fn_bad++;
		}
		if (original && r->via)
			fn_bad += check_trampoline(bin, r);
		bad += fn_bad;
		if (!quiet)
			printf("%-8s %s %s -> %s\n", fn_bad ? "BAD" : "ok", r->kind,
			       r->from, r->to);
	}
	/* Each jump may be right and the whole still never return. */
	for (i = 0; i < note.nredirects; i++) {
		char path[800];

		if (!redirect_chain_is_cycle(&note, i))
			continue;
		redirect_chain_format(&note, i, path, sizeof(path));
		cli_error("verify: %s: the redirects form a cycle, %s: a call of any of them never returns",
			  argv[optind], path);
		bad++;
	}
	if (!quiet)
		printf("%s: %zu redirect(s), %zu patch(es), %s\n", argv[optind],
		       note.nredirects, note.npatches,
		       bad ? "MISMATCH" : "verified");
	/* Redirect mode's promise, proved from the code (trap_cover.h). */
	if (traps && verify_traps(bin, quiet) != 0)
		bad++;
	image_symbols_close(syms);
	rewire_note_free(&note);
	gobin_close(bin);
	return bad ? EXIT_FAILED : EXIT_OK;
}
