/* Formatted output: a small printf without floating point, for the
 * console and the log of every platform. */
#include "x86.h"

struct out {
	void (*write)(const char *, size_t);
	char buf[256];
	size_t len;
};

static void out_flush(struct out *o)
{
	o->write(o->buf, o->len);
	o->len = 0;
}

static void out_char(struct out *o, char c)
{
	if (o->len == sizeof(o->buf))
		out_flush(o);
	o->buf[o->len++] = c;
}

static void out_number(struct out *o, uint64_t v, unsigned base, int negative,
		       int width, char pad)
{
	char digits[24];
	int n = 0;
	do {
		digits[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (negative)
		digits[n++] = '-';
	for (int i = n; i < width; i++)
		out_char(o, pad);
	while (n)
		out_char(o, digits[--n]);
}

void format_vprintf(void (*write)(const char *, size_t), const char *fmt,
		    va_list ap)
{
	struct out o;
	o.write = write;
	o.len = 0;
	for (const char *p = fmt; *p; p++) {
		if (*p != '%') {
			out_char(&o, *p);
			continue;
		}
		p++;
		char pad = ' ';
		int width = 0, longs = 0;
		if (*p == '0')
			pad = '0';
		while (*p >= '0' && *p <= '9')
			width = width * 10 + (*p++ - '0');
		while (*p == 'l') {
			longs++;
			p++;
		}
		if (*p == 'z') {
			longs = 1;
			p++;
		}
		switch (*p) {
		case 'd': {
			int64_t v = longs ? va_arg(ap, int64_t) : va_arg(ap, int);
			out_number(&o, v < 0 ? -(uint64_t)v : (uint64_t)v, 10,
				   v < 0, width, pad);
			break;
		}
		case 'u':
		case 'x': {
			uint64_t v = longs ? va_arg(ap, uint64_t)
					   : va_arg(ap, unsigned);
			out_number(&o, v, *p == 'u' ? 10 : 16, 0, width, pad);
			break;
		}
		case 'p':
			out_char(&o, '0');
			out_char(&o, 'x');
			out_number(&o, (uintptr_t)va_arg(ap, void *), 16, 0, 16,
				   '0');
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			size_t len = 0;
			for (const char *q = s ? s : "(null)"; *q; q++, len++)
				out_char(&o, *q);
			for (; (int)len < width; len++)
				out_char(&o, ' ');
			break;
		}
		case 'c':
			out_char(&o, (char)va_arg(ap, int));
			break;
		case '%':
			out_char(&o, '%');
			break;
		default: /* unknown: print it as written */
			out_char(&o, '%');
			if (*p)
				out_char(&o, *p);
			else
				p--;
		}
	}
	out_flush(&o);
}

void format_vprintf_whole(void (*write)(const char *, size_t), const char *fmt,
			  va_list ap)
{
	unsigned long flags = platform_irq_save();
	format_vprintf(write, fmt, ap);
	platform_irq_restore(flags);
}

void format_panic(void (*write)(const char *, size_t), const char *file,
		  int line, const char *fmt, va_list ap)
{
	platform_irq_save();
	platform_printf("\nrewire: panic: %s:%d: ", file, line);
	format_vprintf(write, fmt, ap);
	write("\n", 1);
	platform_exit(PLATFORM_EXIT_CRASH);
}
