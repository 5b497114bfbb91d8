/* Checks of an ELF file's DWARF that libdwarf 20210528 cannot be trusted to make. */
#ifndef REWIRE_DWARF_GUARD_H
#define REWIRE_DWARF_GUARD_H

#include "error.h"

/*
 * Run on the open file fd (named path in messages) before libdwarf sees it.
 * libdwarf 20210528, Debian 12's, reads the unit headers of .debug_rnglists
 * the first time it loads .debug_info; on a bad header its
 * internal_load_rnglists_contexts frees its list of contexts and then goes
 * on using it (a missing return, fixed upstream later): a double free, so a
 * hostile binary would abort rewire. This function reads those headers as
 * libdwarf does (inflating the section as libdwarf would) and fails first.
 * Also refuses what the check cannot read like libdwarf: a big-endian file,
 * section headers libelf cannot read, a .debug_rnglists without file bytes.
 * Returns 0, or -1 with err naming path, the section and the offset.
 */
int dwarf_guard_check(int fd, const char *path, struct rw_error *err);

#endif
