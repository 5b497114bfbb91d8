/* The file system's tree from inside: its node, and the few calls of fs.c
 * that /proc is built with. Only fs.c and procfs*.c include it; the rest
 * of the kernel sees fs.h. Everything here is under files.lock. */
#ifndef KCORE_FS_NODE_H
#define KCORE_FS_NODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FS_SHORT_NAME 40

/* What /proc makes of a node (procfs.h): none for the rest of the tree. */
enum fs_proc {
	FS_PROC_NONE,
	FS_PROC_ENTRY,   /* a fixed entry: bytes in place, read-only */
	/* A file whose bytes procfs makes (procfs_text_make) when it is read
	 * from its start: each open file reads its own copy. */
	FS_PROC_TEXT,
	FS_PROC_FD_DIR,  /* /proc/PID/fd: its links follow the descriptors */
	FS_PROC_FD_LINK, /* /proc/PID/fd/N: names, and opens, descriptor N */
	FS_PROC_CWD_LINK, /* /proc/PID/cwd: names, and leads to, the cwd */
};

struct fs_node {
	uint32_t mode;	/* S_IF* | permission bits */
	uint32_t nlink;
	uint64_t ino;
	uint64_t size;
	uint64_t mtime_ns, atime_ns;
	uint32_t uid, gid;
	const char *name;	/* the last component: name_len bytes */
	size_t name_len;
	struct fs_node *parent, *first, *next; /* the tree; root's parent is root */
	/* The node whose mode, size, bytes and times these are: itself, but
	 * for a hard link's name (whose node holds only its place in the
	 * tree). Open files point at it. */
	struct fs_node *inode;
	const uint8_t *data;	/* bytes in place (archive, built-in), or NULL */
	uint64_t index_pa;	/* the changed bytes' page index, 0: none */
	unsigned opens;		/* open files: an unlinked node lives until 0 */
	struct pipe *fifo;	/* a FIFO's pipe while one of its ends is open */
	uint8_t device;
	uint8_t proc;		/* enum fs_proc */
	uint16_t fd;		/* FS_PROC_FD_LINK: the descriptor */
	uint8_t text;		/* FS_PROC_TEXT: which (procfs.h) */
	bool linked;
	bool long_name;	/* name is in a slot of its own (fs.c), not in place */
	char short_name[FS_SHORT_NAME];
};

/* A new node in dir named name[len] (copied), with bytes in place that
 * must stay valid (data, size: a symlink's are its target); NULL when the
 * node pool or the names' space is full. */
struct fs_node *fs_node_add(struct fs_node *dir, uint32_t mode, const char *name,
			    size_t len, const void *data, size_t size);
/* Removes the name entry from its directory (its file goes when nothing
 * names it or holds it open). */
void fs_node_remove(struct fs_node *entry);
/* n's absolute path in buf[size], NUL-terminated: its length, or
 * -ENAMETOOLONG. *deleted: n or a directory above it has lost its name
 * (the path is the one it had). */
long fs_node_path(const struct fs_node *n, char *buf, size_t size, bool *deleted);
/* Adds len bytes at the end of n's: 0, or -ENOSPC (no frame left) or
 * -EFBIG. */
long fs_node_append(struct fs_node *n, const void *bytes, size_t len);
struct fs_node *fs_root(void);
/* The working directory. */
struct fs_node *fs_cwd(void);
/* The mask of new files' permissions (umask). */
uint32_t fs_umask_get(void);

#endif
