/* Pipes: a one-frame ring buffer between read ends and write ends, with
 * Linux's blocking, non-blocking, end-of-file and EPIPE behaviour: those of
 * pipe2 (one end each) and the FIFOs of the file system (any number of
 * each, opened by path). Go 1.19's network poller wakes itself through
 * one. All under files.lock. */
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
	unsigned readers, writers; /* open ends */
	/* Bumped when the read side (data came, the writers left) or the
	 * write side (room was made, the readers left) changed: the EPOLLET
	 * edges of its ends, each of its side (Linux wakes them apart). */
	uint64_t seq_in, seq_out;
	/* A FIFO's: the file system's pointer to it, cleared when it goes
	 * (its last end closed), or NULL. */
	struct pipe **owner;
};

static struct pipe pipes[PIPE_MAX];

void pipe_init(void)
{
	kmemset(pipes, 0, sizeof(pipes));
}

/* A pipe with a buffer and no end yet; NULL with *err. */
static struct pipe *pipe_new(long *err)
{
	struct pipe *p = NULL;

	for (int i = 0; i < PIPE_MAX && !p; i++)
		if (!pipes[i].used)
			p = &pipes[i];
	if (!p) {
		*err = -ENFILE;
		return NULL;
	}
	*p = (struct pipe){ .buf_pa = frame_alloc() };
	if (!p->buf_pa) {
		*err = -ENOMEM;
		return NULL;
	}
	p->used = true;
	p->buf = platform_phys_to_virt(p->buf_pa);
	return p;
}

static void pipe_free_if_unused(struct pipe *p)
{
	if (p->readers || p->writers)
		return;
	if (p->owner)
		*p->owner = NULL;
	frame_free(p->buf_pa);
	p->used = false;
}

/* A change seen by the read ends (in), the write ends (out) or both. */
static void changed(struct pipe *p, bool in, bool out)
{
	p->seq_in += in;
	p->seq_out += out;
	files_changed();
}

/* A file for one end (or both: O_RDWR); NULL when none is left. */
static struct file *end_new(struct pipe *p, unsigned status)
{
	enum file_kind kind = (status & O_ACCMODE) == O_RDONLY ? FILE_PIPE_READ :
			      (status & O_ACCMODE) == O_WRONLY ? FILE_PIPE_WRITE : FILE_PIPE_RDWR;
	struct file *f = file_new(kind, status);

	if (!f)
		return NULL;
	f->pipe = p;
	p->readers += kind != FILE_PIPE_WRITE;
	p->writers += kind != FILE_PIPE_READ;
	return f;
}

long pipe_create(int32_t *fds, int flags)
{
	unsigned nonblock = (unsigned)flags & O_NONBLOCK;
	bool cloexec = flags & O_CLOEXEC;
	struct pipe *p;
	struct file *r, *w;
	long result = 0;

	if (flags & ~(O_NONBLOCK | O_CLOEXEC))
		return -EINVAL;
	unsigned long irq = spin_lock(&files.lock);
	if (!fd_available(2)) {
		result = -EMFILE;
		goto out;
	}
	if (!(p = pipe_new(&result)))
		goto out;
	r = end_new(p, O_RDONLY | nonblock);
	w = r ? end_new(p, O_WRONLY | nonblock) : NULL;
	if (!w) {
		if (r) {
			/* No descriptor yet: one reference, dropped, gives
			 * the slot back (and the pipe with it). */
			file_get(r);
			file_put(r);
		} else {
			pipe_free_if_unused(p);
		}
		result = -ENFILE;
		goto out;
	}
	fds[0] = fd_install(r, 0, cloexec);
	fds[1] = fd_install(w, 0, cloexec);
out:
	spin_unlock(&files.lock, irq);
	return result;
}

/* Whether the other side a FIFO's open waits for is there. */
static bool fifo_partner(const struct pipe *p, unsigned status)
{
	return (status & O_ACCMODE) == O_RDONLY ? p->writers > 0 : p->readers > 0;
}

long pipe_open_fifo(struct pipe **slot, unsigned status, struct file **out)
{
	struct pipe *p = *slot;
	long err = 0;

	if (!p) {
		if (!(p = pipe_new(&err)))
			return err;
		p->owner = slot;
		*slot = p;
	}
	/* Linux: a writer that would wait for a reader without waiting is
	 * refused; a reader that would wait does not (it reads end of file). */
	if ((status & O_ACCMODE) == O_WRONLY && (status & O_NONBLOCK) && !p->readers) {
		pipe_free_if_unused(p);
		return -ENXIO;
	}
	struct file *f = end_new(p, status);
	if (!f) {
		pipe_free_if_unused(p);
		return -ENFILE;
	}
	changed(p, true, true); /* a waiting open on the other side may go on */
	/* A blocking open waits for the other side (O_RDWR has both). */
	while ((status & O_ACCMODE) != O_RDWR && !(status & O_NONBLOCK) &&
	       !fifo_partner(p, status)) {
		if ((err = files_block()) != 0) {
			file_get(f);
			file_put(f);
			return err;
		}
	}
	*out = f;
	return 0;
}

void pipe_release(struct file *f)
{
	struct pipe *p = f->pipe;

	if (!p)
		return; /* a half-made pipe end */
	p->readers -= f->kind != FILE_PIPE_WRITE;
	p->writers -= f->kind != FILE_PIPE_READ;
	/* The other ends see end of file (or EPIPE): an edge for them. */
	changed(p, f->kind != FILE_PIPE_READ, f->kind != FILE_PIPE_WRITE);
	pipe_free_if_unused(p);
}

void pipe_detach(struct pipe *p)
{
	p->owner = NULL;
}

uint64_t pipe_seq(const struct file *f)
{
	const struct pipe *p = f->pipe;

	return f->kind == FILE_PIPE_READ ? p->seq_in : f->kind == FILE_PIPE_WRITE ? p->seq_out :
	       p->seq_in + p->seq_out;
}

uint64_t pipe_ino(const struct file *f)
{
	/* Past the file system's numbers of a small tree: apart at a glance. */
	return 0x10000 + (uint64_t)(f->pipe - pipes);
}

long pipe_read(struct file *f, void *buf, size_t len)
{
	struct pipe *p = f->pipe;
	long err;

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
			changed(p, false, true);
			return (long)n;
		}
		if (!p->writers)
			return 0;
		if (f->status & O_NONBLOCK)
			return -EAGAIN;
		if ((err = files_block()) != 0)
			return err;
	}
}

long pipe_write(struct file *f, const void *buf, size_t len)
{
	struct pipe *p = f->pipe;
	size_t done = 0;
	long err;

	while (done < len) {
		if (!p->readers) {
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
			changed(p, true, false);
			continue;
		}
		if (f->status & O_NONBLOCK)
			return done ? (long)done : -EAGAIN;
		if ((err = files_block()) != 0)
			return done ? (long)done : err;
	}
	return (long)done;
}

uint32_t pipe_poll(const struct file *f)
{
	const struct pipe *p = f->pipe;
	uint32_t in = (p->len ? EPOLLIN_BIT : 0) | (p->writers ? 0 : EPOLLHUP_BIT);
	uint32_t out = (p->len < PIPE_SIZE ? EPOLLOUT_BIT : 0) | (p->readers ? 0 : EPOLLERR_BIT);

	return f->kind == FILE_PIPE_READ ? in : f->kind == FILE_PIPE_WRITE ? out : in | out;
}
