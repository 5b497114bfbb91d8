/* epoll: sets of watched files, level- or edge-triggered (EPOLLET, through
 * the files' change counters) and EPOLLONESHOT. epoll_wait sleeps on the
 * files' common wait queue and rescans on every change: the program has a
 * handful of files, and Go's poller watches one or two. */
#include "fd.h"

#include "boot.h"
#include "kernel.h"
#include "kstring.h"
#include "linux_abi.h"
#include "platform.h"

#define EPOLL_MAX 8
#define EPOLL_WATCHES FD_MAX /* every descriptor: a poller that cannot watch one reads it blocking */

/* Linux's struct epoll_event on x86-64: packed, 12 bytes. */
struct kepoll_event {
	uint32_t events;
	uint64_t data;
} __attribute__((packed));

struct watch {
	struct file *file; /* NULL: a free slot */
	int fd;
	uint32_t events;
	uint64_t data;
	uint64_t seen_seq; /* EPOLLET: the change last reported */
	bool reported;
	bool disabled;     /* EPOLLONESHOT, after its event */
};

struct epoll {
	bool used;
	struct watch watches[EPOLL_WATCHES];
};

static struct epoll instances[EPOLL_MAX];

void epoll_init(void)
{
	boot_rezero(instances, sizeof(instances));
}

long epoll_create(int flags)
{
	if (flags & ~EPOLL_CLOEXEC)
		return -EINVAL;
	unsigned long irq = spin_lock(&files.lock);
	struct epoll *ep = NULL;
	long result = -ENFILE;

	for (int i = 0; i < EPOLL_MAX && !ep; i++)
		if (!instances[i].used)
			ep = &instances[i];
	struct file *f = ep ? file_new(FILE_EPOLL, O_RDWR) : NULL;
	if (f) {
		kmemset(ep, 0, sizeof(*ep));
		ep->used = true;
		f->epoll = ep;
		result = fd_install(f, 0, flags & EPOLL_CLOEXEC);
		if (result < 0) {
			file_get(f); /* gives the unused slots back */
			file_put(f);
		}
	}
	spin_unlock(&files.lock, irq);
	return result;
}

void epoll_release(struct file *f)
{
	f->epoll->used = false;
}

void epoll_forget(const struct file *f)
{
	for (int i = 0; i < EPOLL_MAX; i++) {
		if (!instances[i].used)
			continue;
		for (int j = 0; j < EPOLL_WATCHES; j++)
			if (instances[i].watches[j].file == f)
				instances[i].watches[j].file = NULL;
	}
}

static struct watch *watch_find(struct epoll *ep, int fd, const struct file *f)
{
	for (int j = 0; j < EPOLL_WATCHES; j++)
		if (ep->watches[j].file == f && ep->watches[j].fd == fd)
			return &ep->watches[j];
	return NULL;
}

static struct watch *watch_free(struct epoll *ep)
{
	for (int j = 0; j < EPOLL_WATCHES; j++)
		if (!ep->watches[j].file)
			return &ep->watches[j];
	return NULL;
}

static struct epoll *epoll_of(int epfd, long *err)
{
	struct file *f = fd_lookup(epfd);
	if (!f) {
		*err = -EBADF;
		return NULL;
	}
	if (f->kind != FILE_EPOLL) {
		*err = -EINVAL;
		return NULL;
	}
	return f->epoll;
}

long epoll_ctl(int epfd, int op, int fd, const void *event)
{
	unsigned long irq = spin_lock(&files.lock);
	struct kepoll_event ev = { 0 };
	long result = 0;
	struct epoll *ep = epoll_of(epfd, &result);
	struct file *f = fd_lookup(fd);
	struct watch *w;

	if (event && op != EPOLL_CTL_DEL)
		kmemcpy(&ev, event, sizeof(ev));
	if (!ep)
		goto out;
	if (!f) {
		result = -EBADF;
		goto out;
	}
	/* Linux: regular files and directories are always ready and cannot
	 * be watched (Go's poller then leaves them to plain reads). */
	if (f->kind == FILE_NODE) {
		result = -EPERM;
		goto out;
	}
	if (fd == epfd || (op != EPOLL_CTL_DEL && !event)) {
		result = -EINVAL;
		goto out;
	}
	w = watch_find(ep, fd, f);
	switch (op) {
	case EPOLL_CTL_ADD:
		if (w) {
			result = -EEXIST;
			break;
		}
		w = watch_free(ep);
		if (!w) {
			result = -ENOSPC;
			break;
		}
		*w = (struct watch){ .file = f, .fd = fd };
		/* fall through */
	case EPOLL_CTL_MOD:
		if (!w) {
			result = -ENOENT;
			break;
		}
		w->events = ev.events;
		w->data = ev.data;
		w->reported = false;
		w->disabled = false;
		/* A watch that is ready now must wake a waiting epoll_wait. */
		files_changed();
		break;
	case EPOLL_CTL_DEL:
		if (!w)
			result = -ENOENT;
		else
			w->file = NULL;
		break;
	default:
		result = -EINVAL;
		break;
	}
out:
	spin_unlock(&files.lock, irq);
	return result;
}

/* Writes up to max ready events; returns their count. */
static int collect(struct epoll *ep, struct kepoll_event *out, int max)
{
	int n = 0;

	for (int j = 0; j < EPOLL_WATCHES && n < max; j++) {
		struct watch *w = &ep->watches[j];
		if (!w->file || w->disabled)
			continue;
		uint32_t ready = file_poll(w->file) &
				 (w->events | EPOLLERR_BIT | EPOLLHUP_BIT);
		if (!ready)
			continue;
		if (w->events & EPOLLET_BIT) {
			if (w->reported && w->seen_seq == file_seq(w->file))
				continue; /* no new edge */
			w->seen_seq = file_seq(w->file);
		}
		w->reported = true;
		if (w->events & EPOLLONESHOT_BIT)
			w->disabled = true;
		struct kepoll_event ev = { .events = ready, .data = w->data };
		kmemcpy(&out[n++], &ev, sizeof(ev));
	}
	return n;
}

long epoll_wait(int epfd, void *events, int max, uint64_t deadline)
{
	if (max <= 0)
		return -EINVAL;
	unsigned long irq = spin_lock(&files.lock);
	long result = 0;
	struct epoll *ep = epoll_of(epfd, &result);

	if (ep) {
		struct file *self = fd_lookup(epfd);
		file_get(self); /* it may be closed while we sleep */
		for (;;) {
			result = collect(ep, events, max);
			if (result || platform_monotonic_ns() >= deadline)
				break;
			long woke = files_wait(deadline);
			if (woke == -ETIMEDOUT) {
				result = collect(ep, events, max);
				break;
			}
			/* Never made again after a handler, as on Linux. */
			if (woke == -EINTR) {
				result = -EINTR;
				break;
			}
		}
		file_put(self);
	}
	spin_unlock(&files.lock, irq);
	return result;
}
