/* /proc as Linux shows it to a program about itself, the files Go's os
 * package, its runtime's tests and programs read: /proc/self, a symlink
 * to /proc/PID (PID is what getpid returns), which holds exe (a symlink to
 * the program's path), cmdline and environ (its arguments and
 * environment, each one NUL-terminated), fd/ (a symlink per open
 * descriptor, named after what it holds: a path, "pipe:[N]",
 * "anon_inode:[eventfd]"...), cwd (a symlink to the working directory),
 * maps (its mappings: procfs_maps.c), status and stat (the process:
 * procfs_status.c).
 *
 * The entries are nodes of the file system's tree (fs_node.h), marked as
 * /proc's: fs.c refuses their changes with Linux's errors. The fixed ones
 * are made at boot (there is no execve: arguments and environment never
 * change); fd/'s links follow the descriptor table whenever fd/ is looked
 * into or read from its start; what a link names is found when it is read
 * or followed, and the bytes of maps, status and stat when they are read
 * from their start, as Linux does. Everything but procfs_init is called
 * with files.lock held. */
#ifndef KCORE_PROCFS_H
#define KCORE_PROCFS_H

#include <stdbool.h>
#include <stddef.h>

struct fs_node;

/* Builds /proc in the tree fs_init made: false when the node pool is
 * full. exe: the program's path. argv and envp are NULL-terminated and must stay valid. */
bool procfs_init(const char *exe, char *const argv[], char *const envp[]);
/* Makes fd/'s links those of the open descriptors, in their order. */
void procfs_fd_refresh(void);
/* What a magic link (an fd link, cwd) names, in buf[size] (no NUL): its
 * length, -ENOENT when its descriptor has been closed, -ENAMETOOLONG. A
 * node removed since is named by the path it had and " (deleted)". */
long procfs_link_text(const struct fs_node *link, char *buf, size_t size);
/* The node a magic link leads to when followed: the open file or the
 * working directory itself, as Linux's (even one since unlinked).
 * -ENOENT when the descriptor is closed or is not a file of the tree (a
 * pipe, the console). */
long procfs_link_node(const struct fs_node *link, struct fs_node **out);

/* The files whose bytes are made when read (FS_PROC_TEXT). */
enum procfs_text { PROCFS_MAPS, PROCFS_STATUS, PROCFS_STAT };
/* Writes the bytes of made file n at the end of out's (fs_node_append):
 * 0, or -ENOSPC when memory ran out. */
long procfs_text_make(const struct fs_node *n, struct fs_node *out);

#endif
