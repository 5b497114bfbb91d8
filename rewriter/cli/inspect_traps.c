/* rewire inspect --traps: the binary's trap instructions, as text or JSON. */
#include <inttypes.h>
#include <stdio.h>

#include "cli.h"
#include "error.h"
#include "traps.h"

/* Names come from the binary: a hostile one must not reach the terminal
 * raw (JSON output escapes them through json_string). */
static const char *safe_name(const char *name, char *buf, size_t len)
{
	rw_escape_text(buf, len, name ? name : "?");
	return buf;
}

static const char *origin_note(enum code_origin origin)
{
	switch (origin) {
	case CODE_ORIGIN_ADDED: return " (added code)";
	case CODE_ORIGIN_TRAMPOLINE: return " (its trampoline)";
	case CODE_ORIGIN_GO: break;
	}
	return "";
}

static const char *gap_reason(enum trap_gap_reason reason)
{
	return reason == TRAP_GAP_NO_SYMBOL ? "no symbol" : "undecodable";
}

static void print_gap_text(const struct trap_gap *g)
{
	char name[1024];

	printf("  not decoded: 0x%" PRIx64 "-0x%" PRIx64 " (%" PRIu64 " bytes) in %s: ",
	       g->addr, g->addr + g->size, g->size, g->section);
	if (g->reason == TRAP_GAP_UNDECODABLE)
		printf("%s does not decode: %s\n", safe_name(g->function, name, sizeof(name)),
		       safe_name(g->detail, name + 512, 512));
	else {
		printf("no function symbol covers it");
		if (g->function)
			printf(" (after %s)", safe_name(g->function, name, sizeof(name)));
		if (g->detail[0])
			printf("; symbols without a size in it: %s",
			       safe_name(g->detail, name, sizeof(name)));
		printf("\n");
	}
}

static void print_text(const struct traps *t, bool stripped)
{
	char name[1024], number[32];
	uint64_t gap_bytes = 0;

	printf("traps       SYSCALL, SYSENTER and INT 0x80, found by decoding %zu functions%s",
	       t->decoded, t->trampolines ? " and trampolines" : "");
	if (t->followed)
		printf(" (%zu of them by following their branches: data after a jump)",
		       t->followed);
	printf("\n");
	if (t->nsites)
		printf("  %-10s %-9s %-16s %s\n", "address", "kind", "number", "function+offset");
	for (size_t i = 0; i < t->nsites; i++) {
		const struct trap_site *s = &t->sites[i];
		const struct trap_function *f = &t->functions[s->function];

		if (s->kind != DISASM_TRAP_SYSCALL)
			snprintf(number, sizeof(number), "-");
		else if (s->number_known)
			snprintf(number, sizeof(number), "%" PRIu64, s->number);
		else
			snprintf(number, sizeof(number), "from a register");
		printf("  0x%-8" PRIx64 " %-9s %-16s %s+0x%" PRIx64 "%s%s\n", s->addr,
		       traps_kind_name(s->kind), number,
		       safe_name(f->name, name, sizeof(name)), s->offset,
		       origin_note(f->origin),
		       f->entry_patched ? " (entry patched)" : "");
	}
	for (size_t i = 0; i < t->ngaps; i++) {
		print_gap_text(&t->gaps[i]);
		gap_bytes += t->gaps[i].size;
		/* The pclntab names Go's functions only. */
		if (stripped && t->gaps[i].reason == TRAP_GAP_NO_SYMBOL) {
			printf("    (no .symtab: built with -s, the code rewire added has no function names to decode it by)\n");
			stripped = false;
		}
	}
	printf("traps       %zu in %zu functions (%zu syscall, %zu sysenter, %zu int 0x80); ",
	       t->nsites, t->nfunctions, t->count[DISASM_TRAP_SYSCALL],
	       t->count[DISASM_TRAP_SYSENTER], t->count[DISASM_TRAP_INT80]);
	if (t->ngaps)
		printf("NOT all code decoded: %zu range(s), %" PRIu64 " bytes (above)\n",
		       t->ngaps, gap_bytes);
	else
		printf("all code decoded\n");
}

static void print_json(const struct traps *t)
{
	printf("\"traps\":{\"count\":%zu,\"functions_with_traps\":%zu,\"syscall\":%zu,\"sysenter\":%zu,\"int80\":%zu,"
	       "\"decoded_functions\":%zu,\"decoded_bytes\":%" PRIu64 ",\"trampolines\":%zu,\"followed\":%zu,\"sites\":[",
	       t->nsites, t->nfunctions, t->count[DISASM_TRAP_SYSCALL],
	       t->count[DISASM_TRAP_SYSENTER], t->count[DISASM_TRAP_INT80],
	       t->decoded, t->decoded_bytes, t->trampolines, t->followed);
	for (size_t i = 0; i < t->nsites; i++) {
		const struct trap_site *s = &t->sites[i];
		const struct trap_function *f = &t->functions[s->function];

		printf("%s{\"addr\":\"0x%" PRIx64 "\",\"function\":", i ? "," : "", s->addr);
		json_string(stdout, f->name);
		printf(",\"entry\":\"0x%" PRIx64 "\",\"offset\":%" PRIu64 ",\"len\":%u,\"kind\":\"%s\",\"origin\":\"%s\",\"number\":",
		       f->entry, s->offset, s->len, traps_kind_name(s->kind),
		       traps_origin_name(f->origin));
		if (s->number_known)
			printf("%" PRIu64 "}", s->number);
		else
			printf("null}");
	}
	printf("],\"functions\":[");
	for (size_t i = 0; i < t->nfunctions; i++) {
		const struct trap_function *f = &t->functions[i];

		printf("%s{\"name\":", i ? "," : "");
		json_string(stdout, f->name);
		printf(",\"entry\":\"0x%" PRIx64 "\",\"size\":%" PRIu64 ",\"origin\":\"%s\",\"sites\":%zu,\"first_offset\":%" PRIu64
		       ",\"entry_patched\":%s,\"branches_into_entry\":%zu,\"refs_into_body\":%zu}",
		       f->entry, f->size, traps_origin_name(f->origin), f->nsites,
		       f->first_offset, f->entry_patched ? "true" : "false",
		       f->branches_into_entry, f->refs_into_body);
	}
	printf("],\"not_decoded\":[");
	for (size_t i = 0; i < t->ngaps; i++) {
		const struct trap_gap *g = &t->gaps[i];

		printf("%s{\"addr\":\"0x%" PRIx64 "\",\"size\":%" PRIu64 ",\"section\":",
		       i ? "," : "", g->addr, g->size);
		json_string(stdout, g->section);
		printf(",\"reason\":\"%s\",\"function\":", gap_reason(g->reason));
		if (g->function)
			json_string(stdout, g->function);
		else
			printf("null");
		/* NO_SYMBOL: assembly labels inside; UNDECODABLE: the error. */
		printf(",\"%s\":", g->reason == TRAP_GAP_NO_SYMBOL ?
		       "symbols_without_size" : "error");
		json_string(stdout, g->detail);
		printf("}");
	}
	printf("]},");
}

int inspect_traps(const struct gobin *bin, bool json)
{
	struct rw_error err = { { 0 } };
	struct traps t;

	if (traps_scan(&t, bin, &err) < 0) {
		cli_error("%s", err.msg);
		traps_free(&t);
		/* The rest of the JSON object still follows. */
		if (json)
			printf("\"traps\":null,");
		return -1;
	}
	if (json)
		print_json(&t);
	else
		print_text(&t, gobin_symbol_source(bin) == GOBIN_PCLNTAB);
	traps_free(&t);
	return 0;
}
