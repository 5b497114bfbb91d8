/* /proc (procfs.h): /proc/self and /proc/PID's entries as nodes of the
 * file system's tree, its magic links, and which writer makes the bytes
 * of each made file. */
#include "procfs.h"

#include "boot.h"
#include "fd.h"
#include "fs_node.h"
#include "kstring.h"
#include "linux_abi.h"
#include "platform.h"
#include "process.h"
#include "procfs_text.h"

/* The arguments, then the environment, each word NUL-terminated: the
 * bytes of cmdline and environ. They fit: the command line held them. */
static char args_text[KCORE_CMDLINE_MAX];
/* /proc/self's target: the pid in decimal. */
static char pid_text[24];
static struct fs_node *fd_dir;
static struct fs_node *fd_links[FD_MAX];
/* The program's path (exe's target): maps names the image's segments by
 * it, and status and stat name the process after it. */
static const char *exe_path;

/* Appends each word and its NUL at args_text + *at; the bytes added. */
static size_t words_append(char *const words[], size_t *at)
{
	size_t start = *at;

	for (size_t i = 0; words[i]; i++) {
		size_t len = kstrlen(words[i]);
		if (len + 1 > sizeof(args_text) - *at)
			break;
		kmemcpy(args_text + *at, words[i], len + 1);
		*at += len + 1;
	}
	return *at - start;
}

/* A node of /proc (marked so: fs.c keeps it read-only). */
static struct fs_node *entry_add(struct fs_node *dir, uint32_t mode, const char *name,
				 const void *data, size_t size)
{
	struct fs_node *n = dir ? fs_node_add(dir, mode, name, kstrlen(name), data, size)
				: NULL;

	if (n)
		n->proc = FS_PROC_ENTRY;
	return n;
}

/* A node of /proc whose contents procfs finds when asked (fd/, cwd, the
 * made files): kind says which. */
static struct fs_node *special_add(struct fs_node *dir, uint32_t mode, const char *name,
				   enum fs_proc kind)
{
	struct fs_node *n = entry_add(dir, mode, name, NULL, 0);

	if (n)
		n->proc = (uint8_t)kind;
	return n;
}

/* A made file of /proc (procfs_text_make). */
static bool text_add(struct fs_node *dir, const char *name, enum procfs_text text)
{
	struct fs_node *n = special_add(dir, S_IFREG | 0444, name, FS_PROC_TEXT);

	if (n)
		n->text = (uint8_t)text;
	return n != NULL;
}

bool procfs_init(const char *exe, char *const argv[], char *const envp[])
{
	size_t at = 0, args = words_append(argv, &at), env = words_append(envp, &at);
	size_t pid_len = proc_decimal(pid_text, KCORE_PID);

	exe_path = exe;
	boot_rezero(fd_links, sizeof(fd_links));
	pid_text[pid_len] = 0;
	struct fs_node *proc = entry_add(fs_root(), S_IFDIR | 0555, "proc", NULL, 0);
	struct fs_node *pid = entry_add(proc, S_IFDIR | 0555, pid_text, NULL, 0);
	fd_dir = special_add(pid, S_IFDIR | 0500, "fd", FS_PROC_FD_DIR);
	return fd_dir && entry_add(proc, S_IFLNK | 0777, "self", pid_text, pid_len) &&
	       entry_add(pid, S_IFLNK | 0777, "exe", exe, kstrlen(exe)) &&
	       entry_add(pid, S_IFREG | 0444, "cmdline", args_text, args) &&
	       entry_add(pid, S_IFREG | 0400, "environ", args_text + args, env) &&
	       special_add(pid, S_IFLNK | 0777, "cwd", FS_PROC_CWD_LINK) && text_add(pid, "maps", PROCFS_MAPS) &&
	       text_add(pid, "stat", PROCFS_STAT) && text_add(pid, "status", PROCFS_STATUS);
}

/* A link's permissions, as Linux's: r-x to read, -wx to write. */
static uint32_t link_mode(const struct file *f)
{
	unsigned access = f->status & O_ACCMODE;
	uint32_t mode = 0;

	if (f->status & O_PATH)
		return S_IFLNK;
	if (access == O_RDONLY || access == O_RDWR)
		mode |= 0500;
	if (access == O_WRONLY || access == O_RDWR)
		mode |= 0300;
	return S_IFLNK | mode;
}

/* Whether fd_links has a link for each open descriptor and no other. */
static bool fd_links_current(void)
{
	for (int fd = 0; fd < FD_MAX; fd++)
		if (!fd_links[fd] != !fd_lookup(fd))
			return false;
	return true;
}

void procfs_fd_refresh(void)
{
	if (!fd_dir)
		return;
	if (!fd_links_current()) {
		/* Made again, highest first: a directory lists its newest
		 * node first, and Linux lists the descriptors in order. */
		for (int fd = FD_MAX - 1; fd >= 0; fd--) {
			if (fd_links[fd])
				fs_node_remove(fd_links[fd]);
			fd_links[fd] = NULL;
		}
		for (int fd = FD_MAX - 1; fd >= 0; fd--) {
			char name[24];
			size_t len = proc_decimal(name, (uint64_t)fd);
			if (!fd_lookup(fd))
				continue;
			struct fs_node *n = fs_node_add(fd_dir, S_IFLNK, name, len, NULL, 0);
			if (!n)
				break; /* the pool is full: fewer links */
			n->proc = FS_PROC_FD_LINK;
			n->fd = (uint16_t)fd;
			fd_links[fd] = n;
		}
	}
	/* A descriptor closed and opened again since may hold another file. */
	for (int fd = 0; fd < FD_MAX; fd++)
		if (fd_links[fd])
			fd_links[fd]->mode = link_mode(fd_lookup(fd));
}

/* Copies text to buf[size]: its length, or -ENAMETOOLONG. */
static long text_put(char *buf, size_t size, const char *text)
{
	size_t len = kstrlen(text);

	if (len > size)
		return -ENAMETOOLONG;
	kmemcpy(buf, text, len);
	return (long)len;
}

/* n's path in buf[size], " (deleted)" after it when removed since: its
 * length or -ENAMETOOLONG. */
static long path_text(const struct fs_node *n, char *buf, size_t size)
{
	static const char deleted_mark[] = " (deleted)";
	bool deleted;
	long len = fs_node_path(n, buf, size, &deleted);

	if (len < 0 || !deleted)
		return len;
	if ((size_t)len + sizeof(deleted_mark) > size)
		return -ENAMETOOLONG;
	kmemcpy(buf + len, deleted_mark, sizeof(deleted_mark) - 1);
	return len + (long)sizeof(deleted_mark) - 1;
}

long procfs_link_text(const struct fs_node *link, char *buf, size_t size)
{
	struct file *f;
	long len;

	if (link->proc == FS_PROC_CWD_LINK)
		return path_text(fs_cwd(), buf, size);
	if (!(f = fd_lookup(link->fd)))
		return -ENOENT;
	switch (f->kind) {
	case FILE_NODE:
		return path_text(f->fs.node, buf, size);
	case FILE_CONSOLE:
		/* The serial lines fstat names by their device numbers. */
		return text_put(buf, size, f->stream == PLATFORM_STDERR ? "/dev/ttyS1"
									: "/dev/ttyS0");
	case FILE_EVENTFD:
		return text_put(buf, size, "anon_inode:[eventfd]");
	case FILE_EPOLL:
		return text_put(buf, size, "anon_inode:[eventpoll]");
	case FILE_PIPE_READ:
	case FILE_PIPE_WRITE:
	case FILE_PIPE_RDWR:
		if (size < 32)
			return -ENAMETOOLONG;
		kmemcpy(buf, "pipe:[", 6);
		len = 6 + (long)proc_decimal(buf + 6, pipe_ino(f));
		buf[len] = ']';
		return len + 1;
	}
	return -ENOENT;
}

long procfs_link_node(const struct fs_node *link, struct fs_node **out)
{
	struct file *f;

	if (link->proc == FS_PROC_CWD_LINK) {
		*out = fs_cwd();
		return 0;
	}
	f = fd_lookup(link->fd);
	if (!f || f->kind != FILE_NODE)
		return -ENOENT;
	*out = f->fs.node;
	return 0;
}

long procfs_text_make(const struct fs_node *n, struct fs_node *out)
{
	struct proc_text t;

	proc_text_start(&t, out);
	switch ((enum procfs_text)n->text) {
	case PROCFS_MAPS:
		procfs_maps_write(&t, exe_path);
		break;
	case PROCFS_STATUS:
		procfs_status_write(&t);
		break;
	case PROCFS_STAT:
		procfs_stat_write(&t);
		break;
	}
	return proc_text_end(&t);
}
