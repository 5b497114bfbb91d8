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

long sys_clock_nanosleep(const long *a)
{
	const struct kcore_timespec *req =
		USER_PTR(const struct kcore_timespec, a[2]);
	if (!user_ok(req, sizeof(*req)))
		return -EFAULT;
	return time_clock_nanosleep((int)a[0], (int)a[1], req);
}

long sys_nanosleep(const long *a)
{
	const struct kcore_timespec *req =
		USER_PTR(const struct kcore_timespec, a[0]);
	if (!user_ok(req, sizeof(*req)))
		return -EFAULT;
	long err = timespec_check(req);
	if (err)
		return err;
	struct kcore_timespec *rem = USER_PTR(struct kcore_timespec, a[1]);
	uint64_t deadline = deadline_after(timespec_ns(req));
	long r = timespec_ns(req) ? time_sleep_until(deadline) : time_sleep_ns(0);

	/* Interrupted by a handler: what was left, as Linux writes it. */
	if (r == -EINTR && rem && user_ok(rem, sizeof(*rem))) {
		uint64_t now = clock_monotonic_ns();
		timespec_set(rem, deadline > now ? deadline - now : 0);
	}
	return r;
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
