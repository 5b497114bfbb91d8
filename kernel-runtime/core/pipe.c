/* Pipes: a one-frame ring buffer between a read end and a write end, with
 * Linux's blocking, non-blocking, end-of-file and EPIPE behaviour. Go 1.19's
 * network poller wakes itself through one. All under files.lock. */
#include "fd.h"

#include "frame.h"
#include "kernel.h"
#include "kstring.h"
#include "linux_abi.h"
#include "signals.h"

#define PIPE_MAX 256 /* a frame of buffer each, taken when made */
#define PIPE_SIZE ((size_t)FRAME_SIZE)

struct pipe {
	bool used;
	char *buf;
	uint64_t buf_pa;
	size_t head, len; /* the bytes are buf[head .. head + len), wrapping */
	struct file *reader, *writer; /* NULL once that end is closed */
};

static struct pipe pipes[PIPE_MAX];

void pipe_init(void)
{
	kmemset(pipes, 0, sizeof(pipes));
}

long pipe_create(int32_t *fds, int flags)
{
	unsigned nonblock = (unsigned)flags & O_NONBLOCK;
	bool cloexec = flags & O_CLOEXEC;
	struct pipe *p = NULL;
	struct file *r, *w;
	long result = 0;

	if (flags & ~(O_NONBLOCK | O_CLOEXEC))
		return -EINVAL;
	unsigned long irq = spin_lock(&files.lock);
	for (int i = 0; i < PIPE_MAX && !p; i++)
		if (!pipes[i].used)
			p = &pipes[i];
	if (!p || !fd_available(2)) {
		result = p ? -EMFILE : -ENFILE;
		goto out;
	}
	*p = (struct pipe){ .buf_pa = frame_alloc() };
	if (!p->buf_pa) {
		result = -ENOMEM;
		goto out;
	}
	r = file_new(FILE_PIPE_READ, O_RDONLY | nonblock);
	w = r ? file_new(FILE_PIPE_WRITE, O_WRONLY | nonblock) : NULL;
	if (!w) {
		if (r) {
			/* No descriptor yet: one reference, dropped, gives
			 * the slot back. */
			file_get(r);
			file_put(r);
		}
		frame_free(p->buf_pa);
		result = -ENFILE;
		goto out;
	}
	p->used = true;
	p->buf = platform_phys_to_virt(p->buf_pa);
	p->reader = r;
	p->writer = w;
	r->pipe = w->pipe = p;
	fds[0] = fd_install(r, 0, cloexec);
	fds[1] = fd_install(w, 0, cloexec);
out:
	spin_unlock(&files.lock, irq);
	return result;
}

void pipe_release(struct file *f)
{
	struct pipe *p = f->pipe;

	if (!p)
		return; /* a half-made pipe end */
	if (f == p->reader)
		p->reader = NULL;
	else
		p->writer = NULL;
	/* The other end sees end of file (or EPIPE): an edge for it. */
	if (p->reader)
		p->reader->seq++;
	if (p->writer)
		p->writer->seq++;
	files_changed();
	if (!p->reader && !p->writer) {
		frame_free(p->buf_pa);
		p->used = false;
	}
}

long pipe_read(struct file *f, void *buf, size_t len)
{
	struct pipe *p = f->pipe;

	if (len == 0)
		return 0;
	for (;;) {
		if (p->len) {
			size_t n = len < p->len ? len : p->len;
			size_t first = PIPE_SIZE - p->head;
			if (first > n)
				first = n;
			kmemcpy(buf, p->buf + p->head, first);
			kmemcpy((char *)buf + first, p->buf, n - first);
			p->head = (p->head + n) % PIPE_SIZE;
			p->len -= n;
			if (p->writer)
				p->writer->seq++;
			files_changed();
			return (long)n;
		}
		if (!p->writer)
			return 0;
		if (f->status & O_NONBLOCK)
			return -EAGAIN;
		if (files_wait(KCORE_FOREVER) == -EINTR)
			return -ERESTARTSYS;
	}
}

long pipe_write(struct file *f, const void *buf, size_t len)
{
	struct pipe *p = f->pipe;
	size_t done = 0;

	while (done < len) {
		if (!p->reader) {
			signal_send(0, SIGPIPE); /* to the writer, as on Linux */
			return done ? (long)done : -EPIPE;
		}
		size_t space = PIPE_SIZE - p->len;
		if (space) {
			size_t n = len - done < space ? len - done : space;
			size_t tail = (p->head + p->len) % PIPE_SIZE;
			size_t first = PIPE_SIZE - tail;
			if (first > n)
				first = n;
			kmemcpy(p->buf + tail, (const char *)buf + done, first);
			kmemcpy(p->buf, (const char *)buf + done + first,
				n - first);
			p->len += n;
			done += n;
			p->reader->seq++;
			files_changed();
			continue;
		}
		if (f->status & O_NONBLOCK)
			return done ? (long)done : -EAGAIN;
		if (files_wait(KCORE_FOREVER) == -EINTR)
			return done ? (long)done : -ERESTARTSYS;
	}
	return (long)done;
}

uint32_t pipe_poll(const struct file *f)
{
	const struct pipe *p = f->pipe;

	if (f->kind == FILE_PIPE_READ)
		return (p->len ? EPOLLIN_BIT : 0) | (p->writer ? 0 : EPOLLHUP_BIT);
	return (p->len < PIPE_SIZE ? EPOLLOUT_BIT : 0) |
	       (p->reader ? 0 : EPOLLERR_BIT);
}
