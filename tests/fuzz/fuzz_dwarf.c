/* Fuzz target: DWARF queries. The input is a whole ELF file; the target
 * opens its DWARF (libdwarf inflates the compressed sections) and asks what
 * patch and inspect ask: signatures, inlining, struct members, type sizes. */
#include "fuzz.h"

#include "dwarf_info.h"

/* time.Now and the sig fixture's main.fakeNow share a signature, which
 * takes go_signature_compatible down its longest path. */
static const char *const funcs[] = {
	"time.Now", "main.fakeNow", "main.(*T).M", "main.Mix",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_input_path(data, size);
	struct go_signature sig[2] = { { 0 } };
	struct dwarf_info *info;
	struct rw_error err;
	uint64_t off, len;
	char text[256];
	size_t i;

	if (dwarf_info_open(&info, path, &err) != 0)
		return 0;
	for (i = 0; i < sizeof(funcs) / sizeof(funcs[0]); i++) {
		struct go_signature *s = &sig[i % 2];

		go_signature_free(s);
		if (dwarf_info_func_signature(info, funcs[i], s, &err) == 0)
			go_signature_format(s, text, sizeof(text));
		if (i % 2)
			go_signature_compatible(&sig[0], &sig[1]);
	}
	go_signature_free(&sig[0]);
	go_signature_free(&sig[1]);
	dwarf_info_func_inlined(info, "main.addSeven", &err);
	dwarf_info_struct_member(info, "runtime.g", "m", &off, &len, &err);
	dwarf_info_struct_member(info, "runtime.g", "sched.sp", &off, &len, &err);
	dwarf_info_type_size(info, "runtime.g", &len, &err);
	dwarf_info_type_size(info, "*main.T", &len, &err);
	dwarf_info_close(info);
	return 0;
}
