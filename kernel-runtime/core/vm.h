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
 * the initial stack, built in frames, gets into the program's range. That
 * mapping is the program's stack from then on: /proc/PID/maps calls it
 * [stack], and it merges with no neighbour (as Linux's, which grows down,
 * does not). Returns 0 or -EINVAL / -ENOMEM. */
long vm_map_frames(uintptr_t va, uint64_t pa, size_t n);

/* A mapping's name, NUL included (Linux's limit for prctl's
 * PR_SET_VMA_ANON_NAME). */
#define VM_NAME_MAX 80

/* Names the mappings of [start, start + len) (len rounded up to pages),
 * splitting those that straddle its ends, as Linux's
 * prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME): name (a checked kernel copy,
 * shorter than VM_NAME_MAX) or NULL, which clears. A name stays with the
 * pages it was given to through splits and mprotect, and goes with them
 * when they are unmapped or mapped over; areas merge only when their
 * names agree. 0; -EINVAL for an unaligned start or a range that wraps;
 * -ENOMEM when part of the range is not mapped (the mapped parts are
 * named all the same, as on Linux) or the area table or memory is full. */
long vm_name(uintptr_t start, size_t len, const char *name);

/* A mapping as /proc/PID/maps shows it. */
struct vm_area_info {
	uintptr_t start, end;
	unsigned prot;
	bool stack;               /* the program's stack (vm_map_frames) */
	bool named;               /* by vm_name: name (which may be "") */
	char name[VM_NAME_MAX];
};
/* The lowest mapping that ends above addr: false when there is none. */
bool vm_area_next(uintptr_t addr, struct vm_area_info *out);

/* The address space's sizes in bytes, as Linux's /proc/PID/status counts
 * them: mapped (VmSize) and its peak (VmPeak), pages with a frame (VmRSS)
 * and their peak (VmHWM), writable mappings but the stack (VmData), the
 * stack (VmStk), executable mappings. */
struct vm_usage {
	uint64_t mapped, mapped_peak, resident, resident_peak;
	uint64_t data, stack, exec;
};
void vm_usage(struct vm_usage *out);

/* For tests and counters: the number of mappings, and mapping i. */
size_t vm_area_count(void);
bool vm_area_get(size_t i, uintptr_t *start, uintptr_t *end, unsigned *prot);

#endif
