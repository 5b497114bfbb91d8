/* TSC calibration against the 8254 PIT: channel 0 counts down at
 * 1.193182 MHz and is read back with latch commands (channel 2's gate,
 * port 0x61, is absent on QEMU's microvm). */
#include "cpu.h"
#include "kvm.h"

#define PIT_HZ 1193182
#define PIT_CH0 0x40
#define PIT_CMD 0x43
#define CALIBRATION_TICKS (PIT_HZ / 100) /* 10 ms of counting */
#define MAX_READS 10000000
/* The 16-bit counter wraps every 55 ms, so two readings further apart
 * could hide whole turns. 2^24 TSC cycles stay below 55 ms for any TSC
 * faster than 305 MHz: a pair of readings further apart than that (the
 * vCPU was descheduled: common under TCG on a busy host) is left out of
 * both sums. */
#define GAP_LIMIT (1ull << 24)
/* A reading is dated by the middle of the two TSC readings around it:
 * good to width / 2. A wide bracket (descheduled in the middle of it)
 * dates it badly, and the pairs on both sides are left out. */
#define WIDTH_LIMIT (1ull << 15)

static uint16_t pit_read(void)
{
	outb(PIT_CMD, 0x00); /* latch channel 0 */
	uint8_t lo = inb(PIT_CH0);
	return (uint16_t)(lo | inb(PIT_CH0) << 8);
}

/* Returns the TSC frequency in Hz, 0 when the PIT does not count. */
uint64_t kvm_pit_calibrate_tsc(void)
{
	/* Channel 0, lobyte/hibyte, mode 0 (one interrupt, then it keeps
	 * counting and wrapping), from 0xffff. */
	outb(PIT_CMD, 0x30);
	outb(PIT_CH0, 0xff);
	outb(PIT_CH0, 0xff);

	uint16_t last = pit_read();
	uint64_t last_tsc = rdtsc(), tsc_sum = 0;
	uint32_t tick_sum = 0, gaps = 0;
	int last_good = 0;
	for (int i = 0; i < MAX_READS && tick_sum < CALIBRATION_TICKS; i++) {
		/* Over a run of included pairs the sums telescope: only the
		 * runs' ends carry the dating error. */
		uint64_t before = rdtsc();
		uint16_t now = pit_read();
		uint64_t after = rdtsc(), tsc = before + (after - before) / 2;
		uint64_t delta = tsc - last_tsc;
		int good = after - before <= WIDTH_LIMIT;
		if (good && last_good && delta <= GAP_LIMIT) {
			tsc_sum += delta;
			tick_sum += (uint16_t)(last - now); /* counts down */
		} else {
			gaps++;
		}
		last = now;
		last_tsc = tsc;
		last_good = good;
	}
	kvm_info("pit calibration: %lu TSC cycles in %u PIT ticks, %u gaps "
		 "left out\n",
		 tsc_sum, tick_sum, gaps);
	if (tick_sum < CALIBRATION_TICKS)
		return 0;
	return tsc_sum * PIT_HZ / tick_sum;
}
