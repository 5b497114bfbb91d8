/* The physical frame allocator (frame_alloc and frame_free are declared in
 * platform.h, for the platform's page tables). */
#ifndef KCORE_FRAME_H
#define KCORE_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "platform.h"

#define FRAME_SIZE 4096ull

/* Takes the frames of regions at or above reserved_end (and never frame 0).
 * Returns 0, or -ENOMEM when no usable frame is left after its bitmap. */
int frame_init(const struct platform_mem_region *regions, int count,
	       uint64_t reserved_end);
/* A zero-filled frame, or 0. */
uint64_t frame_alloc_zeroed(void);
/* n physically contiguous frames, or 0. */
uint64_t frame_alloc_contig(size_t n);
void frame_free_contig(uint64_t pa, size_t n);

/* Pools of small objects (the file system's nodes and names, the names
 * of mappings) grow by slots: frame_slots_carve chains the slots of size
 * bytes that fit in bytes at at through their first word onto *list;
 * frame_slots_add does it with a new frame (false when none is free). A
 * slot never goes back to the allocator: the pool's owner keeps it on its
 * free list, and starts the list empty at every boot. */
void frame_slots_carve(void **list, void *at, size_t bytes, size_t size);
bool frame_slots_add(void **list, size_t size);

struct frame_stats {
	uint64_t total, free, peak_used;
};
void frame_stats(struct frame_stats *out);

#endif
