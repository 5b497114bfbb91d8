/* The process's start: from Linux's initial stack (argc, argv, envp,
 * auxv) to the core's kernel_main. The program's arguments and environment
 * are the process's own, passed through the kernel command line (kernel.h's
 * format); REWIRE_KERNEL holds kernel options ("stats trace mem=2G"),
 * REWIRE_LOG_FD a descriptor for the kernel's log (default stderr) and
 * REWIRE_FS_FD one of the file system archive (fs_archive.c), and none of
 * them reaches the program. The status of kernel_main is the process's
 * exit status when the program could not start. */
#include "hosted.h"

#define CMDLINE_MAX 65536

static char cmdline[CMDLINE_MAX];
static size_t cmdline_len;

static const char kernel_var[] = "REWIRE_KERNEL=";
static const char log_var[] = "REWIRE_LOG_FD=";
static const char fs_var[] = "REWIRE_FS_FD=";

void hosted_main(uint64_t *sp) __attribute__((noreturn));

static const char *after_prefix(const char *s, const char *prefix)
{
	while (*prefix)
		if (*s++ != *prefix++)
			return NULL;
	return s;
}

static void append(const char *s, size_t n)
{
	if (cmdline_len + n >= CMDLINE_MAX) {
		platform_printf("rewire: hosted kernel: the arguments and "
				"environment take more than %d bytes encoded\n",
				CMDLINE_MAX - 1);
		platform_exit(64);
	}
	memcpy(cmdline + cmdline_len, s, n);
	cmdline_len += n;
}

/* " PREFIX" then word, percent-encoded where the command line's
 * splitting and decoding would change it; the empty word is "%". */
static void append_word(const char *prefix, const char *word)
{
	static const char hex[] = "0123456789ABCDEF";

	append(" ", 1);
	append(prefix, strlen(prefix));
	if (!*word && !*prefix) {
		append("%", 1);
		return;
	}
	for (const unsigned char *p = (const unsigned char *)word; *p; p++) {
		if (*p <= ' ' || *p == '%' || *p >= 0x7f) {
			char esc[3] = { '%', hex[*p >> 4], hex[*p & 15] };
			append(esc, 3);
		} else {
			append((const char *)p, 1);
		}
	}
}

int hosted_parse_fd(const char *s)
{
	int v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 100000)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}

void hosted_main(uint64_t *sp)
{
	long argc = (long)sp[0];
	char **argv = (char **)(sp + 1);
	char **envp = argv + argc + 1, **e;
	const char *options = "", *fs_fd = NULL, *v;

	for (e = envp; *e; e++)
		;
	const uint64_t *auxv = (const uint64_t *)(e + 1);

	struct hosted_cpu *cpu = hosted_cpu_init(0);
	for (e = envp; *e; e++) {
		if ((v = after_prefix(*e, kernel_var))) {
			options = v;
		} else if ((v = after_prefix(*e, log_var))) {
			int fd = hosted_parse_fd(v);
			if (fd < 0) {
				platform_printf("rewire: hosted kernel: "
						"REWIRE_LOG_FD=%s is no file "
						"descriptor\n", v);
				platform_exit(64);
			}
			hosted_log_fd = fd;
		} else if ((v = after_prefix(*e, fs_var))) {
			fs_fd = v;
		}
	}
	/* Options are already in the command line's format. */
	append(options, strlen(options));
	for (e = envp; *e; e++)
		if (!after_prefix(*e, kernel_var) && !after_prefix(*e, log_var) &&
		    !after_prefix(*e, fs_var))
			append_word("env=", *e);
	append(" --", 3);
	for (long i = 0; i < argc; i++)
		append_word("", argv[i]);
	cmdline[cmdline_len] = 0;
	/* After the command line: it says whether to log the archive. */
	if (fs_fd)
		hosted_fs_archive_init(fs_fd);

	hosted_clock_init(auxv);
	hosted_xsave_init();
	random_hw_init();
	hosted_program_init();
	hosted_signals_init();
	hosted_signals_cpu_init(cpu);
	hosted_timer_cpu_init(cpu);
	hosted_sud_arm();
	platform_exit(kernel_main());
}

/* mem=SIZE: the size of physical memory (memory.c). */
const char *const platform_options[] = { "mem", NULL };

const char *platform_cmdline(void)
{
	return cmdline;
}
