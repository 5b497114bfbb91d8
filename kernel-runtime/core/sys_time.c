/* Syscall decoders: clocks and sleeping. */
#include "kernel.h"
#include "linux_abi.h"
#include "syscalls.h"
#include "time.h"
#include "user.h"

long sys_clock_gettime(const long *a)
{
	struct kcore_timespec *ts = USER_PTR(struct kcore_timespec, a[1]);
	if (!user_ok(ts, sizeof(*ts)))
		return -EFAULT;
	return clock_read((int)a[0], ts);
}

long sys_clock_getres(const long *a)
{
	struct kcore_timespec *res = USER_PTR(struct kcore_timespec, a[1]);
	if (res && !user_ok(res, sizeof(*res)))
		return -EFAULT;
	return clock_resolution((int)a[0], res);
}

/* A sleep of either call; an interrupted relative one writes what was
 * left to rem, as Linux does (an absolute one leaves rem alone). */
static long clock_sleep(int clock, int flags, long req_arg, long rem_arg)
{
	const struct kcore_timespec *req = USER_PTR(const struct kcore_timespec, req_arg);
	struct kcore_timespec *rem = USER_PTR(struct kcore_timespec, rem_arg);

	if (!user_ok(req, sizeof(*req)))
		return -EFAULT;
	uint64_t start = clock_monotonic_ns();
	long r = time_clock_nanosleep(clock, flags, req);

	if (r == -EINTR && !(flags & TIMER_ABSTIME) && rem && user_ok(rem, sizeof(*rem))) {
		uint64_t want = timespec_ns(req), slept = clock_monotonic_ns() - start;
		timespec_set(rem, want > slept ? want - slept : 0);
	}
	return r;
}

long sys_clock_nanosleep(const long *a)
{
	return clock_sleep((int)a[0], (int)a[1], a[2], a[3]);
}

/* Linux's nanosleep: a relative clock_nanosleep on CLOCK_MONOTONIC. */
long sys_nanosleep(const long *a)
{
	return clock_sleep(CLOCK_MONOTONIC, 0, a[0], a[1]);
}

long sys_gettimeofday(const long *a)
{
	int64_t *tv = USER_PTR(int64_t, a[0]);
	uint64_t ns = clock_realtime_ns();

	if (tv) {
		if (!user_ok(tv, 16))
			return -EFAULT;
		tv[0] = (int64_t)(ns / 1000000000);
		tv[1] = (int64_t)(ns % 1000000000 / 1000);
	}
	if (a[1]) {
		if (!user_ok(USER_PTR(int32_t, a[1]), 8))
			return -EFAULT;
		USER_PTR(int32_t, a[1])[0] = 0; /* UTC, no DST */
		USER_PTR(int32_t, a[1])[1] = 0;
	}
	return 0;
}

long sys_time(const long *a)
{
	int64_t now = (int64_t)(clock_realtime_ns() / 1000000000);
	if (a[0]) {
		if (!user_ok(USER_PTR(int64_t, a[0]), 8))
			return -EFAULT;
		*USER_PTR(int64_t, a[0]) = now;
	}
	return now;
}
