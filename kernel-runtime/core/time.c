/* Time: the clocks of clock_gettime over the platform's monotonic and wall
 * clocks, per-thread CPU time, and sleeping on the deadline list. */
#include "time.h"

#include "linux_abi.h"
#include "platform.h"
#include "sched.h"
#include "thread.h"

#define NS_PER_SEC 1000000000ull
#define COARSE_RESOLUTION_NS 4000000ull /* what Linux reports at HZ=250 */

long timespec_check(const struct kcore_timespec *ts)
{
	if (ts->sec < 0 || ts->nsec < 0 || ts->nsec >= (int64_t)NS_PER_SEC)
		return -EINVAL;
	return 0;
}

uint64_t timespec_ns(const struct kcore_timespec *ts)
{
	uint64_t sec = (uint64_t)ts->sec;
	if (sec >= (KCORE_FOREVER - 1) / NS_PER_SEC)
		return KCORE_FOREVER - 1;
	return sec * NS_PER_SEC + (uint64_t)ts->nsec;
}

void timespec_set(struct kcore_timespec *ts, uint64_t ns)
{
	ts->sec = (int64_t)(ns / NS_PER_SEC);
	ts->nsec = (int64_t)(ns % NS_PER_SEC);
}

uint64_t deadline_after(uint64_t ns)
{
	uint64_t now = platform_monotonic_ns();
	return now + ns < now || now + ns == KCORE_FOREVER ? KCORE_FOREVER - 1
							    : now + ns;
}

uint64_t deadline_from_realtime(uint64_t wall_ns)
{
	uint64_t wall = platform_wall_ns(), now = platform_monotonic_ns();
	if (wall_ns <= wall)
		return now;
	return deadline_after(wall_ns - wall);
}

uint64_t clock_monotonic_ns(void)
{
	return platform_monotonic_ns();
}

uint64_t clock_realtime_ns(void)
{
	return platform_wall_ns();
}

long clock_read(int clock, struct kcore_timespec *ts)
{
	uint64_t ns;

	switch (clock) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
		ns = platform_wall_ns();
		break;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
		ns = platform_monotonic_ns();
		break;
	case CLOCK_PROCESS_CPUTIME_ID:
		ns = process_cpu_ns();
		break;
	case CLOCK_THREAD_CPUTIME_ID:
		ns = thread_cpu_ns();
		break;
	default:
		return -EINVAL;
	}
	timespec_set(ts, ns);
	return 0;
}

long clock_resolution(int clock, struct kcore_timespec *res)
{
	struct kcore_timespec ignored;
	long err = clock_read(clock, &ignored);

	if (err)
		return err;
	if (res) {
		bool coarse = clock == CLOCK_REALTIME_COARSE ||
			      clock == CLOCK_MONOTONIC_COARSE;
		timespec_set(res, coarse ? COARSE_RESOLUTION_NS : 1);
	}
	return 0;
}

long time_sleep_until(uint64_t deadline)
{
	unsigned long flags = platform_irq_save();
	sched_prepare_block();
	/* The deadline (-ETIMEDOUT) or a signal (-EINTR) wakes a sleeper. */
	long woke = sched_block(deadline);
	platform_irq_restore(flags);
	return woke == -EINTR ? -EINTR : 0;
}

long time_sleep_ns(uint64_t ns)
{
	if (ns == 0) {
		thread_yield();
		return 0;
	}
	return time_sleep_until(deadline_after(ns));
}

long time_clock_nanosleep(int clock, int flags,
			  const struct kcore_timespec *req)
{
	long err = timespec_check(req);
	uint64_t ns = timespec_ns(req);

	if (err)
		return err;
	/* CPU-time clocks would need CPU-time deadlines: not offered. */
	if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC &&
	    clock != CLOCK_BOOTTIME)
		return -EINVAL;
	if (!(flags & TIMER_ABSTIME))
		return time_sleep_ns(ns);
	if (clock == CLOCK_REALTIME)
		return time_sleep_until(deadline_from_realtime(ns));
	return time_sleep_until(ns);
}
