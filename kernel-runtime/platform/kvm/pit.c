/* TSC calibration against the 8254 PIT: channel 0 counts down at
 * 1.193182 MHz and is read back with latch commands (channel 2's gate,
 * port 0x61, is absent on QEMU's microvm). */
#include "cpu.h"
#include "kvm.h"

#define PIT_HZ 1193182
#define PIT_CH0 0x40
#define PIT_CMD 0x43
#define CALIBRATION_TICKS (PIT_HZ / 100) /* 10 ms */
#define MAX_READS 5000000
#define TRIES 16

/* A PIT reading bracketed by two TSC readings: the PIT was read at about
 * tsc, give or take width / 2. */
struct sample {
	uint64_t tsc, width;
	uint32_t ticks; /* PIT ticks since the first reading */
};

struct pit_state {
	uint16_t last;
	uint32_t ticks;
};

static uint16_t pit_read(void)
{
	outb(PIT_CMD, 0x00); /* latch channel 0 */
	uint8_t lo = inb(PIT_CH0);
	return (uint16_t)(lo | inb(PIT_CH0) << 8);
}

static struct sample take(struct pit_state *pit)
{
	uint64_t before = rdtsc();
	uint16_t now = pit_read();
	uint64_t after = rdtsc();
	pit->ticks += (uint16_t)(pit->last - now); /* counts down, wraps */
	pit->last = now;
	return (struct sample){ before + (after - before) / 2, after - before,
				pit->ticks };
}

/* The tightest of a few samples: a reading that was delayed (the vCPU
 * descheduled, TCG translating code) would skew the result. */
static struct sample take_best(struct pit_state *pit)
{
	struct sample best = take(pit);
	for (int i = 1; i < TRIES; i++) {
		struct sample s = take(pit);
		if (s.width < best.width)
			best = s;
	}
	return best;
}

/* Returns the TSC frequency in Hz, 0 when the PIT does not count. */
uint64_t pit_calibrate_tsc(void)
{
	/* Channel 0, lobyte/hibyte, mode 0 (one interrupt, then it keeps
	 * counting and wrapping), from 0xffff. */
	outb(PIT_CMD, 0x30);
	outb(PIT_CH0, 0xff);
	outb(PIT_CH0, 0xff);

	struct pit_state pit = { pit_read(), 0 };
	struct sample start = take_best(&pit);
	for (int i = 0; i < MAX_READS &&
			pit.ticks - start.ticks < CALIBRATION_TICKS;
	     i++)
		take(&pit);
	struct sample end = take_best(&pit);
	if (end.ticks - start.ticks < CALIBRATION_TICKS)
		return 0;
	return (end.tsc - start.tsc) * PIT_HZ / (end.ticks - start.ticks);
}
