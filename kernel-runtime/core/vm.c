/* The program's address-space map: a sorted array of mappings (start, end,
 * protection) over the range the platform gives, with Linux's mmap, munmap,
 * mprotect and madvise semantics for anonymous private memory. Frames are
 * not allocated up front: vm_fault maps a zeroed frame on first touch, so a
 * PROT_NONE reservation of gigabytes costs one array entry. Adjacent
 * mappings with the same protection merge, which keeps Go's heap (reserved
 * in big ranges, committed in pieces) at a handful of entries. A mapping
 * may carry a name (prctl's PR_SET_VMA_ANON_NAME, which Go 1.25+ gives its
 * heap), shown by /proc/PID/maps. */
#include "vm.h"

#include "frame.h"
#include "kernel.h"
#include "kstring.h"
#include "linux_abi.h"
#include "platform.h"
#include "spinlock.h"
#include "stats.h"

/* A mapping's name: one copy per vm_name call, shared by the areas the
 * range it named is made of (splits count it again), given back with the
 * last of them. Live names outnumber the areas by one at most (vm_name's
 * new one, before it replaces others), so their pool (slots carved from
 * frames, kept for reuse) never holds more than VM_MAX_AREAS + 1. */
struct vm_name {
	union {
		struct vm_name *next_free;
		unsigned refs;
	};
	char text[VM_NAME_MAX];
};

struct vm_area {
	uintptr_t start, end;
	unsigned prot;
	bool stack;
	struct vm_name *name; /* NULL: none */
};

static struct spinlock vm_lock = SPINLOCK_INIT("vm");
static struct vm_area areas[VM_MAX_AREAS];
static size_t area_count;
static uintptr_t range_start, range_end;
static struct vm_name *free_names;
/* Bytes mapped and pages with a frame, and their peaks (vm_usage). */
static uint64_t mapped_bytes, mapped_peak, resident_pages, resident_peak;

void vm_init(uintptr_t start, uintptr_t end)
{
	spin_init(&vm_lock, "vm");
	area_count = 0;
	range_start = start;
	range_end = end;
	free_names = NULL;
	mapped_bytes = mapped_peak = resident_pages = resident_peak = 0;
}

static struct vm_name *name_new(const char *text)
{
	if (!free_names && !frame_slots_add((void **)&free_names, sizeof(struct vm_name)))
		return NULL;
	struct vm_name *n = free_names;
	free_names = n->next_free;
	n->refs = 1;
	kstrlcpy(n->text, text, sizeof(n->text));
	return n;
}

static struct vm_name *name_get(struct vm_name *n)
{
	if (n)
		n->refs++;
	return n;
}

static void name_put(struct vm_name *n)
{
	if (n && --n->refs == 0) {
		n->next_free = free_names;
		free_names = n;
	}
}

/* Whether two touching areas may be one, as Linux merges its: the same
 * protection, both the stack or neither, names alike (by their text:
 * two calls may give the same name). */
static bool areas_alike(const struct vm_area *a, const struct vm_area *b)
{
	if (a->prot != b->prot || a->stack != b->stack)
		return false;
	if (!a->name || !b->name)
		return a->name == b->name;
	return a->name == b->name || kstreq(a->name->text, b->name->text);
}

static void mapped_add(uint64_t bytes)
{
	mapped_bytes += bytes;
	if (mapped_bytes > mapped_peak)
		mapped_peak = mapped_bytes;
}

static void resident_add(uint64_t pages)
{
	resident_pages += pages;
	if (resident_pages > resident_peak)
		resident_peak = resident_pages;
}

/* Index of the first area that ends above addr (area_count if none). */
static size_t area_after(uintptr_t addr)
{
	size_t lo = 0, hi = area_count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (areas[mid].end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static struct vm_area *area_at(uintptr_t addr)
{
	size_t i = area_after(addr);
	return i < area_count && areas[i].start <= addr ? &areas[i] : NULL;
}

static void area_insert_at(size_t i, const struct vm_area *a)
{
	kmemmove(&areas[i + 1], &areas[i], (area_count - i) * sizeof(areas[0]));
	areas[i] = *a;
	area_count++;
}

/* Removes areas i .. i + n - 1, giving back their names. */
static void area_remove_at(size_t i, size_t n)
{
	for (size_t j = i; j < i + n; j++)
		name_put(areas[j].name);
	kmemmove(&areas[i], &areas[i + n],
		 (area_count - i - n) * sizeof(areas[0]));
	area_count -= n;
}

/* Makes addr an area boundary (splits the area around it). */
static int area_cut(uintptr_t addr)
{
	size_t i = area_after(addr);
	if (i == area_count || areas[i].start >= addr)
		return 0;
	if (area_count == VM_MAX_AREAS)
		return -ENOMEM;
	struct vm_area upper = areas[i];
	upper.start = addr;
	name_get(upper.name);
	area_insert_at(i + 1, &upper);
	areas[i].end = addr;
	return 0;
}

/* Merges area i with its neighbours when they touch and agree. */
static void area_merge(size_t i)
{
	if (i + 1 < area_count && areas[i].end == areas[i + 1].start &&
	    areas_alike(&areas[i], &areas[i + 1])) {
		areas[i].end = areas[i + 1].end;
		area_remove_at(i + 1, 1);
	}
	if (i > 0 && areas[i - 1].end == areas[i].start &&
	    areas_alike(&areas[i - 1], &areas[i])) {
		areas[i - 1].end = areas[i].end;
		area_remove_at(i, 1);
	}
}

/* Merges areas first .. last with their neighbours, from the right so
 * that the indexes to the left stay valid. */
static void areas_merge(size_t first, size_t last)
{
	for (size_t j = last + 1; j-- > first;)
		area_merge(j);
}

static void release_frame(uint64_t pa, void *arg)
{
	(void)arg;
	resident_pages--;
	frame_free(pa);
}

/* Removes [start, end) from the map and frees its frames. */
static int range_unmap(uintptr_t start, uintptr_t end)
{
	int err = area_cut(start);
	if (!err)
		err = area_cut(end);
	if (err)
		return err;
	size_t first = area_after(start), n = 0;
	for (; first + n < area_count && areas[first + n].start < end; n++)
		mapped_bytes -= areas[first + n].end - areas[first + n].start;
	area_remove_at(first, n);
	platform_pages_unmap(start, end, release_frame, NULL);
	return 0;
}

static int range_insert(uintptr_t start, uintptr_t end, unsigned prot)
{
	if (area_count == VM_MAX_AREAS)
		return -ENOMEM;
	size_t i = area_after(start);
	area_insert_at(i, &(struct vm_area){ .start = start, .end = end, .prot = prot });
	mapped_add(end - start);
	area_merge(i);
	return 0;
}

static bool range_free(uintptr_t start, uintptr_t end)
{
	size_t i = area_after(start);
	return i == area_count || areas[i].start >= end;
}

/* Whether every page of [start, end) is mapped. */
static bool range_covered(uintptr_t start, uintptr_t end)
{
	uintptr_t at = start;
	for (size_t i = area_after(start); i < area_count && at < end; i++) {
		if (areas[i].start > at)
			return false;
		at = areas[i].end;
	}
	return at >= end;
}

static bool in_range(uintptr_t start, uintptr_t end)
{
	return start >= range_start && end <= range_end && start < end;
}

/* The highest free hole of len bytes, as Linux's top-down layout; 0 if
 * none. */
static uintptr_t hole_find(size_t len)
{
	uintptr_t top = range_end;
	for (size_t i = area_count; ; i--) {
		uintptr_t bottom = i ? areas[i - 1].end : range_start;
		if (top >= bottom && top - bottom >= len)
			return top - len;
		if (i == 0)
			return 0;
		top = areas[i - 1].start;
	}
}

static bool page_aligned(uintptr_t a)
{
	return (a & PAGE_MASK) == 0;
}

/* len rounded up to pages; 0 when it overflows. */
static size_t page_round(size_t len)
{
	return len + PAGE_MASK < len ? 0 : (len + PAGE_MASK) & ~PAGE_MASK;
}

long vm_mmap(uintptr_t addr, size_t len, int prot, int flags, int fd,
	     long offset)
{
	int type = flags & MAP_TYPE;
	long result;

	if (len == 0 || (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)) ||
	    (type != MAP_PRIVATE && type != MAP_SHARED &&
	     type != MAP_SHARED_VALIDATE))
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS))
		return fd < 0 ? -EBADF : -ENODEV;
	if (offset & (long)PAGE_MASK)
		return -EINVAL;
	len = page_round(len);
	if (len == 0)
		return -ENOMEM;

	unsigned long irq = spin_lock(&vm_lock);
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if (!page_aligned(addr)) {
			result = -EINVAL;
		} else if (addr + len < addr || !in_range(addr, addr + len)) {
			result = -ENOMEM;
		} else if (!(flags & MAP_FIXED) && !range_free(addr, addr + len)) {
			result = -EEXIST;
		} else {
			result = range_unmap(addr, addr + len);
			if (!result)
				result = range_insert(addr, addr + len, (unsigned)prot);
			if (!result)
				result = (long)addr;
		}
	} else {
		/* A hint is taken when that range is free, as Linux does;
		 * Go's heap reservations rely on it. */
		uintptr_t at = addr & ~PAGE_MASK;
		if (!at || at + len < at || !in_range(at, at + len) ||
		    !range_free(at, at + len))
			at = hole_find(len);
		if (!at)
			result = -ENOMEM;
		else
			result = range_insert(at, at + len, (unsigned)prot);
		if (!result)
			result = (long)at;
	}
	spin_unlock(&vm_lock, irq);
	return result;
}

long vm_munmap(uintptr_t addr, size_t len)
{
	if (!page_aligned(addr) || len == 0)
		return -EINVAL;
	len = page_round(len);
	if (len == 0 || addr + len < addr)
		return -EINVAL;
	/* Only the part inside the program's range can be mapped. */
	uintptr_t start = addr < range_start ? range_start : addr;
	uintptr_t end = addr + len > range_end ? range_end : addr + len;
	if (start >= end)
		return 0;
	unsigned long irq = spin_lock(&vm_lock);
	long result = range_unmap(start, end);
	spin_unlock(&vm_lock, irq);
	return result;
}

long vm_mprotect(uintptr_t addr, size_t len, int prot)
{
	if (!page_aligned(addr) ||
	    (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)))
		return -EINVAL;
	len = page_round(len);
	if (len == 0)
		return 0;
	uintptr_t end = addr + len;
	unsigned long irq = spin_lock(&vm_lock);
	long result = 0;
	if (end < addr || !range_covered(addr, end))
		result = -ENOMEM;
	if (!result)
		result = area_cut(addr);
	if (!result)
		result = area_cut(end);
	if (!result) {
		size_t i = area_after(addr);
		for (size_t j = i; j < area_count && areas[j].start < end; j++)
			areas[j].prot = (unsigned)prot;
		platform_pages_protect(addr, end, (unsigned)prot);
		areas_merge(i, area_after(end - 1));
	}
	spin_unlock(&vm_lock, irq);
	return result;
}

static bool advice_known(int advice)
{
	/* NORMAL .. COLLAPSE, except the ones needing a file or a shared
	 * mapping; they change nothing here but are accepted, as hints. */
	return advice >= 0 && advice <= 25 && advice != MADV_REMOVE;
}

long vm_madvise(uintptr_t addr, size_t len, int advice)
{
	if (!page_aligned(addr) || !advice_known(advice))
		return -EINVAL;
	len = page_round(len);
	if (len == 0)
		return 0;
	uintptr_t end = addr + len;
	unsigned long irq = spin_lock(&vm_lock);
	long result = 0;
	if (end < addr || !range_covered(addr, end))
		result = -ENOMEM;
	else if (advice == MADV_DONTNEED || advice == MADV_FREE)
		/* Private anonymous memory: the frames go, the pages read
		 * as zero on next touch. */
		platform_pages_unmap(addr, end, release_frame, NULL);
	spin_unlock(&vm_lock, irq);
	return result;
}

long vm_mincore(uintptr_t addr, size_t len, unsigned char *vec)
{
	if (!page_aligned(addr))
		return -EINVAL;
	len = page_round(len);
	unsigned long irq = spin_lock(&vm_lock);
	bool covered = addr + len >= addr && range_covered(addr, addr + len);
	spin_unlock(&vm_lock, irq);
	if (!covered)
		return -ENOMEM;
	/* Residency is not tracked: report every page as not resident. */
	kmemset(vec, 0, len / PAGE_SIZE);
	return 0;
}

/* Maps the aligned block of VM_FAULT_AROUND pages around page, as far as
 * it lies in area a, to contiguous zeroed frames in one platform call: a
 * program that touches one page of fresh memory touches its neighbours
 * next, and a fault costs far more than zeroing a few pages (a host signal
 * and system call each on the hosted platform, a VM exit on kvm). False
 * when some page of the block is mapped already, or no run of frames is
 * free: the caller maps the page alone. */
static bool fault_around(const struct vm_area *a, uintptr_t page)
{
	uintptr_t block = VM_FAULT_AROUND * PAGE_SIZE;
	uintptr_t lo = page & ~(block - 1), hi = lo + block;

	if (lo < a->start)
		lo = a->start;
	if (hi > a->end)
		hi = a->end;
	size_t n = (hi - lo) / PAGE_SIZE;
	uint64_t pa = n > 1 ? frame_alloc_contig(n) : 0;
	if (!pa)
		return false;
	platform_frames_zero(pa, n);
	if (platform_pages_map(lo, pa, n, a->prot)) {
		frame_free_contig(pa, n);
		return false;
	}
	resident_add(n);
	return true;
}

enum vm_fault_result vm_fault(uintptr_t addr, bool write)
{
	uintptr_t page = addr & ~PAGE_MASK;
	enum vm_fault_result result = VM_FAULT_MAPPED;
	unsigned long irq = spin_lock(&vm_lock);
	struct vm_area *a = area_at(addr);

	if (!a || a->prot == PROT_NONE || (write && !(a->prot & PROT_WRITE))) {
		result = VM_FAULT_BAD;
	} else if (fault_around(a, page)) {
		stats_page_fault();
	} else {
		uint64_t pa = frame_alloc_zeroed();
		int err = pa ? platform_pages_map(page, pa, 1, a->prot) : -ENOMEM;
		if (err && pa)
			frame_free(pa);
		/* EEXIST: another CPU mapped it first, or a stale TLB entry
		 * faulted; the access can simply be retried. */
		if (err == -ENOMEM) {
			result = VM_FAULT_OOM;
		} else if (!err) {
			resident_add(1);
			stats_page_fault();
		}
	}
	spin_unlock(&vm_lock, irq);
	return result;
}

long vm_map_frames(uintptr_t va, uint64_t pa, size_t n)
{
	unsigned long irq = spin_lock(&vm_lock);
	struct vm_area *a = area_at(va);
	long result = 0;

	if (!page_aligned(va) || !a || va + n * PAGE_SIZE > a->end ||
	    !(a->prot & PROT_READ))
		result = -EINVAL;
	if (!result)
		result = platform_pages_map(va, pa, n, a->prot);
	if (!result) {
		resident_add(n);
		a->stack = true;
	}
	spin_unlock(&vm_lock, irq);
	return result;
}

long vm_name(uintptr_t start, size_t len, const char *text)
{
	size_t rounded = page_round(len);
	uintptr_t end = start + rounded;

	if (!page_aligned(start) || (len && !rounded) || end < start)
		return -EINVAL;
	if (end == start)
		return 0;
	unsigned long irq = spin_lock(&vm_lock);
	struct vm_name *name = text ? name_new(text) : NULL;
	long result = text && !name ? -ENOMEM : 0;
	if (!result)
		result = area_cut(start);
	if (!result)
		result = area_cut(end);
	if (!result) {
		size_t first = area_after(start), past = first;
		/* The mapped parts are named even when some part is not. */
		if (!range_covered(start, end))
			result = -ENOMEM;
		for (; past < area_count && areas[past].start < end; past++) {
			name_put(areas[past].name);
			areas[past].name = name_get(name);
		}
		if (past > first)
			areas_merge(first, past - 1);
	}
	name_put(name);
	spin_unlock(&vm_lock, irq);
	return result;
}

void *vm_reserve(void *hint, size_t len)
{
	long r = vm_mmap((uintptr_t)hint, len, PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return r < 0 ? NULL : (void *)r;
}

long vm_commit(void *addr, size_t len)
{
	long r = vm_mmap((uintptr_t)addr, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	return r < 0 ? r : 0;
}

long vm_decommit(void *addr, size_t len)
{
	return vm_madvise((uintptr_t)addr, len, MADV_DONTNEED);
}

long vm_release(void *addr, size_t len)
{
	return vm_munmap((uintptr_t)addr, len);
}

void *vm_alloc(size_t len)
{
	long r = vm_mmap(0, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return r < 0 ? NULL : (void *)r;
}

bool vm_area_next(uintptr_t addr, struct vm_area_info *out)
{
	unsigned long irq = spin_lock(&vm_lock);
	size_t i = area_after(addr);
	bool found = i < area_count;

	if (found) {
		const struct vm_area *a = &areas[i];
		*out = (struct vm_area_info){ .start = a->start, .end = a->end,
					      .prot = a->prot, .stack = a->stack };
		out->named = a->name != NULL;
		if (a->name)
			kstrlcpy(out->name, a->name->text, sizeof(out->name));
	}
	spin_unlock(&vm_lock, irq);
	return found;
}

void vm_usage(struct vm_usage *out)
{
	unsigned long irq = spin_lock(&vm_lock);

	*out = (struct vm_usage){ .mapped = mapped_bytes, .mapped_peak = mapped_peak,
				  .resident = resident_pages * PAGE_SIZE,
				  .resident_peak = resident_peak * PAGE_SIZE };
	for (size_t i = 0; i < area_count; i++) {
		uint64_t size = areas[i].end - areas[i].start;
		if (areas[i].stack)
			out->stack += size;
		else if (areas[i].prot & PROT_WRITE)
			out->data += size;
		if (areas[i].prot & PROT_EXEC)
			out->exec += size;
	}
	spin_unlock(&vm_lock, irq);
}

size_t vm_area_count(void)
{
	return area_count;
}

bool vm_area_get(size_t i, uintptr_t *start, uintptr_t *end, unsigned *prot)
{
	unsigned long irq = spin_lock(&vm_lock);
	bool ok = i < area_count;
	if (ok) {
		*start = areas[i].start;
		*end = areas[i].end;
		*prot = areas[i].prot;
	}
	spin_unlock(&vm_lock, irq);
	return ok;
}
