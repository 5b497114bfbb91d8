/* Spinlocks that disable interrupts on this CPU while held. */
#ifndef KCORE_SPINLOCK_H
#define KCORE_SPINLOCK_H

#include <stdbool.h>

struct spinlock {
	int locked;
	int owner; /* CPU index of the holder, -1 when free */
	const char *name;
};

#define SPINLOCK_INIT(lock_name) { 0, -1, lock_name }

void spin_init(struct spinlock *lock, const char *name);
/* Disables interrupts, takes the lock, returns the interrupt state for
 * spin_unlock. Taking a lock this CPU already holds is a panic. */
unsigned long spin_lock(struct spinlock *lock);
void spin_unlock(struct spinlock *lock, unsigned long flags);
/* The same with interrupts already disabled by the caller. */
void spin_lock_raw(struct spinlock *lock);
void spin_unlock_raw(struct spinlock *lock);
/* Whether this CPU holds lock (for assertions). */
bool spin_held(const struct spinlock *lock);

#endif
