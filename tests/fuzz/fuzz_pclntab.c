/* Fuzz target: .gopclntab. The input is the section's bytes; after the
 * header check the target reads every function as the model does: its
 * record, name, code size (pcsp span), file and line at entry, pcdata and
 * funcdata, the inline index table, and its inline tree entries' raw form. */
#include "fuzz.h"

#include "pclntab.h"

/* Any address will do: the table only uses it to report where it is. */
#define TABLE_ADDR 0x4e0000

/* Bounds the work per input: a real table has a few thousand functions. */
#define FUNC_MAX 20000

static void read_func(const struct pclntab *t, uint32_t i)
{
	struct pclntab_func f;
	struct pcvalue_iter it;
	const uint8_t *p;
	const char *s;
	uint32_t k;
	int32_t fileno;

	if (pclntab_func_read(t, i, &f, NULL) < 0)
		return;
	s = pclntab_name(t, f.name_off);
	if (s)
		fuzz_touch_string(s);
	pclntab_table_span(t, f.pcsp);
	fileno = pclntab_value_at(t, f.pcfile, 0);
	s = pclntab_file(t, &f, fileno);
	if (s)
		fuzz_touch_string(s);
	pclntab_value_at(t, f.pcln, 0);
	for (k = 0; k < f.npcdata && k < 8; k++)
		pclntab_pcdata(t, &f, k);
	for (k = 0; k < f.nfuncdata && k < 8; k++)
		pclntab_funcdata(t, &f, k);
	p = pclntab_pctab(t, pclntab_pcdata(t, &f, PCDATA_INLTREEINDEX));
	if (p) {
		pcvalue_start(&it, p, t->data + t->pc.off + t->pc.len, 0);
		while (pcvalue_next(&it))
			;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pclntab t;
	struct pclntab_func end;
	struct pclntab_inline in;
	uint32_t i;

	pclntab_header_matches(data, size);
	if (pclntab_parse(&t, "fuzz", data, size, TABLE_ADDR, 0, NULL) < 0)
		return 0;
	for (i = 0; i < t.nfunc && i < FUNC_MAX; i++)
		read_func(&t, i);
	pclntab_func_read(&t, t.nfunc, &end, NULL);
	/* The decoder of an inline tree entry reads exactly inline_size bytes. */
	if (size >= pclntab_inline_size(&t))
		pclntab_inline_decode(&t, data + size - pclntab_inline_size(&t), &in);
	return 0;
}
