/* Random bytes: the platform's hardware generator (RDSEED/RDRAND), or, on a
 * CPU without one, xorshift seeded from the clocks: fine for Go's hash
 * seeds, not for cryptography, and the console says so. */
#include "random.h"

#include <stdint.h>

#include "kstring.h"
#include "platform.h"
#include "spinlock.h"

static struct spinlock random_lock = SPINLOCK_INIT("random");
static uint64_t state;
static bool warned;

void random_init(void)
{
	spin_init(&random_lock, "random");
	state = 0;
	warned = false;
}

static uint64_t next(void)
{
	/* splitmix64: any seed, 0 included, gives a full-period stream. */
	uint64_t z = (state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void random_fill(void *buf, size_t len)
{
	if (len == 0 || platform_random(buf, len) == 0)
		return;
	unsigned long flags = spin_lock(&random_lock);
	if (!warned) {
		warned = true;
		state ^= platform_wall_ns() ^ platform_monotonic_ns() << 17;
		platform_log("kcore: no hardware random generator: random "
				"bytes come from a clock-seeded generator, not "
				"fit for cryptography\n");
	}
	for (size_t i = 0; i < len; i += 8) {
		uint64_t r = next();
		kmemcpy((char *)buf + i, &r, len - i < 8 ? len - i : 8);
	}
	spin_unlock(&random_lock, flags);
}
