/* The file system (fs.h): a tree of nodes from a static pool, built from
 * the kernel's built-in files and the platform's cpio archive, with
 * Linux's path rules (".", "..", symlinks followed up to 40 deep, a
 * trailing slash wanting a directory) and Linux's errno for each failure.
 * A file's bytes are the archive's (read in place) until it is first
 * changed; from then on they live in frames, indexed two levels deep
 * (512 x 512 pages: 1 GiB at most). */
#include "fs.h"

#include "boot.h"
#include "fd.h"
#include "frame.h"
#include "fs_node.h"
#include "kernel.h"
#include "kstring.h"
#include "linux_abi.h"
#include "platform.h"
#include "procfs.h"
#include "random.h"
#include "time.h"
#include "user.h"

#define PAGE 4096ull
#define INDEX_SLOTS 512ull
#define FILE_MAX_BYTES (INDEX_SLOTS * INDEX_SLOTS * PAGE)
#define SYMLINK_DEPTH 40

enum fs_device { DEV_NONE, DEV_NULL, DEV_ZERO, DEV_RANDOM };

static struct fs_node *root, *cwd;
static uint32_t umask_bits = 0022;
static uint64_t next_ino = 2;
static size_t live_nodes;
/* Path copies (the tree and they are under files.lock). */
static char path_a[FS_PATH_MAX], path_b[FS_PATH_MAX];

#define IS(n, type) (((n)->mode & S_IFMT) == (type))

/* --- nodes ------------------------------------------------------------ */

/* Nodes and long names (FS_SHORT_NAME or longer, up to FS_NAME_MAX) come
 * from frames carved into slots, kept on free lists: the tree grows with
 * the kernel's memory, takes none it does not use, and a removed name
 * gives its slot back. A slot is never returned to the frame allocator
 * (the frames go at exit); the lists start empty at every boot. */
union long_name {
	union long_name *next_free;
	char bytes[FS_NAME_MAX + 1];
};

/* The first nodes, enough for the built-in files and /proc: a boot takes
 * no frame for its tree unless an archive or the program grows it. */
#define FS_FIRST_NODES 64
static struct fs_node first_nodes[FS_FIRST_NODES];
static struct fs_node *free_nodes;
static union long_name *free_names;

static struct fs_node *node_get(void)
{
	if (!free_nodes && !frame_slots_add((void **)&free_nodes, sizeof(struct fs_node)))
		return NULL;
	struct fs_node *n = free_nodes;
	free_nodes = *(struct fs_node **)n;
	return n;
}

static char *long_name_get(void)
{
	if (!free_names && !frame_slots_add((void **)&free_names, sizeof(union long_name)))
		return NULL;
	union long_name *l = free_names;
	free_names = l->next_free;
	return l->bytes;
}

/* Gives back n's name slot, if its name has one. */
static void name_put(struct fs_node *n)
{
	if (n->long_name) {
		union long_name *l = (union long_name *)(void *)n->name;
		l->next_free = free_names;
		free_names = l;
		n->long_name = false;
	}
}

static void node_put(struct fs_node *n)
{
	name_put(n);
	*(struct fs_node **)n = free_nodes;
	free_nodes = n;
	live_nodes--;
}

/* Names n name[len]: in the node when short, else in a slot of its own.
 * -ENOSPC when no slot is left (n keeps its name). */
static long name_set(struct fs_node *n, const char *name, size_t len)
{
	bool is_long = len >= FS_SHORT_NAME;
	char *copy = is_long ? long_name_get() : n->short_name;

	if (!copy)
		return -ENOSPC;
	kmemmove(copy, name, len);
	copy[len] = 0;
	name_put(n);
	n->name = copy;
	n->name_len = len;
	n->long_name = is_long;
	return 0;
}

static uint64_t now_ns(void)
{
	return platform_wall_ns();
}

/* A new node named name[len] (copied unless it stays valid: keep). */
static struct fs_node *node_new(uint32_t mode, const char *name, size_t len, bool keep)
{
	struct fs_node *n = node_get();

	if (!n)
		return NULL;
	*n = (struct fs_node){ .mode = mode, .ino = next_ino++,
			       .mtime_ns = now_ns() };
	n->atime_ns = n->mtime_ns;
	n->inode = n;
	n->nlink = (mode & S_IFMT) == S_IFDIR ? 2 : 1;
	live_nodes++;
	if (keep) {
		n->name = name;
		n->name_len = len;
	} else if (name_set(n, name, len)) {
		node_put(n);
		return NULL;
	}
	return n;
}

static void link_child(struct fs_node *dir, struct fs_node *n)
{
	n->parent = dir;
	n->next = dir->first;
	dir->first = n;
	n->linked = true;
	if (IS(n, S_IFDIR))
		dir->nlink++;
	dir->mtime_ns = now_ns();
}

static void unlink_child(struct fs_node *n)
{
	struct fs_node *dir = n->parent, **p = &dir->first;

	while (*p != n)
		p = &(*p)->next;
	*p = n->next;
	n->linked = false;
	n->next = NULL;
	if (IS(n, S_IFDIR))
		dir->nlink--;
	dir->mtime_ns = now_ns();
}

static struct fs_node *child_named(const struct fs_node *dir, const char *name, size_t len)
{
	for (struct fs_node *c = dir->first; c; c = c->next)
		if (c->name_len == len && kmemcmp(c->name, name, len) == 0)
			return c;
	return NULL;
}

/* --- bytes ------------------------------------------------------------ */

static uint64_t *index_of(uint64_t pa)
{
	return platform_phys_to_virt(pa);
}

static uint64_t zeroed_frame(void)
{
	uint64_t pa = frame_alloc();
	if (pa)
		platform_frames_zero(pa, 1);
	return pa;
}

/* The frame of page pg of n's changed bytes; 0 when it has none and
 * alloc is false, or memory ran out. */
static uint64_t page_of(struct fs_node *n, uint64_t pg, bool alloc)
{
	if (!n->index_pa && (!alloc || !(n->index_pa = zeroed_frame())))
		return 0;
	uint64_t *top = index_of(n->index_pa);
	uint64_t *leaf_pa = &top[pg / INDEX_SLOTS];
	if (!*leaf_pa && (!alloc || !(*leaf_pa = zeroed_frame())))
		return 0;
	uint64_t *slot = &index_of(*leaf_pa)[pg % INDEX_SLOTS];
	if (!*slot && alloc)
		*slot = zeroed_frame();
	return *slot;
}

/* Frees the pages from page first on (first 0: the index too). */
static void pages_free(struct fs_node *n, uint64_t first)
{
	if (!n->index_pa)
		return;
	uint64_t *top = index_of(n->index_pa);
	for (uint64_t i = 0; i < INDEX_SLOTS; i++) {
		if (!top[i])
			continue;
		uint64_t *leaf = index_of(top[i]);
		for (uint64_t j = 0; j < INDEX_SLOTS; j++) {
			if (leaf[j] && i * INDEX_SLOTS + j >= first) {
				frame_free(leaf[j]);
				leaf[j] = 0;
			}
		}
		if (i * INDEX_SLOTS >= first) {
			frame_free(top[i]);
			top[i] = 0;
		}
	}
	if (first == 0) {
		frame_free(n->index_pa);
		n->index_pa = 0;
	}
}

static void bytes_read(struct fs_node *n, uint8_t *out, uint64_t off, size_t len)
{
	if (n->data) {
		kmemcpy(out, n->data + off, len);
		return;
	}
	while (len) {
		uint64_t in = off % PAGE;
		size_t chunk = PAGE - in < len ? PAGE - in : len;
		uint64_t pa = page_of(n, off / PAGE, false);
		if (pa)
			kmemcpy(out, (uint8_t *)platform_phys_to_virt(pa) + in, chunk);
		else
			kmemset(out, 0, chunk); /* a hole */
		out += chunk, off += chunk, len -= chunk;
	}
}

/* Gives n bytes of its own (a copy of the archive's) before a change. */
static long bytes_own(struct fs_node *n)
{
	if (!n->data)
		return 0;
	const uint8_t *was = n->data;
	n->data = NULL;
	for (uint64_t off = 0; off < n->size; off += PAGE) {
		uint64_t pa = page_of(n, off / PAGE, true);
		if (!pa) {
			pages_free(n, 0);
			n->data = was;
			return -ENOSPC;
		}
		size_t chunk = n->size - off < PAGE ? n->size - off : PAGE;
		kmemcpy(platform_phys_to_virt(pa), was + off, chunk);
	}
	return 0;
}

static long bytes_write(struct fs_node *n, const uint8_t *in, uint64_t off, size_t len)
{
	long err = bytes_own(n);
	size_t done = 0;

	if (err)
		return err;
	if (off >= FILE_MAX_BYTES)
		return -EFBIG;
	if (len > FILE_MAX_BYTES - off)
		len = FILE_MAX_BYTES - off;
	while (done < len) {
		uint64_t at = off + done, inpage = at % PAGE;
		size_t chunk = PAGE - inpage < len - done ? PAGE - inpage : len - done;
		uint64_t pa = page_of(n, at / PAGE, true);
		if (!pa)
			break;
		kmemcpy((uint8_t *)platform_phys_to_virt(pa) + inpage, in + done, chunk);
		done += chunk;
	}
	if (done && off + done > n->size)
		n->size = off + done;
	if (done)
		n->mtime_ns = now_ns();
	return done ? (long)done : -ENOSPC;
}

static long bytes_truncate(struct fs_node *n, uint64_t len)
{
	long err = bytes_own(n);

	if (err)
		return err;
	if (len > FILE_MAX_BYTES)
		return -EFBIG;
	if (len < n->size) {
		pages_free(n, (len + PAGE - 1) / PAGE);
		/* The rest of the last page reads as zeros if it grows again. */
		uint64_t pa = len % PAGE ? page_of(n, len / PAGE, false) : 0;
		if (pa)
			kmemset((uint8_t *)platform_phys_to_virt(pa) + len % PAGE, 0,
				PAGE - len % PAGE);
	}
	n->size = len;
	n->mtime_ns = now_ns();
	return 0;
}

/* A node nothing names or holds open any more (a file's names are its
 * nlink, its own and its hard links'; a directory has one). */
static void node_free_if_unused(struct fs_node *n)
{
	bool named = IS(n, S_IFDIR) ? n->linked : n->linked || n->nlink > 0;

	if (named || n->opens || n == root)
		return;
	if (n->fifo)
		pipe_detach(n->fifo);
	pages_free(n, 0);
	node_put(n);
}

/* The working directory holds its node as an open file does: removed, it
 * lives on until the program leaves it (getcwd then says ENOENT), never
 * freed and reused under cwd's feet. */
static void cwd_set(struct fs_node *n)
{
	struct fs_node *old = cwd;

	n->opens++;
	cwd = n;
	if (old) {
		old->opens--;
		node_free_if_unused(old);
	}
}

/* Removes the name entry from its directory: its file lives on while
 * open or named elsewhere (a hard link). */
void fs_node_remove(struct fs_node *entry)
{
	struct fs_node *n = entry->inode;

	unlink_child(entry);
	if (IS(n, S_IFDIR))
		n->nlink = 0;
	else
		n->nlink--;
	if (entry != n) {
		/* A hard link's name: nothing else points at it. */
		node_put(entry);
	}
	node_free_if_unused(n);
}

struct fs_node *fs_node_add(struct fs_node *dir, uint32_t mode, const char *name,
			    size_t len, const void *data, size_t size)
{
	struct fs_node *n = node_new(mode, name, len, false);

	if (!n)
		return NULL;
	n->data = data;
	n->size = size;
	link_child(dir, n);
	return n;
}

struct fs_node *fs_root(void)
{
	return root;
}

struct fs_node *fs_cwd(void)
{
	return cwd;
}

uint32_t fs_umask_get(void)
{
	return umask_bits;
}

long fs_node_path(const struct fs_node *n, char *buf, size_t size, bool *deleted)
{
	size_t len = 0, depth = 0;
	const struct fs_node *p;

	/* An unlinked node keeps its parent and name: the path it had. The
	 * walk is bounded: a parent freed since may be another node now. */
	*deleted = false;
	for (p = n; p != root && depth < FS_PATH_MAX / 2; p = p->parent, depth++) {
		*deleted |= !p->linked;
		len += 1 + p->name_len;
	}
	if (len == 0)
		len = 1;
	if (len >= size)
		return -ENAMETOOLONG;
	buf[len] = 0;
	buf[0] = '/';
	size_t at = len;
	p = n;
	for (size_t i = 0; i < depth; i++, p = p->parent) {
		at -= p->name_len;
		kmemcpy(buf + at, p->name, p->name_len);
		buf[--at] = '/';
	}
	return (long)len;
}

long fs_node_append(struct fs_node *n, const void *bytes, size_t len)
{
	while (len) {
		long done = bytes_write(n, bytes, n->size, len);
		if (done < 0)
			return done;
		bytes = (const uint8_t *)bytes + done;
		len -= (size_t)done;
	}
	return 0;
}

/* --- paths ------------------------------------------------------------ */

/* Where a lookup ended: the node and its entry (NULL when the last
 * component does not exist), its directory and its name as written (name
 * NULL for a path that names a directory itself: "/", ".", "a/.."). */
struct where {
	struct fs_node *node;	/* the file: what holds mode, size, bytes */
	struct fs_node *entry;	/* its name in dir (node, but for a hard link) */
	struct fs_node *dir;
	const char *name;
	size_t len;
	bool slash; /* the path ended in "/": a directory is meant */
};

static bool only_slashes(const char *p, const char *end)
{
	while (p < end && *p == '/')
		p++;
	return p == end;
}

/* Whether a symlink as the last component is followed: FOLLOW_SLASH
 * only when the path ends in "/" (lstat, unlink, rename...), FOLLOW
 * always (stat, open), FOLLOW_NEVER not even then (mkdir: Linux says
 * EEXIST for "mkdir symlink/"). */
enum follow { FOLLOW_SLASH, FOLLOW, FOLLOW_NEVER };

static enum follow follow_if(bool yes)
{
	return yes ? FOLLOW : FOLLOW_SLASH;
}

static enum follow follow_unless(bool no)
{
	return follow_if(!no);
}

static long lookup(struct fs_node *start, const char *path, const char *end,
		   enum follow follow, int *links, struct where *w);

/* Whether n is one of /proc's links whose text procfs makes, which lead
 * to a node itself (Linux's "magic" links: fd/N, cwd). */
static bool magic_link(const struct fs_node *n)
{
	return n->proc == FS_PROC_FD_LINK || n->proc == FS_PROC_CWD_LINK;
}

/* Where symlink link, in dir, leads: by its text, but for /proc's magic
 * links, which lead to their node itself. */
static long link_follow(struct fs_node *dir, const struct fs_node *link, int *links,
			struct where *w)
{
	const char *text = (const char *)link->data;
	struct fs_node *n;
	long err;

	if (++*links > SYMLINK_DEPTH)
		return -ELOOP;
	if (!magic_link(link))
		return lookup(dir, text, text + link->size, FOLLOW, links, w);
	if ((err = procfs_link_node(link, &n)) != 0)
		return err;
	*w = (struct where){ .node = n, .entry = n, .dir = n->parent };
	return 0;
}

/* Resolves path[0..end) from start. 0, or -ENOENT, -ENOTDIR, -ELOOP,
 * -ENAMETOOLONG. */
static long lookup(struct fs_node *start, const char *path, const char *end,
		   enum follow follow, int *links, struct where *w)
{
	struct fs_node *dir = path < end && *path == '/' ? root : start;
	const char *p = path;

	*w = (struct where){ .node = dir, .entry = dir, .dir = dir->parent };
	for (;;) {
		while (p < end && *p == '/')
			p++;
		if (p == end)
			return 0; /* w names dir itself */
		const char *c = p;
		while (p < end && *p != '/')
			p++;
		size_t n = (size_t)(p - c);
		bool last = only_slashes(p, end), slash = last && p < end;
		if (n > FS_NAME_MAX)
			return -ENAMETOOLONG;
		if (!IS(dir->inode, S_IFDIR))
			return -ENOTDIR;
		/* fd/ holds the descriptors open now. */
		if (dir->inode->proc == FS_PROC_FD_DIR)
			procfs_fd_refresh();
		struct fs_node *child;
		if (n == 1 && c[0] == '.')
			child = dir;
		else if (n == 2 && c[0] == '.' && c[1] == '.')
			child = dir->parent;
		else
			child = child_named(dir, c, n);
		if (!child) {
			if (!last)
				return -ENOENT;
			*w = (struct where){ .dir = dir, .name = c, .len = n, .slash = slash };
			return 0;
		}
		if (IS(child->inode, S_IFLNK) &&
		    (!last || follow == FOLLOW || (slash && follow == FOLLOW_SLASH))) {
			struct where t;
			long err = link_follow(dir, child->inode, links, &t);
			if (err)
				return err;
			if (!t.node) {
				if (!last)
					return -ENOENT;
				t.slash |= slash;
				*w = t; /* creating through a dangling symlink */
				return 0;
			}
			child = t.entry;
		}
		if (last) {
			bool dotted = (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.');
			if (slash && !IS(child->inode, S_IFDIR) && follow != FOLLOW_NEVER)
				return -ENOTDIR;
			*w = (struct where){ .node = child->inode, .entry = child,
					     .dir = dotted ? child->parent : dir,
					     .name = dotted ? NULL : c, .len = n, .slash = slash };
			return 0;
		}
		dir = child;
	}
}

/* The directory a relative path starts from: dirfd's node or the cwd. */
static long start_of(int dirfd, struct fs_node **out)
{
	if (dirfd == AT_FDCWD) {
		*out = cwd;
		return 0;
	}
	struct file *f = fd_lookup(dirfd);
	if (!f)
		return -EBADF;
	if (f->kind != FILE_NODE || !IS(f->fs.node, S_IFDIR))
		return -ENOTDIR;
	*out = f->fs.node;
	return 0;
}

/* Copies and resolves a user path against dirfd; empty paths are -ENOENT
 * unless empty_ok (AT_EMPTY_PATH: w then names dirfd's node). */
static long resolve(int dirfd, const char *user, char *buf, enum follow follow,
		    bool empty_ok, struct where *w)
{
	struct fs_node *start = cwd;
	long len = user_string_copy(buf, FS_PATH_MAX, user);
	int links = 0;

	if (len < 0)
		return len;
	if (len == 0 && !empty_ok)
		return -ENOENT;
	if (buf[0] != '/' || len == 0) {
		if (len == 0 && dirfd != AT_FDCWD) {
			struct file *f = fd_lookup(dirfd);
			if (!f)
				return -EBADF;
			if (f->kind != FILE_NODE)
				return -ENOENT; /* a pipe's stat goes through fstat */
			*w = (struct where){ .node = f->fs.node, .entry = f->fs.node,
					     .dir = f->fs.node->parent };
			return 0;
		}
		long err = start_of(dirfd, &start);
		if (err)
			return err;
	}
	return lookup(start, buf, buf + len, follow, &links, w);
}

/* resolve, for a path that must name an existing node (-ENOENT). */
static long resolve_node(int dirfd, const char *user, enum follow follow, bool empty_ok,
			 struct where *w)
{
	long err = resolve(dirfd, user, path_a, follow, empty_ok, w);

	return err ? err : w->node ? 0 : -ENOENT;
}

/* --- stat ------------------------------------------------------------- */

static void stat_fill(const struct fs_node *n, void *statbuf)
{
	/* Linux's struct stat on x86-64: 144 bytes. */
	struct {
		uint64_t dev, ino, nlink;
		uint32_t mode, uid, gid, pad;
		uint64_t rdev;
		int64_t size, blksize, blocks;
		int64_t atime, atime_ns, mtime, mtime_ns, ctime, ctime_ns;
		int64_t reserved[3];
	} st = { .dev = 1, .ino = n->ino, .nlink = n->nlink, .mode = n->mode,
		 .uid = n->uid, .gid = n->gid, .blksize = 4096 };
	_Static_assert(sizeof(st) == 144, "struct stat is 144 bytes");

	/* /proc's files say 0, as Linux's (whose bytes are made when read),
	 * but for the fd links, which Linux sizes 64. */
	if (!n->proc) {
		st.size = (int64_t)n->size;
		st.blocks = (int64_t)((n->size + 511) / 512);
	} else if (n->proc == FS_PROC_FD_LINK) {
		st.size = 64;
	}
	if (n->device)
		st.rdev = (1 << 8) | (n->device == DEV_NULL ? 3 : n->device == DEV_ZERO ? 5 : 9);
	st.mtime = st.ctime = (int64_t)(n->mtime_ns / 1000000000);
	st.mtime_ns = st.ctime_ns = (int64_t)(n->mtime_ns % 1000000000);
	st.atime = (int64_t)(n->atime_ns / 1000000000);
	st.atime_ns = (int64_t)(n->atime_ns % 1000000000);
	kmemcpy(statbuf, &st, sizeof(st));
}

/* --- building the tree ------------------------------------------------ */

/* mkdir -p of path[0..len) under root (no "." or ".."): its node. */
static struct fs_node *dirs_make(const char *path, size_t len)
{
	struct fs_node *dir = root;
	size_t i = 0;

	while (i < len) {
		while (i < len && path[i] == '/')
			i++;
		size_t s = i;
		while (i < len && path[i] != '/')
			i++;
		if (i == s)
			break;
		struct fs_node *c = child_named(dir, path + s, i - s);
		if (!c) {
			c = node_new(S_IFDIR | 0755, path + s, i - s, false);
			if (!c)
				return NULL;
			link_child(dir, c);
		}
		if (!IS(c, S_IFDIR))
			return NULL;
		dir = c;
	}
	return dir;
}

static const char hosts[] = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n";
static const char passwd[] = "root:x:0:0:root:/root:/bin/sh\n"
			     "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";
static const char group[] = "root:x:0:\nnogroup:x:65534:\n";

static bool builtin_file(const char *dir, const char *name, const char *text, size_t len)
{
	struct fs_node *d = dirs_make(dir, kstrlen(dir));

	return d && fs_node_add(d, S_IFREG | 0644, name, kstrlen(name), text, len);
}

static bool builtin_device(const char *name, enum fs_device device)
{
	struct fs_node *d = dirs_make("dev", 3);
	struct fs_node *n = d ? fs_node_add(d, S_IFCHR | 0666, name, kstrlen(name), NULL, 0) : NULL;

	if (n)
		n->device = (uint8_t)device;
	return n != NULL;
}

static bool builtins(void)
{
	struct fs_node *tmp = dirs_make("tmp", 3);

	if (!tmp)
		return false;
	tmp->mode = S_IFDIR | 01777;
	return builtin_device("null", DEV_NULL) && builtin_device("zero", DEV_ZERO) &&
	       builtin_device("urandom", DEV_RANDOM) && builtin_device("random", DEV_RANDOM) &&
	       builtin_file("etc", "hosts", hosts, sizeof(hosts) - 1) &&
	       builtin_file("etc", "passwd", passwd, sizeof(passwd) - 1) &&
	       builtin_file("etc", "group", group, sizeof(group) - 1);
}

/* One of a newc header's eight-hex-digit fields; false on a bad digit. */
static bool hex8(const uint8_t *p, uint64_t *out)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++) {
		uint8_t c = p[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			return false;
		v = v << 4 | (uint64_t)d;
	}
	*out = v;
	return true;
}

#define NEWC_HEADER 110
#define ALIGN4(x) (((x) + 3) & ~(uint64_t)3)

/* Whether path[0..len) has a "." or ".." component. */
static bool dotted(const char *path, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (path[i] != '.' || (i > 0 && path[i - 1] != '/'))
			continue;
		size_t n = i + 1 < len && path[i + 1] == '.' ? 2 : 1;
		if (i + n == len || path[i + n] == '/')
			return true;
	}
	return false;
}

/* One archive entry: a node of the tree (the entry's parents made as
 * directories when the archive did not list them first). */
static const char *archive_entry(const char *name, size_t len, uint64_t mode,
				 uint64_t mtime, const uint8_t *data, uint64_t size)
{
	while (len && (name[0] == '/' || (name[0] == '.' && (len == 1 || name[1] == '/'))))
		name++, len--;
	while (len && name[len - 1] == '/')
		len--;
	if (len == 0)
		return NULL; /* "." or "/": the root */
	size_t cut = len;
	while (cut && name[cut - 1] != '/')
		cut--;
	if (dotted(name, len))
		return "a name with \".\" or \"..\" in it";
	struct fs_node *dir = dirs_make(name, cut ? cut - 1 : 0);
	if (!dir)
		return "a parent that is not a directory, or more entries than the kernel's memory holds";
	struct fs_node *n = child_named(dir, name + cut, len - cut);
	uint32_t type = (uint32_t)mode & S_IFMT;
	if (type != S_IFDIR && type != S_IFREG && type != S_IFLNK)
		return NULL; /* devices, FIFOs, sockets: not ours to offer */
	if (n && (n->mode & S_IFMT) != type)
		return "a name given twice with two types";
	if (!n) {
		n = node_new((uint32_t)mode, name + cut, len - cut, true);
		if (!n)
			return "more entries than the kernel's memory holds";
		link_child(dir, n);
	}
	n->mode = (uint32_t)mode;
	n->mtime_ns = n->atime_ns = mtime * 1000000000ull;
	if (type != S_IFDIR) {
		n->data = data;
		n->size = size;
	}
	return NULL;
}

/* Reads a cpio newc archive ("070701"/"070702" headers, names padded to
 * 4 bytes with the header, data padded to 4, "TRAILER!!!" last). */
static const char *archive_read(const uint8_t *a, size_t len)
{
	uint64_t at = 0;

	for (;;) {
		uint64_t f[13];
		if (len - at < NEWC_HEADER || kmemcmp(a + at, "07070", 5) != 0 ||
		    (a[at + 5] != '1' && a[at + 5] != '2'))
			return "not a cpio newc archive (or cut short)";
		for (int i = 0; i < 13; i++)
			if (!hex8(a + at + 6 + 8 * i, &f[i]))
				return "a cpio header with a bad number";
		uint64_t mode = f[1], mtime = f[5], size = f[6], namesize = f[11];
		uint64_t name_at = at + NEWC_HEADER, data_at = ALIGN4(name_at + namesize);
		if (namesize == 0 || namesize > FS_PATH_MAX || data_at > len ||
		    a[name_at + namesize - 1] != 0 || size > len - data_at)
			return "a cpio entry that runs past the archive's end";
		const char *name = (const char *)a + name_at;
		if (namesize == 11 && kmemcmp(name, "TRAILER!!!", 11) == 0)
			return NULL;
		const char *why = archive_entry(name, namesize - 1, mode, mtime, a + data_at, size);
		if (why)
			return why;
		at = ALIGN4(data_at + size);
	}
}

bool fs_init(const char *cwd_path, const char **why)
{
	const void *archive;
	size_t len;

	free_nodes = NULL;
	free_names = NULL;
	frame_slots_carve((void **)&free_nodes, first_nodes, sizeof(first_nodes), sizeof(struct fs_node));
	live_nodes = 0;
	umask_bits = 0022;
	next_ino = 2;
	root = node_new(S_IFDIR | 0755, "", 0, true);
	root->parent = root;
	root->linked = true;
	cwd = NULL;
	cwd_set(root);
	*why = NULL;
	if (!builtins()) {
		*why = "no room for the built-in files";
		return false;
	}
	if (platform_fs_archive(&archive, &len) &&
	    (*why = archive_read(archive, len)) != NULL)
		return false;
	if (cwd_path && *cwd_path) {
		if (cwd_path[0] != '/' || dotted(cwd_path, kstrlen(cwd_path))) {
			*why = "cwd= is not an absolute path without . or ..";
			return false;
		}
		struct fs_node *dir = dirs_make(cwd_path, kstrlen(cwd_path));
		if (!dir) {
			*why = "cwd= names a file, not a directory";
			return false;
		}
		cwd_set(dir);
	}
	return true;
}

size_t fs_node_count(void)
{
	return live_nodes;
}

/* --- open files ------------------------------------------------------- */

static long node_read(struct fs_node *n, void *buf, size_t len, uint64_t off)
{
	switch (n->device) {
	case DEV_NULL:
		return 0;
	case DEV_ZERO:
		kmemset(buf, 0, len);
		return (long)len;
	case DEV_RANDOM:
		random_fill(buf, len);
		return (long)len;
	default:
		break;
	}
	if (IS(n, S_IFDIR))
		return -EISDIR;
	if (off >= n->size)
		return 0;
	if (len > n->size - off)
		len = n->size - off;
	if (len > 0x7ffff000)
		len = 0x7ffff000;
	bytes_read(n, buf, off, len);
	return (long)len;
}

static long node_write(struct fs_node *n, const void *buf, size_t len, uint64_t off)
{
	if (n->proc)
		return -EINVAL; /* Linux lets root open /proc's to write, not write */
	if (n->device)
		return (long)len; /* null, zero, random: taken and dropped */
	if (len == 0)
		return 0;
	return bytes_write(n, buf, off, len);
}

static bool readable(const struct file *f)
{
	return (f->status & O_ACCMODE) != O_WRONLY && !(f->status & O_PATH);
}

static bool writable(const struct file *f)
{
	return (f->status & O_ACCMODE) != O_RDONLY && !(f->status & O_PATH);
}

/* Drops f's copy of a /proc made file's bytes. */
static void text_drop(struct file *f)
{
	struct fs_node *t = f->fs.text;

	if (t) {
		f->fs.text = NULL;
		t->opens--;
		node_free_if_unused(t);
	}
}

/* The node whose bytes a read of f at off gives: f's own, but for /proc's
 * made files, f's copy of theirs, made again when a read starts at 0 (as
 * Linux's seq_file makes them at the first read, and again after a seek
 * to the start): a reader in pieces sees one moment's text. */
static long read_source(struct file *f, uint64_t off, struct fs_node **out)
{
	struct fs_node *n = f->fs.node;

	*out = n;
	if (n->proc != FS_PROC_TEXT || (off != 0 && f->fs.text)) {
		if (f->fs.text)
			*out = f->fs.text;
		return 0;
	}
	/* No name, held by f alone: it goes when f drops it. */
	struct fs_node *t = node_new(S_IFREG | 0444, "", 0, true);
	if (!t)
		return -ENOMEM;
	t->nlink = 0;
	t->opens = 1;
	long err = procfs_text_make(n, t);
	if (err) {
		t->opens--;
		node_free_if_unused(t);
		return err;
	}
	text_drop(f);
	f->fs.text = *out = t;
	return 0;
}

long fs_read(struct file *f, void *buf, size_t len)
{
	struct fs_node *from;
	long n;

	if (!readable(f))
		return -EBADF;
	if ((n = read_source(f, f->fs.pos, &from)) != 0)
		return n;
	n = node_read(from, buf, len, f->fs.pos);
	if (n > 0 && !from->device)
		f->fs.pos += (uint64_t)n;
	return n;
}

long fs_write(struct file *f, const void *buf, size_t len)
{
	if (!writable(f))
		return -EBADF;
	if (f->status & O_APPEND)
		f->fs.pos = f->fs.node->size;
	long n = node_write(f->fs.node, buf, len, f->fs.pos);
	if (n > 0 && !f->fs.node->device)
		f->fs.pos += (uint64_t)n;
	return n;
}

long fs_pread(struct file *f, void *buf, size_t len, uint64_t off)
{
	struct fs_node *from;
	long err;

	if (!readable(f))
		return -EBADF;
	if ((int64_t)off < 0)
		return -EINVAL;
	if ((err = read_source(f, off, &from)) != 0)
		return err;
	return node_read(from, buf, len, off);
}

long fs_pwrite(struct file *f, const void *buf, size_t len, uint64_t off)
{
	if (!writable(f))
		return -EBADF;
	if ((int64_t)off < 0)
		return -EINVAL;
	/* Linux appends with O_APPEND whatever the offset says. */
	return node_write(f->fs.node, buf, len, (f->status & O_APPEND) ? f->fs.node->size : off);
}

long fs_lseek(struct file *f, int64_t off, int whence)
{
	struct fs_node *n = f->fs.node;
	int64_t base;

	if (n->device)
		return 0;
	/* A made file has no size to seek from (Linux's seq_lseek). */
	if (n->proc == FS_PROC_TEXT && whence != SEEK_SET && whence != SEEK_CUR)
		return -EINVAL;
	switch (whence) {
	case SEEK_SET: base = 0; break;
	case SEEK_CUR: base = (int64_t)f->fs.pos; break;
	case SEEK_END: base = (int64_t)n->size; break;
	case SEEK_DATA:
	case SEEK_HOLE:
		if (IS(n, S_IFDIR))
			return -EINVAL;
		if (off < 0 || (uint64_t)off >= n->size)
			return -ENXIO;
		f->fs.pos = whence == SEEK_DATA ? (uint64_t)off : n->size;
		return (long)f->fs.pos;
	default: return -EINVAL;
	}
	if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
		return -EINVAL;
	f->fs.pos = (uint64_t)(base + off);
	return (long)f->fs.pos;
}

long fs_getdents(struct file *f, void *buf, size_t len)
{
	struct fs_node *dir = f->fs.node, *c = dir->first;
	uint8_t *out = buf;
	size_t used = 0;
	uint64_t i = 0;

	if (!IS(dir, S_IFDIR))
		return -ENOTDIR;
	/* fd/ lists the descriptors open when a listing starts. */
	if (dir->proc == FS_PROC_FD_DIR && f->fs.pos == 0) {
		procfs_fd_refresh();
		c = dir->first;
	}
	/* Entry i: ".", "..", then the children in the list's order. */
	for (uint64_t k = 2; c && k < f->fs.pos; k++)
		c = c->next;
	for (i = f->fs.pos;; i++) {
		const struct fs_node *e;
		const char *name;
		size_t nlen;
		if (i == 0)
			e = dir, name = ".", nlen = 1;
		else if (i == 1)
			e = dir->parent, name = "..", nlen = 2;
		else if (c)
			e = c, name = c->name, nlen = c->name_len, c = c->next;
		else
			break;
		size_t reclen = (19 + nlen + 1 + 7) & ~(size_t)7;
		if (used + reclen > len) {
			if (used == 0)
				return -EINVAL; /* too small for one entry */
			break;
		}
		const struct fs_node *in = e->inode;
		uint64_t ino = in->ino, next = i + 1;
		uint16_t rl = (uint16_t)reclen;
		uint8_t type = IS(in, S_IFDIR) ? DT_DIR : IS(in, S_IFLNK) ? DT_LNK :
			       IS(in, S_IFCHR) ? DT_CHR : IS(in, S_IFIFO) ? DT_FIFO : DT_REG;
		kmemcpy(out + used, &ino, 8);
		kmemcpy(out + used + 8, &next, 8);
		kmemcpy(out + used + 16, &rl, 2);
		out[used + 18] = type;
		kmemcpy(out + used + 19, name, nlen);
		kmemset(out + used + 19 + nlen, 0, reclen - 19 - nlen);
		used += reclen;
	}
	f->fs.pos = i;
	return (long)used;
}

long fs_ftruncate(struct file *f, int64_t len)
{
	if (len < 0)
		return -EINVAL;
	if (!IS(f->fs.node, S_IFREG) || !writable(f))
		return IS(f->fs.node, S_IFDIR) ? -EISDIR : -EINVAL;
	if (f->fs.node->proc)
		return 0; /* as Linux's: taken, and nothing changes */
	return bytes_truncate(f->fs.node, (uint64_t)len);
}

void fs_fstat(const struct file *f, void *statbuf)
{
	stat_fill(f->fs.node, statbuf);
}

void fs_release(struct file *f)
{
	struct fs_node *n = f->fs.node;

	text_drop(f);
	n->opens--;
	node_free_if_unused(n);
}

/* --- path system calls ------------------------------------------------ */

#define LOCKED(body)                                               \
	do {                                                       \
		unsigned long irq_ = spin_lock(&files.lock);       \
		long r_ = (body);                                  \
		spin_unlock(&files.lock, irq_);                    \
		return r_;                                         \
	} while (0)

/* Whether w names a node of /proc, or a new name in one of its
 * directories. */
static bool in_proc(const struct where *w)
{
	return (w->entry ? w->entry->proc : w->dir->proc) != FS_PROC_NONE;
}

/* A new node named by w (its dir must be a directory still linked, and
 * not /proc's: Linux finds no name there but those it made). */
static long create_at(const struct where *w, uint32_t mode, struct fs_node **out)
{
	if (!w->dir->linked || w->dir->proc)
		return -ENOENT;
	*out = fs_node_add(w->dir, mode, w->name, w->len, NULL, 0);
	return *out ? 0 : -ENOSPC;
}

static long openat_locked(int dirfd, const char *path, int flags, uint32_t mode)
{
	bool creat = flags & O_CREAT, write = (flags & O_ACCMODE) != O_RDONLY;
	struct where w;
	long err;

	if ((flags & O_TMPFILE_BIT) || (flags & O_ACCMODE) == O_ACCMODE)
		return -EINVAL;
	err = resolve(dirfd, path, path_a,
		      follow_unless((flags & O_NOFOLLOW) || (creat && (flags & O_EXCL))), false, &w);
	if (err)
		return err;
	struct fs_node *n = w.node;
	if (!n) {
		if (!creat)
			return -ENOENT;
		if (w.slash)
			return -EISDIR;
		err = create_at(&w, S_IFREG | (mode & 07777 & ~umask_bits), &n);
		if (err)
			return err;
	} else {
		if (creat && (flags & O_EXCL))
			return -EEXIST;
		/* O_NOFOLLOW onto a symlink: only O_PATH opens the link. */
		if (IS(n, S_IFLNK) && !(flags & O_PATH))
			return -ELOOP;
		if ((flags & O_DIRECTORY) && !IS(n, S_IFDIR))
			return -ENOTDIR;
		if (IS(n, S_IFDIR) && (write || creat))
			return -EISDIR;
		if ((flags & O_TRUNC) && write && IS(n, S_IFREG) && n->size && !n->proc &&
		    (err = bytes_truncate(n, 0)) != 0)
			return err;
	}
	/* A FIFO: an end of its pipe, not the node (O_PATH aside). */
	if (IS(n, S_IFIFO) && !(flags & O_PATH)) {
		struct file *end;
		err = pipe_open_fifo(&n->fifo, (unsigned)flags & (O_ACCMODE | O_NONBLOCK), &end);
		if (err)
			return err;
		long fd = fd_install(end, 0, flags & O_CLOEXEC);
		if (fd < 0) {
			file_get(end);
			file_put(end);
		}
		return fd;
	}
	struct file *f = file_new(FILE_NODE, (unsigned)flags &
				  (O_ACCMODE | O_APPEND | O_NONBLOCK | O_PATH | O_DIRECTORY));
	if (!f) {
		node_free_if_unused(n);
		return -ENFILE;
	}
	f->fs.node = n;
	f->fs.pos = 0;
	f->fs.text = NULL;
	n->opens++;
	long fd = fd_install(f, 0, flags & O_CLOEXEC);
	if (fd < 0) {
		/* f's only reference goes: fs_release undoes the open. */
		file_get(f);
		file_put(f);
	}
	return fd;
}

long fs_openat(int dirfd, const char *path, int flags, uint32_t mode)
{
	LOCKED(openat_locked(dirfd, path, flags, mode));
}

static long fstatat_locked(int dirfd, const char *path, void *statbuf, int flags)
{
	struct where w;
	long err = resolve_node(dirfd, path, follow_unless(flags & AT_SYMLINK_NOFOLLOW),
				flags & AT_EMPTY_PATH, &w);

	if (err)
		return err;
	stat_fill(w.node, statbuf);
	return 0;
}

long fs_fstatat(int dirfd, const char *path, void *statbuf, int flags)
{
	LOCKED(fstatat_locked(dirfd, path, statbuf, flags));
}

static long readlinkat_locked(int dirfd, const char *path, char *buf, size_t size)
{
	struct where w;
	long err = resolve_node(dirfd, path, FOLLOW_SLASH, true, &w);

	if (err)
		return err;
	if (!IS(w.node, S_IFLNK))
		return -EINVAL;
	if ((long)size <= 0)
		return -EINVAL;
	const void *text = w.node->data;
	long len = (long)w.node->size;
	if (magic_link(w.node)) {
		len = procfs_link_text(w.node, path_b, sizeof(path_b));
		text = path_b;
	}
	if (len < 0)
		return len;
	size_t n = (size_t)len < size ? (size_t)len : size;
	if (!user_ok(buf, n))
		return -EFAULT;
	kmemcpy(buf, text, n);
	return (long)n;
}

long fs_readlinkat(int dirfd, const char *path, char *buf, size_t size)
{
	LOCKED(readlinkat_locked(dirfd, path, buf, size));
}

static long faccessat_locked(int dirfd, const char *path, int mode, int flags)
{
	struct where w;
	long err;

	if (mode & ~7)
		return -EINVAL;
	err = resolve_node(dirfd, path, follow_unless(flags & AT_SYMLINK_NOFOLLOW),
			   flags & AT_EMPTY_PATH, &w);
	if (err)
		return err;
	/* Root may read and write anything; it executes what has an x bit. */
	if ((mode & X_OK) && !IS(w.node, S_IFDIR) && !(w.node->mode & 0111))
		return -EACCES;
	return 0;
}

long fs_faccessat(int dirfd, const char *path, int mode, int flags)
{
	LOCKED(faccessat_locked(dirfd, path, mode, flags));
}

static long mkdirat_locked(int dirfd, const char *path, uint32_t mode)
{
	struct where w;
	struct fs_node *n;
	long err = resolve(dirfd, path, path_a, FOLLOW_NEVER, false, &w);

	if (err)
		return err;
	if (w.node)
		return -EEXIST;
	return create_at(&w, S_IFDIR | (mode & 07777 & ~umask_bits), &n);
}

long fs_mkdirat(int dirfd, const char *path, uint32_t mode)
{
	LOCKED(mkdirat_locked(dirfd, path, mode));
}

static long unlinkat_locked(int dirfd, const char *path, int flags)
{
	struct where w;
	long err;

	if (flags & ~AT_REMOVEDIR)
		return -EINVAL;
	err = resolve_node(dirfd, path, FOLLOW_SLASH, false, &w);
	if (err)
		return err;
	if (flags & AT_REMOVEDIR) {
		if (!IS(w.node, S_IFDIR))
			return -ENOTDIR;
		if (w.node == root)
			return -EBUSY;
		if (!w.name || (w.len == 1 && w.name[0] == '.'))
			return -EINVAL;
	} else if (IS(w.node, S_IFDIR)) {
		return -EISDIR;
	} else if (w.slash) {
		return -ENOTDIR;
	}
	/* Linux's /proc takes no removal, a type's error aside. */
	if (w.entry->proc)
		return -EPERM;
	if ((flags & AT_REMOVEDIR) && w.node->first)
		return -ENOTEMPTY;
	fs_node_remove(w.entry);
	return 0;
}

long fs_unlinkat(int dirfd, const char *path, int flags)
{
	LOCKED(unlinkat_locked(dirfd, path, flags));
}

static bool inside(const struct fs_node *n, const struct fs_node *dir)
{
	for (;; n = n->parent) {
		if (n == dir)
			return true;
		if (n == root)
			return false;
	}
}

static long renameat_locked(int olddirfd, const char *oldpath, int newdirfd,
			    const char *newpath, unsigned flags)
{
	struct where from, to;
	long err;

	if (flags & ~(unsigned)RENAME_NOREPLACE)
		return -EINVAL; /* RENAME_EXCHANGE, RENAME_WHITEOUT */
	if ((err = resolve(olddirfd, oldpath, path_a, FOLLOW_SLASH, false, &from)) != 0 ||
	    (err = resolve(newdirfd, newpath, path_b, FOLLOW_SLASH, false, &to)) != 0)
		return err;
	/* Names move (entries); what they name (nodes) is checked. */
	struct fs_node *n = from.node, *old = to.node, *entry = from.entry;
	if (!n)
		return -ENOENT;
	/* /proc is a file system of its own on Linux, whose names stay. */
	if (in_proc(&from) || in_proc(&to))
		return in_proc(&from) != in_proc(&to) ? -EXDEV : old ? -EPERM : -ENOENT;
	if (!from.name || !to.name || n == root)
		return -EBUSY;
	if (old == n)
		return 0; /* one file, two names (or one): Linux does nothing */
	if (IS(n, S_IFDIR) && inside(to.dir, n))
		return -EINVAL;
	if ((from.slash || to.slash) && !IS(n, S_IFDIR))
		return -ENOTDIR;
	if (old) {
		if (flags & RENAME_NOREPLACE)
			return -EEXIST;
		if (IS(n, S_IFDIR) && !IS(old, S_IFDIR))
			return -ENOTDIR;
		if (!IS(n, S_IFDIR) && IS(old, S_IFDIR))
			return -EISDIR;
		if (IS(old, S_IFDIR) && old->first)
			return -ENOTEMPTY;
	}
	/* A removed directory takes no new name (Linux: ENOENT). */
	if (!to.dir->linked)
		return -ENOENT;
	/* The new name must outlive newpath's copy; taken before anything
	 * changes, so that a full name space changes nothing. */
	long named = name_set(entry, to.name, to.len);
	if (named)
		return named;
	if (old)
		fs_node_remove(to.entry);
	unlink_child(entry);
	link_child(to.dir, entry);
	return 0;
}

long fs_renameat(int olddirfd, const char *oldpath, int newdirfd,
		 const char *newpath, unsigned flags)
{
	LOCKED(renameat_locked(olddirfd, oldpath, newdirfd, newpath, flags));
}

static long symlinkat_locked(const char *target, int dirfd, const char *path)
{
	struct where w;
	struct fs_node *n;
	long tlen = user_string_copy(path_b, FS_PATH_MAX, target), err;

	if (tlen < 0)
		return tlen;
	if (tlen == 0)
		return -ENOENT;
	if ((err = resolve(dirfd, path, path_a, FOLLOW_SLASH, false, &w)) != 0)
		return err;
	if (w.node)
		return -EEXIST;
	if ((err = create_at(&w, S_IFLNK | 0777, &n)) != 0)
		return err;
	long written = bytes_write(n, (const uint8_t *)path_b, 0, (size_t)tlen);
	if (written != tlen) {
		fs_node_remove(n);
		return written < 0 ? written : -ENOSPC;
	}
	/* Lookups read a link's text through data: the bytes in a frame
	 * (a path fits in one page). */
	n->data = platform_phys_to_virt(page_of(n, 0, false));
	return 0;
}

long fs_symlinkat(const char *target, int dirfd, const char *path)
{
	LOCKED(symlinkat_locked(target, dirfd, path));
}

static long truncate_locked(const char *path, int64_t len)
{
	struct where w;
	long err = resolve_node(AT_FDCWD, path, FOLLOW, false, &w);

	if (err)
		return err;
	if (IS(w.node, S_IFDIR))
		return -EISDIR;
	if (!IS(w.node, S_IFREG) || len < 0)
		return -EINVAL;
	if (w.node->proc)
		return 0; /* as Linux's: taken, and nothing changes */
	return bytes_truncate(w.node, (uint64_t)len);
}

long fs_truncate(const char *path, int64_t len)
{
	LOCKED(truncate_locked(path, len));
}

static long fchmodat_locked(int dirfd, const char *path, uint32_t mode, int flags)
{
	struct where w;
	long err = resolve_node(dirfd, path, follow_unless(flags & AT_SYMLINK_NOFOLLOW),
				flags & AT_EMPTY_PATH, &w);

	if (err)
		return err;
	if (IS(w.node, S_IFLNK))
		return -EOPNOTSUPP; /* a symlink's mode is not its own */
	if (w.node->proc)
		return -EPERM;
	w.node->mode = (w.node->mode & S_IFMT) | (mode & 07777);
	return 0;
}

long fs_fchmodat(int dirfd, const char *path, uint32_t mode, int flags)
{
	LOCKED(fchmodat_locked(dirfd, path, mode, flags));
}

static long fchmod_locked(int fd, uint32_t mode)
{
	struct file *f = fd_lookup(fd);

	if (!f)
		return -EBADF;
	if (f->kind != FILE_NODE)
		return 0;
	if (f->fs.node->proc)
		return -EPERM;
	f->fs.node->mode = (f->fs.node->mode & S_IFMT) | (mode & 07777);
	return 0;
}

long fs_fchmod(int fd, uint32_t mode)
{
	LOCKED(fchmod_locked(fd, mode));
}

static long utimensat_locked(int dirfd, const char *path, const void *times, int flags)
{
	struct where w;
	long err;
	int64_t ts[4];

	if (times) {
		if (!user_ok(times, sizeof(ts)))
			return -EFAULT;
		kmemcpy(ts, times, sizeof(ts));
	}
	if (path) {
		err = resolve_node(dirfd, path, follow_unless(flags & AT_SYMLINK_NOFOLLOW),
				   flags & AT_EMPTY_PATH, &w);
		if (err)
			return err;
	} else {
		/* futimens: utimensat(fd, NULL, ...); a pipe's times are not kept. */
		struct file *f = fd_lookup(dirfd);
		if (!f)
			return -EBADF;
		if (f->kind != FILE_NODE)
			return 0;
		w.node = f->fs.node;
	}
	/* times[0] the access time, times[1] the modification time. */
	uint64_t *to[2] = { &w.node->atime_ns, &w.node->mtime_ns };
	for (int i = 0; i < 2 && times; i++)
		if (ts[2 * i + 1] != UTIME_NOW && ts[2 * i + 1] != UTIME_OMIT &&
		    (ts[2 * i + 1] < 0 || ts[2 * i + 1] >= 1000000000))
			return -EINVAL;
	for (int i = 0; i < 2; i++) {
		if (!times || ts[2 * i + 1] == UTIME_NOW)
			*to[i] = now_ns();
		else if (ts[2 * i + 1] != UTIME_OMIT)
			*to[i] = (uint64_t)ts[2 * i] * 1000000000ull + (uint64_t)ts[2 * i + 1];
	}
	return 0;
}

long fs_utimensat(int dirfd, const char *path, const void *times, int flags)
{
	LOCKED(utimensat_locked(dirfd, path, times, flags));
}

static long chdir_locked(const char *path)
{
	struct where w;
	long err = resolve_node(AT_FDCWD, path, FOLLOW, false, &w);

	if (err)
		return err;
	if (!IS(w.node, S_IFDIR))
		return -ENOTDIR;
	cwd_set(w.node);
	return 0;
}

long fs_chdir(const char *path)
{
	LOCKED(chdir_locked(path));
}

static long fchdir_locked(int fd)
{
	struct fs_node *n;
	long err = start_of(fd, &n);

	if (fd == AT_FDCWD)
		return -EBADF;
	if (err)
		return err;
	cwd_set(n);
	return 0;
}

long fs_fchdir(int fd)
{
	LOCKED(fchdir_locked(fd));
}

static long getcwd_locked(char *buf, size_t size)
{
	bool deleted;
	long len = fs_node_path(cwd, path_a, sizeof(path_a), &deleted);

	/* A directory removed while it was the cwd has no path. */
	if (deleted)
		return -ENOENT;
	if (len < 0 || size < (size_t)len + 1)
		return -ERANGE;
	if (!user_ok(buf, (size_t)len + 1))
		return -EFAULT;
	kmemcpy(buf, path_a, (size_t)len + 1);
	return len + 1;
}

long fs_getcwd(char *buf, size_t size)
{
	LOCKED(getcwd_locked(buf, size));
}

static long chown_node(struct fs_node *n, uint32_t uid, uint32_t gid)
{
	/* -1 leaves the id as it is. */
	if (uid != UINT32_MAX)
		n->uid = uid;
	if (gid != UINT32_MAX)
		n->gid = gid;
	return 0;
}

static long fchownat_locked(int dirfd, const char *path, uint32_t uid, uint32_t gid, int flags)
{
	struct where w;
	long err;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	err = resolve_node(dirfd, path, follow_unless(flags & AT_SYMLINK_NOFOLLOW),
			   flags & AT_EMPTY_PATH, &w);
	return err ? err : chown_node(w.node, uid, gid);
}

long fs_fchownat(int dirfd, const char *path, uint32_t uid, uint32_t gid, int flags)
{
	LOCKED(fchownat_locked(dirfd, path, uid, gid, flags));
}

static long fchown_locked(int fd, uint32_t uid, uint32_t gid)
{
	struct file *f = fd_lookup(fd);

	if (!f)
		return -EBADF;
	return f->kind == FILE_NODE ? chown_node(f->fs.node, uid, gid) : 0;
}

long fs_fchown(int fd, uint32_t uid, uint32_t gid)
{
	LOCKED(fchown_locked(fd, uid, gid));
}

static long umask_locked(uint32_t mask)
{
	uint32_t was = umask_bits;

	umask_bits = mask & 0777;
	return was;
}

long fs_umask(uint32_t mask)
{
	LOCKED(umask_locked(mask));
}

static long linkat_locked(int olddirfd, const char *oldpath, int newdirfd,
			  const char *newpath, int flags)
{
	struct where from, to;
	struct fs_node *entry;
	long err;

	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if ((err = resolve_node(olddirfd, oldpath, follow_if(flags & AT_SYMLINK_FOLLOW),
				flags & AT_EMPTY_PATH, &from)) != 0 ||
	    (err = resolve(newdirfd, newpath, path_b, FOLLOW_SLASH, false, &to)) != 0)
		return err;
	struct fs_node *n = from.node;
	if (in_proc(&from) != in_proc(&to))
		return -EXDEV;
	if (IS(n, S_IFDIR))
		return -EPERM;
	if (to.node)
		return -EEXIST;
	if (to.slash || n->nlink == 0)
		return -ENOENT; /* a file already removed cannot get a name back */
	if ((err = create_at(&to, n->mode, &entry)) != 0)
		return err;
	entry->inode = n;
	n->nlink++;
	return 0;
}

long fs_linkat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath,
	       int flags)
{
	LOCKED(linkat_locked(olddirfd, oldpath, newdirfd, newpath, flags));
}

static long mknodat_locked(int dirfd, const char *path, uint32_t mode)
{
	struct where w;
	struct fs_node *n;
	uint32_t type = mode & S_IFMT;
	long err;

	/* FIFOs and plain files; no devices or sockets of the program's. */
	if (type == 0)
		type = S_IFREG;
	if (type != S_IFIFO && type != S_IFREG)
		return type == S_IFDIR ? -EINVAL : -EPERM;
	if ((err = resolve(dirfd, path, path_a, FOLLOW_NEVER, false, &w)) != 0)
		return err;
	if (w.node)
		return -EEXIST;
	return create_at(&w, type | (mode & 07777 & ~umask_bits), &n);
}

long fs_mknodat(int dirfd, const char *path, uint32_t mode)
{
	LOCKED(mknodat_locked(dirfd, path, mode));
}
