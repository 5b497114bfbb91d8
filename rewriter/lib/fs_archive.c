/* The file system archive of rewire run --dir: host folders walked with
 * libarchive's disk reader (symlinks kept as symlinks), written with its
 * cpio newc writer under their paths in the program's file system. */
#include "fs_archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The names written so far, each with whether it is a directory: what a
 * later --dir wrote wins (they are packed last first), and a directory
 * met again merges. Open addressing, at most half full. */
struct name_slot {
	char *name;
	bool dir;
};

struct name_set {
	struct name_slot *slots;
	size_t cap, count;
};

struct packer {
	struct archive *out;
	struct name_set names;
	int64_t next_ino;
	time_t now;
	const struct fs_dir *dir;	/* the --dir being packed */
	fs_archive_warn_fn *warn;
	void *warn_arg;
	struct rw_error *err;
};

static size_t name_hash(const char *s)
{
	size_t h = 14695981039346656037ull; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static struct name_slot *names_slot(const struct name_set *set, const char *name)
{
	size_t i = name_hash(name) & (set->cap - 1);

	while (set->slots[i].name && strcmp(set->slots[i].name, name) != 0)
		i = (i + 1) & (set->cap - 1);
	return &set->slots[i];
}

/* The slot of name, or NULL when it was not written. */
static const struct name_slot *names_find(const struct name_set *set, const char *name)
{
	const struct name_slot *s;

	if (!set->cap)
		return NULL;
	s = names_slot(set, name);
	return s->name ? s : NULL;
}

static int names_grow(struct name_set *set)
{
	struct name_set bigger = { .cap = set->cap ? set->cap * 2 : 256, .count = set->count };

	bigger.slots = calloc(bigger.cap, sizeof(*bigger.slots));
	if (!bigger.slots)
		return -1;
	for (size_t i = 0; i < set->cap; i++)
		if (set->slots[i].name)
			*names_slot(&bigger, set->slots[i].name) = set->slots[i];
	free(set->slots);
	*set = bigger;
	return 0;
}

static int names_add(struct name_set *set, const char *name, bool dir)
{
	struct name_slot *s;

	if ((set->count + 1) * 2 > set->cap && names_grow(set) < 0)
		return -1;
	s = names_slot(set, name);
	s->name = strdup(name);
	if (!s->name)
		return -1;
	s->dir = dir;
	set->count++;
	return 0;
}

static void names_free(struct name_set *set)
{
	for (size_t i = 0; i < set->cap; i++)
		free(set->slots[i].name);
	free(set->slots);
	*set = (struct name_set){ 0 };
}

/* The --dir being packed as a user would write it: HOST_DIR, with
 * ":GUEST_DIR" when that is elsewhere. */
static void dir_label(const struct packer *p, char *buf, size_t size)
{
	const struct fs_dir *d = p->dir;
	bool same = strcmp(d->host, d->guest) == 0;

	snprintf(buf, size, "--dir %s%s%s", d->host, same ? "" : ":", same ? "" : d->guest);
}

static int fail_dir(struct packer *p, const char *what, const char *why)
{
	char label[2 * PATH_MAX + 16];

	dir_label(p, label, sizeof(label));
	return rw_fail(p->err, "%s: %s: %s", label, what, why);
}

/* One entry's header (a regular file's data follows it): name, the file
 * type (AE_IF*), permission bits, mtime, size (regular files), target
 * (symlinks). */
static int entry_write(struct packer *p, const char *name, unsigned type, unsigned perm,
		       time_t mtime, int64_t size, const char *target)
{
	struct archive_entry *e = archive_entry_new();
	int r;

	if (!e)
		return rw_fail(p->err, "out of memory");
	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, type);
	archive_entry_set_perm(e, perm & 07777);
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	/* A file of its own each: no reader takes two entries for one file. */
	archive_entry_set_nlink(e, 1);
	archive_entry_set_ino64(e, ++p->next_ino);
	archive_entry_set_mtime(e, mtime, 0);
	archive_entry_set_size(e, type == AE_IFREG ? size : 0);
	if (target)
		archive_entry_set_symlink(e, target);
	r = archive_write_header(p->out, e);
	archive_entry_free(e);
	if (r < ARCHIVE_WARN)
		return fail_dir(p, name, archive_error_string(p->out));
	if (names_add(&p->names, name, type == AE_IFDIR) < 0)
		return rw_fail(p->err, "out of memory");
	return 0;
}

/* The made-up directories above guest (its path without the leading '/'):
 * "a", "a/b" for "a/b/c". */
static int parents_write(struct packer *p, const char *guest)
{
	char *path = strdup(guest);
	int rc = 0;

	if (!path)
		return rw_fail(p->err, "out of memory");
	for (char *slash = strchr(path, '/'); slash && rc == 0; slash = strchr(slash + 1, '/')) {
		const struct name_slot *s;

		*slash = 0;
		s = names_find(&p->names, path);
		if (!s)
			rc = entry_write(p, path, AE_IFDIR, 0755, p->now, 0, NULL);
		else if (!s->dir)
			rc = fail_dir(p, path, "a later --dir put a file there, where GUEST_DIR needs a directory");
		*slash = '/';
	}
	free(path);
	return rc;
}

/* The data of the regular file the disk reader is at. */
static int data_copy(struct packer *p, struct archive *disk, const char *host_path)
{
	char buf[65536];
	la_ssize_t n;

	while ((n = archive_read_data(disk, buf, sizeof(buf))) > 0)
		if (archive_write_data(p->out, buf, (size_t)n) < 0)
			return fail_dir(p, host_path, archive_error_string(p->out));
	if (n < 0)
		return fail_dir(p, host_path, archive_error_string(disk));
	return 0;
}

static const char *special_kind(unsigned type)
{
	switch (type) {
	case AE_IFCHR: return "a character device";
	case AE_IFBLK: return "a block device";
	case AE_IFIFO: return "a FIFO";
	case AE_IFSOCK: return "a socket";
	default: return "a file of an unknown type";
	}
}

/* One entry the disk reader is at, named name in the archive; *descend:
 * whether its folder's contents go in too. */
static int entry_pack(struct packer *p, struct archive *disk, struct archive_entry *e,
		      const char *name, bool *descend)
{
	const struct name_slot *s = names_find(&p->names, name);
	const char *host_path = archive_entry_pathname(e);
	unsigned type = archive_entry_filetype(e);
	char label[2 * PATH_MAX + 16], msg[sizeof(label) + PATH_MAX + 128];

	*descend = false;
	if (type == AE_IFDIR) {
		/* "" is the root, which has no entry: always a directory. */
		*descend = !s || s->dir;
		if (!name[0] || s)
			return 0;
		return entry_write(p, name, AE_IFDIR, archive_entry_perm(e),
				   archive_entry_mtime(e), 0, NULL);
	}
	if (s)
		return 0; /* a later --dir's */
	if (type == AE_IFREG) {
		if (entry_write(p, name, AE_IFREG, archive_entry_perm(e), archive_entry_mtime(e),
				archive_entry_size(e), NULL) < 0)
			return -1;
		return data_copy(p, disk, host_path);
	}
	if (type == AE_IFLNK)
		return entry_write(p, name, AE_IFLNK, archive_entry_perm(e),
				   archive_entry_mtime(e), 0, archive_entry_symlink(e));
	dir_label(p, label, sizeof(label));
	snprintf(msg, sizeof(msg), "%s: left out %s: %s (only directories, regular files and symlinks go in)",
		 label, host_path, special_kind(type));
	if (p->warn)
		p->warn(p->warn_arg, msg);
	return 0;
}

/* The guest path name + "/" + rel (either may be empty), malloc'd. */
static char *name_join(const char *name, const char *rel)
{
	char *out;

	if (asprintf(&out, "%s%s%s", name, name[0] && rel[0] ? "/" : "", rel) < 0)
		return NULL;
	return out;
}

/* Walks one --dir: HOST_DIR itself followed when it is a symlink, nothing
 * under it (archive_read_disk's "hybrid" mode). */
static int dir_pack(struct packer *p)
{
	const char *guest = p->dir->guest + 1; /* "" for "/" */
	size_t host_len = strlen(p->dir->host);
	struct archive *disk = archive_read_disk_new();
	struct archive_entry *e = archive_entry_new();
	const struct name_slot *root;
	int r, rc = -1;

	if (!disk || !e) {
		rw_fail(p->err, "out of memory");
		goto out;
	}
	if (parents_write(p, guest) < 0)
		goto out;
	root = names_find(&p->names, guest);
	if (root && !root->dir) {
		fail_dir(p, p->dir->guest, "a later --dir put a file there");
		goto out;
	}
	archive_read_disk_set_symlink_hybrid(disk);
	/* What cpio newc cannot hold is not read at all. */
	archive_read_disk_set_behavior(disk, ARCHIVE_READDISK_NO_XATTR | ARCHIVE_READDISK_NO_ACL |
					     ARCHIVE_READDISK_NO_FFLAGS | ARCHIVE_READDISK_NO_SPARSE);
	if (archive_read_disk_open(disk, p->dir->host) != ARCHIVE_OK) {
		fail_dir(p, p->dir->host, archive_error_string(disk));
		goto out;
	}
	while ((r = archive_read_next_header2(disk, e)) != ARCHIVE_EOF) {
		const char *path = archive_entry_pathname(e), *rel;
		bool descend;
		char *name;

		if (r < ARCHIVE_WARN || !path || strncmp(path, p->dir->host, host_len) != 0) {
			fail_dir(p, path ? path : p->dir->host,
				 r < ARCHIVE_WARN ? archive_error_string(disk) : "outside HOST_DIR");
			goto out;
		}
		for (rel = path + host_len; *rel == '/';)
			rel++;
		name = name_join(guest, rel);
		if (!name) {
			rw_fail(p->err, "out of memory");
			goto out;
		}
		r = entry_pack(p, disk, e, name, &descend);
		free(name);
		if (r < 0)
			goto out;
		if (descend && archive_read_disk_descend(disk) != ARCHIVE_OK) {
			fail_dir(p, path, archive_error_string(disk));
			goto out;
		}
		archive_entry_clear(e);
	}
	rc = 0;
out:
	if (e)
		archive_entry_free(e);
	if (disk)
		archive_read_free(disk);
	return rc;
}

int fs_archive_pack(const struct fs_dir *dirs, size_t ndirs, int fd,
		    fs_archive_warn_fn *warn, void *warn_arg, struct rw_error *err)
{
	struct packer p = {
		.out = archive_write_new(), .now = time(NULL),
		.warn = warn, .warn_arg = warn_arg, .err = err,
	};
	int rc = -1;

	if (!p.out)
		return rw_fail(err, "out of memory");
	/* No padding of the last block: the archive ends with its trailer. */
	if (archive_write_set_format_cpio_newc(p.out) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(p.out, 1) != ARCHIVE_OK ||
	    archive_write_open_fd(p.out, fd) != ARCHIVE_OK) {
		rw_fail(err, "cannot start the file system archive: %s",
			archive_error_string(p.out));
		goto out;
	}
	/* Last first: what a later --dir put at a path is there first. */
	for (size_t i = ndirs; i-- > 0;) {
		p.dir = &dirs[i];
		if (dir_pack(&p) < 0)
			goto out;
	}
	if (archive_write_close(p.out) != ARCHIVE_OK) {
		rw_fail(err, "cannot finish the file system archive: %s",
			archive_error_string(p.out));
		goto out;
	}
	rc = 0;
out:
	archive_write_free(p.out);
	names_free(&p.names);
	return rc;
}
