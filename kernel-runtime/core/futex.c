/* Futexes: a hash table of wait queues keyed by address. futex_wait reads
 * the word under its bucket's lock and queues itself before releasing it,
 * and futex_wake takes the same lock, so a wake-up that follows the change
 * of the word can never slip between the check and the sleep. There is one
 * address space, so private and shared futexes are the same. */
#include "futex.h"

#include "linux_abi.h"
#include "spinlock.h"
#include "time.h"
#include "user.h"
#include "waitq.h"

struct futex_bucket {
	struct spinlock lock;
	struct waitq queue;
};

static struct futex_bucket buckets[FUTEX_BUCKETS];

void futex_init(void)
{
	for (size_t i = 0; i < FUTEX_BUCKETS; i++) {
		spin_init(&buckets[i].lock, "futex");
		waitq_init(&buckets[i].queue);
	}
}

static struct futex_bucket *bucket_of(const uint32_t *addr)
{
	uint64_t h = (uintptr_t)addr >> 2;
	h *= 0x9e3779b97f4a7c15ull; /* Fibonacci hashing spreads strides */
	return &buckets[h >> 56 & (FUTEX_BUCKETS - 1)];
}

long futex_wait_bitset(uint32_t *addr, uint32_t expected, uint64_t deadline_ns,
		       uint32_t bitset)
{
	if ((uintptr_t)addr & 3 || bitset == 0)
		return -EINVAL;
	struct futex_bucket *b = bucket_of(addr);
	unsigned long flags = spin_lock(&b->lock);
	long result;

	if (__atomic_load_n(addr, __ATOMIC_SEQ_CST) != expected)
		result = -EAGAIN;
	else
		result = waitq_wait(&b->queue, &b->lock, (uintptr_t)addr,
				    bitset, deadline_ns);
	/* Linux makes an untimed wait again after a SA_RESTART handler. */
	if (result == -EINTR && deadline_ns == KCORE_FOREVER)
		result = -ERESTARTSYS;
	spin_unlock(&b->lock, flags);
	return result;
}

long futex_wake_bitset(uint32_t *addr, int count, uint32_t bitset)
{
	if ((uintptr_t)addr & 3 || bitset == 0)
		return -EINVAL;
	if (count <= 0)
		return 0;
	struct futex_bucket *b = bucket_of(addr);
	unsigned long flags = spin_lock(&b->lock);
	int woken = waitq_wake(&b->queue, (uintptr_t)addr, bitset, count);
	spin_unlock(&b->lock, flags);
	return woken;
}

long futex_wait(uint32_t *addr, uint32_t expected, uint64_t deadline_ns)
{
	return futex_wait_bitset(addr, expected, deadline_ns,
				 FUTEX_BITSET_MATCH_ANY);
}

long futex_wake(uint32_t *addr, int count)
{
	return futex_wake_bitset(addr, count, FUTEX_BITSET_MATCH_ANY);
}

long futex_syscall(uint32_t *addr, int op, uint32_t val,
		   const struct kcore_timespec *timeout, uint32_t val3)
{
	int cmd = op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
	uint64_t deadline = KCORE_FOREVER;
	long err;

	if (!user_ok(addr, sizeof(*addr)))
		return -EFAULT;
	switch (cmd) {
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET:
		if (timeout) {
			err = timespec_check(timeout);
			if (err)
				return err;
			if (cmd == FUTEX_WAIT)
				deadline = deadline_after(timespec_ns(timeout));
			else if (op & FUTEX_CLOCK_REALTIME)
				deadline = deadline_from_realtime(
					timespec_ns(timeout));
			else
				deadline = timespec_ns(timeout);
		}
		return futex_wait_bitset(addr, val, deadline,
					 cmd == FUTEX_WAIT ? FUTEX_BITSET_MATCH_ANY
							   : val3);
	case FUTEX_WAKE:
	case FUTEX_WAKE_BITSET:
		return futex_wake_bitset(addr, val > 0x7fffffff ? 0x7fffffff : (int)val,
					 cmd == FUTEX_WAKE ? FUTEX_BITSET_MATCH_ANY
							   : val3);
	default:
		/* REQUEUE, WAKE_OP, the PI family: Go uses none. */
		return -ENOSYS;
	}
}
