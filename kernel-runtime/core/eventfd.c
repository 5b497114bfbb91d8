/* eventfd: a 64-bit counter that write adds to and read takes (all of it,
 * or one in semaphore mode). Go's network poller (1.21+) wakes itself
 * through one. Under files.lock. */
#include "fd.h"

#include "kernel.h"
#include "kstring.h"
#include "linux_abi.h"

#define EVENTFD_MAX 0xfffffffffffffffeull

long eventfd_create(uint32_t initval, int flags)
{
	if (flags & ~(EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC))
		return -EINVAL;
	unsigned long irq = spin_lock(&files.lock);
	struct file *f = file_new(FILE_EVENTFD,
				  O_RDWR | ((unsigned)flags & O_NONBLOCK));
	long result = -ENFILE;

	if (f) {
		f->event.count = initval;
		f->event.semaphore = flags & EFD_SEMAPHORE;
		result = fd_install(f, 0, flags & EFD_CLOEXEC);
		if (result < 0) {
			file_get(f); /* gives the unused slot back */
			file_put(f);
		}
	}
	spin_unlock(&files.lock, irq);
	return result;
}

long eventfd_read(struct file *f, void *buf, size_t len)
{
	long err;

	if (len < sizeof(uint64_t))
		return -EINVAL;
	while (f->event.count == 0) {
		if (f->status & O_NONBLOCK)
			return -EAGAIN;
		if ((err = files_block()) != 0)
			return err;
	}
	uint64_t value = f->event.semaphore ? 1 : f->event.count;
	f->event.count -= value;
	kmemcpy(buf, &value, sizeof(value));
	f->seq++;
	files_changed();
	return sizeof(value);
}

long eventfd_write(struct file *f, const void *buf, size_t len)
{
	uint64_t value;
	long err;

	if (len < sizeof(value))
		return -EINVAL;
	kmemcpy(&value, buf, sizeof(value));
	if (value == UINT64_MAX)
		return -EINVAL;
	while (EVENTFD_MAX - f->event.count < value) {
		if (f->status & O_NONBLOCK)
			return -EAGAIN;
		if ((err = files_block()) != 0)
			return err;
	}
	f->event.count += value;
	f->seq++;
	files_changed();
	return sizeof(value);
}

uint32_t eventfd_poll(const struct file *f)
{
	return (f->event.count ? EPOLLIN_BIT : 0) |
	       (f->event.count < EVENTFD_MAX ? EPOLLOUT_BIT : 0);
}
