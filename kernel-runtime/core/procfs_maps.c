/* /proc/PID/maps: the program's mappings, a line each as Linux's
 * show_map_vma writes them, in address order: the image's segments as
 * Linux's ELF loader maps them (named by the program's path; the part of
 * a segment past its file bytes anonymous, as .bss), and the vm's
 * mappings ([stack], [anon:NAME] for a name prctl gave). */
#include "procfs_text.h"

#include "linux_abi.h"
#include "platform.h"
#include "vm.h"

#define PT_LOAD 1
#define PF_X 1
#define PF_W 2
#define PF_R 4
/* Lines of the image: two per segment at most (file, then .bss). */
#define IMAGE_MAPS_MAX 32

/* An ELF64 program header (AT_PHDR's entries). */
struct elf_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

struct image_map {
	uintptr_t start, end;
	unsigned prot;
	uint64_t offset;
	bool file; /* the program's bytes, else anonymous */
};

/* The program headers the platform loaded (none without a program). */
static const struct elf_phdr *image_phdrs(unsigned *count)
{
	struct platform_program prog;

	platform_program(&prog);
	*count = 0;
	if (!prog.phdr || prog.phent != sizeof(struct elf_phdr))
		return NULL;
	*count = prog.phnum;
	return (const struct elf_phdr *)(uintptr_t)prog.phdr;
}

static uint64_t page_up(uint64_t a)
{
	return (a + PAGE_MASK) & ~PAGE_MASK;
}

static unsigned prot_of(uint32_t flags)
{
	return (flags & PF_R ? PROT_READ : 0) | (flags & PF_W ? PROT_WRITE : 0) |
	       (flags & PF_X ? PROT_EXEC : 0);
}

/* The image's mappings into out[max], in the segments' order (ELF's is
 * by address): the count. */
static size_t image_maps(struct image_map *out, size_t max)
{
	unsigned count;
	const struct elf_phdr *ph = image_phdrs(&count);
	size_t n = 0;

	for (unsigned i = 0; i < count && n + 2 <= max; i++) {
		if (ph[i].type != PT_LOAD || !ph[i].memsz)
			continue;
		uintptr_t start = ph[i].vaddr & ~PAGE_MASK;
		uintptr_t file_end = ph[i].filesz ? page_up(ph[i].vaddr + ph[i].filesz) : start;
		uintptr_t end = page_up(ph[i].vaddr + ph[i].memsz);
		unsigned prot = prot_of(ph[i].flags);
		if (file_end > start)
			out[n++] = (struct image_map){ start, file_end, prot,
						       ph[i].offset & ~PAGE_MASK, true };
		if (end > file_end)
			out[n++] = (struct image_map){ file_end, end, prot, 0, false };
	}
	return n;
}

void procfs_image_layout(struct image_layout *out)
{
	struct image_map maps[IMAGE_MAPS_MAX];
	size_t n = image_maps(maps, IMAGE_MAPS_MAX);
	unsigned count;
	const struct elf_phdr *ph = image_phdrs(&count);

	*out = (struct image_layout){ .start_code = UINT64_MAX };
	for (size_t i = 0; i < n; i++) {
		uint64_t size = maps[i].end - maps[i].start;
		out->mapped += size;
		out->file += maps[i].file ? size : 0;
		out->writable += maps[i].prot & PROT_WRITE ? size : 0;
		out->exec += maps[i].prot & PROT_EXEC ? size : 0;
	}
	/* As Linux's load_elf_binary sets mm's bounds. */
	for (unsigned i = 0; i < count; i++) {
		if (ph[i].type != PT_LOAD)
			continue;
		uint64_t lo = ph[i].vaddr, hi = ph[i].vaddr + ph[i].filesz;
		if ((ph[i].flags & PF_X) && lo < out->start_code)
			out->start_code = lo;
		if ((ph[i].flags & PF_X) && hi > out->end_code)
			out->end_code = hi;
		if (lo > out->start_data)
			out->start_data = lo;
		if (hi > out->end_data)
			out->end_data = hi;
	}
	if (out->start_code == UINT64_MAX)
		out->start_code = 0;
}

/* One line: "start-end perms offset 00:00 0 ", then, for a named
 * mapping, spaces to column 73 and the name (Linux pads so: seq_setwidth
 * of 25 + 6 * 8 - 1, then seq_pad with ' '). No file here has a device
 * and inode of its own to show: 00:00 0. */
static void line_put(struct proc_text *t, uintptr_t start, uintptr_t end, unsigned prot,
		     uint64_t offset, const char *name, bool anon_name)
{
	proc_text_hex(t, start, 8);
	proc_text_char(t, '-');
	proc_text_hex(t, end, 8);
	proc_text_char(t, ' ');
	proc_text_char(t, prot & PROT_READ ? 'r' : '-');
	proc_text_char(t, prot & PROT_WRITE ? 'w' : '-');
	proc_text_char(t, prot & PROT_EXEC ? 'x' : '-');
	proc_text_char(t, 'p');
	proc_text_char(t, ' ');
	proc_text_hex(t, offset, 8);
	proc_text_str(t, " 00:00 0 ");
	if (name) {
		proc_text_pad(t, 25 + 6 * 8 - 1);
		proc_text_char(t, ' ');
		proc_text_str(t, anon_name ? "[anon:" : "");
		proc_text_str(t, name);
		proc_text_str(t, anon_name ? "]" : "");
	}
	proc_text_char(t, '\n');
}

void procfs_maps_write(struct proc_text *t, const char *exe)
{
	struct image_map image[IMAGE_MAPS_MAX];
	size_t images = image_maps(image, IMAGE_MAPS_MAX), next = 0;
	struct vm_area_info a;
	bool more = vm_area_next(0, &a);

	while (next < images || more) {
		if (next < images && (!more || image[next].start < a.start)) {
			const struct image_map *m = &image[next++];
			line_put(t, m->start, m->end, m->prot, m->offset, m->file ? exe : NULL,
				 false);
			continue;
		}
		/* The stack is [stack] whatever its name, as on Linux. */
		line_put(t, a.start, a.end, a.prot, 0,
			 a.stack ? "[stack]" : a.named ? a.name : NULL, !a.stack);
		more = vm_area_next(a.end, &a);
	}
}
