/* The text of /proc's made files (maps, status, stat): written in pieces,
 * through a small buffer, at the end of the bytes of an open file's copy
 * (fs_node_append), in the few formats Linux's seq_file gives them. */
#ifndef KCORE_PROCFS_TEXT_H
#define KCORE_PROCFS_TEXT_H

#include <stddef.h>
#include <stdint.h>

struct fs_node;

struct proc_text {
	struct fs_node *out;
	long error;          /* the first failed append's, else 0 */
	uint64_t flushed;    /* bytes given to out */
	uint64_t line_start; /* where the current line starts */
	size_t used;         /* bytes in buf */
	char buf[256];
};

/* Starts the text of out (an empty node). */
void proc_text_start(struct proc_text *t, struct fs_node *out);
void proc_text_bytes(struct proc_text *t, const char *s, size_t len);
void proc_text_str(struct proc_text *t, const char *s);
void proc_text_char(struct proc_text *t, char c);
/* v in decimal, right-aligned in width columns (0: no padding). */
void proc_text_dec(struct proc_text *t, uint64_t v, unsigned width);
void proc_text_signed(struct proc_text *t, int64_t v);
/* v in lower-case hex, zero-padded to at least digits digits. */
void proc_text_hex(struct proc_text *t, uint64_t v, unsigned digits);
/* Spaces up to column of the current line, none past it (seq_pad). */
void proc_text_pad(struct proc_text *t, unsigned column);
/* Writes out what is buffered: 0, or the first error (-ENOSPC...). */
long proc_text_end(struct proc_text *t);

/* v in decimal at buf (room for 20 digits): the length. */
size_t proc_decimal(char *buf, uint64_t v);

/* The made files' writers; exe is the program's path. */
void procfs_maps_write(struct proc_text *t, const char *exe); /* procfs_maps.c */
void procfs_status_write(struct proc_text *t);                /* procfs_status.c */
void procfs_stat_write(struct proc_text *t);

/* The program's image as Linux's ELF loader maps it (procfs_maps.c), in
 * bytes: mapped, from the file, writable, executable; and the bounds
 * Linux's mm keeps of it (/proc/PID/stat's startcode... fields). */
struct image_layout {
	uint64_t mapped, file, writable, exec;
	uint64_t start_code, end_code, start_data, end_data;
};
void procfs_image_layout(struct image_layout *out);

#endif
