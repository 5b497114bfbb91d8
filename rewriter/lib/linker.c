/* Linking freestanding C objects at a fixed address against a Go binary's symbols, with GNU ld.
 *
 * Stages of linker_link: check the inputs (and collect their redirect
 * records) -> offer the Go symbols -> write the linker script -> run ld ->
 * explain ld's complaints when it fails -> read ld's output (segments,
 * symbols, redirects) -> check the image against the Go binary. */
#include "linker.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "fsutil.h"
#include "redirect.h"
#include "redirect_record.h"
#include "run.h"

#define PAGE_SIZE 4096ULL
#define REDIRECT_SECTION ".rewire.redirects"
/* ld's messages past this size add nothing a user reads. */
#define LD_LOG_MAX (1u << 20)

static uint64_t page_up(uint64_t v)
{
	return (v + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

/* ---- redirect records ---- */

/* A record as found in an input, before linking. */
struct record {
	char *text;
	char *object;		/* "a.o" or "lib.a(m.o)" */
};

struct record_list {
	struct record *items;
	size_t count;
};

static void record_list_free(struct record_list *l)
{
	for (size_t i = 0; i < l->count; i++) {
		free(l->items[i].text);
		free(l->items[i].object);
	}
	free(l->items);
	l->items = NULL;
	l->count = 0;
}

/* Appends the NUL-terminated records of one .rewire.redirects section,
 * checking each one's syntax so that errors name the object. */
static int records_add(struct record_list *l, const char *object,
		       const uint8_t *bytes, size_t size, struct rw_error *err)
{
	size_t off = 0;

	while (off < size) {
		const char *text = (const char *)bytes + off;
		const char *nul = memchr(text, '\0', size - off);
		struct linked_redirect r = { 0 };
		struct record *items;

		if (!nul)
			return rw_fail(err, "%s: section %s ends inside a record, without its NUL: \"%.*s\"",
				       object, REDIRECT_SECTION, (int)(size - off), text);
		off += (size_t)(nul - text) + 1;
		/* Zero padding between records (a wider alignment) is no record. */
		if (nul == text)
			continue;
		if (redirect_record_parse(text, &r, err) < 0) {
			redirect_record_free(&r);
			return rw_wrap(err, "%s: redirect record \"%s\": ", object, text);
		}
		redirect_record_free(&r);
		items = realloc(l->items, (l->count + 1) * sizeof(*items));
		if (!items)
			return rw_fail(err, "%s: out of memory", object);
		l->items = items;
		items[l->count].text = strdup(text);
		items[l->count].object = strdup(object);
		if (!items[l->count].text || !items[l->count].object) {
			free(items[l->count].text);
			free(items[l->count].object);
			return rw_fail(err, "%s: out of memory", object);
		}
		l->count++;
	}
	return 0;
}

static const struct record *record_find(const struct record_list *l, const char *text)
{
	for (size_t i = 0; i < l->count; i++)
		if (strcmp(l->items[i].text, text) == 0)
			return &l->items[i];
	return NULL;
}

/* ---- input checks ---- */

static const char *elf_type_name(unsigned type)
{
	switch (type) {
	case ET_EXEC: return "an executable";
	case ET_DYN: return "a shared object or PIE";
	case ET_CORE: return "a core dump";
	default: return "of an unknown ELF type";
	}
}

/* An ifunc needs a resolver run at load time, which nothing would do. */
static int symtab_check(Elf *e, Elf_Scn *scn, const GElf_Shdr *sh, const char *name,
			struct rw_error *err)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	size_t n = sh->sh_entsize ? sh->sh_size / sh->sh_entsize : 0;

	for (size_t i = 1; d && i < n; i++) {
		GElf_Sym sym;
		const char *sname;

		if (!gelf_getsym(d, (int)i, &sym) || GELF_ST_TYPE(sym.st_info) != STT_GNU_IFUNC ||
		    sym.st_shndx == SHN_UNDEF)
			continue;
		sname = elf_strptr(e, sh->sh_link, sym.st_name);
		return rw_fail(err, "%s: ifunc %s is not supported (nothing would run its resolver)",
			       name, sname ? sname : "?");
	}
	return 0;
}

/* One ELF object (a file or an archive member): ELF64 x86-64 ET_REL. */
static int object_check(Elf *e, const char *name, struct record_list *records,
			struct rw_error *err)
{
	GElf_Ehdr eh;
	size_t shstrndx;
	Elf_Scn *scn = NULL;

	if (gelf_getclass(e) != ELFCLASS64)
		return rw_fail(err, "%s: a 32-bit ELF file; x86-64 objects are ELF64", name);
	if (!gelf_getehdr(e, &eh))
		return rw_fail(err, "%s: unreadable ELF header: %s", name, elf_errmsg(-1));
	if (eh.e_machine != EM_X86_64)
		return rw_fail(err, "%s: an object for ELF machine %u, not x86-64", name,
			       (unsigned)eh.e_machine);
	if (eh.e_type != ET_REL)
		return rw_fail(err, "%s: %s, not a relocatable object: compile it with gcc -c",
			       name, elf_type_name(eh.e_type));
	if (elf_getshdrstrndx(e, &shstrndx) != 0)
		return rw_fail(err, "%s: unreadable section headers: %s", name, elf_errmsg(-1));
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		const char *sname;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh))
			return rw_fail(err, "%s: unreadable section header: %s", name, elf_errmsg(-1));
		if (sh.sh_type == SHT_SYMTAB && symtab_check(e, scn, &sh, name, err) < 0)
			return -1;
		sname = elf_strptr(e, shstrndx, sh.sh_name);
		if (!sname || strcmp(sname, REDIRECT_SECTION) != 0 || sh.sh_type == SHT_NOBITS)
			continue;
		d = elf_rawdata(scn, NULL);
		if (!d && sh.sh_size)
			return rw_fail(err, "%s: section %s is unreadable: %s", name,
				       REDIRECT_SECTION, elf_errmsg(-1));
		if (d && d->d_buf && records_add(records, name, d->d_buf, d->d_size, err) < 0)
			return -1;
	}
	return 0;
}

static int archive_check(int fd, Elf *ar, const char *path, struct record_list *records,
			 struct rw_error *err)
{
	Elf_Cmd cmd = ELF_C_READ;
	Elf *m;
	int rc = 0;

	while (rc == 0 && (m = elf_begin(fd, cmd, ar))) {
		Elf_Arhdr *h = elf_getarhdr(m);
		const char *mname = h && h->ar_name ? h->ar_name : "?";
		char *name = NULL;

		/* The symbol index and the long-name table are not members. */
		if (h && (strcmp(mname, "/") == 0 || strcmp(mname, "//") == 0 ||
			  strcmp(mname, "/SYM64/") == 0)) {
			cmd = elf_next(m);
			elf_end(m);
			continue;
		}
		if (asprintf(&name, "%s(%s)", path, mname) < 0) {
			elf_end(m);
			return rw_fail(err, "%s: out of memory", path);
		}
		if (elf_kind(m) != ELF_K_ELF)
			rc = rw_fail(err, "%s: archive member is not an ELF object", name);
		else
			rc = object_check(m, name, records, err);
		free(name);
		cmd = elf_next(m);
		elf_end(m);
	}
	return rc;
}

static int input_check(const char *path, struct record_list *records, struct rw_error *err)
{
	char magic[8] = { 0 };
	struct stat st;
	Elf *e;
	int fd, rc;

	fd = file_open_regular(path, &st, err);
	if (fd < 0)
		return -1;
	if (pread(fd, magic, sizeof(magic), 0) == (ssize_t)sizeof(magic) &&
	    memcmp(magic, "!<thin>\n", 8) == 0) {
		close(fd);
		return rw_fail(err, "%s: a thin archive, whose members are elsewhere: make a normal one with ar rcs",
			       path);
	}
	e = elf_begin(fd, ELF_C_READ, NULL);
	if (e && elf_kind(e) == ELF_K_AR)
		rc = archive_check(fd, e, path, records, err);
	else if (e && elf_kind(e) == ELF_K_ELF)
		rc = object_check(e, path, records, err);
	else
		rc = rw_fail(err, "%s: not an ELF object or ar archive (compile C with gcc -c, bundle objects with ar rcs)",
			     path);
	elf_end(e);
	close(fd);
	return rc;
}

/* ---- the Go symbols offered to the C code ---- */

struct go_symbol {
	const char *name;
	uint64_t addr;
	int rank;		/* lower wins for one name: exact, alias, .symtab */
	bool owned;		/* name is malloc'd */
};

struct go_symbols {
	struct go_symbol *items;
	size_t count, cap;
	bool has_symtab;
};

static void go_symbols_free(struct go_symbols *gs)
{
	for (size_t i = 0; i < gs->count; i++)
		if (gs->items[i].owned)
			free((char *)gs->items[i].name);
	free(gs->items);
	memset(gs, 0, sizeof(*gs));
}

static int go_symbols_push(struct go_symbols *gs, const char *name, uint64_t addr,
			   int rank, bool owned)
{
	if (gs->count == gs->cap) {
		size_t cap = gs->cap ? gs->cap * 2 : 4096;
		struct go_symbol *items = realloc(gs->items, cap * sizeof(*items));

		if (!items) {
			if (owned)
				free((char *)name);
			return -1;
		}
		gs->items = items;
		gs->cap = cap;
	}
	gs->items[gs->count++] = (struct go_symbol){ name, addr, rank, owned };
	return 0;
}

static int compare_go_symbol(const void *a, const void *b)
{
	const struct go_symbol *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	if (x->rank != y->rank)
		return x->rank - y->rank;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* The other spelling of an assembly function's name: with ".abi0" added or
 * taken off. */
static char *abi0_toggle(const char *name)
{
	size_t n = strlen(name);

	if (n > 5 && strcmp(name + n - 5, ".abi0") == 0)
		return strndup(name, n - 5);
	char *s = malloc(n + 6);

	if (s) {
		memcpy(s, name, n);
		memcpy(s + n, ".abi0", 6);
	}
	return s;
}

/* Data and bss (and any other defined) symbols of the Go binary's .symtab. */
static int go_symbols_from_symtab(struct go_symbols *gs, const struct elf_image *img)
{
	const struct elf_section *sec = elf_image_section(img, ".symtab");
	const struct elf_section *str;
	const uint8_t *syms;
	const char *strs;
	size_t n;

	if (!sec || sec->type != SHT_SYMTAB || sec->link >= img->nsections)
		return 0;
	str = &img->sections[sec->link];
	syms = elf_image_section_bytes(img, sec);
	strs = (const char *)elf_image_section_bytes(img, str);
	if (!syms || !strs || str->type != SHT_STRTAB)
		return 0;
	gs->has_symtab = true;
	n = sec->size / sizeof(Elf64_Sym);
	for (size_t i = 1; i < n; i++) {
		Elf64_Sym s;
		int type;

		memcpy(&s, syms + i * sizeof(s), sizeof(s));
		type = ELF64_ST_TYPE(s.st_info);
		if (s.st_shndx == SHN_UNDEF || s.st_name >= str->size ||
		    (type != STT_OBJECT && type != STT_FUNC && type != STT_NOTYPE) ||
		    !memchr(strs + s.st_name, '\0', str->size - s.st_name) ||
		    strs[s.st_name] == '\0')
			continue;
		if (go_symbols_push(gs, strs + s.st_name, s.st_value, 2, false) < 0)
			return -1;
	}
	return 0;
}

static int go_symbols_collect(struct go_symbols *gs, const struct gobin *bin,
			      struct rw_error *err)
{
	size_t nfuncs = gobin_func_count(bin), i, o = 0;

	for (i = 0; i < nfuncs; i++) {
		const struct gofunc *fn = gobin_func(bin, i);
		const struct gofunc *best = gobin_find_func(bin, fn->name);
		char *alt = abi0_toggle(fn->name);
		const struct gofunc *other;

		if (go_symbols_push(gs, fn->name, (best ? best : fn)->entry, 0, false) < 0 || !alt) {
			free(alt);
			goto oom;
		}
		other = gobin_find_func(bin, alt);
		if (!other) {
			free(alt);
			continue;
		}
		if (go_symbols_push(gs, alt, other->entry, 1, true) < 0)
			goto oom;
	}
	if (go_symbols_from_symtab(gs, gobin_elf(bin)) < 0)
		goto oom;
	if (gs->count == 0)
		return 0;
	qsort(gs->items, gs->count, sizeof(*gs->items), compare_go_symbol);
	/* One definition per name; names a script cannot quote are left out. */
	for (i = 0; i < gs->count; i++) {
		struct go_symbol *s = &gs->items[i];
		bool keep = (o == 0 || strcmp(gs->items[o - 1].name, s->name) != 0) &&
			    !strpbrk(s->name, "\"\n");

		if (keep)
			gs->items[o++] = *s;
		else if (s->owned)
			free((char *)s->name);
	}
	gs->count = o;
	return 0;
oom:
	return rw_fail(err, "%s: out of memory for its symbols", gobin_path(bin));
}

static const struct go_symbol *go_symbols_find(const struct go_symbols *gs, const char *name)
{
	size_t lo = 0, hi = gs->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(gs->items[mid].name, name);

		if (c == 0)
			return &gs->items[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* ---- the linker script ---- */

/* The C layout: text, rodata (with the redirect records) and data
 * segments right after the Go binary. /DISCARD/ comes first because the
 * first matching rule takes a section. .rela.dyn collects what only a
 * dynamic loader would apply (ifuncs): the ASSERT turns it into an error.
 * GOT and PLT are made by ld for PIC code and are filled at link time. A
 * kernel's layout comes from its platform instead (image.ld, read by
 * rewire image), in the same terms. */
static const char script_layout[] =
	"PHDRS\n"
	"{\n"
	"\ttext PT_LOAD FLAGS(5);\n"
	"\trodata PT_LOAD FLAGS(4);\n"
	"\tdata PT_LOAD FLAGS(6);\n"
	"}\n"
	"SECTIONS\n"
	"{\n"
	"\t/DISCARD/ : { *(.note.GNU-stack) *(.note.gnu.property) *(.comment) *(.eh_frame)\n"
	"\t\t*(.debug*) *(.zdebug*) *(.stab*) *(.gnu.debuglto_*) *(.llvm_addrsig) }\n"
	"\t. = 0x%llx;\n"
	"\t.rewire.c.text : { *(.text .text.* .ltext .ltext.*) *(.plt) *(.iplt) } :text\n"
	"\t. = ALIGN(4096);\n"
	"\t.rewire.c.rodata : { *(.rodata .rodata.* .lrodata .lrodata.*)\n"
	"\t\t*(.data.rel.ro .data.rel.ro.*) *(.note .note.*) } :rodata\n"
	"\t" REDIRECT_SECTION " : { KEEP(*(" REDIRECT_SECTION ")) } :rodata\n"
	"\t.rela.dyn : { *(.rela.*) } :rodata\n"
	"\t. = ALIGN(4096);\n"
	"\t.rewire.c.data : { *(.data .data.* .ldata .ldata.*) *(.got) *(.got.plt) *(.igot.plt) } :data\n"
	"\t.rewire.c.bss : { *(.bss .bss.* .lbss .lbss.*) *(COMMON) *(LARGE_COMMON) } :data\n"
	"}\n"
	"ASSERT(SIZEOF(.rela.dyn) == 0, \"rewire: the C code needs run-time relocations (an ifunc?), which nothing would apply\");\n";

/* How link_in links: the C layout or a platform's kernel layout, and
 * whether undefined symbols may stay (discovery). */
struct link_opts {
	bool discover;
	const struct kernel_layout *kernel;	/* NULL: the C layout */
};

static int script_write(const char *path, const struct go_symbols *gs, uint64_t base,
			const struct link_opts *opts, struct rw_error *err)
{
	FILE *f = fopen(path, "w");
	int bad;

	if (!f)
		return rw_fail(err, "%s: cannot create: %s", path, strerror(errno));
	fputs("/* Generated by rewire: the Go binary's symbols (used only when referenced), then the C image's layout. */\n",
	      f);
	/* Quoted, a name may hold any byte but '"': dots, slashes, stars,
	 * parentheses, brackets, blanks and UTF-8 all pass. */
	for (size_t i = 0; i < gs->count; i++)
		fprintf(f, "PROVIDE(\"%s\" = 0x%llx);\n", gs->items[i].name,
			(unsigned long long)gs->items[i].addr);
	if (opts->kernel)
		fprintf(f, "REWIRE_BASE = 0x%llx;\nrewire_program_ehdr = 0x%llx;\n"
			"rewire_program_entry = 0x%llx;\n%s%s\n",
			(unsigned long long)base,
			(unsigned long long)opts->kernel->program_ehdr,
			(unsigned long long)opts->kernel->program_entry,
			opts->kernel->defines ? opts->kernel->defines : "",
			opts->kernel->script);
	else
		fprintf(f, script_layout, (unsigned long long)base);
	bad = ferror(f);
	if (fclose(f) != 0 || bad)
		return rw_fail(err, "%s: cannot write the linker script", path);
	return 0;
}

/* ---- running ld ---- */

/*
 * Runs ld with stdout and stderr captured together in res->out, in the order
 * ld wrote them (its first LD_LOG_MAX bytes), and with LC_ALL=C (LANGUAGE
 * unset) so that its messages are the English ones ld_explain parses.
 */
static int ld_run(char *const argv[], struct run_output *res, struct rw_error *err)
{
	static const char *const c_locale[] = { "LC_ALL=C", "LANGUAGE", NULL };

	if (run_program("the linker", argv, NULL, c_locale, LD_LOG_MAX,
			RUN_MERGE_STDERR | RUN_TRUNCATE_OUT, NULL, res, err) == 0)
		return 0;
	if (res->exec_errno == ENOENT)
		return rw_fail(err, "%s is not on PATH: linking C objects needs GNU ld (binutils), or REWIRE_LD naming a linker",
			       argv[0]);
	return -1;
}

/* ---- explaining ld's failures ---- */

/* A message made of "; "-separated items, the ones past its room counted. */
struct msg_list {
	char text[900];
	size_t len;
	size_t items, dropped;
	char seen[32][512];	/* symbols already reported */
	size_t nseen;
};

static bool msg_seen(struct msg_list *m, const char *key)
{
	for (size_t i = 0; i < m->nseen; i++)
		if (strcmp(m->seen[i], key) == 0)
			return true;
	if (m->nseen < 32)
		snprintf(m->seen[m->nseen++], sizeof(m->seen[0]), "%s", key);
	return false;
}

__attribute__((format(printf, 2, 3)))
static void msg_add(struct msg_list *m, const char *fmt, ...)
{
	char item[600];
	size_t n;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(item, sizeof(item), fmt, ap);
	va_end(ap);
	n = strlen(item);
	if (m->len + n + 3 >= sizeof(m->text) || m->items >= 6) {
		m->dropped++;
		return;
	}
	if (m->items)
		m->len += (size_t)snprintf(m->text + m->len, sizeof(m->text) - m->len, "; ");
	m->len += (size_t)snprintf(m->text + m->len, sizeof(m->text) - m->len, "%s", item);
	m->items++;
}

/* The input path that line starts with, followed by ':' or by an archive
 * member "(m.o)", copied into buf; NULL if none. */
static const char *object_at(const char *line, const char *const *inputs, size_t ninputs,
			     char *buf, size_t len)
{
	for (size_t i = 0; i < ninputs; i++) {
		size_t n = strlen(inputs[i]);
		const char *close;

		if (strncmp(line, inputs[i], n) != 0)
			continue;
		if (line[n] == ':') {
			snprintf(buf, len, "%s", inputs[i]);
			return buf;
		}
		if (line[n] == '(' && (close = strchr(line + n, ')'))) {
			snprintf(buf, len, "%.*s", (int)(close + 1 - line), line);
			return buf;
		}
	}
	return NULL;
}

/* The text between the backquote after marker and the next quote. */
static bool quoted_after(const char *line, const char *marker, char *buf, size_t len)
{
	const char *p = strstr(line, marker), *end;

	if (!p)
		return false;
	p += strlen(marker);
	end = strchr(p, '\'');
	if (!end)
		return false;
	snprintf(buf, len, "%.*s", (int)(end - p), p);
	return true;
}

/* Why name is undefined, when a Go symbol explains it. */
static void undefined_hint(char *buf, size_t len, const char *name,
			   const struct go_symbols *gs)
{
	char alt[512];
	size_t n = strlen(name);

	buf[0] = '\0';
	if (strchr(name, '.') || strchr(name, '/')) {
		snprintf(buf, len, ": the Go binary has no symbol of that name%s",
			 gs->has_symtab ? "" :
			 " (it has no .symtab, so only functions are offered, no data)");
		return;
	}
	/* What wrong compiler flags or a libc habit leave behind. */
	if (strcmp(name, "__stack_chk_fail") == 0 || strcmp(name, "__stack_chk_guard") == 0) {
		snprintf(buf, len, ": the object was built with a stack protector, which needs a TLS canary and libc: compile with -fno-stack-protector");
		return;
	}
	if (strcmp(name, "memcpy") == 0 || strcmp(name, "memset") == 0 ||
	    strcmp(name, "memmove") == 0 || strcmp(name, "memcmp") == 0) {
		snprintf(buf, len, ": freestanding C has no libc, yet compilers emit calls to %.16s for copies and zeroing: define it in one of the objects",
			 name);
		return;
	}
	if (strncmp(name, "_GLOBAL_OFFSET_TABLE_", 21) == 0 || strcmp(name, "__tls_get_addr") == 0) {
		snprintf(buf, len, ": the object expects a dynamic linker: compile with -fno-pic and without thread-local variables");
		return;
	}
	if (n >= sizeof(alt))
		return;
	/* A C spelling of a Go name, '_' for '.': runtime_m0 for runtime.m0. */
	for (size_t i = 1; i + 1 < n; i++) {
		if (name[i] != '_')
			continue;
		memcpy(alt, name, n + 1);
		alt[i] = '.';
		if (go_symbols_find(gs, alt)) {
			snprintf(buf, len, ": Go's %s? C cannot spell that name: declare it with an asm label, e.g. extern char %.200s[] __asm__(\"%.200s\")",
				 alt, name, alt);
			return;
		}
	}
}

static const char *orphan_reason(const char *section)
{
	if (strncmp(section, ".tdata", 6) == 0 || strncmp(section, ".tbss", 5) == 0)
		return "thread-local storage is not supported (the C code runs on threads whose %fs is Go's)";
	if (strstr(section, "init_array") || strstr(section, "fini_array") ||
	    strncmp(section, ".ctors", 6) == 0 || strncmp(section, ".dtors", 6) == 0)
		return "constructors and destructors are not supported (nothing would run them)";
	return "has no place in the C image, which takes text, rodata, data and bss sections";
}

struct ld_report {
	struct msg_list undefined, duplicate, orphan, assert, overflow, other;
};

static void ld_explain_line(struct ld_report *r, const char *line, const char *cur_obj,
			    const char *const *inputs, size_t ninputs,
			    const struct go_symbols *gs, uint64_t base)
{
	char sym[512], obj[512], other[512], hint[600];
	const char *at = object_at(line, inputs, ninputs, obj, sizeof(obj));
	const char *from = at ? at : cur_obj[0] ? cur_obj : NULL;
	const char *p;

	if (quoted_after(line, "undefined reference to `", sym, sizeof(sym))) {
		if (msg_seen(&r->undefined, sym))
			return;
		undefined_hint(hint, sizeof(hint), sym, gs);
		msg_add(&r->undefined, "undefined symbol %s (referenced from %s)%s", sym,
			from ? from : "the C code", hint);
	} else if (quoted_after(line, "multiple definition of `", sym, sizeof(sym))) {
		const char *first = NULL;

		if ((p = strstr(line, "'; ")))
			first = object_at(p + 3, inputs, ninputs, other, sizeof(other));
		if (msg_seen(&r->duplicate, sym))
			return;
		msg_add(&r->duplicate, "duplicate symbol %s: defined in %s and in %s", sym,
			first ? first : "another object", from ? from : "another object");
	} else if (quoted_after(line, "unplaced orphan section `", sym, sizeof(sym))) {
		if (!quoted_after(line, "' from `", other, sizeof(other)))
			snprintf(other, sizeof(other), "an input");
		msg_add(&r->orphan, "%s: section %s: %s", other, sym, orphan_reason(sym));
	} else if ((p = strstr(line, "rewire: "))) {
		msg_add(&r->assert, "%s", p + 8);
	} else if ((p = strstr(line, "relocation truncated to fit: "))) {
		char type[64] = "";
		bool absolute;

		if (strstr(line, "against undefined symbol"))
			return;	/* reported as undefined */
		sscanf(p + 29, "%63s", type);
		if (!quoted_after(p, "against symbol `", sym, sizeof(sym)) &&
		    !quoted_after(p, "against `", sym, sizeof(sym)))
			snprintf(sym, sizeof(sym), "?");
		snprintf(other, sizeof(other), "%s %.400s", type, sym);
		if (msg_seen(&r->overflow, other))
			return;
		absolute = strcmp(type, "R_X86_64_32") == 0 || strcmp(type, "R_X86_64_32S") == 0;
		msg_add(&r->overflow, "%s: relocation %s against %s does not fit (relocation truncated to fit) with the C image at 0x%llx: %s",
			from ? from : "the C code", type, sym, (unsigned long long)base,
			!absolute ? "a 32-bit displacement reaches only 2 GB; link at a base within 2 GB of the Go binary" :
			strcmp(type, "R_X86_64_32") == 0 ?
			"a 32-bit absolute address reaches only the low 4 GB; build with -fpic or -mcmodel=large" :
			"a sign-extended 32-bit absolute address reaches only the low 2 GB; build with -fpic or -mcmodel=large");
	} else if (line[0]) {
		msg_add(&r->other, "%s", line);
	}
}

static int ld_explain(const struct run_output *run, const char *ld,
		      const char *const *inputs, size_t ninputs,
		      const struct go_symbols *gs, uint64_t base, struct rw_error *err)
{
	struct ld_report *r = calloc(1, sizeof(*r));
	const struct msg_list *pick;
	char cur_obj[512] = "", prefix[300];
	const char *line = run->out ? run->out : "", *base_name = strrchr(ld, '/');

	if (!r)
		return rw_fail(err, "ld failed, and there is no memory to say why");
	snprintf(prefix, sizeof(prefix), "%s: ", base_name ? base_name + 1 : ld);
	while (*line) {
		const char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);
		char text[2048];
		char *p = text, *in_fn;

		snprintf(text, sizeof(text), "%.*s", (int)n, line);
		line += n + (nl ? 1 : 0);
		/* ld prefixes its name, as invoked or without the directory. */
		if (strncmp(p, ld, strlen(ld)) == 0 && strncmp(p + strlen(ld), ": ", 2) == 0)
			p += strlen(ld) + 2;
		else if (strncmp(p, prefix, strlen(prefix)) == 0)
			p += strlen(prefix);
		/* "a.o: in function `f':" names the object of the lines below. */
		in_fn = strstr(p, ": in function `");
		if (in_fn) {
			snprintf(cur_obj, sizeof(cur_obj), "%.*s", (int)(in_fn - p), p);
			continue;
		}
		ld_explain_line(r, p, cur_obj, inputs, ninputs, gs, base);
	}
	pick = r->undefined.items ? &r->undefined : r->duplicate.items ? &r->duplicate :
	       r->orphan.items ? &r->orphan : r->assert.items ? &r->assert :
	       r->overflow.items ? &r->overflow : NULL;
	if (pick && pick->dropped)
		rw_fail(err, "%s; and %zu more", pick->text, pick->dropped);
	else if (pick)
		rw_fail(err, "%s", pick->text);
	else if (run->status >= 0)
		rw_fail(err, "%s failed (exit status %d): %s%s", ld, run->status,
			r->other.items ? r->other.text : "no message",
			r->other.dropped ? "; ..." : "");
	else
		rw_fail(err, "%s was killed by signal %d", ld, run->signal);
	free(r);
	return -1;
}

/* ---- reading ld's output ---- */

static const char *segment_name(uint32_t flags)
{
	if (flags & PF_X)
		return ".rewire.c.text";
	if (flags & PF_W)
		return ".rewire.c.data";
	return ".rewire.c.rodata";
}

static int image_segments(struct linked_image *out, Elf *e, const uint8_t *file,
			  size_t size, struct rw_error *err)
{
	size_t n;

	if (elf_getphdrnum(e, &n) != 0)
		return rw_fail(err, "ld's output has no program headers: %s", elf_errmsg(-1));
	out->segments = calloc(n ? n : 1, sizeof(*out->segments));
	if (!out->segments)
		return rw_fail(err, "out of memory");
	for (size_t i = 0; i < n; i++) {
		struct linked_segment *s = &out->segments[out->nsegments];
		GElf_Phdr ph;

		if (!gelf_getphdr(e, (int)i, &ph))
			return rw_fail(err, "ld's output: unreadable program header %zu", i);
		if (ph.p_type == PT_NOTE && ph.p_filesz && !out->note_addr) {
			out->note_addr = ph.p_vaddr;
			out->note_size = ph.p_filesz;
		}
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		if (ph.p_offset > size || ph.p_filesz > size - ph.p_offset ||
		    ph.p_filesz > ph.p_memsz)
			return rw_fail(err, "ld's output: segment %zu lies outside the file", i);
		s->addr = ph.p_vaddr;
		s->flags = ph.p_flags;
		s->filesz = ph.p_filesz;
		s->memsz = ph.p_memsz;
		s->name = strdup(segment_name(ph.p_flags));
		s->bytes = malloc(ph.p_filesz ? ph.p_filesz : 1);
		out->nsegments++;
		if (!s->name || !s->bytes)
			return rw_fail(err, "out of memory");
		memcpy(s->bytes, file + ph.p_offset, ph.p_filesz);
		if (s->addr % PAGE_SIZE)
			return rw_fail(err, "ld placed segment %s at 0x%llx, not page-aligned",
				       s->name, (unsigned long long)s->addr);
		if (page_up(s->addr + s->memsz) > out->end)
			out->end = page_up(s->addr + s->memsz);
	}
	return 0;
}

/* The C code's symbols: defined, in a section (the Go ones are absolute). */
static int image_symbols(struct linked_image *out, Elf *e, Elf_Scn *symtab,
			 struct rw_error *err)
{
	GElf_Shdr sh;
	Elf_Data *d;
	size_t n;

	if (!gelf_getshdr(symtab, &sh) || !(d = elf_getdata(symtab, NULL)))
		return rw_fail(err, "ld's output: unreadable symbol table");
	n = sh.sh_entsize ? sh.sh_size / sh.sh_entsize : 0;
	out->symbols = calloc(n ? n : 1, sizeof(*out->symbols));
	if (!out->symbols)
		return rw_fail(err, "out of memory");
	for (size_t i = 1; i < n; i++) {
		struct linked_symbol *s = &out->symbols[out->nsymbols];
		int type, bind;
		const char *name;
		GElf_Shdr in;
		GElf_Sym sym;

		if (!gelf_getsym(d, (int)i, &sym))
			return rw_fail(err, "ld's output: unreadable symbol %zu", i);
		type = GELF_ST_TYPE(sym.st_info);
		bind = GELF_ST_BIND(sym.st_info);
		if (sym.st_shndx == SHN_UNDEF || sym.st_shndx >= SHN_LORESERVE)
			continue;
		name = elf_strptr(e, sh.sh_link, sym.st_name);
		if (!name || !name[0])
			continue;
		if (!gelf_getshdr(elf_getscn(e, sym.st_shndx), &in))
			continue;
		/* Untyped globals are labels of assembly sources. */
		if (type == STT_NOTYPE && bind != STB_LOCAL)
			s->is_func = (in.sh_flags & SHF_EXECINSTR) != 0;
		else if (type == STT_FUNC)
			s->is_func = true;
		else if (type != STT_OBJECT)
			continue;
		s->name = strdup(name);
		if (!s->name)
			return rw_fail(err, "out of memory");
		s->addr = sym.st_value;
		s->size = sym.st_size;
		s->is_global = bind != STB_LOCAL;
		out->nsymbols++;
	}
	return 0;
}

/* Takes one record of the image into out->redirects: parsed, its C function
 * resolved, exact repeats merged, disagreeing ones refused. */
static int image_redirect(struct linked_image *out, const char *text,
			  const struct record_list *records, struct rw_error *err)
{
	const struct record *rec = record_find(records, text);
	struct linked_redirect r = { 0 };
	struct linked_symbol generated;
	const struct linked_symbol *sym;

	if (redirect_record_parse(text, &r, err) < 0)
		goto fail;
	r.object = strdup(rec ? rec->object : "");
	sym = linker_symbol(out, r.to);
	/* An original's function is generated: absent while discovering. A
	 * door a platform does not have (yet) leaves its record unusable:
	 * to_addr 0, for rewire image to refuse redirect mode there. */
	if ((r.original || r.door) && !sym) {
		generated = (struct linked_symbol){ .name = r.to, .is_func = true };
		sym = &generated;
	}
	if (!sym) {
		rw_fail(err, "C function %s is not defined in the linked objects", r.to);
		goto fail;
	}
	if (!sym->is_func) {
		rw_fail(err, "%s is data, not a function", r.to);
		goto fail;
	}
	r.to_addr = sym->addr;
	for (size_t i = 0; i < out->nredirects; i++) {
		const struct linked_redirect *o = &out->redirects[i];

		if (strcmp(o->from, r.from) != 0 || o->original != r.original)
			continue;
		/* A kernel's doors for one leaf, one per frame layout ("args
		 * N"): rewire image takes the one that fits. */
		if (r.door && o->door && strcmp(o->signature, r.signature) != 0)
			continue;
		if (strcmp(o->abi, r.abi) == 0 && strcmp(o->to, r.to) == 0 &&
		    strcmp(o->signature, r.signature) == 0) {
			redirect_record_free(&r);
			return 0;
		}
		rw_fail(err, "%s is also redirected by %s's record \"%s %s %s%s%s\"",
			r.from, o->object[0] ? o->object : "another object",
			o->from, o->abi, o->to, o->signature[0] ? " " : "", o->signature);
		goto fail;
	}
	out->redirects[out->nredirects++] = r;
	return 0;
fail:
	redirect_record_free(&r);
	if (rec)
		return rw_wrap(err, "%s: redirect record \"%s\": ", rec->object, text);
	return rw_wrap(err, "redirect record \"%s\": ", text);
}

static int image_redirects(struct linked_image *out, const uint8_t *bytes, size_t size,
			   const struct record_list *records, struct rw_error *err)
{
	size_t off = 0, n = 0;

	for (size_t i = 0; i < size; i++)
		n += bytes[i] == '\0';
	out->redirects = calloc(n ? n : 1, sizeof(*out->redirects));
	if (!out->redirects)
		return rw_fail(err, "out of memory");
	while (off < size) {
		const char *text = (const char *)bytes + off;
		const char *nul = memchr(text, '\0', size - off);

		if (!nul)
			return rw_fail(err, "section %s of the linked image ends inside a record: \"%.*s\"",
				       REDIRECT_SECTION, (int)(size - off), text);
		off += (size_t)(nul - text) + 1;
		if (nul != text && image_redirect(out, text, records, err) < 0)
			return -1;
	}
	return 0;
}

/* A record of an archive member that ld did not take is lost: say why. */
static int records_all_linked(const struct linked_image *out, const uint8_t *bytes,
			      size_t size, const struct record_list *records,
			      struct rw_error *err)
{
	for (size_t i = 0; i < records->count; i++) {
		const struct record *rec = &records->items[i];
		struct linked_redirect r = { 0 };
		size_t off = 0;
		bool found = false;

		while (off < size && !found) {
			found = strcmp((const char *)bytes + off, rec->text) == 0;
			off += strnlen((const char *)bytes + off, size - off) + 1;
		}
		if (found)
			continue;
		if (redirect_record_parse(rec->text, &r, err) < 0) {
			redirect_record_free(&r);
			return -1;
		}
		/* Only a global pulls an archive member in (ld -u). */
		if (r.original)
			rw_fail(err, "%s: redirect record \"%s\" was not linked: the archive member was not needed; put the record next to the code that calls %s",
				rec->object, rec->text, r.to);
		else if (!linker_symbol(out, r.to))
			rw_fail(err, "%s: redirect record \"%s\": C function %s is not defined in the linked objects%s",
				rec->object, rec->text, r.to,
				strchr(rec->object, '(') ? " (an archive member is linked only for a global symbol it defines: is it static?)" : "");
		else
			rw_fail(err, "%s: redirect record \"%s\" was not linked: the archive member was not needed; put the record next to %s's definition",
				rec->object, rec->text, r.to);
		redirect_record_free(&r);
		return -1;
	}
	return 0;
}

static int image_read(struct linked_image *out, const char *path,
		      const struct record_list *records, struct rw_error *err)
{
	uint8_t *file = NULL;
	size_t size, shstrndx;
	const uint8_t *red = NULL;
	size_t red_size = 0;
	Elf_Scn *scn = NULL, *symtab = NULL;
	Elf *e = NULL;
	int rc = -1;

	if (file_read_all(path, &file, &size, err) < 0)
		return rw_wrap(err, "cannot read ld's output: ");
	e = elf_memory((char *)file, size);
	if (!e || elf_kind(e) != ELF_K_ELF || elf_getshdrstrndx(e, &shstrndx) != 0) {
		rw_fail(err, "ld's output is not a readable ELF file: %s", elf_errmsg(-1));
		goto out;
	}
	if (image_segments(out, e, file, size, err) < 0)
		goto out;
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		const char *name;

		if (!gelf_getshdr(scn, &sh))
			continue;
		name = elf_strptr(e, shstrndx, sh.sh_name);
		if (sh.sh_type == SHT_SYMTAB)
			symtab = scn;
		else if (name && strcmp(name, REDIRECT_SECTION) == 0 &&
			 sh.sh_type == SHT_PROGBITS && sh.sh_offset <= size &&
			 sh.sh_size <= size - sh.sh_offset) {
			red = file + sh.sh_offset;
			red_size = sh.sh_size;
		}
	}
	if (symtab && image_symbols(out, e, symtab, err) < 0)
		goto out;
	if (image_redirects(out, red, red_size, records, err) < 0 ||
	    records_all_linked(out, red, red_size, records, err) < 0)
		goto out;
	rc = 0;
out:
	elf_end(e);
	free(file);
	return rc;
}

/* The image must not cover any page of the Go binary. */
static int image_check_overlap(const struct linked_image *out, const struct gobin *bin,
			       struct rw_error *err)
{
	const struct elf_image *img = gobin_elf(bin);
	uint64_t go_end = 0;

	for (size_t j = 0; j < img->nsegments; j++)
		if (img->segments[j].p_type == PT_LOAD &&
		    page_up(img->segments[j].p_vaddr + img->segments[j].p_memsz) > go_end)
			go_end = page_up(img->segments[j].p_vaddr + img->segments[j].p_memsz);
	for (size_t i = 0; i < out->nsegments; i++) {
		const struct linked_segment *s = &out->segments[i];

		for (size_t j = 0; j < img->nsegments; j++) {
			const GElf_Phdr *ph = &img->segments[j];
			uint64_t lo = ph->p_vaddr & ~(PAGE_SIZE - 1);
			uint64_t hi = page_up(ph->p_vaddr + ph->p_memsz);

			if (ph->p_type != PT_LOAD || s->addr >= hi || s->addr + s->memsz <= lo)
				continue;
			return rw_fail(err, "the C image's segment %s [0x%llx, 0x%llx) overlaps %s's segment [0x%llx, 0x%llx): link at a base at or after 0x%llx, where the Go binary ends",
				       s->name, (unsigned long long)s->addr,
				       (unsigned long long)(s->addr + s->memsz), gobin_path(bin),
				       (unsigned long long)lo, (unsigned long long)hi,
				       (unsigned long long)go_end);
		}
	}
	return 0;
}

/* ---- the pipeline ---- */

/* ld's argument vector: fixed options, one -u per redirect target (so that
 * archive members defining them are linked), then the inputs. */
static char **ld_argv(const char *ld, const char *script, const char *output,
		      const struct record_list *records, const char *const *inputs,
		      size_t ninputs, bool discover, char **owned)
{
	static const char *const fixed[] = {
		"-m", "elf_x86_64", "-static", "-nostdlib", "--no-dynamic-linker",
		"-z", "noexecstack", "-z", "max-page-size=4096",
		"-z", "common-page-size=4096", "-z", "norelro", "--build-id=none",
		"--no-gc-sections", "--orphan-handling=error", "-e", "0",
	};
	size_t nfixed = sizeof(fixed) / sizeof(fixed[0]), n = 0;
	char **argv = calloc(1 + nfixed + 5 + 2 * records->count + ninputs + 1, sizeof(*argv));

	if (!argv)
		return NULL;
	argv[n++] = (char *)ld;
	for (size_t i = 0; i < nfixed; i++)
		argv[n++] = (char *)fixed[i];
	argv[n++] = (char *)"-T";
	argv[n++] = (char *)script;
	argv[n++] = (char *)"-o";
	argv[n++] = (char *)output;
	if (discover)
		argv[n++] = (char *)"--unresolved-symbols=ignore-all";
	for (size_t i = 0; i < records->count; i++) {
		struct linked_redirect r = { 0 };

		if (redirect_record_parse(records->items[i].text, &r, NULL) == 0) {
			owned[i] = r.to;
			r.to = NULL;
			argv[n++] = (char *)"-u";
			argv[n++] = owned[i];
		}
		redirect_record_free(&r);
	}
	for (size_t i = 0; i < ninputs; i++)
		argv[n++] = (char *)inputs[i];
	argv[n] = NULL;
	return argv;
}

static int link_in(const char *dir, struct linked_image *out, const struct gobin *bin,
		   const char *const *inputs, size_t ninputs, uint64_t base,
		   const struct record_list *records, const struct go_symbols *gs,
		   const struct link_opts *opts, struct rw_error *err)
{
	const char *ld = getenv("REWIRE_LD") && *getenv("REWIRE_LD") ? getenv("REWIRE_LD") : "ld";
	char script[4200], output[4200];
	char **argv = NULL, **owned = NULL;
	struct run_output run = { 0 };
	int rc = -1;

	snprintf(script, sizeof(script), "%s/link.ld", dir);
	snprintf(output, sizeof(output), "%s/image.elf", dir);
	for (size_t i = 0; i < ninputs; i++)
		if (inputs[i][0] == '-')
			return rw_fail(err, "%s: a path starting with '-' would read as an option of ld: write ./%s",
				       inputs[i], inputs[i]);
	if (script_write(script, gs, base, opts, err) < 0)
		return -1;
	owned = calloc(records->count + 1, sizeof(*owned));
	argv = owned ? ld_argv(ld, script, output, records, inputs, ninputs, opts->discover, owned) : NULL;
	if (!argv) {
		rw_fail(err, "out of memory");
		goto out;
	}
	if (ld_run(argv, &run, err) < 0)
		goto out;
	if (run.status != 0) {
		ld_explain(&run, ld, inputs, ninputs, gs, base, err);
		goto out;
	}
	if (image_read(out, output, records, err) < 0 ||
	    image_check_overlap(out, bin, err) < 0)
		goto out;
	if (out->end == 0)
		out->end = base;
	rc = 0;
out:
	for (size_t i = 0; owned && i < records->count; i++)
		free(owned[i]);
	free(owned);
	free(argv);
	run_output_free(&run);
	return rc;
}

static int link_any(struct linked_image *out, const struct gobin *bin,
		    const char *const *inputs, size_t ninputs, uint64_t base,
		    const struct link_opts *opts, struct rw_error *err)
{
	struct record_list records = { 0 };
	struct go_symbols gs = { 0 };
	char dir[4096];
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (elf_version(EV_CURRENT) == EV_NONE)
		return rw_fail(err, "libelf is too old: %s", elf_errmsg(-1));
	if (ninputs == 0)
		return rw_fail(err, "no C objects to link");
	if (base == 0 || base % PAGE_SIZE)
		return rw_fail(err, "link base 0x%llx is not a page-aligned address",
			       (unsigned long long)base);
	/* The C code refers to Go symbols by absolute address. */
	if (elf_image_is_dynamic(gobin_elf(bin)))
		return rw_fail(err, "%s is position-independent or dynamically linked: C code cannot be linked at fixed addresses into it; build it with -buildmode=exe and CGO_ENABLED=0",
			       gobin_path(bin));
	for (size_t i = 0; i < ninputs; i++)
		if (input_check(inputs[i], &records, err) < 0)
			goto out;
	if (go_symbols_collect(&gs, bin, err) < 0)
		goto out;
	if (temp_dir_make(dir, sizeof(dir), "rewire-link", err) < 0)
		goto out;
	rc = link_in(dir, out, bin, inputs, ninputs, base, &records, &gs, opts, err);
	cleanup_remove(dir);
out:
	record_list_free(&records);
	go_symbols_free(&gs);
	if (rc < 0)
		linked_image_free(out);
	return rc;
}

int linker_link(struct linked_image *out, const struct gobin *bin,
		const char *const *inputs, size_t ninputs, uint64_t base,
		struct rw_error *err)
{
	const struct link_opts opts = { 0 };

	return link_any(out, bin, inputs, ninputs, base, &opts, err);
}

int linker_link_kernel(struct linked_image *out, const struct gobin *bin,
		       const char *const *inputs, size_t ninputs, uint64_t base,
		       const struct kernel_layout *layout, struct rw_error *err)
{
	const struct link_opts opts = { .kernel = layout };

	return link_any(out, bin, inputs, ninputs, base, &opts, err);
}

int linker_discover(struct linked_image *out, const struct gobin *bin,
		    const char *const *inputs, size_t ninputs, uint64_t base,
		    struct rw_error *err)
{
	const struct link_opts opts = { .discover = true };

	return link_any(out, bin, inputs, ninputs, base, &opts, err);
}

const struct linked_symbol *linker_symbol(const struct linked_image *img, const char *name)
{
	const struct linked_symbol *local = NULL;

	for (size_t i = 0; i < img->nsymbols; i++) {
		const struct linked_symbol *s = &img->symbols[i];

		if (strcmp(s->name, name) != 0)
			continue;
		if (s->is_global)
			return s;
		if (!local)
			local = s;
	}
	return local;
}

uint64_t linker_symbol_addr(const struct linked_image *img, const char *name)
{
	const struct linked_symbol *s = linker_symbol(img, name);

	return s ? s->addr : 0;
}

void linked_image_free(struct linked_image *img)
{
	for (size_t i = 0; i < img->nsegments; i++) {
		free(img->segments[i].bytes);
		free(img->segments[i].name);
	}
	for (size_t i = 0; i < img->nsymbols; i++)
		free(img->symbols[i].name);
	for (size_t i = 0; i < img->nredirects; i++)
		redirect_record_free(&img->redirects[i]);
	free(img->segments);
	free(img->symbols);
	free(img->redirects);
	memset(img, 0, sizeof(*img));
}
