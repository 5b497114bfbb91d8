/* Unit tests of the pclntab reader on hand-made bytes: pc-value tables, header and function records. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pclntab.h"

/* Collects up to 8 ranges of a table; returns how many, -1 if corrupt. */
static int decode(const uint8_t *p, size_t len, uint64_t pcs[][2], int32_t *values)
{
	struct pcvalue_iter it;
	int n = 0;

	pcvalue_start(&it, p, p + len, 0);
	while (n < 8 && pcvalue_next(&it)) {
		pcs[n][0] = it.pc;
		pcs[n][1] = it.next_pc;
		values[n] = it.value;
		n++;
	}
	return it.corrupt ? -1 : n;
}

static void test_pcvalue_basic(void **state)
{
	/* +1 -> 0 over 5 bytes; +2 -> 2 over 3; -2 (zig-zag 3) -> 0 over 1. */
	static const uint8_t tab[] = { 0x02, 0x05, 0x04, 0x03, 0x03, 0x01, 0x00 };
	uint64_t pcs[8][2];
	int32_t v[8];

	(void)state;
	assert_int_equal(decode(tab, sizeof(tab), pcs, v), 3);
	assert_int_equal(v[0], 0);
	assert_int_equal(pcs[0][0], 0);
	assert_int_equal(pcs[0][1], 5);
	assert_int_equal(v[1], 2);
	assert_int_equal(pcs[1][1], 8);
	assert_int_equal(v[2], 0);
	assert_int_equal(pcs[2][1], 9);
}

static void test_pcvalue_first_zero_and_varints(void **state)
{
	/* A first value delta of 0 keeps -1 (not the end); then a value of
	 * +100 (zig-zag 200 = 0xc8 0x01) over 300 bytes (0xac 0x02). */
	static const uint8_t tab[] = { 0x00, 0x04, 0xc8, 0x01, 0xac, 0x02, 0x00 };
	uint64_t pcs[8][2];
	int32_t v[8];

	(void)state;
	assert_int_equal(decode(tab, sizeof(tab), pcs, v), 2);
	assert_int_equal(v[0], -1);
	assert_int_equal(pcs[0][1], 4);
	assert_int_equal(v[1], 99);
	assert_int_equal(pcs[1][0], 4);
	assert_int_equal(pcs[1][1], 304);
}

static void test_pcvalue_truncated(void **state)
{
	/* Ends inside a varint, then without the terminating zero. */
	static const uint8_t cut_varint[] = { 0x02, 0x85 };
	static const uint8_t no_end[] = { 0x02, 0x05 };
	static const uint8_t too_long[] = { 0x02, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x00 };
	uint64_t pcs[8][2];
	int32_t v[8];

	(void)state;
	assert_int_equal(decode(cut_varint, sizeof(cut_varint), pcs, v), -1);
	assert_int_equal(decode(no_end, sizeof(no_end), pcs, v), -1);
	assert_int_equal(decode(too_long, sizeof(too_long), pcs, v), -1);
	assert_int_equal(decode(no_end, 0, pcs, v), -1);
}

/* A Go 1.20-style table of two functions, main.a at text+0 (16 code bytes)
 * and main.b at text+0x20, and the end of text at 0x40. */
struct tiny {
	uint8_t b[512];
	size_t len;
};

static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

static void tiny_build(struct tiny *t)
{
	static const char names[] = "main.a\0main.b";	/* offsets 0 and 7 */
	static const char files[] = "a.go";
	/* pctab: a zero byte (offset 0 means "no table"), then at 1 the
	 * value 0 over 16 bytes, at 4 line 10 over 4 bytes then 12 over 12. */
	static const uint8_t pctab[] = { 0, 0x02, 0x10, 0x00, 0x16, 0x04, 0x04, 0x0c, 0x00 };
	size_t o = 72, names_off, cu_off, file_off, pc_off, func_off, i;

	memset(t, 0, sizeof(*t));
	put32(t->b, PCLNTAB_MAGIC_GO120);
	t->b[6] = 1;
	t->b[7] = 8;
	put64(t->b + 8, 2);
	put64(t->b + 16, 1);
	put64(t->b + 24, 0x401000);
	names_off = o;
	memcpy(t->b + o, names, sizeof(names));
	o += sizeof(names);
	cu_off = o;
	put32(t->b + o, 0);
	o += 4;
	file_off = o;
	memcpy(t->b + o, files, sizeof(files));
	o += sizeof(files);
	pc_off = o;
	memcpy(t->b + o, pctab, sizeof(pctab));
	o += sizeof(pctab);
	o = (o + 7) & ~(size_t)7;
	func_off = o;
	put64(t->b + 32, names_off);
	put64(t->b + 40, cu_off);
	put64(t->b + 48, file_off);
	put64(t->b + 56, pc_off);
	put64(t->b + 64, func_off);
	/* functab: three pairs, then two 44-byte _func records. */
	for (i = 0; i < 2; i++) {
		uint8_t *f = t->b + func_off + 24 + 44 * i;

		put32(t->b + func_off + 8 * i, (uint32_t)(0x20 * i));
		put32(t->b + func_off + 8 * i + 4, (uint32_t)(24 + 44 * i));
		put32(f, (uint32_t)(0x20 * i));
		put32(f + 4, (uint32_t)(7 * i));
		put32(f + 16, 1);	/* pcsp */
		put32(f + 20, 1);	/* pcfile: file 0 throughout */
		put32(f + 24, 4);	/* pcln */
	}
	put32(t->b + func_off + 16, 0x40);
	t->len = func_off + 24 + 88;
}

static void test_tiny_table(void **state)
{
	struct tiny t;
	struct pclntab tab;
	struct pclntab_func f;
	struct rw_error err = { "" };

	(void)state;
	tiny_build(&t);
	assert_int_equal(pclntab_parse(&tab, "tiny", t.b, t.len, 0x500000, 0x1000, &err), 0);
	assert_int_equal(tab.nfunc, 2);
	assert_int_equal(tab.text_start, 0x401000);
	assert_int_equal(pclntab_func_read(&tab, 1, &f, &err), 0);
	assert_string_equal(pclntab_name(&tab, f.name_off), "main.b");
	assert_int_equal(f.entry_off, 0x20);
	assert_int_equal(pclntab_func_read(&tab, 0, &f, &err), 0);
	assert_string_equal(pclntab_name(&tab, f.name_off), "main.a");
	assert_int_equal(pclntab_table_span(&tab, f.pcsp), 16);
	assert_int_equal(pclntab_value_at(&tab, f.pcln, 0), 10);
	assert_int_equal(pclntab_value_at(&tab, f.pcln, 3), 10);
	assert_int_equal(pclntab_value_at(&tab, f.pcln, 4), 12);
	assert_int_equal(pclntab_value_at(&tab, f.pcln, 16), -1);
	assert_string_equal(pclntab_file(&tab, &f, pclntab_value_at(&tab, f.pcfile, 2)), "a.go");
	assert_null(pclntab_file(&tab, &f, 1));
	assert_int_equal(pclntab_funcdata(&tab, &f, FUNCDATA_INLTREE), UINT32_MAX);
	assert_int_equal(pclntab_pcdata(&tab, &f, PCDATA_INLTREEINDEX), 0);
	assert_int_equal(pclntab_func_read(&tab, 2, &f, &err), 0);
	assert_int_equal(f.entry_off, 0x40);
	assert_int_equal(pclntab_func_read(&tab, 3, &f, &err), -1);
	assert_null(pclntab_name(&tab, 1000));
	assert_null(pclntab_name(&tab, -1));
}

static void test_tiny_corrupt(void **state)
{
	struct tiny t;
	struct pclntab tab;
	struct pclntab_func f;
	struct rw_error err = { "" };
	uint64_t func_off;

	(void)state;
	tiny_build(&t);
	put32(t.b, 0xfffffff2);
	assert_int_equal(pclntab_parse(&tab, "tiny", t.b, t.len, 0, 0x1000, &err), -1);
	assert_non_null(strstr(err.msg, "tiny: corrupt .gopclntab at file offset 0x1000: bad magic 0xfffffff2"));

	put32(t.b, 0xfffffffa);
	assert_int_equal(pclntab_parse(&tab, "tiny", t.b, t.len, 0, 0, &err), -1);
	assert_non_null(strstr(err.msg, "Go 1.17 or older"));

	tiny_build(&t);
	assert_int_equal(pclntab_parse(&tab, "tiny", t.b, 40, 0, 0, &err), -1);
	assert_non_null(strstr(err.msg, "truncated .gopclntab"));

	tiny_build(&t);
	put64(t.b + 8, 1000);
	assert_int_equal(pclntab_parse(&tab, "tiny", t.b, t.len, 0, 0, &err), -1);
	assert_non_null(strstr(err.msg, "1000 functions do not fit"));

	tiny_build(&t);
	put64(t.b + 48, 1u << 20);
	assert_int_equal(pclntab_parse(&tab, "tiny", t.b, t.len, 0, 0, &err), -1);
	assert_non_null(strstr(err.msg, "filetab offset 0x100000 is outside the table"));

	/* A record pointer past the table, then a record whose entry
	 * disagrees with the function table. */
	tiny_build(&t);
	memcpy(&func_off, t.b + 64, 8);
	put32(t.b + func_off + 4, 4000);
	assert_int_equal(pclntab_parse(&tab, "tiny", t.b, t.len, 0, 0, &err), 0);
	assert_int_equal(pclntab_func_read(&tab, 0, &f, &err), -1);
	assert_non_null(strstr(err.msg, "function 0's record"));
	tiny_build(&t);
	put32(t.b + func_off + 24 + 44, 0x24);
	assert_int_equal(pclntab_parse(&tab, "tiny", t.b, t.len, 0, 0, &err), 0);
	assert_int_equal(pclntab_func_read(&tab, 1, &f, &err), -1);
	assert_non_null(strstr(err.msg, "has entry 0x24, the function table says 0x20"));

	/* A pc-value table running off the end of pctab. */
	tiny_build(&t);
	assert_int_equal(pclntab_parse(&tab, "tiny", t.b, t.len, 0, 0, &err), 0);
	assert_int_equal(pclntab_table_span(&tab, 8), -1);
	assert_int_equal(pclntab_table_span(&tab, 0), -1);
}

/* Where a table's last pc delta sits, for lengthening it in place. */
static void test_table_end(void **state)
{
	/* pctab: 0 over 5 bytes, then 2 over 300 (a two-byte varint). */
	static const uint8_t pc[] = { 0, 0x02, 0x05, 0x04, 0xac, 0x02, 0x00, 0x02, 0x85 };
	struct pclntab hand = { .data = pc, .size = sizeof(pc), .addr = 0x1000,
				.pc = { 0, sizeof(pc) } };
	struct pclntab_table_end end;
	struct tiny t;
	struct pclntab tab;
	struct pclntab_func f;
	struct rw_error err = { "" };
	uint64_t pc_off;

	(void)state;
	assert_int_equal(pclntab_table_end(&hand, 1, &end), 0);
	assert_int_equal(end.span, 305);
	assert_int_equal(end.last_value, 2);
	assert_int_equal(end.delta_off, 4);
	assert_int_equal(end.delta_len, 2);
	assert_int_equal(end.delta, 300);
	/* No table; one cut inside its first varint. */
	assert_int_equal(pclntab_table_end(&hand, 0, &end), -1);
	assert_int_equal(pclntab_table_end(&hand, 7, &end), -1);

	tiny_build(&t);
	memcpy(&pc_off, t.b + 56, 8);
	assert_int_equal(pclntab_parse(&tab, "tiny", t.b, t.len, 0x500000, 0x1000, &err), 0);
	assert_int_equal(pclntab_func_read(&tab, 0, &f, &err), 0);
	assert_int_equal(pclntab_table_end(&tab, f.pcsp, &end), 0);
	assert_int_equal(end.span, 16);
	assert_int_equal(end.last_value, 0);
	assert_int_equal(end.delta_off, pc_off + 2);
	assert_int_equal(end.delta, 16);
	assert_int_equal(pclntab_table_end(&tab, f.pcln, &end), 0);
	assert_int_equal(end.span, 16);
	assert_int_equal(end.last_value, 12);
	assert_int_equal(end.delta_off, pc_off + 7);
	assert_int_equal(end.delta_len, 1);
	assert_int_equal(t.b[end.delta_off], 0x0c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pcvalue_basic),
		cmocka_unit_test(test_pcvalue_first_zero_and_varints),
		cmocka_unit_test(test_pcvalue_truncated),
		cmocka_unit_test(test_tiny_table),
		cmocka_unit_test(test_tiny_corrupt),
		cmocka_unit_test(test_table_end),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
