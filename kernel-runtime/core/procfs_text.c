/* The text of /proc's made files (procfs_text.h). */
#include "procfs_text.h"

#include "fs_node.h"
#include "kstring.h"

void proc_text_start(struct proc_text *t, struct fs_node *out)
{
	t->out = out;
	t->error = 0;
	t->flushed = t->line_start = 0;
	t->used = 0;
}

static void flush(struct proc_text *t)
{
	if (!t->error && t->used)
		t->error = fs_node_append(t->out, t->buf, t->used);
	t->flushed += t->used;
	t->used = 0;
}

void proc_text_bytes(struct proc_text *t, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (t->used == sizeof(t->buf))
			flush(t);
		t->buf[t->used++] = s[i];
		if (s[i] == '\n')
			t->line_start = t->flushed + t->used;
	}
}

void proc_text_str(struct proc_text *t, const char *s)
{
	proc_text_bytes(t, s, kstrlen(s));
}

void proc_text_char(struct proc_text *t, char c)
{
	proc_text_bytes(t, &c, 1);
}

size_t proc_decimal(char *buf, uint64_t v)
{
	char digits[20];
	size_t n = 0;

	do
		digits[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	for (size_t i = 0; i < n; i++)
		buf[i] = digits[n - 1 - i];
	return n;
}

void proc_text_dec(struct proc_text *t, uint64_t v, unsigned width)
{
	char digits[20];
	size_t n = proc_decimal(digits, v);

	for (; width > n; width--)
		proc_text_char(t, ' ');
	proc_text_bytes(t, digits, n);
}

void proc_text_signed(struct proc_text *t, int64_t v)
{
	if (v < 0)
		proc_text_char(t, '-');
	proc_text_dec(t, v < 0 ? -(uint64_t)v : (uint64_t)v, 0);
}

void proc_text_hex(struct proc_text *t, uint64_t v, unsigned digits)
{
	char out[16];
	unsigned n = 0;

	do
		out[n++] = "0123456789abcdef"[v & 15];
	while ((v >>= 4) != 0);
	for (; digits > n; digits--)
		proc_text_char(t, '0');
	while (n)
		proc_text_char(t, out[--n]);
}

void proc_text_pad(struct proc_text *t, unsigned column)
{
	while (t->flushed + t->used - t->line_start < column)
		proc_text_char(t, ' ');
}

long proc_text_end(struct proc_text *t)
{
	flush(t);
	return t->error;
}
