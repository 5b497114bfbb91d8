/* The CMOS real-time clock, read once at boot for the wall time (absent on
 * microvm with rtc=off: its ports then read 0xff). */
#include "cpu.h"
#include "kvm.h"

#define CMOS_INDEX 0x70
#define CMOS_DATA  0x71
#define NMI_DISABLE 0x80

static uint8_t cmos_read(uint8_t reg)
{
	outb(CMOS_INDEX, NMI_DISABLE | reg);
	return inb(CMOS_DATA);
}

struct rtc_time {
	uint8_t sec, min, hour, day, month, year;
};

static struct rtc_time rtc_read_raw(void)
{
	return (struct rtc_time){ cmos_read(0x00), cmos_read(0x02),
				  cmos_read(0x04), cmos_read(0x07),
				  cmos_read(0x08), cmos_read(0x09) };
}

static unsigned from_bcd(uint8_t v)
{
	return (v & 0x0f) + (v >> 4) * 10;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian, y >= 1970). */
static uint64_t days_from_civil(unsigned y, unsigned m, unsigned d)
{
	y -= m <= 2;
	unsigned era = y / 400, yoe = y - era * 400;
	unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (uint64_t)era * 146097 + doe - 719468;
}

int kvm_rtc_read_wall(uint64_t *seconds)
{
	uint8_t status_b = cmos_read(0x0b);
	if (cmos_read(0x0a) == 0xff && status_b == 0xff)
		return 0;
	/* Read until two reads agree, outside an update cycle. */
	struct rtc_time a, b;
	int tries = 0;
	do {
		for (int i = 0; i < 100000 && (cmos_read(0x0a) & 0x80); i++)
			cpu_pause();
		a = rtc_read_raw();
		b = rtc_read_raw();
	} while (__builtin_memcmp(&a, &b, sizeof(a)) && ++tries < 10);

	int pm = a.hour & 0x80;
	a.hour &= 0x7f;
	unsigned sec = a.sec, min = a.min, hour = a.hour, day = a.day,
		 month = a.month, year = a.year;
	if (!(status_b & 0x04)) { /* BCD */
		sec = from_bcd(a.sec);
		min = from_bcd(a.min);
		hour = from_bcd(a.hour);
		day = from_bcd(a.day);
		month = from_bcd(a.month);
		year = from_bcd(a.year);
	}
	if (!(status_b & 0x02)) /* 12-hour clock: 12 AM is 0, 12 PM is 12 */
		hour = hour % 12 + (pm ? 12 : 0);
	if (month < 1 || month > 12 || day < 1 || day > 31)
		return 0;
	*seconds = (days_from_civil(2000 + year, month, day) * 24 + hour) *
			   3600 + min * 60 + sec;
	return 1;
}
