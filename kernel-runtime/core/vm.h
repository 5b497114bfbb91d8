/* The program's address-space map (the public calls are in kernel.h). */
#ifndef KCORE_VM_H
#define KCORE_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VM_MAX_AREAS 2048
/* Pages a fault maps at once: its aligned block of 64 KiB (vm_fault). */
#define VM_FAULT_AROUND 16

/* Manages [start, end) (page aligned), empty at first. */
void vm_init(uintptr_t start, uintptr_t end);

enum vm_fault_result {
	VM_FAULT_MAPPED, /* a zeroed frame is mapped there now (or already was) */
	VM_FAULT_BAD,    /* not the program's memory, or not with that access */
	VM_FAULT_OOM,    /* no frame left */
};
/* A page fault at addr (write access or not): maps a zeroed frame when addr
 * lies in a mapping whose protection allows the access. */
enum vm_fault_result vm_fault(uintptr_t addr, bool write);

/* Maps n given frames at va, which must lie in one readable mapping: how
 * the initial stack, built in frames, gets into the program's range.
 * Returns 0 or -EINVAL / -ENOMEM. */
long vm_map_frames(uintptr_t va, uint64_t pa, size_t n);

/* For tests and counters: the number of mappings, and mapping i. */
size_t vm_area_count(void);
bool vm_area_get(size_t i, uintptr_t *start, uintptr_t *end, unsigned *prot);

#endif
