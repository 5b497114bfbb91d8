/* DWARF queries with libdwarf: Go functions and types indexed by name, read on demand. */
#include "dwarf_info.h"
#include "dwarf_guard.h"

#include <dwarf.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <libdwarf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Typedef chains in Go DWARF are one or two long ("time.Time" typedef ->
 * "time.Time" struct); a longer one is a loop in corrupt input. */
#define TYPE_CHAIN_MAX 32

/* One name of the index and the DIE (global .debug_info offset) it names.
 * For a function that is the DIE of its out-of-line body when there is one:
 * the abstract DIE of an inlined function leaves unnamed results out. */
struct name_entry {
	char *name;		/* NULL for a free slot */
	Dwarf_Off die;
	uint64_t entry;		/* functions: low_pc of the out-of-line body */
	bool inlined;		/* functions: an abstract DIE (DW_AT_inline) exists */
};

/* Open addressing, linear probing; cap is a power of two, at most half full. */
struct name_index {
	struct name_entry *slots;
	size_t cap;
	size_t count;
};

/* A concrete out-of-line copy of an inlined function: it has no name of its
 * own, only DW_AT_abstract_origin pointing at the named abstract DIE. */
struct origin_ref {
	Dwarf_Off origin;
	Dwarf_Off die;
	uint64_t entry;
};

struct dwarf_info {
	char *path;
	int fd;
	Dwarf_Debug dbg;
	const char *subject;	/* "function time.Now" while a query runs */
	int indexed;		/* 0 not yet, 1 built, -1 failed */
	char index_error[sizeof(((struct rw_error *)0)->msg)];
	struct name_index funcs;
	struct name_index types;
	struct origin_ref *origins;	/* only while the index is built */
	size_t norigins, origins_cap;
};

/* Fails with "path: subject: what: libdwarf: message" and frees the libdwarf
 * error. */
static int fail_dwarf(struct dwarf_info *info, Dwarf_Error derr,
		      struct rw_error *err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail_dwarf(struct dwarf_info *info, Dwarf_Error derr,
		      struct rw_error *err, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (derr) {
		rw_fail(err, "%s: %s%s%s: libdwarf: %s", info->path,
			info->subject ? info->subject : "",
			info->subject ? ": " : "", what, dwarf_errmsg(derr));
		dwarf_dealloc_error(info->dbg, derr);
	} else {
		rw_fail(err, "%s: %s%s%s", info->path,
			info->subject ? info->subject : "",
			info->subject ? ": " : "", what);
	}
	return -1;
}

/* FNV-1a: short keys, no need for anything stronger. */
static uint64_t name_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return h;
}

static struct name_entry *name_index_find(const struct name_index *idx,
					  const char *name)
{
	if (!idx->cap)
		return NULL;
	for (size_t i = name_hash(name) & (idx->cap - 1);;
	     i = (i + 1) & (idx->cap - 1)) {
		struct name_entry *e = &idx->slots[i];
		if (!e->name)
			return NULL;
		if (!strcmp(e->name, name))
			return e;
	}
}

static int name_index_grow(struct name_index *idx)
{
	size_t cap = idx->cap ? idx->cap * 2 : 1024;
	struct name_entry *slots = calloc(cap, sizeof(*slots));

	if (!slots)
		return -1;
	for (size_t i = 0; i < idx->cap; i++) {
		struct name_entry *old = &idx->slots[i];
		if (!old->name)
			continue;
		size_t j = name_hash(old->name) & (cap - 1);
		while (slots[j].name)
			j = (j + 1) & (cap - 1);
		slots[j] = *old;
	}
	free(idx->slots);
	idx->slots = slots;
	idx->cap = cap;
	return 0;
}

/* Adds name unless present: the first DIE of a name wins (Go emits a named
 * struct and a typedef of the same name to it, either serves), except that a
 * function's out-of-line body (entry != 0) wins over its abstract DIE. */
static int name_index_add(struct name_index *idx, const char *name,
			  Dwarf_Off die, uint64_t entry, bool inlined)
{
	struct name_entry *e = name_index_find(idx, name);

	if (e) {
		e->inlined |= inlined;
		if (!e->entry && entry) {
			e->die = die;
			e->entry = entry;
		}
		return 0;
	}
	if ((idx->count + 1) * 2 > idx->cap && name_index_grow(idx))
		return -1;
	size_t i = name_hash(name) & (idx->cap - 1);
	while (idx->slots[i].name)
		i = (i + 1) & (idx->cap - 1);
	idx->slots[i].name = strdup(name);
	if (!idx->slots[i].name)
		return -1;
	idx->slots[i].die = die;
	idx->slots[i].entry = entry;
	idx->slots[i].inlined = inlined;
	idx->count++;
	return 0;
}

static void name_index_free(struct name_index *idx)
{
	for (size_t i = 0; i < idx->cap; i++)
		free(idx->slots[i].name);
	free(idx->slots);
	memset(idx, 0, sizeof(*idx));
}

int dwarf_info_open(struct dwarf_info **out, const char *path,
		    struct rw_error *err)
{
	unsigned char ident[EI_NIDENT];
	struct dwarf_info *info;
	Dwarf_Error derr = NULL;
	int rc;

	*out = NULL;
	info = calloc(1, sizeof(*info));
	if (!info || !(info->path = strdup(path))) {
		free(info);
		return rw_fail(err, "%s: out of memory", path);
	}
	info->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (info->fd < 0) {
		rw_fail(err, "%s: cannot open: %s", path, strerror(errno));
		goto fail;
	}
	/* libdwarf answers "no entry" for any file it does not recognise;
	 * checking the ELF identification first keeps "not an ELF file" an
	 * error and "ELF without DWARF" a plain answer. */
	if (pread(info->fd, ident, sizeof(ident), 0) != (ssize_t)sizeof(ident) ||
	    memcmp(ident, ELFMAG, SELFMAG) || ident[EI_CLASS] != ELFCLASS64) {
		rw_fail(err, "%s: not a 64-bit ELF file", path);
		goto fail;
	}
	/* What libdwarf would crash on instead of failing (dwarf_guard.h). */
	if (dwarf_guard_check(info->fd, path, err) < 0)
		goto fail;
	/* libdwarf's own ELF reader inflates SHF_COMPRESSED sections (zlib). */
	rc = dwarf_init_b(info->fd, DW_DLC_READ, DW_GROUPNUMBER_ANY, NULL, NULL,
			  &info->dbg, &derr);
	if (rc == DW_DLV_NO_ENTRY) {
		dwarf_info_close(info);
		return 1;
	}
	if (rc != DW_DLV_OK) {
		info->dbg = NULL;
		fail_dwarf(info, derr, err, "cannot read DWARF");
		goto fail;
	}
	*out = info;
	return 0;
fail:
	dwarf_info_close(info);
	return -1;
}

void dwarf_info_close(struct dwarf_info *info)
{
	if (!info)
		return;
	/* A NULL error pointer would make libdwarf abort on failure; a failed
	 * finish has nothing left to report or free. */
	if (info->dbg) {
		Dwarf_Error derr = NULL;
		dwarf_finish(info->dbg, &derr);
	}
	if (info->fd >= 0)
		close(info->fd);
	name_index_free(&info->funcs);
	name_index_free(&info->types);
	free(info->origins);
	free(info->path);
	free(info);
}

/* The DIE an attribute of die refers to: 0 found, 1 no such attribute. */
static int die_ref(struct dwarf_info *info, Dwarf_Die die, Dwarf_Half attrnum,
		   Dwarf_Off *ref, struct rw_error *err)
{
	Dwarf_Attribute attr;
	Dwarf_Error derr = NULL;
	int rc = dwarf_attr(die, attrnum, &attr, &derr);

	if (rc == DW_DLV_NO_ENTRY)
		return 1;
	if (rc != DW_DLV_OK)
		return fail_dwarf(info, derr, err, "reading attribute 0x%x",
				  attrnum);
	rc = dwarf_global_formref(attr, ref, &derr);
	dwarf_dealloc_attribute(attr);
	if (rc != DW_DLV_OK)
		return fail_dwarf(info, derr, err,
				  "reading reference attribute 0x%x", attrnum);
	return 0;
}

/* A DIE's name, pointing into libdwarf's section data: 0, or 1 unnamed. */
static int die_name(struct dwarf_info *info, Dwarf_Die die, const char **name,
		    struct rw_error *err)
{
	Dwarf_Error derr = NULL;
	char *s;
	int rc = dwarf_diename(die, &s, &derr);

	if (rc == DW_DLV_NO_ENTRY)
		return 1;
	if (rc != DW_DLV_OK)
		return fail_dwarf(info, derr, err, "reading a DIE's name");
	*name = s;
	return 0;
}

static int die_at(struct dwarf_info *info, Dwarf_Off off, Dwarf_Die *die,
		  struct rw_error *err)
{
	Dwarf_Error derr = NULL;

	if (dwarf_offdie_b(info->dbg, off, true, die, &derr) != DW_DLV_OK)
		return fail_dwarf(info, derr, err, "no DIE at .debug_info+0x%llx",
				  (unsigned long long)off);
	return 0;
}

static int die_tag(struct dwarf_info *info, Dwarf_Die die, Dwarf_Half *tag,
		   struct rw_error *err)
{
	Dwarf_Error derr = NULL;

	if (dwarf_tag(die, tag, &derr) != DW_DLV_OK)
		return fail_dwarf(info, derr, err, "reading a DIE's tag");
	return 0;
}

static int die_offset(struct dwarf_info *info, Dwarf_Die die, Dwarf_Off *off,
		      struct rw_error *err)
{
	Dwarf_Error derr = NULL;

	if (dwarf_dieoffset(die, off, &derr) != DW_DLV_OK)
		return fail_dwarf(info, derr, err, "reading a DIE's offset");
	return 0;
}

static bool tag_is_type(Dwarf_Half tag)
{
	switch (tag) {
	case DW_TAG_base_type:
	case DW_TAG_structure_type:
	case DW_TAG_union_type:
	case DW_TAG_typedef:
	case DW_TAG_pointer_type:
	case DW_TAG_array_type:
	case DW_TAG_subroutine_type:
	case DW_TAG_enumeration_type:
	case DW_TAG_unspecified_type:
	case DW_TAG_const_type:
	case DW_TAG_volatile_type:
		return true;
	default:
		return false;
	}
}

static int index_subprogram(struct dwarf_info *info, Dwarf_Die die,
			    Dwarf_Off off, struct rw_error *err)
{
	Dwarf_Error derr = NULL;
	Dwarf_Addr pc = 0;
	const char *name = NULL;
	int rc;

	rc = dwarf_lowpc(die, &pc, &derr);
	if (rc == DW_DLV_ERROR)
		return fail_dwarf(info, derr, err,
				  "reading low_pc of the function at .debug_info+0x%llx",
				  (unsigned long long)off);
	if (rc == DW_DLV_NO_ENTRY)
		pc = 0;
	rc = die_name(info, die, &name, err);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		/* The compiler writes an abstract DIE only for a function it
		 * inlined, even where no instruction of the copy survives. */
		Dwarf_Bool has_inline = 0;

		if (dwarf_hasattr(die, DW_AT_inline, &has_inline, &derr) == DW_DLV_ERROR)
			return fail_dwarf(info, derr, err,
					  "reading DW_AT_inline of the function at .debug_info+0x%llx",
					  (unsigned long long)off);
		if (name_index_add(&info->funcs, name, off, pc, has_inline != 0))
			return rw_fail(err, "%s: out of memory", info->path);
		return 0;
	}
	Dwarf_Off origin;
	rc = die_ref(info, die, DW_AT_abstract_origin, &origin, err);
	if (rc != 0 || !pc)
		return rc < 0 ? -1 : 0;
	if (info->norigins == info->origins_cap) {
		size_t cap = info->origins_cap ? info->origins_cap * 2 : 256;
		struct origin_ref *o = realloc(info->origins, cap * sizeof(*o));
		if (!o)
			return rw_fail(err, "%s: out of memory", info->path);
		info->origins = o;
		info->origins_cap = cap;
	}
	info->origins[info->norigins++] = (struct origin_ref){ origin, off, pc };
	return 0;
}

static int index_die(struct dwarf_info *info, Dwarf_Die die,
		     struct rw_error *err)
{
	Dwarf_Half tag;
	Dwarf_Off off;
	const char *name = NULL;
	int rc;

	if (die_tag(info, die, &tag, err) || die_offset(info, die, &off, err))
		return -1;
	if (tag == DW_TAG_subprogram)
		return index_subprogram(info, die, off, err);
	if (!tag_is_type(tag))
		return 0;
	rc = die_name(info, die, &name, err);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	if (name_index_add(&info->types, name, off, 0, false))
		return rw_fail(err, "%s: out of memory", info->path);
	return 0;
}

/* Indexes the top-level DIEs of the current compilation unit: Go puts every
 * function and named type there, never nested. */
static int index_unit(struct dwarf_info *info, struct rw_error *err)
{
	Dwarf_Error derr = NULL;
	Dwarf_Die cu, die, next;
	int rc;

	rc = dwarf_siblingof_b(info->dbg, NULL, true, &cu, &derr);
	if (rc != DW_DLV_OK)
		return rc == DW_DLV_NO_ENTRY ? 0 :
			fail_dwarf(info, derr, err, "reading a compilation unit");
	rc = dwarf_child(cu, &die, &derr);
	dwarf_dealloc_die(cu);
	if (rc == DW_DLV_NO_ENTRY)
		return 0;
	if (rc != DW_DLV_OK)
		return fail_dwarf(info, derr, err,
				  "reading the first DIE of a compilation unit");
	for (;;) {
		if (index_die(info, die, err)) {
			dwarf_dealloc_die(die);
			return -1;
		}
		rc = dwarf_siblingof_b(info->dbg, die, true, &next, &derr);
		dwarf_dealloc_die(die);
		if (rc == DW_DLV_NO_ENTRY)
			return 0;
		if (rc != DW_DLV_OK)
			return fail_dwarf(info, derr, err, "walking DIEs");
		die = next;
	}
}

struct die_entry {
	Dwarf_Off die;
	struct name_entry *entry;
};

static int die_entry_cmp(const void *a, const void *b)
{
	Dwarf_Off x = ((const struct die_entry *)a)->die;
	Dwarf_Off y = ((const struct die_entry *)b)->die;

	return (x > y) - (x < y);
}

/* Points inlined functions that also have an out-of-line copy at that copy:
 * the copy has no name, only DW_AT_abstract_origin naming the abstract DIE
 * the index holds. */
static int index_link_origins(struct dwarf_info *info, struct rw_error *err)
{
	struct die_entry *by_die;
	size_t n = 0;

	if (!info->norigins)
		return 0;
	by_die = malloc((info->funcs.count + 1) * sizeof(*by_die));
	if (!by_die)
		return rw_fail(err, "%s: out of memory", info->path);
	for (size_t i = 0; i < info->funcs.cap; i++)
		if (info->funcs.slots[i].name)
			by_die[n++] = (struct die_entry){ info->funcs.slots[i].die,
							  &info->funcs.slots[i] };
	qsort(by_die, n, sizeof(*by_die), die_entry_cmp);
	for (size_t i = 0; i < info->norigins; i++) {
		struct die_entry key = { .die = info->origins[i].origin };
		struct die_entry *hit = bsearch(&key, by_die, n, sizeof(*by_die),
						die_entry_cmp);
		if (hit && !hit->entry->entry) {
			hit->entry->die = info->origins[i].die;
			hit->entry->entry = info->origins[i].entry;
		}
	}
	free(by_die);
	return 0;
}

static int index_build(struct dwarf_info *info, struct rw_error *err)
{
	for (;;) {
		Dwarf_Error derr = NULL;
		Dwarf_Unsigned next;
		Dwarf_Half unit_type;
		int rc = dwarf_next_cu_header_d(info->dbg, true, NULL, NULL, NULL,
						NULL, NULL, NULL, NULL, NULL,
						&next, &unit_type, &derr);
		if (rc == DW_DLV_NO_ENTRY)
			break;
		if (rc != DW_DLV_OK)
			return fail_dwarf(info, derr, err,
					  "reading a compilation unit header");
		if (index_unit(info, err))
			return -1;
	}
	return index_link_origins(info, err);
}

/* Builds the index on first use; a failure is remembered and repeated, since
 * libdwarf's unit iteration cannot be restarted half-way. */
static int index_ensure(struct dwarf_info *info, struct rw_error *err)
{
	struct rw_error local;

	if (info->indexed > 0)
		return 0;
	if (info->indexed == 0) {
		info->indexed = index_build(info, &local) ? -1 : 1;
		free(info->origins);
		info->origins = NULL;
		info->norigins = info->origins_cap = 0;
		if (info->indexed < 0)
			memcpy(info->index_error, local.msg, sizeof(local.msg));
	}
	if (info->indexed > 0)
		return 0;
	return rw_fail(err, "%s", info->index_error);
}

/* Size of the type at off: DW_AT_byte_size, else 8 for pointers and funcs,
 * else the size of what a typedef names. */
static int type_size_at(struct dwarf_info *info, Dwarf_Off off,
			uint64_t *size, struct rw_error *err)
{
	for (int depth = 0; depth < TYPE_CHAIN_MAX; depth++) {
		Dwarf_Error derr = NULL;
		Dwarf_Unsigned bytes;
		Dwarf_Half tag;
		Dwarf_Die die;
		int rc;

		if (die_at(info, off, &die, err))
			return -1;
		rc = dwarf_bytesize(die, &bytes, &derr);
		if (rc == DW_DLV_OK) {
			dwarf_dealloc_die(die);
			*size = bytes;
			return 0;
		}
		if (rc == DW_DLV_ERROR) {
			dwarf_dealloc_die(die);
			return fail_dwarf(info, derr, err,
					  "reading the size of the type at .debug_info+0x%llx",
					  (unsigned long long)off);
		}
		if (die_tag(info, die, &tag, err)) {
			dwarf_dealloc_die(die);
			return -1;
		}
		if (tag == DW_TAG_pointer_type || tag == DW_TAG_subroutine_type) {
			Dwarf_Half addr_size = 8;
			rc = dwarf_get_die_address_size(die, &addr_size, &derr);
			dwarf_dealloc_die(die);
			if (rc == DW_DLV_ERROR)
				return fail_dwarf(info, derr, err,
						  "reading the address size");
			*size = addr_size;
			return 0;
		}
		if (tag != DW_TAG_typedef && tag != DW_TAG_const_type &&
		    tag != DW_TAG_volatile_type) {
			dwarf_dealloc_die(die);
			return fail_dwarf(info, NULL, err,
					  "the type at .debug_info+0x%llx has no size",
					  (unsigned long long)off);
		}
		rc = die_ref(info, die, DW_AT_type, &off, err);
		dwarf_dealloc_die(die);
		if (rc)
			return rc < 0 ? -1 : fail_dwarf(info, NULL, err,
				"the typedef at .debug_info+0x%llx names no type",
				(unsigned long long)off);
	}
	return fail_dwarf(info, NULL, err,
			  "typedef chain at .debug_info+0x%llx does not end",
			  (unsigned long long)off);
}

static int param_flag(struct dwarf_info *info, Dwarf_Die die, bool *flag,
		      struct rw_error *err)
{
	Dwarf_Attribute attr;
	Dwarf_Error derr = NULL;
	Dwarf_Bool value;
	int rc = dwarf_attr(die, DW_AT_variable_parameter, &attr, &derr);

	*flag = false;
	if (rc == DW_DLV_NO_ENTRY)
		return 0;
	if (rc != DW_DLV_OK)
		return fail_dwarf(info, derr, err,
				  "reading DW_AT_variable_parameter");
	rc = dwarf_formflag(attr, &value, &derr);
	dwarf_dealloc_attribute(attr);
	if (rc != DW_DLV_OK)
		return fail_dwarf(info, derr, err,
				  "reading DW_AT_variable_parameter");
	*flag = value != 0;
	return 0;
}

/* Name and size of the type die's DW_AT_type refers to. */
static int die_type(struct dwarf_info *info, Dwarf_Die die, char **type,
		    uint64_t *size, struct rw_error *err)
{
	Dwarf_Off off;
	Dwarf_Die tdie;
	const char *name = NULL;
	int rc = die_ref(info, die, DW_AT_type, &off, err);

	if (rc)
		return rc < 0 ? -1 : fail_dwarf(info, NULL, err, "no DW_AT_type");
	if (die_at(info, off, &tdie, err))
		return -1;
	rc = die_name(info, tdie, &name, err);
	if (rc == 0 && !(*type = strdup(name)))
		rc = rw_fail(err, "%s: out of memory", info->path);
	dwarf_dealloc_die(tdie);
	if (rc)
		return rc < 0 ? -1 : fail_dwarf(info, NULL, err,
			"the type at .debug_info+0x%llx has no name",
			(unsigned long long)off);
	return type_size_at(info, off, size, err);
}

static int signature_add(struct dwarf_info *info, Dwarf_Die die,
			 struct go_signature *sig, size_t *cap,
			 struct rw_error *err)
{
	struct go_param *p;
	const char *name = "";

	if (sig->count == *cap) {
		size_t n = *cap ? *cap * 2 : 8;
		p = realloc(sig->params, n * sizeof(*p));
		if (!p)
			return rw_fail(err, "%s: out of memory", info->path);
		sig->params = p;
		*cap = n;
	}
	p = &sig->params[sig->count];
	memset(p, 0, sizeof(*p));
	sig->count++;
	if (die_name(info, die, &name, err) < 0)
		return -1;
	if (!(p->name = strdup(name)))
		return rw_fail(err, "%s: out of memory", info->path);
	if (param_flag(info, die, &p->is_result, err))
		return -1;
	return die_type(info, die, &p->type, &p->size, err);
}

/* Adds the parameter die describes, or, in the out-of-line copy of an
 * inlined function, the abstract parameter it points to. */
static int signature_add_param(struct dwarf_info *info, Dwarf_Die die,
			       struct go_signature *sig, size_t *cap,
			       struct rw_error *err)
{
	Dwarf_Off origin;
	Dwarf_Die odie;
	int rc = die_ref(info, die, DW_AT_abstract_origin, &origin, err);

	if (rc < 0)
		return -1;
	if (rc == 1)
		return signature_add(info, die, sig, cap, err);
	if (die_at(info, origin, &odie, err))
		return -1;
	rc = signature_add(info, odie, sig, cap, err);
	dwarf_dealloc_die(odie);
	return rc;
}

/* Parameters first, then results, each in DWARF (declaration) order. */
static void signature_order(struct go_signature *sig)
{
	for (size_t i = 1; i < sig->count; i++) {
		struct go_param p = sig->params[i];
		size_t j = i;
		if (p.is_result)
			continue;
		while (j > 0 && sig->params[j - 1].is_result) {
			sig->params[j] = sig->params[j - 1];
			j--;
		}
		sig->params[j] = p;
	}
}

static int signature_read(struct dwarf_info *info, Dwarf_Die func,
			  struct go_signature *sig, struct rw_error *err)
{
	Dwarf_Error derr = NULL;
	Dwarf_Die die, next;
	size_t cap = 0;
	int rc = dwarf_child(func, &die, &derr);

	if (rc == DW_DLV_NO_ENTRY)
		return 0;
	if (rc != DW_DLV_OK)
		return fail_dwarf(info, derr, err, "reading parameters");
	for (;;) {
		Dwarf_Half tag;
		if (die_tag(info, die, &tag, err) ||
		    (tag == DW_TAG_formal_parameter &&
		     signature_add_param(info, die, sig, &cap, err))) {
			dwarf_dealloc_die(die);
			return -1;
		}
		rc = dwarf_siblingof_b(info->dbg, die, true, &next, &derr);
		dwarf_dealloc_die(die);
		if (rc == DW_DLV_NO_ENTRY)
			break;
		if (rc != DW_DLV_OK)
			return fail_dwarf(info, derr, err, "reading parameters");
		die = next;
	}
	signature_order(sig);
	return 0;
}

int dwarf_info_func_signature(struct dwarf_info *info, const char *func,
			      struct go_signature *sig, struct rw_error *err)
{
	char subject[320];
	const struct name_entry *e;
	Dwarf_Die die;
	int rc;

	memset(sig, 0, sizeof(*sig));
	if (index_ensure(info, err))
		return -1;
	e = name_index_find(&info->funcs, func);
	if (!e) {
		rw_fail(err, "%s: no function %s in DWARF", info->path, func);
		return 1;
	}
	snprintf(subject, sizeof(subject), "function %s", func);
	info->subject = subject;
	rc = die_at(info, e->die, &die, err);
	if (!rc) {
		rc = signature_read(info, die, sig, err);
		dwarf_dealloc_die(die);
	}
	info->subject = NULL;
	if (rc) {
		go_signature_free(sig);
		return -1;
	}
	sig->entry = e->entry;
	return 0;
}

int dwarf_info_func_inlined(struct dwarf_info *info, const char *func,
			    struct rw_error *err)
{
	const struct name_entry *e;

	if (index_ensure(info, err))
		return -1;
	e = name_index_find(&info->funcs, func);
	return e && e->inlined;
}

void go_signature_free(struct go_signature *sig)
{
	if (!sig)
		return;
	for (size_t i = 0; i < sig->count; i++) {
		free(sig->params[i].name);
		free(sig->params[i].type);
	}
	free(sig->params);
	memset(sig, 0, sizeof(*sig));
}

bool go_signature_compatible(const struct go_signature *a,
			     const struct go_signature *b)
{
	if (!a || !b || a->count != b->count)
		return false;
	for (size_t i = 0; i < a->count; i++) {
		const struct go_param *x = &a->params[i], *y = &b->params[i];
		if (x->is_result != y->is_result || x->size != y->size ||
		    strcmp(x->type, y->type))
			return false;
	}
	return true;
}

/* Appends to buf without overflowing it; *pos may pass len (then truncated). */
static void buf_add(char *buf, size_t len, size_t *pos, const char *s)
{
	size_t n = strlen(s);

	if (*pos < len) {
		size_t room = len - 1 - *pos;
		memcpy(buf + *pos, s, n < room ? n : room);
		buf[*pos + (n < room ? n : room)] = '\0';
	}
	*pos += n;
}

/* Compiler-made names ("~r0" unnamed result, "~p0" blank parameter). */
static bool param_named(const struct go_param *p)
{
	return p->name && p->name[0] && p->name[0] != '~';
}

/* One list, parameters or results; in a list where some are named the
 * others print as "_" so that the text stays valid Go. */
static void list_format(const struct go_signature *sig, bool results,
			char *buf, size_t len, size_t *pos)
{
	bool named = false;
	size_t n = 0;

	for (size_t i = 0; i < sig->count; i++)
		if (sig->params[i].is_result == results)
			named |= param_named(&sig->params[i]);
	for (size_t i = 0; i < sig->count; i++) {
		const struct go_param *p = &sig->params[i];
		if (p->is_result != results)
			continue;
		if (n++)
			buf_add(buf, len, pos, ", ");
		if (named) {
			buf_add(buf, len, pos, param_named(p) ? p->name : "_");
			buf_add(buf, len, pos, " ");
		}
		buf_add(buf, len, pos, p->type ? p->type : "?");
	}
}

void go_signature_format(const struct go_signature *sig, char *buf, size_t len)
{
	size_t pos = 0, nresults = 0;
	bool named = false;

	if (!len)
		return;
	buf[0] = '\0';
	buf_add(buf, len, &pos, "func(");
	list_format(sig, false, buf, len, &pos);
	buf_add(buf, len, &pos, ")");
	for (size_t i = 0; i < sig->count; i++) {
		if (sig->params[i].is_result) {
			nresults++;
			named |= param_named(&sig->params[i]);
		}
	}
	if (!nresults)
		return;
	bool paren = nresults > 1 || named;
	buf_add(buf, len, &pos, paren ? " (" : " ");
	list_format(sig, true, buf, len, &pos);
	if (paren)
		buf_add(buf, len, &pos, ")");
}

/* The struct a type DIE is or names through typedefs: 0 found, 1 the type is
 * not a struct. */
static int struct_resolve(struct dwarf_info *info, Dwarf_Off off,
			  Dwarf_Off *out, struct rw_error *err)
{
	for (int depth = 0; depth < TYPE_CHAIN_MAX; depth++) {
		Dwarf_Half tag;
		Dwarf_Die die;
		int rc;

		if (die_at(info, off, &die, err))
			return -1;
		if (die_tag(info, die, &tag, err)) {
			dwarf_dealloc_die(die);
			return -1;
		}
		if (tag == DW_TAG_structure_type || tag == DW_TAG_union_type) {
			dwarf_dealloc_die(die);
			*out = off;
			return 0;
		}
		if (tag != DW_TAG_typedef) {
			dwarf_dealloc_die(die);
			return 1;
		}
		rc = die_ref(info, die, DW_AT_type, &off, err);
		dwarf_dealloc_die(die);
		if (rc)
			return rc;
	}
	return fail_dwarf(info, NULL, err,
			  "typedef chain at .debug_info+0x%llx does not end",
			  (unsigned long long)off);
}

static int member_location(struct dwarf_info *info, Dwarf_Die die,
			   uint64_t *loc, struct rw_error *err)
{
	Dwarf_Attribute attr;
	Dwarf_Error derr = NULL;
	Dwarf_Unsigned value;
	int rc = dwarf_attr(die, DW_AT_data_member_location, &attr, &derr);

	if (rc == DW_DLV_NO_ENTRY) {
		/* Members of a union all start at 0. */
		*loc = 0;
		return 0;
	}
	if (rc != DW_DLV_OK)
		return fail_dwarf(info, derr, err,
				  "reading DW_AT_data_member_location");
	rc = dwarf_formudata(attr, &value, &derr);
	dwarf_dealloc_attribute(attr);
	if (rc != DW_DLV_OK)
		return fail_dwarf(info, derr, err,
				  "DW_AT_data_member_location is not a constant");
	*loc = value;
	return 0;
}

/* Finds member name among the children of the struct at off: 0 found (its
 * offset and type DIE), 1 absent. */
static int member_find(struct dwarf_info *info, Dwarf_Off off,
		       const char *name, uint64_t *loc, Dwarf_Off *type,
		       struct rw_error *err)
{
	Dwarf_Error derr = NULL;
	Dwarf_Die sdie, die, next;
	int rc;

	if (die_at(info, off, &sdie, err))
		return -1;
	rc = dwarf_child(sdie, &die, &derr);
	dwarf_dealloc_die(sdie);
	if (rc == DW_DLV_NO_ENTRY)
		return 1;
	if (rc != DW_DLV_OK)
		return fail_dwarf(info, derr, err, "reading members");
	for (;;) {
		Dwarf_Half tag;
		const char *mname = NULL;
		rc = die_tag(info, die, &tag, err);
		if (!rc && tag == DW_TAG_member) {
			rc = die_name(info, die, &mname, err);
			if (rc == 0 && !strcmp(mname, name)) {
				rc = member_location(info, die, loc, err);
				if (!rc && die_ref(info, die, DW_AT_type, type, err))
					rc = fail_dwarf(info, NULL, err,
							"member %s has no type", name);
				dwarf_dealloc_die(die);
				return rc;
			}
			rc = rc < 0 ? -1 : 0;
		}
		if (rc) {
			dwarf_dealloc_die(die);
			return -1;
		}
		rc = dwarf_siblingof_b(info->dbg, die, true, &next, &derr);
		dwarf_dealloc_die(die);
		if (rc == DW_DLV_NO_ENTRY)
			return 1;
		if (rc != DW_DLV_OK)
			return fail_dwarf(info, derr, err, "reading members");
		die = next;
	}
}

/* Walks the dotted member path from the type at off: each step goes into the
 * struct that the previous member's type names. */
static int member_walk(struct dwarf_info *info, Dwarf_Off off,
		       const char *struct_name, const char *member,
		       uint64_t *offset, uint64_t *size, struct rw_error *err)
{
	const char *owner = struct_name;
	char path[256];
	int rc;

	if (!member[0])
		return rw_fail(err, "%s: empty member name for %s", info->path,
			       struct_name), 1;
	if (snprintf(path, sizeof(path), "%s", member) >= (int)sizeof(path))
		return rw_fail(err, "%s: member path %s is too long", info->path,
			       member);
	*offset = 0;
	for (char *save = NULL, *part = strtok_r(path, ".", &save); part;
	     owner = part, part = strtok_r(NULL, ".", &save)) {
		Dwarf_Off sdie = 0;
		uint64_t loc = 0;

		rc = struct_resolve(info, off, &sdie, err);
		if (rc == 1 && owner == struct_name)
			rw_fail(err, "%s: %s is not a struct", info->path,
				struct_name);
		else if (rc == 1)
			rw_fail(err, "%s: %s: member %s is not a struct",
				info->path, struct_name, owner);
		if (rc)
			return rc;
		rc = member_find(info, sdie, part, &loc, &off, err);
		if (rc == 1)
			rw_fail(err, "%s: %s has no member %s", info->path,
				struct_name, member);
		if (rc)
			return rc;
		*offset += loc;
	}
	return type_size_at(info, off, size, err);
}

int dwarf_info_struct_member(struct dwarf_info *info, const char *struct_name,
			     const char *member, uint64_t *offset,
			     uint64_t *size_of_member, struct rw_error *err)
{
	char subject[320];
	const struct name_entry *e;
	uint64_t loc = 0, size = 0;
	int rc;

	if (index_ensure(info, err))
		return -1;
	e = name_index_find(&info->types, struct_name);
	if (!e) {
		rw_fail(err, "%s: no type %s in DWARF", info->path, struct_name);
		return 1;
	}
	snprintf(subject, sizeof(subject), "type %s member %s", struct_name,
		 member);
	info->subject = subject;
	rc = member_walk(info, e->die, struct_name, member, &loc, &size, err);
	info->subject = NULL;
	if (rc)
		return rc;
	if (offset)
		*offset = loc;
	if (size_of_member)
		*size_of_member = size;
	return 0;
}

int dwarf_info_type_size(struct dwarf_info *info, const char *type_name,
			 uint64_t *size, struct rw_error *err)
{
	char subject[320];
	const struct name_entry *e;
	int rc;

	if (index_ensure(info, err))
		return -1;
	e = name_index_find(&info->types, type_name);
	if (!e) {
		rw_fail(err, "%s: no type %s in DWARF", info->path, type_name);
		return 1;
	}
	snprintf(subject, sizeof(subject), "type %s", type_name);
	info->subject = subject;
	rc = type_size_at(info, e->die, size, err);
	info->subject = NULL;
	return rc;
}
