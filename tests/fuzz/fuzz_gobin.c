/* Fuzz target: the Go binary model (ELF image, build info, pclntab, .symtab,
 * names, inline trees) and what inspect asks of it, over a whole file. */
#include "fuzz.h"

#include <stdlib.h>

#include "disasm.h"
#include "gobin.h"
#include "rewire_note.h"

/* The symbols inspect and patch look up most; ".abi0" takes the other
 * branch of gobin_find_func. */
static const char *const names[] = {
	"time.Now", "main.main", "runtime.futex.abi0", "runtime.futex",
	"runtime.morestack.abi0", "fmt.Println", "main.addSeven", "main.(*T).M",
};

/* Inline trees are walked for every function per query: two names keep a
 * run short (main.addSeven is inlined in the inline fixture). */
static const char *const inlined[] = { "time.Now", "main.addSeven" };

static int count_insn(void *ctx, const struct disasm_insn *insn)
{
	(void)insn;
	++*(size_t *)ctx;
	return 0;
}

static void query(const struct gobin *bin, const char *name)
{
	const struct gofunc *fn = gobin_find_func(bin, name);
	size_t ninsn = 0;
	const uint8_t *code;
	const char *file;
	int32_t line;

	if (!fn)
		return;
	gobin_func_at(bin, fn->entry + fn->size / 2);
	gobin_pc_line(bin, fn->entry, &file, &line);
	code = gobin_func_code(bin, fn);
	if (code)
		disasm_walk(code, fn->size, fn->entry, count_insn, &ninsn, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_input_path(data, size);
	struct rewire_note note;
	struct rw_error err;
	struct gobin *bin;
	size_t i;

	if (gobin_open(&bin, path, &err) < 0)
		return 0;
	/* Every string the model hands out must be NUL-terminated. */
	fuzz_touch_string(gobin_go_version(bin));
	fuzz_touch_string(gobin_module_path(bin));
	fuzz_touch_string(gobin_main_package(bin));
	for (i = 0; i < gobin_func_count(bin); i += 1 + gobin_func_count(bin) / 64)
		fuzz_touch_string(gobin_func(bin, i)->name);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		query(bin, names[i]);
	for (i = 0; i < sizeof(inlined) / sizeof(inlined[0]); i++) {
		struct inline_site *sites = NULL;
		size_t nsites = 0;

		if (gobin_inline_sites(bin, inlined[i], &sites, &nsites, NULL) == 0)
			free(sites);
	}
	if (rewire_note_read(gobin_elf(bin), &note, &err) == 0)
		rewire_note_free(&note);
	gobin_close(bin);
	return 0;
}
