/* Clocks and sleeping (clock_read, time_sleep_ns... are in kernel.h). */
#ifndef KCORE_TIME_H
#define KCORE_TIME_H

#include <stdint.h>

#include "kernel.h"

/* 0, or -EINVAL when ts is negative or its nanoseconds are >= 1e9. */
long timespec_check(const struct kcore_timespec *ts);
/* ts in nanoseconds, saturating at KCORE_FOREVER - 1. */
uint64_t timespec_ns(const struct kcore_timespec *ts);
void timespec_set(struct kcore_timespec *ts, uint64_t ns);
/* The monotonic deadline ns from now, saturating. */
uint64_t deadline_after(uint64_t ns);
/* The monotonic deadline matching wall-clock time wall_ns. */
uint64_t deadline_from_realtime(uint64_t wall_ns);

long clock_resolution(int clock, struct kcore_timespec *res);
/* Sleeps until the monotonic clock reaches deadline; returns 0. */
long time_sleep_until(uint64_t deadline);
/* clock_nanosleep: flags TIMER_ABSTIME or 0. */
long time_clock_nanosleep(int clock, int flags,
			  const struct kcore_timespec *req);

#endif
