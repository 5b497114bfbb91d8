/* Unit tests: redirects of functions shorter than a jmp rel32 (a short jump
 * into their INT3 padding), on the tiny fixture of every installed Go
 * version, and the padding check on synthetic bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dwarf_info.h"
#include "fixture.h"
#include "gobin.h"
#include "pclntab.h"
#include "plan.h"
#include "plan_subject.h"
#include "redirect.h"
#include "tiny_entry.h"

static const struct gofunc *func_of(const struct subject *s, const char *name)
{
	const struct gofunc *fn = gobin_find_func(s->bin, name);

	if (!fn)
		fail_msg("fixture lacks %s", name);
	return fn;
}

static int32_t rel32_at(const uint8_t *p)
{
	return (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 |
			 (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
}

/* The planned patch at addr, or NULL. */
static const struct byte_patch *patch_at(const struct subject *s, uint64_t addr)
{
	for (size_t i = 0; i < s->plan.npatches; i++)
		if (s->plan.patches[i].addr == addr)
			return &s->plan.patches[i];
	return NULL;
}

/* Where the short entry of fn leads: checks the eb rel8 at its entry and
 * the jmp rel32 in its padding, and returns the jump's target. */
static uint64_t short_entry_target(const struct subject *s, const struct gofunc *fn)
{
	const struct byte_patch *entry = patch_at(s, fn->entry);
	const struct byte_patch *pad = patch_at(s, fn->entry + fn->size);

	assert_non_null(entry);
	assert_non_null(pad);
	assert_int_equal(entry->len, TINY_SHORT_JMP_LEN);
	assert_int_equal(entry->bytes[0], 0xeb);
	assert_int_equal(fn->entry + 2 + (uint64_t)(int64_t)(int8_t)entry->bytes[1],
			 fn->entry + fn->size);
	assert_int_equal(pad->len, TINY_JMP_LEN);
	assert_int_equal(pad->bytes[0], 0xe9);
	return pad->addr + 5 + (uint64_t)(int64_t)rel32_at(pad->bytes + 1);
}

/* With the plan's .gopclntab patches applied, every pc table of fn covers
 * its code and the 5 bytes of the jump after it, with the stack delta of
 * the entry (0) and the line of its last instruction there; before, they
 * covered its code only. */
static void assert_tables_cover_padding(const struct subject *s,
					const struct gofunc *fn)
{
	const struct pclntab *t = gobin_pclntab(s->bin);
	struct pclntab patched = *t;
	uint32_t offs[3 + 32];
	struct pclntab_func f;
	uint8_t *data = malloc(t->size);
	size_t n = 0, i, changed = 0;

	assert_non_null(data);
	memcpy(data, t->data, t->size);
	for (i = 0; i < s->plan.npatches; i++) {
		const struct byte_patch *p = &s->plan.patches[i];

		if (p->addr >= t->addr && p->addr + p->len <= t->addr + t->size) {
			memcpy(data + (p->addr - t->addr), p->bytes, p->len);
			changed++;
		}
	}
	assert_true(changed > 0);
	patched.data = data;
	assert_int_equal(gobin_pcln_record(s->bin, fn, &f), 0);
	offs[n++] = f.pcsp;
	offs[n++] = f.pcfile;
	offs[n++] = f.pcln;
	for (i = 0; i < f.npcdata && i < 32; i++)
		if (pclntab_pcdata(t, &f, (uint32_t)i))
			offs[n++] = pclntab_pcdata(t, &f, (uint32_t)i);
	for (i = 0; i < n; i++) {
		assert_int_equal(pclntab_table_span(t, offs[i]), fn->size);
		assert_int_equal(pclntab_table_span(&patched, offs[i]), fn->size + 5);
		assert_int_equal(pclntab_value_at(&patched, offs[i], fn->size + 4),
				 pclntab_value_at(t, offs[i], fn->size - 1));
	}
	assert_int_equal(pclntab_value_at(&patched, f.pcsp, fn->size + 4), 0);
	assert_true(pclntab_value_at(&patched, f.pcln, fn->size + 4) > 0);
	free(data);
}

/* main.sub (4 bytes) redirected to main.mul: eb rel8 at the entry, jmp
 * rel32 at entry+4 to mul, the pc tables lengthened; with and without
 * symbols. */
static void test_short_entry_jump(void **state)
{
	static const char *const names[] = { "tiny", "tiny-stripped" };
	char versions[GOFIXTURE_MAX_VERSIONS][16];
	size_t n = gofixture_versions(versions, GOFIXTURE_MAX_VERSIONS);

	(void)state;
	for (size_t v = 0; v < n; v++) {
		for (size_t k = 0; k < 2; k++) {
			struct subject s;
			const struct gofunc *from;

			subject_open(&s, versions[v], names[k]);
			add(&s, REDIRECT_REPLACE, "main.sub", "main.mul");
			s.opt.force = true;	/* mul's signature is sub's anyway */
			if (build(&s) < 0)
				fail_msg("%s %s: %s", versions[v], names[k], errors_text(&s));
			from = func_of(&s, "main.sub");
			assert_int_equal(from->size, 4);
			assert_int_equal(short_entry_target(&s, from), func_of(&s, "main.mul")->entry);
			/* The entry first, then the padding: what inspect lists. */
			assert_int_equal(s.plan.patches[0].addr, from->entry);
			assert_int_equal(s.plan.patches[1].addr, from->entry + 4);
			assert_int_equal(s.plan.note.nredirects, 1);
			assert_int_equal(s.plan.note.npatches, s.plan.npatches);
			assert_int_equal(s.plan.text_len, 0);
			assert_tables_cover_padding(&s, from);
			subject_close(&s);
		}
	}
}

/* sub and add share their stack and file tables: both redirected, the
 * shared bytes change once, and no two patches overlap. */
static void test_shared_tables(void **state)
{
	char versions[GOFIXTURE_MAX_VERSIONS][16];
	size_t n = gofixture_versions(versions, GOFIXTURE_MAX_VERSIONS);

	(void)state;
	for (size_t v = 0; v < n; v++) {
		struct subject s;
		struct pclntab_func fs, fa;

		subject_open(&s, versions[v], "tiny");
		add(&s, REDIRECT_REPLACE, "main.sub", "main.mul");
		add(&s, REDIRECT_REPLACE, "main.add", "main.mul");
		if (build(&s) < 0)
			fail_msg("%s: %s", versions[v], errors_text(&s));
		assert_int_equal(gobin_pcln_record(s.bin, func_of(&s, "main.sub"), &fs), 0);
		assert_int_equal(gobin_pcln_record(s.bin, func_of(&s, "main.add"), &fa), 0);
		assert_int_equal(fs.pcsp, fa.pcsp);
		for (size_t i = 0; i < s.plan.npatches; i++)
			for (size_t j = i + 1; j < s.plan.npatches; j++)
				assert_false(s.plan.patches[i].addr < s.plan.patches[j].addr + s.plan.patches[j].len &&
					     s.plan.patches[j].addr < s.plan.patches[i].addr + s.plan.patches[i].len);
		assert_int_equal(short_entry_target(&s, func_of(&s, "main.sub")),
				 func_of(&s, "main.mul")->entry);
		assert_int_equal(short_entry_target(&s, func_of(&s, "main.add")),
				 func_of(&s, "main.mul")->entry);
		assert_tables_cover_padding(&s, func_of(&s, "main.sub"));
		assert_tables_cover_padding(&s, func_of(&s, "main.add"));
		subject_close(&s);
	}
}

/* sub replaced and its original reached through zero (3 bytes) as the
 * placeholder: zero's short entry leads to a trampoline that runs sub's
 * displaced `sub rax, rbx` and jumps back to its RET. */
static void test_original_of_short_function(void **state)
{
	char versions[GOFIXTURE_MAX_VERSIONS][16];
	size_t n = gofixture_versions(versions, GOFIXTURE_MAX_VERSIONS);

	(void)state;
	for (size_t v = 0; v < n; v++) {
		struct subject s;
		const struct gofunc *from, *ph;
		uint64_t tramp, back;
		const uint8_t *t;

		subject_open(&s, versions[v], "tiny");
		add(&s, REDIRECT_REPLACE, "main.sub", "main.add");
		add(&s, REDIRECT_ORIGINAL, "main.sub", "main.zero");
		if (build(&s) < 0)
			fail_msg("%s: %s", versions[v], errors_text(&s));
		from = func_of(&s, "main.sub");
		ph = func_of(&s, "main.zero");
		assert_int_equal(ph->size, 3);
		assert_int_equal(short_entry_target(&s, from), func_of(&s, "main.add")->entry);
		tramp = short_entry_target(&s, ph);
		assert_int_equal(tramp, s.plan.text_addr);
		/* 48 29 d8 (sub rax, rbx) copied as is, then jmp rel32 back. */
		t = s.plan.text;
		assert_true(s.plan.text_len >= 8);
		assert_memory_equal(t, "\x48\x29\xd8", 3);
		assert_int_equal(t[3], 0xe9);
		back = tramp + 8 + (uint64_t)(int64_t)rel32_at(t + 4);
		assert_int_equal(back, from->entry + 3);
		assert_int_equal(s.plan.note.nredirects, 2);
		assert_int_equal(s.plan.note.redirects[1].via, tramp);
		subject_close(&s);
	}
}

/* A lone RET has no room even for the short jump. */
static void test_one_byte_refused(void **state)
{
	char versions[GOFIXTURE_MAX_VERSIONS][16];
	size_t n = gofixture_versions(versions, GOFIXTURE_MAX_VERSIONS);

	(void)state;
	for (size_t v = 0; v < n; v++) {
		struct subject s;

		subject_open(&s, versions[v], "tiny");
		add(&s, REDIRECT_REPLACE, "main.nothing", "main.main");
		assert_int_equal(build(&s), -1);
		assert_error_says(&s, "main.nothing is too short to patch: 1 byte(s); a jmp rel32 needs 5, a short jump into its padding 2");
		assert_int_equal(s.plan.npatches, 0);
		subject_close(&s);
	}
}

/* The padding check itself, on bytes made up for it. */
static void test_padding_check(void **state)
{
	static const uint8_t int3[8] = { 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc };
	static const uint8_t nop_in[8] = { 0xcc, 0xcc, 0x90, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc };
	struct rw_error err = { { 0 } };

	(void)state;
	assert_int_equal(tiny_padding_check("main.f", 4, int3, 8, "function main.g", &err), 0);
	assert_int_equal(tiny_padding_check("main.f", 4, int3, 5, "function main.g", &err), 0);
	assert_int_equal(tiny_padding_check("main.f", 4, int3, 4, "function main.g", &err), -1);
	assert_string_equal(err.msg, "main.f is too short to patch: 4 byte(s), and the padding after it holds 4 byte(s) before function main.g starts: a jmp rel32 needs 5 there");
	assert_int_equal(tiny_padding_check("main.f", 3, NULL, 0, "symbol main.x", &err), -1);
	assert_non_null(strstr(err.msg, "holds 0 byte(s) before symbol main.x starts"));
	assert_int_equal(tiny_padding_check("main.f", 3, nop_in, 8, "function main.g", &err), -1);
	assert_string_equal(err.msg, "main.f is too short to patch: 3 byte(s), and the 8 byte(s) after it up to function main.g are not all INT3 padding (0x90 at +0x5): nowhere to put the jmp rel32");
}

/* A copy of a fixture at out with bytes written at virtual address addr. */
static void copy_with_bytes(const struct subject *s, const char *out,
			    uint64_t addr, const void *bytes, size_t len)
{
	const struct elf_image *img = gobin_elf(s->bin);
	int64_t off = elf_image_vaddr_offset(img, addr, len);
	uint8_t *copy = malloc(img->size);
	FILE *f;

	assert_true(off >= 0);
	assert_non_null(copy);
	memcpy(copy, img->bytes, img->size);
	memcpy(copy + off, bytes, len);
	f = fopen(out, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(copy, 1, img->size, f), img->size);
	fclose(f);
	free(copy);
}

/* A copy of a fixture at out whose .symtab symbol name has value addr. */
static void copy_with_symbol_at(const struct subject *s, const char *out,
				const char *name, uint64_t addr)
{
	const struct elf_image *img = gobin_elf(s->bin);
	const struct elf_section *sym = elf_image_section(img, ".symtab");
	const struct elf_section *str;
	uint8_t *copy = malloc(img->size);
	FILE *f;
	size_t i;

	assert_non_null(sym);
	assert_non_null(copy);
	str = &img->sections[sym->link];
	memcpy(copy, img->bytes, img->size);
	for (i = 0; i < sym->size / sizeof(Elf64_Sym); i++) {
		Elf64_Sym e;

		memcpy(&e, copy + sym->offset + i * sizeof(e), sizeof(e));
		if (strcmp((const char *)copy + str->offset + e.st_name, name) != 0)
			continue;
		e.st_value = addr;
		memcpy(copy + sym->offset + i * sizeof(e), &e, sizeof(e));
		break;
	}
	assert_true(i < sym->size / sizeof(Elf64_Sym));
	f = fopen(out, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(copy, 1, img->size, f), img->size);
	fclose(f);
	free(copy);
}

/* Real binaries whose padding is no room: a byte that is not INT3 in it,
 * a symbol that starts in it. */
static void test_padding_refused(void **state)
{
	char versions[GOFIXTURE_MAX_VERSIONS][16];
	size_t n = gofixture_versions(versions, GOFIXTURE_MAX_VERSIONS);
	char out[] = "/tmp/rewire-test-tiny-XXXXXX";
	int fd;

	(void)state;
	fd = mkstemp(out);
	assert_true(fd >= 0);
	close(fd);
	for (size_t v = 0; v < n; v++) {
		struct subject s, t;
		const struct gofunc *sub;
		uint64_t end;

		subject_open(&s, versions[v], "tiny");
		sub = func_of(&s, "main.sub");
		end = sub->entry + sub->size;

		copy_with_bytes(&s, out, end + 6, "\x90", 1);
		subject_open_path(&t, out);
		add(&t, REDIRECT_REPLACE, "main.sub", "main.add");
		assert_int_equal(build(&t), -1);
		assert_error_says(&t, "main.sub is too short to patch: 4 byte(s), and the ");
		assert_error_says(&t, "after it up to function main.add are not all INT3 padding (0x90 at +0xa)");
		subject_close(&t);

		copy_with_symbol_at(&s, out, "runtime.m0", end + 3);
		subject_open_path(&t, out);
		add(&t, REDIRECT_REPLACE, "main.sub", "main.add");
		assert_int_equal(build(&t), -1);
		assert_error_says(&t, "main.sub is too short to patch: 4 byte(s), and the padding after it holds 3 byte(s) before symbol runtime.m0 starts: a jmp rel32 needs 5 there");
		subject_close(&t);
		subject_close(&s);
	}
	unlink(out);
}

/* A stack table that does not end at the entry's delta (0): the jump in
 * the padding could not be described to Go's unwinder, refused. */
static void test_stack_table_refused(void **state)
{
	char versions[GOFIXTURE_MAX_VERSIONS][16];
	size_t n = gofixture_versions(versions, GOFIXTURE_MAX_VERSIONS);
	char out[] = "/tmp/rewire-test-tiny-XXXXXX";
	int fd;

	(void)state;
	fd = mkstemp(out);
	assert_true(fd >= 0);
	close(fd);
	for (size_t v = 0; v < n; v++) {
		struct subject s, t;
		const struct pclntab *tab;
		struct pclntab_func f;
		const uint8_t *p;

		subject_open(&s, versions[v], "tiny");
		tab = gobin_pclntab(s.bin);
		assert_int_equal(gobin_pcln_record(s.bin, func_of(&s, "main.sub"), &f), 0);
		/* Its one range: value +1 (zig-zag 2) from -1 to 0, over 4 bytes;
		 * +3 (zig-zag 6) makes it 2. */
		p = pclntab_pctab(tab, f.pcsp);
		assert_non_null(p);
		assert_memory_equal(p, "\x02\x04\x00", 3);
		copy_with_bytes(&s, out, tab->addr + (uint64_t)(p - tab->data), "\x06", 1);
		subject_open_path(&t, out);
		add(&t, REDIRECT_REPLACE, "main.sub", "main.add");
		assert_int_equal(build(&t), -1);
		assert_error_says(&t, "main.sub is too short to patch: 4 byte(s), and its stack delta is 2 at its end, not 0 as at its entry");
		subject_close(&t);
		subject_close(&s);
	}
	unlink(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_short_entry_jump),
		cmocka_unit_test(test_shared_tables),
		cmocka_unit_test(test_original_of_short_function),
		cmocka_unit_test(test_one_byte_refused),
		cmocka_unit_test(test_padding_check),
		cmocka_unit_test(test_padding_refused),
		cmocka_unit_test(test_stack_table_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
