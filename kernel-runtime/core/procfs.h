/* /proc as Linux shows it to a program about itself, the files Go's os
 * package and programs read: /proc/self, a symlink to /proc/PID (PID is
 * what getpid returns), which holds exe (a symlink to the program's path),
 * cmdline and environ (its arguments and environment, each one
 * NUL-terminated) and fd/ (a symlink per open descriptor, named after
 * what it holds: a path, "pipe:[N]", "anon_inode:[eventfd]"...).
 *
 * The entries are nodes of the file system's tree (fs_node.h), marked as
 * /proc's: fs.c refuses their changes with Linux's errors. The fixed ones
 * are made at boot (there is no execve: arguments and environment never
 * change); fd/'s links follow the descriptor table whenever fd/ is looked
 * into or read from its start, and what a link names is found when it is
 * read or followed, as Linux does. Everything but procfs_init is called
 * with files.lock held. */
#ifndef KCORE_PROCFS_H
#define KCORE_PROCFS_H

#include <stdbool.h>
#include <stddef.h>

struct fs_node;

/* Builds /proc in the tree fs_init made: false when the node pool is
 * full. exe: the program's path (the kernel option exe=), or NULL for
 * argv[0]. argv and envp are NULL-terminated and must stay valid. */
bool procfs_init(const char *exe, char *const argv[], char *const envp[]);
/* Makes fd/'s links those of the open descriptors, in their order. */
void procfs_fd_refresh(void);
/* What fd link names, in buf[size] (no NUL): its length, -ENOENT when its
 * descriptor has been closed, -ENAMETOOLONG. */
long procfs_fd_link_text(const struct fs_node *link, char *buf, size_t size);
/* The node an fd link leads to when followed: the open file itself, as
 * Linux's magic links (even a file since unlinked). -ENOENT when the
 * descriptor is closed or is not a file of the tree (a pipe, the
 * console). */
long procfs_fd_link_node(const struct fs_node *link, struct fs_node **out);

#endif
