/*
 * The function table a crashing kernel names addresses with: written by
 * `rewire image` into a read-only segment of the image, found by the
 * kernel through the pointer rewire_ksyms, which `rewire image` sets.
 *
 * Layout (little-endian, 8-byte aligned):
 *   struct ksyms_header
 *   struct ksyms_entry entries[count]    sorted by addr, ascending
 *   char names[names_size]               NUL-terminated strings
 * Both the Go functions (from .symtab, or from .gopclntab when the binary
 * is stripped) and the kernel's C functions are listed.
 */
#ifndef REWIRE_KSYMS_H
#define REWIRE_KSYMS_H

#include <stdint.h>

#define KSYMS_MAGIC 0x31736d79736b7772ull /* "rwksyms1" */

struct ksyms_header {
	uint64_t magic;
	uint64_t count;      /* entries */
	uint64_t names_size; /* bytes of names after the entries */
};

struct ksyms_entry {
	uint64_t addr;
	uint32_t size; /* code bytes; 0 when unknown */
	uint32_t name; /* offset into names */
};

/* The image's section that holds the table (rewire run names a hung
 * vCPU's RIP with it, too). */
#define KSYMS_SECTION ".rewire.ksyms"

/* The variable's name in the kernel, and its section: initialized data, so
 * that its bytes are in the image's file for `rewire image` to set. */
#define KSYMS_POINTER "rewire_ksyms"
#define KSYMS_POINTER_SECTION ".data.rewire_ksyms"

#endif
