/* What rewire run boots: a PVH or hosted image as it is, a Go binary
 * imaged on the fly (image_make into a private directory, unlinked at
 * once: the descriptor carries it), anything else refused. */
#include "run_target.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buildinfo.h"
#include "elf_image.h"
#include "fsutil.h"
#include "image.h"
#include "output.h"
#include "rewire_note.h"

/* The note a PVH loader (QEMU, firmware) boots by: owner "Xen", type
 * XEN_ELFNOTE_PHYS32_ENTRY, the 32-bit entry point as its descriptor. */
#define XEN_ELFNOTE_PHYS32_ENTRY 18

/* The facts of a PVH image rewire run needs, from its program headers
 * alone: any PVH kernel boots, 64-bit or 32-bit ELF. */
struct pvh_facts {
	bool pvh;		/* it has the entry note */
	uint64_t entry;
	uint64_t load_end;	/* the highest PT_LOAD's physical end */
};

static uint64_t read_le(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	memcpy(&v, p, n); /* x86-64 hosts only: little-endian like the file */
	return v;
}

/* The PVH entry in the note segment at [at, end) of bytes; false without. */
static bool pvh_note(const uint8_t *bytes, uint64_t at, uint64_t end,
		     uint64_t *entry)
{
	/* Notes: namesz, descsz, type, then name and desc, each padded to
	 * 4 bytes (in both ELF classes). */
	while (end - at >= 12) {
		uint64_t namesz = read_le(bytes + at, 4);
		uint64_t descsz = read_le(bytes + at + 4, 4);
		uint64_t type = read_le(bytes + at + 8, 4);
		uint64_t name = at + 12;
		uint64_t desc = name + ((namesz + 3) & ~3ull);
		uint64_t next = desc + ((descsz + 3) & ~3ull);

		if (namesz > end - name || next > end || next <= at)
			return false;
		if (type == XEN_ELFNOTE_PHYS32_ENTRY && namesz == 4 &&
		    memcmp(bytes + name, "Xen", 4) == 0 &&
		    (descsz == 4 || descsz == 8)) {
			*entry = read_le(bytes + desc, descsz);
			return true;
		}
		at = next;
	}
	return false;
}

/* Reads the program headers of a little-endian ELF (either class);
 * false when bytes is not one or they lie outside it. */
static bool pvh_facts_read(const uint8_t *bytes, size_t size, struct pvh_facts *f)
{
	bool is64 = size >= EI_NIDENT && bytes[EI_CLASS] == ELFCLASS64;
	size_t ehsize = is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
	uint64_t phoff, phentsize, phnum;

	*f = (struct pvh_facts){ 0 };
	if (size < ehsize || memcmp(bytes, ELFMAG, SELFMAG) != 0 ||
	    bytes[EI_DATA] != ELFDATA2LSB ||
	    (bytes[EI_CLASS] != ELFCLASS64 && bytes[EI_CLASS] != ELFCLASS32))
		return false;
	phoff = is64 ? read_le(bytes + 32, 8) : read_le(bytes + 28, 4);
	phentsize = read_le(bytes + (is64 ? 54 : 42), 2);
	phnum = read_le(bytes + (is64 ? 56 : 44), 2);
	if (phentsize < (is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr)) ||
	    phoff > size || phnum > (size - phoff) / phentsize)
		return false;
	for (uint64_t i = 0; i < phnum; i++) {
		const uint8_t *ph = bytes + phoff + i * phentsize;
		uint64_t type = read_le(ph, 4);
		uint64_t off = read_le(ph + (is64 ? 8 : 4), is64 ? 8 : 4);
		uint64_t paddr = read_le(ph + (is64 ? 24 : 12), is64 ? 8 : 4);
		uint64_t filesz = read_le(ph + (is64 ? 32 : 16), is64 ? 8 : 4);
		uint64_t memsz = read_le(ph + (is64 ? 40 : 20), is64 ? 8 : 4);

		if (type == PT_LOAD && paddr + memsz > f->load_end)
			f->load_end = paddr + memsz;
		if (type == PT_NOTE && !f->pvh && off <= size && filesz <= size - off)
			f->pvh = pvh_note(bytes, off, off + filesz, &f->entry);
	}
	return true;
}

/* Reads the open regular file fd (size bytes) whole: what is checked is
 * what is booted, even if the path changes meanwhile. */
static int read_fd(int fd, off_t size, const char *path, uint8_t **bytes,
		   struct rw_error *err)
{
	uint8_t *buf = malloc((size_t)size + 1);
	size_t done = 0;

	*bytes = NULL;
	if (!buf)
		return rw_fail(err, "%s: out of memory reading %lld bytes", path,
			       (long long)size);
	while (done < (size_t)size) {
		ssize_t n = pread(fd, buf + done, (size_t)size - done, (off_t)done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : EIO;

			free(buf);
			return rw_fail(err, "%s: read failed: %s", path, strerror(e));
		}
		done += (size_t)n;
	}
	*bytes = buf;
	return 0;
}

/* Images the Go binary path into a private directory, opens the image
 * and removes the directory: *fd is the only way to the image after. */
static int image_on_the_fly(const char *path, const char *kernel_dir,
			    const char *platform, bool redirect, int *fd,
			    bool *image_fault, struct rw_error *err)
{
	struct image_options opts = {
		.mode = redirect ? IMAGE_MODE_REDIRECT : IMAGE_MODE_TRAP,
		.platform = platform, .kernel_dir = kernel_dir,
	};
	struct image_result res = { 0 };
	char dir[PATH_MAX], out[PATH_MAX + 256], found[PATH_MAX];
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	int rc;

	*image_fault = false;
	/* A missing kernel build is the runner's fault, not the binary's. */
	if (!kernel_dir && image_find_kernel_dir(found, sizeof(found), platform, err) < 0)
		return -1;
	if (temp_dir_make(dir, sizeof(dir), "rewire-run", err) < 0)
		return -1;
	snprintf(out, sizeof(out), "%s/%.200s.img", dir, base);
	struct output target;
	rc = output_check(&target, out, path, false, err);
	if (rc == 0)
		rc = image_make(path, &target, &opts, &res, err);
	image_result_free(&res);
	if (rc < 0) {
		*image_fault = true;
		rw_wrap(err, "cannot make an image of the Go binary: ");
	} else {
		*fd = open(out, O_RDONLY | O_CLOEXEC);
		if (*fd < 0)
			rc = rw_fail(err, "%s: cannot open the image just made: %s", out,
				     strerror(errno));
	}
	unlink(out);
	if (rmdir(dir) < 0 && rc == 0) {
		close(*fd);
		rc = rw_fail(err, "cannot remove the temporary directory %s: %s", dir,
			     strerror(errno));
	}
	return rc;
}

/* What the ELF in bytes is beyond its PVH note: its rewire record "image"
 * names the platform of an image that runs rewire's kernel runtime (a
 * PVH image without one is another kernel); without the note, a hosted
 * image has that record, a Go binary build information; else neither
 * (-1). Takes bytes (freed). */
static int kind_of(const char *path, uint8_t *bytes, size_t size, bool pvh,
		   enum run_kind *kind, bool *kernel_runtime)
{
	struct elf_image img;
	struct buildinfo bi;
	struct rewire_note note = { 0 };
	bool imaged = false, hosted = false;
	int rc = -1;

	*kernel_runtime = false;
	if (elf_image_from_buffer(&img, path, bytes, size, NULL) < 0) {
		/* Not a 64-bit executable libelf reads (a 32-bit PVH
		 * kernel): not rewire's. */
		*kind = RUN_KIND_PVH;
		return pvh ? 0 : -1;
	}
	if (rewire_note_read(&img, &note, NULL) == 0) {
		for (size_t i = 0; i < note.nredirects; i++)
			if (strcmp(note.redirects[i].kind, "image") == 0) {
				imaged = true;
				hosted |= strcmp(note.redirects[i].to, "hosted") == 0;
			}
		rewire_note_free(&note);
	}
	if (pvh) {
		*kind = RUN_KIND_PVH;
		*kernel_runtime = imaged;
		rc = 0;
	} else if (hosted) {
		*kind = RUN_KIND_HOSTED;
		*kernel_runtime = true;
		rc = 0;
	} else if (buildinfo_read(&img, &bi, NULL) == 0) {
		buildinfo_free(&bi);
		*kind = RUN_KIND_GO;
		*kernel_runtime = true; /* imaged on the fly */
		rc = 0;
	}
	elf_image_close(&img); /* frees bytes */
	return rc;
}

/* Reads path whole and classifies it; the open file in *fd. */
static int classify(const char *path, int *fd, struct stat *st, struct pvh_facts *f,
		    enum run_kind *kind, bool *kernel_runtime, struct rw_error *err)
{
	uint8_t *bytes;

	*fd = file_open_regular(path, st, err);
	if (*fd < 0)
		return -1;
	if (read_fd(*fd, st->st_size, path, &bytes, err) < 0)
		return -1;
	if (!pvh_facts_read(bytes, (size_t)st->st_size, f)) {
		free(bytes);
		return rw_fail(err, "%s is not a 64- or 32-bit little-endian ELF file: neither an image nor a Go binary",
			       path);
	}
	if (kind_of(path, bytes, (size_t)st->st_size, f->pvh, kind, kernel_runtime) < 0)
		return rw_fail(err, "%s is neither an image (no Xen PHYS32_ENTRY note, no hosted record) nor a Go binary (no build information)",
			       path);
	return 0;
}

int run_target_kind(const char *path, enum run_kind *kind, bool *kernel_runtime,
		    struct rw_error *err)
{
	struct pvh_facts f;
	struct stat st;
	bool runtime = false;
	int fd, rc = classify(path, &fd, &st, &f, kind, &runtime, err);

	if (kernel_runtime)
		*kernel_runtime = runtime;
	if (fd >= 0)
		close(fd);
	return rc;
}

int run_target_open(const char *path, const char *kernel_dir,
		    const char *image_platform, bool redirect, struct run_target *t,
		    bool *image_fault, struct rw_error *err)
{
	struct pvh_facts f;
	struct stat st;
	uint8_t *bytes = NULL;
	enum run_kind kind;
	int fd;

	*t = (struct run_target){ .fd = -1, .name = path };
	*image_fault = true;
	if (classify(path, &fd, &st, &f, &kind, &t->kernel_runtime, err) < 0)
		goto fail;
	if (kind == RUN_KIND_GO) {
		close(fd);
		fd = -1;
		if (image_on_the_fly(path, kernel_dir, image_platform, redirect, &fd,
				     image_fault, err) < 0)
			goto fail;
		t->made = true;
		if (fstat(fd, &st) < 0 || read_fd(fd, st.st_size, path, &bytes, err) < 0 ||
		    !pvh_facts_read(bytes, (size_t)st.st_size, &f)) {
			*image_fault = false;
			rw_fail(err, "%s: the image made of it cannot be read back", path);
			goto fail;
		}
		kind = f.pvh ? RUN_KIND_PVH : RUN_KIND_HOSTED;
	}
	free(bytes);
	t->kind = kind;
	t->entry = f.entry;
	t->load_end = f.load_end;
	t->fd = fd;
	return 0;
fail:
	free(bytes);
	if (fd >= 0)
		close(fd);
	t->made = false;
	return -1;
}

void run_target_close(struct run_target *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
}
