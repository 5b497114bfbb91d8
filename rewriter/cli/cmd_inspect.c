/* rewire inspect: what a Go binary is made of, and a close look at symbols. */
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "disasm.h"
#include "dwarf_info.h"
#include "gobin.h"
#include "rewire_note.h"

#define SHOWN_INSNS 8

static const char usage[] =
	"usage: rewire inspect [--json] [--insns N] [--traps] BINARY [SYMBOL...]\n"
	"\n"
	"Prints the Go version, module, where function names come from (.symtab or,\n"
	"for binaries built with -ldflags='-s -w', .gopclntab), and counts; for a\n"
	"rewired binary, its redirects and every byte range rewire changed. For each\n"
	"SYMBOL (e.g. time.Now, runtime.futex.abi0, 'main.(*T).M'): entry address,\n"
	"size, first instructions, signature (needs DWARF) and every call site it\n"
	"was inlined into.\n"
	"\n"
	"  --json      one JSON object on stdout, for scripts\n"
	"  --insns N   instructions to show per symbol (default 8)\n"
	"  --traps     every SYSCALL, SYSENTER and INT 0x80 of the code: address,\n"
	"              function and offset, and a SYSCALL's number when a constant\n"
	"              is loaded right before it (else \"from a register\"). Found by\n"
	"              decoding each function from its entry to its end, never by\n"
	"              searching bytes; code rewire added (C, a kernel, trampolines)\n"
	"              too, by its .symtab names. Code that no symbol covers (a\n"
	"              stripped binary's added code) or that does not decode is\n"
	"              listed as not decoded.\n"
	"      --syscalls  the same as --traps\n"
	"\n"
	"Exit status: 0 all found, 1 unreadable binary or a SYMBOL not found, 2 usage.\n";

struct inspect_opts {
	bool json;
	int insns;
	bool traps;
};

static const char *source_name(const struct gobin *bin)
{
	return gobin_symbol_source(bin) == GOBIN_SYMTAB ? "symtab" : "pclntab";
}

/* Names branch targets in the listing: "jbe 0x499a2e <time.Now+0x8e>". */
static const char *symbolize(void *ctx, uint64_t addr, uint64_t *offset)
{
	const struct gofunc *fn = gobin_func_at(ctx, addr);

	if (!fn)
		return NULL;
	*offset = addr - fn->entry;
	return fn->name;
}

static void print_code(const struct gobin *bin, const struct gofunc *fn,
		       const struct inspect_opts *o, bool *first)
{
	const uint8_t *code = gobin_func_code(bin, fn);
	struct disasm_style style = {
		.syntax = DISASM_INTEL, .symbolize = symbolize, .ctx = (void *)bin,
	};
	uint64_t off = 0;
	int i;

	for (i = 0; code && i < o->insns && off < fn->size; i++) {
		struct disasm_insn in;
		struct rw_error err;

		if (disasm_decode(code + off, fn->size - off, fn->entry + off,
				  &style, &in, &err) < 0)
			break;
		if (o->json) {
			printf("%s{\"addr\":\"0x%" PRIx64 "\",\"text\":", *first ? "" : ",",
			       fn->entry + off);
			json_string(stdout, in.text);
			printf("}");
			*first = false;
		} else {
			printf("    %" PRIx64 "  %s\n", fn->entry + off, in.text);
		}
		off += in.len;
	}
}

static int inspect_symbol(const struct gobin *bin, struct dwarf_info *di,
			  const char *name, const struct inspect_opts *o,
			  size_t *shown)
{
	const struct gofunc *fn = gobin_find_func(bin, name);
	struct go_signature sig = { 0 };
	struct inline_site *sites = NULL;
	struct rw_error err = { { 0 } };
	char sigtext[512] = "";
	size_t nsites = 0, i;
	bool first = true;
	int32_t args;

	if (!fn) {
		cli_error("%s: no function %s", gobin_path(bin), name);
		return -1;
	}
	if (di && dwarf_info_func_signature(di, fn->name, &sig, &err) == 0)
		go_signature_format(&sig, sigtext, sizeof(sigtext));
	go_signature_free(&sig);
	args = gobin_func_args(bin, fn);
	if (gobin_inline_sites(bin, fn->name, &sites, &nsites, &err) < 0) {
		cli_error("%s", err.msg);
		return -1;
	}
	if (o->json) {
		printf("%s{\"name\":", *shown ? "," : "");
		json_string(stdout, fn->name);
		printf(",\"entry\":\"0x%" PRIx64 "\",\"size\":%" PRIu64 ",\"args\":",
		       fn->entry, fn->size);
		if (args >= 0)
			printf("%d", args);
		else
			printf("null");
		printf(",\"signature\":");
		if (sigtext[0])
			json_string(stdout, sigtext);
		else
			printf("null");
		printf(",\"inlined_at\":[");
		for (i = 0; i < nsites; i++) {
			printf("%s{\"caller\":", i ? "," : "");
			json_string(stdout, sites[i].caller);
			printf(",\"pc\":\"0x%" PRIx64 "\"", sites[i].pc);
			if (sites[i].file) {
				printf(",\"file\":");
				json_string(stdout, sites[i].file);
				printf(",\"line\":%d", sites[i].line);
			}
			printf("}");
		}
		printf("],\"code\":[");
		print_code(bin, fn, o, &first);
		printf("]}");
	} else {
		printf("\n%s\n", fn->name);
		printf("  entry      0x%" PRIx64 "\n", fn->entry);
		printf("  size       %" PRIu64 " bytes\n", fn->size);
		if (args >= 0)
			printf("  args       %d bytes (arguments and results on the stack)\n", args);
		printf("  signature  %s\n", sigtext[0] ? sigtext :
		       di ? "unknown (not in DWARF: assembly or generated)" :
			    "unknown (no DWARF)");
		if (nsites == 0)
			printf("  inlined    nowhere\n");
		else
			printf("  inlined    at %zu call site(s):\n", nsites);
		for (i = 0; i < nsites; i++) {
			if (sites[i].file)
				printf("    %s+0x%" PRIx64 " (%s:%d)\n", sites[i].caller,
				       sites[i].pc - (gobin_func_at(bin, sites[i].pc) ?
						      gobin_func_at(bin, sites[i].pc)->entry : 0),
				       sites[i].file, sites[i].line);
			else
				printf("    %s at 0x%" PRIx64 "\n", sites[i].caller, sites[i].pc);
		}
		printf("  code\n");
		print_code(bin, fn, o, &first);
	}
	free(sites);
	(*shown)++;
	return 0;
}

int cmd_inspect(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "insns", required_argument, NULL, 'n' },
		{ "traps", no_argument, NULL, 't' },
		{ "syscalls", no_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct inspect_opts o = { .json = false, .insns = SHOWN_INSNS, .traps = false };
	struct dwarf_info *di = NULL;
	struct rewire_note note;
	struct rw_error err = { { 0 } };
	struct gobin *bin;
	int c, i, rc = EXIT_OK, rewired;
	size_t shown = 0;
	const char *in;
	char *end;

	while ((c = cli_next_option(argc, argv, "+hjn:", longopts, usage, &rc)) >= 0) {
		switch (c) {
		case 'j':
			o.json = true;
			break;
		case 't':
			o.traps = true;
			break;
		case 'n':
			o.insns = (int)strtol(optarg, &end, 10);
			if (*end || o.insns < 0 || o.insns > 10000) {
				cli_error("inspect: --insns wants a number from 0 to 10000, not '%s'", optarg);
				return EXIT_USAGE;
			}
			break;
		}
	}
	if (c == CLI_EXIT)
		return rc;
	in = cli_input_binary("inspect", usage, argc, argv, true);
	if (!in)
		return EXIT_USAGE;
	if (gobin_open(&bin, in, &err) < 0) {
		cli_error("%s", err.msg);
		return EXIT_FAILED;
	}
	if (dwarf_info_open(&di, in, &err) < 0) {
		cli_error("%s (continuing without DWARF)", err.msg);
		di = NULL;
	}
	rewired = rewire_note_read(gobin_elf(bin), &note, &err);
	if (rewired < 0)
		cli_error("%s", err.msg);
	if (o.json) {
		printf("{\"file\":");
		json_string(stdout, gobin_path(bin));
		printf(",\"go_version\":");
		json_string(stdout, gobin_go_version(bin));
		printf(",\"module\":");
		json_string(stdout, gobin_module_path(bin));
		printf(",\"main_package\":");
		json_string(stdout, gobin_main_package(bin));
		printf(",\"go_supported\":%s",
		       gobin_check_go_version(bin, &err) == 0 ? "true" : "false");
		printf(",\"symbol_source\":\"%s\",\"functions\":%zu,\"dwarf\":%s,\"dynamic\":%s,\"rewired\":%s,",
		       source_name(bin), gobin_func_count(bin), di ? "true" : "false",
		       elf_image_is_dynamic(gobin_elf(bin)) ? "true" : "false",
		       rewired == 0 ? "true" : "false");
	} else {
		printf("file        %s\n", gobin_path(bin));
		if (gobin_check_go_version(bin, &err) == 0)
			printf("go          %s\n", gobin_go_version(bin));
		else
			printf("go          %s (outside 1.%d-1.%d: patch and image refuse it without --force)\n",
			       gobin_go_version(bin), GOBIN_GO_MINOR_MIN, GOBIN_GO_MINOR_MAX);
		printf("module      %s\n", gobin_module_path(bin)[0] ? gobin_module_path(bin) : "(none: built outside module mode)");
		printf("main        %s\n", gobin_main_package(bin));
		printf("symbols     %s, %zu functions\n",
		       gobin_symbol_source(bin) == GOBIN_SYMTAB ? ".symtab" : ".gopclntab (no .symtab)",
		       gobin_func_count(bin));
		printf("dwarf       %s\n", di ? "yes" : "no");
		printf("linking     %s\n", elf_image_is_dynamic(gobin_elf(bin)) ? "dynamic or PIE" : "static");
		if (rewired == 0)
			printf("rewired     yes, %zu redirect(s) (see `rewire verify`)\n",
			       note.nredirects);
		else
			printf("rewired     no\n");
	}
	if (rewired == 0) {
		inspect_note(bin, &note, o.json);
		rewire_note_free(&note);
	}
	if (o.traps && inspect_traps(bin, o.json) < 0)
		rc = EXIT_FAILED;
	if (o.json)
		printf("\"symbols\":[");
	for (i = optind + 1; i < argc; i++)
		if (inspect_symbol(bin, di, argv[i], &o, &shown) < 0)
			rc = EXIT_FAILED;
	if (o.json)
		printf("]}\n");
	if (di)
		dwarf_info_close(di);
	gobin_close(bin);
	return rc;
}
