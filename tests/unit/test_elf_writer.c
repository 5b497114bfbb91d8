/* Unit tests: writing a changed copy of a real Go binary. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elf_writer.h"

static char fixture[4096];
static char tmpdir[] = "/tmp/rewire-writer-XXXXXX";

static int setup(void **state)
{
	const char *dir = getenv("REWIRE_FIXTURES");

	(void)state;
	if (!dir) {
		fprintf(stderr, "REWIRE_FIXTURES is not set (run make unit-test)\n");
		return -1;
	}
	snprintf(fixture, sizeof(fixture), "%s/go1.26/hello", dir);
	if (access(fixture, R_OK) != 0) {
		/* Any installed version will do: take the first folder. */
		DIR *d = opendir(dir);
		struct dirent *e;

		while (d && (e = readdir(d)))
			if (strncmp(e->d_name, "go1.", 4) == 0) {
				snprintf(fixture, sizeof(fixture), "%s/%s/hello", dir, e->d_name);
				break;
			}
		if (d)
			closedir(d);
	}
	if (access(fixture, R_OK) != 0) {
		fprintf(stderr, "no fixture binary under %s\n", dir);
		return -1;
	}
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[256];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Address of runtime.abort, which hello never runs (it crashes on purpose). */
static uint64_t never_run_addr(void)
{
	char cmd[4200], line[512];
	uint64_t addr = 0;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "nm %s", fixture);
	f = popen(cmd, "r");
	while (f && fgets(line, sizeof(line), f)) {
		unsigned long long a;
		char type, name[400];

		if (sscanf(line, "%llx %c %399s", &a, &type, name) == 3 &&
		    strncmp(name, "runtime.abort", 13) == 0 &&
		    (name[13] == '\0' || strcmp(name + 13, ".abi0") == 0))
			addr = a;
	}
	if (f)
		pclose(f);
	return addr;
}

/* elf_writer_write to path, checked as the commands check OUT. */
static int write_to(const struct elf_image *in, const struct elf_changes *ch,
		    const char *path, struct rw_error *err)
{
	struct output out;

	if (output_check(&out, path, in->path, false, err) < 0)
		return -1;
	return elf_writer_write(in, ch, &out, err);
}

static size_t count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.' || strstr(e->d_name, ".rewire-"))
			n++;
	if (d)
		closedir(d);
	return n;
}

static void test_segment_note_and_patch(void **state)
{
	struct elf_image in, out;
	struct rw_error err = { { 0 } };
	uint8_t code[40], patch[3] = { 0x90, 0x90, 0x90 };
	const struct elf_section *text, *added, *note;
	char path[4200];
	size_t i, diff_outside = 0;
	uint64_t vaddr, target = never_run_addr();

	(void)state;
	assert_int_not_equal(target, 0);
	memset(code, 0xcc, sizeof(code));
	assert_int_equal(elf_image_open(&in, fixture, &err), 0);
	text = elf_image_section(&in, ".text");
	assert_non_null(text);
	vaddr = elf_writer_next_vaddr(&in);
	assert_int_equal(vaddr % 0x1000, 0);
	{
		struct byte_patch p = { .addr = target, .bytes = patch, .len = sizeof(patch) };
		struct new_segment seg = { .section_name = ".rewire.text", .flags = PF_R | PF_X,
					   .addr = vaddr, .bytes = code, .size = sizeof(code),
					   .memsz = 0x2000 };
		struct new_note n = { .section_name = ".note.rewire", .owner = "rewire",
				      .type = 1, .desc = (const uint8_t *)"hi\n", .desc_len = 3 };
		struct new_symbol sym = { .name = "rewire_test_symbol", .addr = vaddr,
					  .size = sizeof(code), .is_func = 1 };
		struct elf_changes ch = { .patches = &p, .npatches = 1, .segments = &seg,
					  .nsegments = 1, .note = &n, .symbols = &sym,
					  .nsymbols = 1 };

		snprintf(path, sizeof(path), "%s/out", tmpdir);
		assert_int_equal(write_to(&in, &ch, path, &err), 0);
	}
	assert_int_equal(elf_image_open(&out, path, &err), 0);
	/* One PT_LOAD more, at the chosen address, executable. */
	assert_int_equal(out.nsegments, in.nsegments + 1);
	for (i = 0; i < out.nsegments; i++)
		if (out.segments[i].p_type == PT_LOAD && out.segments[i].p_vaddr == vaddr)
			break;
	assert_true(i < out.nsegments);
	assert_int_equal(out.segments[i].p_flags, PF_R | PF_X);
	assert_int_equal(out.segments[i].p_offset % 0x1000, vaddr % 0x1000);
	/* bss: the segment is longer in memory than in the file. */
	assert_int_equal(out.segments[i].p_filesz, sizeof(code));
	assert_int_equal(out.segments[i].p_memsz, 0x2000);
	assert_memory_equal(elf_image_vaddr_bytes(&out, vaddr, sizeof(code)), code, sizeof(code));
	added = elf_image_section(&out, ".rewire.text");
	note = elf_image_section(&out, ".note.rewire");
	assert_non_null(added);
	assert_non_null(note);
	assert_int_equal(note->type, SHT_NOTE);
	assert_memory_equal(elf_image_vaddr_bytes(&out, target, 3), patch, 3);
	/* Go ends the file with .symtab, .strtab (and .shstrtab): they move
	 * behind the new bytes, which take their place instead of leaving a
	 * hole. The file grows by about the segment, the note and the new
	 * symbol, not by a copy of the tables. */
	{
		const struct elf_section *symtab = elf_image_section(&in, ".symtab");
		const struct elf_section *moved = elf_image_section(&out, ".symtab");

		assert_non_null(symtab);
		assert_non_null(moved);
		assert_true(out.segments[i].p_offset < in.size);
		assert_true(out.segments[i].p_offset <= symtab->offset + 0x1000);
		assert_true(moved->offset > out.segments[i].p_offset);
		assert_true(out.size < in.size + 3 * 0x1000);
	}
	/* Every loaded byte of the original past the headers is unchanged but
	 * the patch. (Tables that moved away, like .symtab, leave their place
	 * to the new bytes or to zeros; nothing loads it.) */
	for (i = 0x1000; i < in.size; i++) {
		bool loaded = false;
		size_t k;

		for (k = 0; k < in.nsegments; k++)
			if (in.segments[k].p_type == PT_LOAD && i >= in.segments[k].p_offset &&
			    i < in.segments[k].p_offset + in.segments[k].p_filesz)
				loaded = true;
		if (loaded && in.bytes[i] != out.bytes[i] &&
		    !(i >= text->offset + (target - text->addr) &&
		      i < text->offset + (target - text->addr) + 3))
			diff_outside++;
	}
	assert_int_equal(diff_outside, 0);
	/* The new symbol is in .symtab, next to Go's. */
	{
		char cmd[8800];

		snprintf(cmd, sizeof(cmd),
			 "nm %s | grep -q '^%016llx T rewire_test_symbol$' && nm %s | grep -q ' T main.main$'",
			 path, (unsigned long long)vaddr, path);
		assert_int_equal(system(cmd), 0);
	}
	/* The executable still runs. */
	{
		char cmd[4300];

		snprintf(cmd, sizeof(cmd), "%s > /dev/null", path);
		assert_int_equal(system(cmd), 0);
	}
	elf_image_close(&out);
	elf_image_close(&in);
}

/* A PT_NOTE over bytes of a new segment (rewire image's PVH note): its
 * header follows the new PT_LOAD and points at the same file bytes; a
 * range outside every new segment is refused. */
static void test_note_segment(void **state)
{
	struct elf_image in, out;
	struct rw_error err = { { 0 } };
	uint8_t bytes[64];
	char path[4200];
	uint64_t vaddr;
	size_t i, notes_in = 0, notes_out = 0;
	const GElf_Phdr *pn = NULL;

	(void)state;
	for (i = 0; i < sizeof(bytes); i++)
		bytes[i] = (uint8_t)i;
	assert_int_equal(elf_image_open(&in, fixture, &err), 0);
	vaddr = elf_writer_next_vaddr(&in);
	{
		struct new_segment seg = { .section_name = ".rewire.c.rodata", .flags = PF_R,
					   .addr = vaddr, .bytes = bytes, .size = sizeof(bytes) };
		struct new_note_segment ns = { .addr = vaddr + 8, .size = 20 };
		struct elf_changes ch = { .segments = &seg, .nsegments = 1,
					  .note_segments = &ns, .nnote_segments = 1 };

		snprintf(path, sizeof(path), "%s/note-seg", tmpdir);
		assert_int_equal(write_to(&in, &ch, path, &err), 0);
		ns.addr = vaddr + 60;
		snprintf(path, sizeof(path), "%s/note-seg-bad", tmpdir);
		assert_int_equal(write_to(&in, &ch, path, &err), -1);
		assert_non_null(strstr(err.msg, "not inside a new segment"));
		assert_int_equal(access(path, F_OK), -1);
		snprintf(path, sizeof(path), "%s/note-seg", tmpdir);
	}
	assert_int_equal(elf_image_open(&out, path, &err), 0);
	assert_int_equal(out.nsegments, in.nsegments + 2);
	for (i = 0; i < in.nsegments; i++)
		notes_in += in.segments[i].p_type == PT_NOTE;
	for (i = 0; i < out.nsegments; i++)
		if (out.segments[i].p_type == PT_NOTE) {
			notes_out++;
			if (out.segments[i].p_vaddr == vaddr + 8)
				pn = &out.segments[i];
		}
	assert_int_equal(notes_out, notes_in + 1);
	assert_non_null(pn);
	assert_int_equal(pn->p_filesz, 20);
	assert_true(pn->p_offset + 20 <= out.size);
	assert_memory_equal(out.bytes + pn->p_offset, bytes + 8, 20);
	elf_image_close(&out);
	elf_image_close(&in);
}

static void test_failure_leaves_nothing(void **state)
{
	struct elf_image in;
	struct rw_error err = { { 0 } };
	uint8_t bytes[4] = { 1, 2, 3, 4 };
	char path[4200];
	size_t before;

	(void)state;
	assert_int_equal(elf_image_open(&in, fixture, &err), 0);
	before = count_entries(tmpdir);
	{
		/* No section holds address 0x10: the write must fail cleanly. */
		struct byte_patch p = { .addr = 0x10, .bytes = bytes, .len = sizeof(bytes) };
		struct elf_changes ch = { .patches = &p, .npatches = 1 };

		snprintf(path, sizeof(path), "%s/never", tmpdir);
		assert_int_equal(write_to(&in, &ch, path, &err), -1);
		assert_non_null(strstr(err.msg, "no section holds"));
	}
	assert_int_equal(count_entries(tmpdir), before);
	assert_int_not_equal(access(path, F_OK), 0);
	{
		struct elf_changes ch = { .npatches = 0 };

		assert_int_equal(write_to(&in, &ch, "/nonexistent-dir/out", &err), -1);
		assert_non_null(strstr(err.msg, "the folder /nonexistent-dir does not exist"));
	}
	elf_image_close(&in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_segment_note_and_patch),
		cmocka_unit_test(test_note_segment),
		cmocka_unit_test(test_failure_leaves_nothing),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
