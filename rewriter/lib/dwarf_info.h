/* DWARF queries over a Go binary: function signatures, struct layouts, type sizes. */
#ifndef REWIRE_DWARF_INFO_H
#define REWIRE_DWARF_INFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* The opened DWARF of one binary. Go's linker compresses the .debug_*
 * sections (SHF_COMPRESSED, zlib); libdwarf inflates them as it reads. The
 * first query walks every compilation unit once and indexes functions and
 * named types by name; later queries are hash lookups. */
struct dwarf_info;

/* Opens the DWARF of the ELF file at path.
 * Returns 0 and sets *out on success.
 * Returns 1 with *out NULL when the file is an ELF file without DWARF (built
 * with -ldflags=-w): not an error, err is untouched.
 * Returns -1 with *out NULL when the file cannot be read, is not a 64-bit ELF
 * file or its DWARF cannot be parsed; err names the file and the cause. */
int dwarf_info_open(struct dwarf_info **out, const char *path,
		    struct rw_error *err);

/* Frees everything open allocated; NULL is allowed. */
void dwarf_info_close(struct dwarf_info *info);

/* One parameter or result of a Go function. */
struct go_param {
	char *name;	/* as DWARF spells it: "s", "~r0" (unnamed result), "~p0" */
	char *type;	/* Go type name as DWARF spells it: "int", "string",
			 * "time.Time", "*os.File", "[]uint8" (for []byte), "error" */
	uint64_t size;	/* size of the type in bytes */
	bool is_result;
};

/* A Go function's parameters in declaration order, then its results. A
 * method's receiver is its first parameter.
 * What DWARF leaves out (measured on Go 1.19-1.26):
 * - Go 1.21 and older omit blank parameters (`_ int`) altogether; 1.22 and
 *   newer list them as "~p0", "~p1"...
 * - The abstract DIE of an inlined function omits unnamed parameters and
 *   results. The out-of-line body's DIE is read whenever there is one, so
 *   this only matters when entry is 0. */
struct go_signature {
	struct go_param *params;
	size_t count;
	/* Address of the function's out-of-line body, or 0 when DWARF only
	 * knows inlined copies of it (nothing to patch then). */
	uint64_t entry;
};

/* Reads the signature of the function named as Go spells its symbols:
 * "time.Now", "main.fakeNow", "main.(*T).M", "example.com/x/pkg.F".
 * Returns 0 and fills sig (free with go_signature_free).
 * Returns 1 when DWARF has no such function; sig is empty, err says so.
 * Assembly functions (ABI0, "runtime.rt0_go") have a DIE without parameters:
 * they read as func(), which DWARF cannot tell from a Go func(); tell them
 * apart by their ".abi0" symbol before trusting such a signature.
 * Returns -1 on malformed DWARF; err names the file and the function.
 * sig is always safe to pass to go_signature_free afterwards. */
int dwarf_info_func_signature(struct dwarf_info *info, const char *func,
			      struct go_signature *sig, struct rw_error *err);

/* Whether the compiler inlined func somewhere: DWARF holds an abstract
 * instance of it. This sees inlined copies that left no instruction of their
 * own (a call folded into its caller), which the pclntab inline tree cannot.
 * Returns 1 or 0; -1 on malformed DWARF (err says why). */
int dwarf_info_func_inlined(struct dwarf_info *info, const char *func,
			    struct rw_error *err);

/* Frees what a signature owns and empties it; NULL is allowed. */
void go_signature_free(struct go_signature *sig);

/* Whether a call through one signature can land in a function of the other:
 * same number of parameters and of results, and in order the same type names
 * and sizes. Parameter names do not matter. */
bool go_signature_compatible(const struct go_signature *a,
			     const struct go_signature *b);

/* Writes the signature as Go source would, "func(a int, b string) (time.Time,
 * error)", into buf (always NUL-terminated when len > 0; truncated to fit).
 * Names starting with '~' are compiler-made and left out. */
void go_signature_format(const struct go_signature *sig, char *buf, size_t len);

/* Finds a member of a named struct type: ("runtime.g", "m"),
 * ("runtime.m", "procid"). member may be a dotted path through nested struct
 * members ("sched.sp": g.sched is a runtime.gobuf); the offset is then from
 * the start of the outer struct. Typedefs to structs are followed.
 * Returns 0 and sets *offset and *size_of_member (either may be NULL).
 * Returns 1 when the type is not found, is not a struct, or has no such
 * member; err says which.
 * Returns -1 on malformed DWARF; err names the file and the type.
 * The struct's own size comes from dwarf_info_type_size. */
int dwarf_info_struct_member(struct dwarf_info *info, const char *struct_name,
			     const char *member, uint64_t *offset,
			     uint64_t *size_of_member, struct rw_error *err);

/* Size in bytes of a named type ("runtime.g", "int", "*main.T", "string").
 * Returns 0 and sets *size; 1 when no type has that name (err says so);
 * -1 on malformed DWARF (err names the file and the type). */
int dwarf_info_type_size(struct dwarf_info *info, const char *type_name,
			 uint64_t *size, struct rw_error *err);

#endif
