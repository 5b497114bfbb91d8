/* File descriptors: the table, reference counting of files, and the
 * syscalls common to every kind (read, write, close, fcntl, dup, fstat).
 * The console needs no lock to write: console_write serializes itself. */
#include "fd.h"

#include "boot.h"

#include "fs.h"
#include "kernel.h"
#include "kstring.h"
#include "linux_abi.h"
#include "platform.h"
#include "signals.h"
#include "time.h"
#include "user.h"

struct files files;

struct fd_slot {
	struct file *file;
	bool cloexec;
};

static struct file file_pool[FILE_MAX];
static bool file_used[FILE_MAX];
static struct fd_slot table[FD_MAX];

void fd_init(void)
{
	spin_init(&files.lock, "files");
	waitq_init(&files.wait);
	boot_rezero(file_used, sizeof(file_used));
	boot_rezero(table, sizeof(table));
	pipe_init();
	epoll_init();
	/* stdin, stdout and stderr: the console, opened read-write as a
	 * terminal is, and blocking (Go then never polls them). Each has its
	 * stream, which follows it through dup: stdin's writes go to
	 * stdout, as a terminal's would appear there. */
	for (int fd = 0; fd < 3; fd++) {
		struct file *f = file_new(FILE_CONSOLE, O_RDWR);
		f->stream = fd == 2 ? PLATFORM_STDERR : PLATFORM_STDOUT;
		fd_install(f, fd, false);
	}
}

struct file *file_new(enum file_kind kind, unsigned status)
{
	for (int i = 0; i < FILE_MAX; i++) {
		if (file_used[i])
			continue;
		file_used[i] = true;
		file_pool[i] = (struct file){ .kind = kind, .status = status };
		return &file_pool[i];
	}
	return NULL;
}

void file_get(struct file *f)
{
	f->refs++;
}

void file_put(struct file *f)
{
	if (--f->refs)
		return;
	epoll_forget(f);
	if (file_is_pipe(f))
		pipe_release(f);
	else if (f->kind == FILE_EPOLL)
		epoll_release(f);
	else if (f->kind == FILE_NODE)
		fs_release(f);
	file_used[f - file_pool] = false;
}

int fd_install(struct file *f, int min, bool cloexec)
{
	for (int fd = min < 0 ? 0 : min; fd < FD_MAX; fd++) {
		if (table[fd].file)
			continue;
		table[fd] = (struct fd_slot){ f, cloexec };
		file_get(f);
		return fd;
	}
	return -EMFILE;
}

bool fd_available(int n)
{
	for (int fd = 0; fd < FD_MAX && n > 0; fd++)
		if (!table[fd].file)
			n--;
	return n <= 0;
}

struct file *fd_lookup(int fd)
{
	return fd >= 0 && fd < FD_MAX ? table[fd].file : NULL;
}

uint32_t file_poll(const struct file *f)
{
	switch (f->kind) {
	case FILE_CONSOLE:
		return EPOLLIN_BIT | EPOLLOUT_BIT; /* reads hit end of file */
	case FILE_PIPE_READ:
	case FILE_PIPE_WRITE:
	case FILE_PIPE_RDWR:
		return pipe_poll(f);
	case FILE_EVENTFD:
		return eventfd_poll(f);
	case FILE_NODE:
		return EPOLLIN_BIT | EPOLLOUT_BIT; /* never waits */
	default:
		return 0;
	}
}

uint64_t file_seq(const struct file *f)
{
	return file_is_pipe(f) ? pipe_seq(f) : f->seq;
}

bool file_is_pipe(const struct file *f)
{
	return f->kind == FILE_PIPE_READ || f->kind == FILE_PIPE_WRITE ||
	       f->kind == FILE_PIPE_RDWR;
}

long files_block(void)
{
	return files_wait(KCORE_FOREVER) == -EINTR ? -ERESTARTSYS : 0;
}

void files_changed(void)
{
	waitq_wake_all(&files.wait);
}

long files_wait(uint64_t deadline)
{
	return waitq_wait(&files.wait, &files.lock, 0, WAITQ_ALL_BITS,
			  deadline);
}

/* The console's input: what the platform has, or a sleep until it says
 * more came (kcore_console_input); with files.lock held. */
static long console_read(struct file *f, void *buf, size_t len)
{
	for (;;) {
		long n = platform_console_read(buf, len), err;

		if (n != -EAGAIN || (f->status & O_NONBLOCK))
			return n;
		if ((err = files_block()) != 0)
			return err;
	}
}

void kcore_console_input(void)
{
	unsigned long flags = spin_lock(&files.lock);
	files_changed();
	spin_unlock(&files.lock, flags);
}

long fd_read(int fd, void *buf, size_t len)
{
	unsigned long flags = spin_lock(&files.lock);
	struct file *f = fd_lookup(fd);
	long result;

	if (!f) {
		result = -EBADF;
	} else {
		file_get(f); /* it may be closed while we sleep */
		switch (f->kind) {
		case FILE_CONSOLE:
			result = console_read(f, buf, len);
			break;
		case FILE_PIPE_READ:
		case FILE_PIPE_RDWR:
			result = pipe_read(f, buf, len);
			break;
		case FILE_EVENTFD:
			result = eventfd_read(f, buf, len);
			break;
		case FILE_NODE:
			result = fs_read(f, buf, len);
			break;
		default:
			result = -EINVAL;
			break;
		}
		file_put(f);
	}
	spin_unlock(&files.lock, flags);
	return result;
}

long fd_write(int fd, const void *buf, size_t len)
{
	unsigned long flags = spin_lock(&files.lock);
	struct file *f = fd_lookup(fd);
	long result;

	if (!f) {
		result = -EBADF;
	} else if (f->kind == FILE_CONSOLE) {
		int stream = f->stream;
		spin_unlock(&files.lock, flags);
		result = console_write(stream, buf, len);
		if (result == -EPIPE)
			signal_send(0, SIGPIPE); /* to the writer, as on Linux */
		return result;
	} else {
		file_get(f);
		if (f->kind == FILE_PIPE_WRITE || f->kind == FILE_PIPE_RDWR)
			result = pipe_write(f, buf, len);
		else if (f->kind == FILE_EVENTFD)
			result = eventfd_write(f, buf, len);
		else if (f->kind == FILE_NODE)
			result = fs_write(f, buf, len);
		else
			result = -EINVAL;
		file_put(f);
	}
	spin_unlock(&files.lock, flags);
	return result;
}

long fd_writev(int fd, const void *iov, int count)
{
	const struct {
		const void *base;
		size_t len;
	} *v = iov;
	long total = 0;

	if (count < 0 || count > 1024)
		return -EINVAL;
	for (int i = 0; i < count; i++) {
		if (v[i].len == 0)
			continue;
		long n = fd_write(fd, v[i].base, v[i].len);
		if (n < 0)
			return total ? total : n;
		total += n;
		if ((size_t)n < v[i].len)
			break;
	}
	return total;
}

long fd_close(int fd)
{
	unsigned long flags = spin_lock(&files.lock);
	struct file *f = fd_lookup(fd);

	if (f) {
		table[fd].file = NULL;
		file_put(f);
	}
	spin_unlock(&files.lock, flags);
	return f ? 0 : -EBADF;
}

long fd_fcntl(int fd, int cmd, uint64_t arg)
{
	unsigned long flags = spin_lock(&files.lock);
	struct file *f = fd_lookup(fd);
	long result = 0;

	if (!f) {
		result = -EBADF;
	} else {
		switch (cmd) {
		case F_GETFD:
			result = table[fd].cloexec ? FD_CLOEXEC : 0;
			break;
		case F_SETFD:
			table[fd].cloexec = arg & FD_CLOEXEC;
			break;
		case F_GETFL:
			result = f->status;
			break;
		case F_SETFL:
			/* Only O_NONBLOCK can change (O_APPEND and the async
			 * flags mean nothing here). */
			f->status = (f->status & ~(unsigned)O_NONBLOCK) |
				    ((unsigned)arg & O_NONBLOCK);
			break;
		case F_DUPFD:
		case F_DUPFD_CLOEXEC:
			result = arg >= FD_MAX ? -EINVAL
					       : fd_install(f, (int)arg,
							    cmd == F_DUPFD_CLOEXEC);
			break;
		default:
			result = -EINVAL;
			break;
		}
	}
	spin_unlock(&files.lock, flags);
	return result;
}

long fd_dup(int old, int new_fd, int flags_in, bool exact)
{
	unsigned long flags = spin_lock(&files.lock);
	struct file *f = fd_lookup(old);
	long result;

	if (!f) {
		result = -EBADF;
	} else if (!exact) {
		result = fd_install(f, 0, false);
	} else if (new_fd < 0 || new_fd >= FD_MAX) {
		result = -EBADF;
	} else if (new_fd == old) {
		result = new_fd;
	} else {
		struct file *was = table[new_fd].file;
		/* The new reference first: was may be f's last other one. */
		file_get(f);
		table[new_fd] = (struct fd_slot){ f, flags_in & O_CLOEXEC };
		if (was)
			file_put(was);
		result = new_fd;
	}
	spin_unlock(&files.lock, flags);
	return result;
}

long fd_fstat(int fd, void *statbuf)
{
	unsigned long flags = spin_lock(&files.lock);
	struct file *f = fd_lookup(fd);
	uint8_t *st = statbuf;
	long result = 0;

	if (!f) {
		result = -EBADF;
	} else if (f->kind == FILE_NODE) {
		fs_fstat(f, st);
	} else {
		/* Linux's struct stat on x86-64: 144 bytes; st_ino at 8,
		 * st_mode at 24, st_rdev at 40, st_blksize at 56. */
		uint32_t mode = 0600;
		uint64_t ino = 0, rdev = 0, blksize = 4096;
		if (f->kind == FILE_CONSOLE) {
			mode = S_IFCHR | 0620;
			/* ttyS0 (major 4, minor 64) for stdout, ttyS1
			 * for stderr, as the kvm platform's UARTs. */
			rdev = (4 << 8) | (f->stream == PLATFORM_STDERR ? 65 : 64);
		} else if (file_is_pipe(f)) {
			mode = S_IFIFO | 0600;
			ino = pipe_ino(f);
		}
		kmemset(st, 0, 144);
		kmemcpy(st + 8, &ino, sizeof(ino));
		kmemcpy(st + 24, &mode, sizeof(mode));
		kmemcpy(st + 40, &rdev, sizeof(rdev));
		kmemcpy(st + 56, &blksize, sizeof(blksize));
	}
	spin_unlock(&files.lock, flags);
	return result;
}

long fd_node_call(int fd, long error_if_not_node,
		  long (*call)(struct file *f, const struct fd_args *a),
		  const struct fd_args *a)
{
	unsigned long flags = spin_lock(&files.lock);
	struct file *f = fd_lookup(fd);
	long result = !f ? -EBADF : f->kind != FILE_NODE ? error_if_not_node : call(f, a);

	spin_unlock(&files.lock, flags);
	return result;
}
