/* The process's file descriptors and the kinds of file behind them: the
 * console (fds 0, 1, 2), pipes, eventfds and epoll instances (what the Go
 * runtime's network poller needs, which every program with a timer
 * starts), and the nodes of the file system (fs.h). */
#ifndef KCORE_FD_H
#define KCORE_FD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "process.h"
#include "spinlock.h"
#include "waitq.h"

#define FD_MAX KCORE_NOFILE
#define FILE_MAX 1024

enum file_kind {
	FILE_CONSOLE,
	FILE_PIPE_READ,
	FILE_PIPE_WRITE,
	FILE_PIPE_RDWR,	/* both ends: a FIFO opened O_RDWR */
	FILE_EVENTFD,
	FILE_EPOLL,
	FILE_NODE,	/* a file, directory or device of the file system */
};

struct pipe;
struct epoll;
struct fs_node;

struct file {
	enum file_kind kind;
	unsigned refs;   /* descriptors, plus calls in progress */
	unsigned status; /* open flags: O_ACCMODE, O_NONBLOCK (F_GETFL) */
	/* Bumped whenever the file may have become ready: an edge for
	 * EPOLLET watches (file_seq: a pipe's ends share their pipe's). */
	uint64_t seq;
	union {
		int stream; /* a console's: PLATFORM_STDOUT or _STDERR */
		struct pipe *pipe;
		struct {
			uint64_t count;
			bool semaphore;
		} event;
		struct epoll *epoll;
		struct {
			struct fs_node *node;
			uint64_t pos; /* a directory's: the next entry's index */
			/* Of /proc's made files (FS_PROC_TEXT): the bytes
			 * this file reads, a node of its own; NULL before
			 * the first read. */
			struct fs_node *text;
		} fs;
	};
};

/* Every file, the table and all waiting (blocking reads and epoll_wait)
 * are under one lock: the process has few files and little contention. */
struct files {
	struct spinlock lock;
	struct waitq wait; /* woken on any change of readiness */
};
extern struct files files;

void fd_init(void);

/* With files.lock held: */
struct file *file_new(enum file_kind kind, unsigned status);
void file_get(struct file *f);
void file_put(struct file *f);
/* The lowest free descriptor >= min for f (taking a reference), or
 * -EMFILE. */
int fd_install(struct file *f, int min, bool cloexec);
struct file *fd_lookup(int fd);
/* Whether n descriptors are free. */
bool fd_available(int n);
/* Readiness, as epoll bits. */
uint32_t file_poll(const struct file *f);
/* Bumped at every change of f's readiness (EPOLLET's edges). */
uint64_t file_seq(const struct file *f);
/* Whether f is an end of a pipe or FIFO. */
bool file_is_pipe(const struct file *f);
/* Wakes every waiter after a change of readiness. */
void files_changed(void);
/* Sleeps until files_changed or deadline; 0, -ETIMEDOUT, or -EINTR (a
 * signal). */
long files_wait(uint64_t deadline);
/* A blocking call's sleep until files_changed: 0, or -ERESTARTSYS when a
 * signal interrupts it (the call then ends as Linux ends it). */
long files_block(void);

/* The syscalls (they take the lock). */
long fd_read(int fd, void *buf, size_t len);
long fd_write(int fd, const void *buf, size_t len);
long fd_writev(int fd, const void *iov, int count);
long fd_close(int fd);
long fd_fcntl(int fd, int cmd, uint64_t arg);
long fd_dup(int old, int new_fd, int flags, bool exact);
long fd_fstat(int fd, void *statbuf);
/* lseek, pread, getdents...: call(f, a) with files.lock held for a file
 * of the file system; error_if_not_node for another kind of file (a
 * pipe's -ESPIPE), -EBADF for no file. */
struct fd_args {
	void *buf;
	size_t len;
	int64_t off;
	int whence;
};
long fd_node_call(int fd, long error_if_not_node,
		  long (*call)(struct file *f, const struct fd_args *a),
		  const struct fd_args *a);

/* pipe.c */
long pipe_create(int32_t *fds, int flags);
long pipe_read(struct file *f, void *buf, size_t len);
long pipe_write(struct file *f, const void *buf, size_t len);
uint32_t pipe_poll(const struct file *f);
void pipe_release(struct file *f);
void pipe_init(void);
uint64_t pipe_seq(const struct file *f);
/* The pipe's number: its ends' st_ino, and N of their "pipe:[N]". */
uint64_t pipe_ino(const struct file *f);
/* Opens a FIFO whose pipe *slot holds (made when NULL; *slot cleared when
 * its last end closes): an end of it per the access mode of status, which
 * waits for the other side unless O_NONBLOCK or O_RDWR (a writer that
 * would wait with O_NONBLOCK: -ENXIO). *out has no descriptor yet. */
long pipe_open_fifo(struct pipe **slot, unsigned status, struct file **out);
/* The FIFO's node is gone: its pipe clears nothing when it goes. */
void pipe_detach(struct pipe *p);

/* eventfd.c */
long eventfd_create(uint32_t initval, int flags);
long eventfd_read(struct file *f, void *buf, size_t len);
long eventfd_write(struct file *f, const void *buf, size_t len);
uint32_t eventfd_poll(const struct file *f);

/* epoll.c */
void epoll_init(void);
long epoll_create(int flags);
long epoll_ctl(int epfd, int op, int fd, const void *event);
/* Waits until an event or deadline (monotonic ns; 0 polls once). */
long epoll_wait(int epfd, void *events, int max, uint64_t deadline);
void epoll_release(struct file *f);
/* Drops every watch on f (its last descriptor is gone). */
void epoll_forget(const struct file *f);

#endif
