/* The watchdog's register dump: QEMU's "info registers -a" through QMP,
 * trimmed to the general registers, with each RIP named from the image. */
#include "run_qemu.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "image_symbols.h"
#include "qmp.h"

/* Lines of vector and x87 state: long and of no use for a hang. */
static bool dropped(const char *line)
{
	static const char *const prefixes[] = { "FPR", "XMM", "YMM", "ZMM", "Opmask" };

	if (!*line)
		return true;
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (strncmp(line, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	return false;
}

/* "  cpu N: RIP X is in NAME+0xOFF" for each RIP= of text. */
static void name_rips(FILE *out, const char *text, const char *image_path)
{
	struct image_symbols *syms = NULL;
	const char *p = text;
	int cpu = -1;

	/* Without names the lines still say where each vCPU was. */
	image_symbols_open(image_path, &syms, NULL);
	for (; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p)) {
		uint64_t rip, offset;
		const char *name;

		if (sscanf(p, "CPU#%d", &cpu) == 1 || strncmp(p, "RIP=", 4) != 0 ||
		    sscanf(p + 4, "%" SCNx64, &rip) != 1)
			continue;
		name = image_symbols_name(syms, rip, &offset);
		if (name)
			fprintf(out, "  cpu %d: RIP %016" PRIx64 " is in %s+0x%" PRIx64 "\n",
				cpu < 0 ? 0 : cpu, rip, name, offset);
		else
			fprintf(out, "  cpu %d: RIP %016" PRIx64 " is in no function the image names\n",
				cpu < 0 ? 0 : cpu, rip);
	}
	image_symbols_close(syms);
}

/* Whether some vCPU of the dump runs with interrupts on and is not
 * halted: the program (it runs in ring 0 like the kernel, so the
 * interrupt flag is what tells them apart), not the kernel's timer
 * interrupt that happened to hold the CPU at that instant. */
static bool runs_program(const char *text)
{
	const uint64_t interrupt_flag = 1u << 9;

	for (const char *p = strstr(text, "RIP="); p; p = strstr(p + 4, "RIP=")) {
		const char *eol = strchr(p, '\n');
		const char *halted = strstr(p, "HLT=1");
		uint64_t rip, rflags;

		if (sscanf(p, "RIP=%" SCNx64 " RFL=%" SCNx64, &rip, &rflags) == 2 &&
		    (rflags & interrupt_flag) && !(halted && (!eol || halted < eol)))
			return true;
	}
	return false;
}

char *qemu_dump(int qmp_fd, const char *image_path, uint64_t deadline_ns,
		struct rw_error *err)
{
	const int samples = 20;
	const struct timespec between = { 0, 5 * 1000 * 1000 };
	char *text, *dump = NULL, *names = NULL, *save = NULL;
	size_t len = 0, names_len = 0;
	FILE *out, *nf;

	/* A few samples at most, 5 ms apart, until one shows the program
	 * itself: a hung program is what the dump is for. */
	for (int i = 0;; i++) {
		if (qmp_human_command(qmp_fd, "info registers -a", deadline_ns, &text, err) < 0)
			return NULL;
		if (i + 1 == samples || runs_program(text))
			break;
		free(text);
		nanosleep(&between, NULL);
	}
	/* The names first: the lines below cut text up. */
	nf = open_memstream(&names, &names_len);
	if (nf) {
		name_rips(nf, text, image_path);
		fclose(nf);
	}
	out = open_memstream(&dump, &len);
	if (!out) {
		free(text);
		free(names);
		rw_fail(err, "out of memory for the dump");
		return NULL;
	}
	for (char *line = strtok_r(text, "\r\n", &save); line;
	     line = strtok_r(NULL, "\r\n", &save))
		if (!dropped(line))
			fprintf(out, "  %s\n", line);
	fputs(names ? names : "", out);
	free(names);
	free(text);
	if (fclose(out) != 0) {
		free(dump);
		rw_fail(err, "out of memory for the dump");
		return NULL;
	}
	return dump;
}
