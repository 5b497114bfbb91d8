/* Spinlocks: a test-and-set word, with interrupts disabled while held so an
 * interrupt hook never spins on a lock its own CPU holds. */
#include "spinlock.h"

#include "platform.h"

void spin_init(struct spinlock *lock, const char *name)
{
	lock->locked = 0;
	lock->owner = -1;
	lock->name = name;
}

void spin_lock_raw(struct spinlock *lock)
{
	int me = (int)platform_cpu_id();

	if (__atomic_load_n(&lock->owner, __ATOMIC_RELAXED) == me &&
	    __atomic_load_n(&lock->locked, __ATOMIC_RELAXED))
		PLATFORM_PANIC("spinlock %s: taken twice by cpu %d",
			       lock->name, me);
	while (__atomic_exchange_n(&lock->locked, 1, __ATOMIC_ACQUIRE)) {
		/* Spin on a plain read: the exchange would bounce the
		 * cache line between CPUs. */
		while (__atomic_load_n(&lock->locked, __ATOMIC_RELAXED))
			platform_cpu_relax();
	}
	__atomic_store_n(&lock->owner, me, __ATOMIC_RELAXED);
}

void spin_unlock_raw(struct spinlock *lock)
{
	if (!spin_held(lock))
		PLATFORM_PANIC("spinlock %s: released by cpu %u, which does "
			       "not hold it",
			       lock->name, platform_cpu_id());
	__atomic_store_n(&lock->owner, -1, __ATOMIC_RELAXED);
	__atomic_store_n(&lock->locked, 0, __ATOMIC_RELEASE);
}

unsigned long spin_lock(struct spinlock *lock)
{
	unsigned long flags = platform_irq_save();
	spin_lock_raw(lock);
	return flags;
}

void spin_unlock(struct spinlock *lock, unsigned long flags)
{
	spin_unlock_raw(lock);
	platform_irq_restore(flags);
}

bool spin_held(const struct spinlock *lock)
{
	return __atomic_load_n(&lock->locked, __ATOMIC_RELAXED) &&
	       __atomic_load_n(&lock->owner, __ATOMIC_RELAXED) ==
		       (int)platform_cpu_id();
}
