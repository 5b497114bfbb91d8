/* The kernel's log channel under QEMU: the debug console's file, copied
 * to the user without the exit record, which gives the exit status. */
#include "run_qemu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"

/* "rewire-exit N\n" exactly, N 0-255: *status. */
static bool exit_record(const char *line, ssize_t len, int *status)
{
	size_t n = strlen(QEMU_EXIT_RECORD);
	int v = 0;

	if ((size_t)len <= n + 1 || strncmp(line, QEMU_EXIT_RECORD, n) != 0 ||
	    line[len - 1] != '\n' || len - 1 - (ssize_t)n > 3)
		return false;
	for (ssize_t i = (ssize_t)n; i < len - 1; i++) {
		if (line[i] < '0' || line[i] > '9')
			return false;
		v = v * 10 + (line[i] - '0');
	}
	if (v > 255)
		return false;
	*status = v;
	return true;
}

bool qemu_log_finish(int log_fd, int to_fd, int *status)
{
	int fd = dup(log_fd);
	FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	bool found = false;

	if (!f) {
		if (fd >= 0)
			close(fd);
		return false;
	}
	/* The duplicate shares the offset: from the start. */
	fseek(f, 0, SEEK_SET);
	while ((len = getline(&line, &cap, f)) > 0) {
		if (exit_record(line, len, status))
			found = true;
		else if (to_fd >= 0 && file_write_all(to_fd, line, (size_t)len) < 0)
			to_fd = -1;
	}
	free(line);
	fclose(f);
	return found;
}
