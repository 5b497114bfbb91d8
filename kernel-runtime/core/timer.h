/* Deadlines of blocked threads, and the per-CPU one-shot timer that
 * serves them and the scheduler's time slice. */
#ifndef KCORE_TIMER_H
#define KCORE_TIMER_H

#include <stdint.h>

#include "thread.h"

void timer_init(void);
/* Wakes t (the current thread, blocked) with -ETIMEDOUT at deadline; at once
 * if the deadline has passed. */
void timer_add(struct thread *t, uint64_t deadline);
/* Forgets t's deadline if it is still pending. */
void timer_cancel(struct thread *t);
/* Wakes every thread whose deadline is <= now. */
void timer_expire(uint64_t now);
/* The earliest pending deadline, KCORE_FOREVER if none. */
uint64_t timer_next(void);
/* Arms this CPU's timer for the earliest of the next deadline and the end of
 * the current slice (cancels it when there is neither). */
void timer_rearm(void);

#endif
