/* rewire run: boot an image (or a Go binary, imaged on the fly) and run
 * its program, with its status as ours and statuses of our own for the
 * runner's failures. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "fs_archive.h"
#include "fsutil.h"
#include "image.h"
#include "run_child.h"
#include "run_platform.h"

/* The runner's own statuses, as GNU timeout and env have them. */
enum {
	RUN_EXIT_TIMEOUT = 124,	/* the program did not end in time */
	RUN_EXIT_FAILED = 125,	/* the runner failed (usage, QEMU, the VM) */
	RUN_EXIT_CANNOT = 126,	/* the image cannot run */
	RUN_EXIT_NO_VMM = 127,	/* QEMU cannot be started */
};

#define DEFAULT_TIMEOUT 60

static const char usage[] =
	"usage: rewire run [OPTIONS] BINARY|IMAGE [--] [ARGS...]\n"
	"\n"
	"Runs the program of IMAGE (from rewire image, or any PVH kernel) on the\n"
	"kernel runtime with ARGS: in a virtual machine, or, for a hosted image,\n"
	"in a plain process; a static Go binary BINARY is imaged first, into a\n"
	"temporary file that is gone before the program starts. The program's\n"
	"stdout and stderr are this command's, live; its exit status is this\n"
	"command's. Options go before BINARY|IMAGE; what follows it (after an\n"
	"optional --) is the program's; its /proc/self/exe (Go's os.Executable) is\n"
	"BINARY|IMAGE's absolute path.\n"
	"\n"
	"options:\n"
	"      --platform P      kvm (QEMU with KVM), tcg (QEMU's emulator, no\n"
	"                        /dev/kvm needed, 10-50 times slower) or hosted\n"
	"                        (the kernel in a plain Linux process, its system\n"
	"                        calls trapped by Syscall User Dispatch); default:\n"
	"                        a hosted image runs hosted, a PVH one on kvm when\n"
	"                        /dev/kvm opens read-write, else tcg, and BINARY on\n"
	"                        kvm when it opens, else hosted\n"
	"      --mode MODE       how the program of BINARY enters the kernel:\n"
	"                        redirect (default: the Go runtime's OS leaves jump\n"
	"                        into it, no trap) or trap (its system calls trap),\n"
	"                        as rewire image --mode (which refuses, in redirect\n"
	"                        mode, a binary whose trap instructions it cannot\n"
	"                        prove covered: status 126; --mode trap runs it)\n"
	"      --mem SIZE        the kernel's memory (default 512M; K, M, G: powers of\n"
	"                        1024, no suffix: MiB); an image that does not fit is\n"
	"                        refused\n"
	"      --timeout S       after S whole seconds (default 60; 0: never) the\n"
	"                        watchdog prints the CPUs' registers and the function\n"
	"                        of each RIP, then kills the VM or process (status 124)\n"
	"      --env NAME=VALUE  a variable of the program's environment (repeatable;\n"
	"                        nothing else of this environment reaches it)\n"
	"      --dir HOST_DIR[:GUEST_DIR]\n"
	"                        puts the folder HOST_DIR (and all below it: folders,\n"
	"                        files, symlinks as they are; no devices, FIFOs or\n"
	"                        sockets) in the program's file system at GUEST_DIR,\n"
	"                        an absolute path (default: HOST_DIR's own absolute\n"
	"                        path); repeatable: where two put something at the\n"
	"                        same path, the later wins and folders merge. HOST_DIR\n"
	"                        holds no ':'; a regular file there goes alone at\n"
	"                        GUEST_DIR. Packed into an archive for the kernel\n"
	"                        that is gone when rewire run ends\n"
	"      --cwd DIR         the program's working directory, an absolute path\n"
	"                        (the kernel option cwd=DIR)\n"
	"      --stats           the kernel's counters (system calls, switches, page\n"
	"                        faults, frames) and the platform that ran\n"
	"      --trace           every system call and its result, in the log\n"
	"      --verbose         what the kernel found at boot (clocks, memory), and\n"
	"                        the QEMU command line, in the log\n"
	"      --cmdline OPTS    more kernel options, words as kernel.h reads them\n"
	"                        (nosignals, memlog=SECONDS); an unknown one is\n"
	"                        refused by the kernel (status 64)\n"
	"      --log FILE        the kernel's log goes to FILE, not to stderr\n"
	"      --kernel-dir DIR  the kernel build to image BINARY with (as rewire\n"
	"                        image: default $" IMAGE_KERNEL_DIR_ENV ", else beside rewire)\n"
	"      --platforms       lists the platforms, one per line: its name,\n"
	"                        \"usable\" or \"unusable\" here, and what it is or\n"
	"                        why it cannot run (kvm: /dev/kvm must open and its\n"
	"                        vCPUs run SSE code), then exits 0\n"
	"  -h, --help            this text\n"
	"\n"
	"The kernel's log (its warnings, and what --stats, --trace and --verbose\n"
	"ask for) goes to stderr when the run ends, after the program's output,\n"
	"or to --log FILE. The kernel's fatal messages (crash dump, panic, out of\n"
	"memory, a refused command line) are on stderr with the program's own.\n"
	"\n"
	"Environment: REWIRE_QEMU names the QEMU binary (default qemu-system-x86_64).\n"
	"A hosted image gets REWIRE_KERNEL (its kernel options), REWIRE_LOG_FD and,\n"
	"with --dir, REWIRE_FS_FD (a descriptor of the file system archive, cpio\n"
	"newc; kvm and tcg get it as QEMU's -initrd); run by hand (./IMAGE ARGS),\n"
	"it takes those from its environment and the rest of it as the program's.\n"
	"\n"
	"Exit status: the program's (0-255; 128 + N when the default action of\n"
	"signal N ended it, as a shell reports it; the kernel's own: 64 a refused\n"
	"kernel command line, 70 a crash or kernel panic, 137 out of memory), or\n"
	"the runner's:\n"
	"  124  no exit within --timeout (the register dump is on stderr)\n"
	"  125  rewire run failed: bad usage, QEMU (or a hosted image's process)\n"
	"       crashed or was killed, the VM reset without an exit status\n"
	"  126  BINARY|IMAGE cannot run: neither an image nor a Go binary, cannot be\n"
	"       imaged, too big for --mem (with the --dir archive on kvm and tcg), an\n"
	"       image of another platform, --dir or --cwd for a PVH kernel that is\n"
	"       not rewire's kernel runtime\n"
	"  127  QEMU cannot be started (not found)\n"
	"A program may exit with 124-127 itself: the status is the runner's when\n"
	"the last line on stderr starts with \"rewire run: \" (with --log, the\n"
	"kernel's log is not on stderr). Ended by SIGINT, SIGTERM, SIGHUP or\n"
	"SIGQUIT, rewire run kills QEMU (or the image's process), leaves no\n"
	"temporary file and dies of the same signal.\n";

enum {
	OPT_PLATFORM = 256, OPT_MODE, OPT_MEM, OPT_TIMEOUT, OPT_ENV, OPT_STATS,
	OPT_TRACE, OPT_VERBOSE, OPT_CMDLINE, OPT_LOG, OPT_KERNEL_DIR, OPT_DIR, OPT_CWD,
	OPT_PLATFORMS,
};

/* "rewire run: " + message, on stderr: the runner's own line. */
static void __attribute__((format(printf, 1, 2))) say(const char *fmt, ...)
{
	va_list ap;

	fputs("rewire run: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

struct run_cli {
	struct run_options o;
	bool redirect;			/* image BINARY in redirect mode */
	const char *mode;		/* --mode as given, NULL if not */
	const struct run_platform *platform;
	const char *log_path, *kernel_dir, *input;
	const char **envs;
	struct fs_dir *dirs;		/* --dir, in order */
	size_t ndirs;
	char *exe;			/* input's absolute path (o.exe), malloc'd */
};

/* A usage error: its one line (a script's way to tell it from the
 * program's own 125 is the last line on stderr). */
static int __attribute__((format(printf, 1, 2))) usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("rewire run: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (rewire run --help says more)\n", stderr);
	return RUN_EXIT_FAILED;
}

/* Whole seconds, at most a year. */
static int timeout_parse(const char *s, unsigned *out)
{
	unsigned long v = 0;

	if (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 8)
		return -1;
	v = strtoul(s, NULL, 10);
	if (v > 366ul * 86400)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* The options into *cli; returns -1 to go on, else the exit status. */
static int options_parse(int argc, char **argv, struct run_cli *cli)
{
	static const struct option longopts[] = {
		{ "platform", required_argument, NULL, OPT_PLATFORM },
		{ "mode", required_argument, NULL, OPT_MODE },
		{ "mem", required_argument, NULL, OPT_MEM },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "env", required_argument, NULL, OPT_ENV },
		{ "stats", no_argument, NULL, OPT_STATS },
		{ "trace", no_argument, NULL, OPT_TRACE },
		{ "verbose", no_argument, NULL, OPT_VERBOSE },
		{ "cmdline", required_argument, NULL, OPT_CMDLINE },
		{ "log", required_argument, NULL, OPT_LOG },
		{ "kernel-dir", required_argument, NULL, OPT_KERNEL_DIR },
		{ "dir", required_argument, NULL, OPT_DIR },
		{ "cwd", required_argument, NULL, OPT_CWD },
		{ "platforms", no_argument, NULL, OPT_PLATFORMS },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct rw_error err = { { 0 } };
	int c;

	/* "+": options end at BINARY|IMAGE, the rest is the program's; ":"
	 * and opterr 0: our own one-line messages (usage errors are 125 and
	 * end with the runner's line, unlike the other commands'). */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(usage, stdout);
			return EXIT_OK;
		case '?':
			if (optopt)
				return usage_error("unknown option '-%c'", optopt);
			return usage_error("unknown option '%s'", argv[optind - 1]);
		case ':':
			return usage_error("option '%s' needs a value", argv[optind - 1]);
		case OPT_PLATFORM:
			cli->platform = run_platform_find(optarg);
			if (!cli->platform)
				return usage_error("--platform '%s': one of %s", optarg,
						   run_platform_names());
			break;
		case OPT_MODE:
			if (strcmp(optarg, "redirect") != 0 && strcmp(optarg, "trap") != 0)
				return usage_error("--mode '%s': give redirect or trap", optarg);
			cli->redirect = strcmp(optarg, "redirect") == 0;
			cli->mode = optarg;
			break;
		case OPT_MEM:
			if (run_mem_parse(optarg, &cli->o.mem, &err) < 0)
				return usage_error("%s", err.msg);
			break;
		case OPT_TIMEOUT:
			if (timeout_parse(optarg, &cli->o.timeout) < 0)
				return usage_error("--timeout '%s': give whole seconds (0: never), at most a year",
						   optarg);
			break;
		case OPT_ENV:
			/* Refused, not passed on: the kernel would take a word
			 * without '=' as a variable of that name with no value. */
			if (!strchr(optarg, '=') || optarg[0] == '=')
				return usage_error("--env '%s': give NAME=VALUE (an empty VALUE is NAME=)",
						   optarg);
			cli->envs[cli->o.nenvs++] = optarg;
			break;
		case OPT_STATS:
			cli->o.stats = true;
			break;
		case OPT_TRACE:
			cli->o.trace = true;
			break;
		case OPT_VERBOSE:
			cli->o.verbose = true;
			break;
		case OPT_CMDLINE:
			cli->o.kernel_options = optarg;
			break;
		case OPT_LOG:
			cli->log_path = optarg;
			break;
		case OPT_KERNEL_DIR:
			cli->kernel_dir = optarg;
			break;
		case OPT_DIR:
			if (fs_dir_parse(optarg, &cli->dirs[cli->ndirs], &err) < 0)
				return usage_error("%s", err.msg);
			cli->ndirs++;
			break;
		case OPT_PLATFORMS:
			run_platforms_print(stdout);
			return EXIT_OK;
		case OPT_CWD:
			if (optarg[0] != '/')
				return usage_error("--cwd '%s': give an absolute path", optarg);
			cli->o.cwd = optarg;
			break;
		}
	}
	if (optind >= argc)
		return usage_error("%s", "which binary or image?");
	cli->input = argv[optind++];
	if (optind < argc && strcmp(argv[optind], "--") == 0)
		optind++;
	cli->o.argv0 = cli->input;
	cli->o.args = (const char *const *)argv + optind;
	cli->o.nargs = (size_t)(argc - optind);
	return -1;
}

static const char *signal_name(int signo)
{
	const char *s = sigabbrev_np(signo);
	static char buf[16];

	if (s)
		snprintf(buf, sizeof(buf), "SIG%s", s);
	else
		snprintf(buf, sizeof(buf), "signal %d", signo);
	return buf;
}

/* The signals a program dies of when it crashes. */
static bool crash_signal(int signo)
{
	return signo == SIGSEGV || signo == SIGBUS || signo == SIGILL ||
	       signo == SIGABRT || signo == SIGFPE || signo == SIGSYS ||
	       signo == SIGTRAP;
}

/* Our exit status for a run that ended, and its line when it is ours. */
static int status_of(const struct run_result *r, const struct run_cli *cli)
{
	switch (r->end) {
	case RUN_END_EXIT:
		return r->status;
	case RUN_END_TIMEOUT:
		say("watchdog: no exit after %u s; the CPUs' registers:", cli->o.timeout);
		if (r->dump)
			fputs(r->dump, stderr);
		else
			fprintf(stderr, "  (%s did not answer)\n",
				cli->platform->kind == RUN_KIND_PVH ? "QEMU's monitor"
								  : "its kernel");
		say("timed out after %u s: %s killed", cli->o.timeout, cli->platform->vmm);
		return RUN_EXIT_TIMEOUT;
	case RUN_END_VM_RESET:
		say("the VM reset (a triple fault?) without an exit status");
		return RUN_EXIT_FAILED;
	case RUN_END_VMM_FAILED:
		say("%s exited with status %d and no exit status from the kernel",
		    cli->platform->vmm, r->status);
		return RUN_EXIT_FAILED;
	case RUN_END_VMM_KILLED:
		if (crash_signal(r->signal))
			say("%s crashed (%s: %s)", cli->platform->vmm,
			    signal_name(r->signal), strsignal(r->signal));
		else
			say("%s was killed by %s (%s)", cli->platform->vmm,
			    signal_name(r->signal), strsignal(r->signal));
		return RUN_EXIT_FAILED;
	case RUN_END_SIGNAL:
		break;
	}
	return RUN_EXIT_FAILED;
}

/* The --stats line: which platform ran, for how long. */
static void stats_print(int fd, const struct run_cli *cli, const struct run_result *r)
{
	dprintf(fd, "rewire run: platform %s (%s), %.2f s\n", cli->platform->name,
		cli->platform->summary, r->seconds);
}

static void dir_warning(void *arg, const char *message)
{
	(void)arg;
	say("warning: %s", message);
}

/* The archive of the --dir folders, in a file with no name: nothing to
 * remove, whatever ends us. 0, or -1 with its line said. */
static int fs_archive_make(const struct run_cli *cli, struct run_fs_archive *fs)
{
	struct rw_error err = { { 0 } };
	struct stat st;

	fs->fd = temp_file_nameless("rewire-run-fs", "the file system archive", &err);
	if (fs->fd < 0)
		goto fail;
	if (fs_archive_pack(cli->dirs, cli->ndirs, fs->fd, dir_warning, NULL, &err) < 0)
		goto fail;
	if (fstat(fs->fd, &st) < 0) {
		rw_fail(&err, "cannot read the size of the file system archive: %s", strerror(errno));
		goto fail;
	}
	fs->size = (uint64_t)st.st_size;
	if (cli->o.verbose)
		dprintf(cli->o.log_fd, "rewire run: file system archive of %llu bytes from %zu --dir\n",
			(unsigned long long)fs->size, cli->ndirs);
	return 0;
fail:
	say("%s", err.msg);
	if (fs->fd >= 0)
		close(fs->fd);
	fs->fd = -1;
	return -1;
}

/* Boots the input and returns the status; *signo when a signal ended it. */
static int run(struct run_cli *cli, int *signo)
{
	struct run_target t;
	struct run_result r;
	struct rw_error err = { { 0 } };
	bool image_fault;
	int status;

	struct run_fs_archive fs = { .fd = -1 };
	enum run_kind kind;
	bool kernel_runtime;

	if (run_target_kind(cli->input, &kind, &kernel_runtime, &err) < 0) {
		say("%s", err.msg);
		return RUN_EXIT_CANNOT;
	}
	if (cli->mode && kind != RUN_KIND_GO) {
		say("%s: --mode %s images a Go binary; an image's mode was set by "
		    "rewire image --mode", cli->input, cli->mode);
		return RUN_EXIT_CANNOT;
	}
	if ((cli->ndirs || cli->o.cwd) && !kernel_runtime) {
		say("%s: %s is for rewire's kernel runtime (a Go binary, or an image of "
		    "rewire image); this PVH kernel is another", cli->input,
		    cli->ndirs ? "--dir" : "--cwd");
		return RUN_EXIT_CANNOT;
	}
	/* /proc/self/exe's target, as Linux's: absolute, symlinks resolved.
	 * Without it (no path) the kernel says argv[0]. */
	if (kernel_runtime) {
		cli->exe = realpath(cli->input, NULL);
		cli->o.exe = cli->exe;
	}
	if (!cli->platform)
		cli->platform = run_platform_default(kind);
	if (run_target_open(cli->input, cli->kernel_dir, cli->platform->image_platform,
			    cli->redirect, &t, &image_fault, &err) < 0) {
		say("%s", err.msg);
		return image_fault ? RUN_EXIT_CANNOT : RUN_EXIT_FAILED;
	}
	if (cli->o.verbose)
		dprintf(cli->o.log_fd, "rewire run: platform %s (%s)%s\n", cli->platform->name,
			cli->platform->summary, t.made ? ", the image made on the fly" : "");
	if (cli->ndirs) {
		if (fs_archive_make(cli, &fs) < 0) {
			run_target_close(&t);
			return RUN_EXIT_FAILED;
		}
		cli->o.fs = &fs;
	}
	status = cli->platform->boot(cli->platform, &t, &cli->o, &r, &err);
	cli->o.fs = NULL;
	if (fs.fd >= 0)
		close(fs.fd);
	if (status < 0) {
		run_target_close(&t);
		say("%s", err.msg);
		return r.error_kind == RUN_ERROR_IMAGE ? RUN_EXIT_CANNOT :
		       r.error_kind == RUN_ERROR_NO_VMM ? RUN_EXIT_NO_VMM : RUN_EXIT_FAILED;
	}
	run_target_close(&t);
	if (r.end == RUN_END_SIGNAL) {
		*signo = r.signal;
		run_result_free(&r);
		return RUN_EXIT_FAILED;
	}
	if (cli->o.stats || cli->o.verbose)
		stats_print(cli->o.log_fd, cli, &r);
	status = status_of(&r, cli);
	run_result_free(&r);
	return status;
}

/* Opens /dev/null on whichever of fds 0-2 is closed: a pipe made later
 * must not take the number that means stdout to us and to QEMU. */
static void std_fds_fill(void)
{
	for (int fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF) {
			int n = open("/dev/null", O_RDWR);

			if (n >= 0 && n != fd)
				close(n);
		}
}

/* One of our signals that came while we did not watch for them. */
static int signal_pending(void)
{
	static const int ours[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	sigset_t set;

	if (sigpending(&set) < 0)
		return 0;
	for (size_t i = 0; i < sizeof(ours) / sizeof(ours[0]); i++)
		if (sigismember(&set, ours[i]))
			return ours[i];
	return 0;
}

static void cli_free(struct run_cli *cli)
{
	for (size_t i = 0; cli->dirs && i < cli->ndirs; i++)
		fs_dir_free(&cli->dirs[i]);
	free(cli->dirs);
	free(cli->envs);
	free(cli->exe);
}

int cmd_run(int argc, char **argv)
{
	struct run_cli cli = {
		.o = { .mem = RUN_DEFAULT_MEM, .timeout = DEFAULT_TIMEOUT,
		       .out_fd = STDOUT_FILENO, .err_fd = STDERR_FILENO,
		       .log_fd = STDERR_FILENO },
		.redirect = true,
	};
	struct rw_error err = { { 0 } };
	sigset_t old;
	int status, signo = 0, log_fd = -1;

	std_fds_fill();
	cli.envs = calloc((size_t)argc, sizeof(*cli.envs));
	cli.dirs = calloc((size_t)argc, sizeof(*cli.dirs));
	if (!cli.envs || !cli.dirs) {
		say("out of memory");
		cli_free(&cli);
		return RUN_EXIT_FAILED;
	}
	cli.o.envs = cli.envs;
	status = options_parse(argc, argv, &cli);
	if (status >= 0)
		goto out;
	/* From here a signal waits for the watch: a temporary image made
	 * meanwhile is gone before we die of it. */
	if (run_signals_block(&old, &err) < 0) {
		say("%s", err.msg);
		status = RUN_EXIT_FAILED;
		goto out;
	}
	if (cli.log_path) {
		log_fd = open(cli.log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (log_fd < 0) {
			say("--log %s: cannot open: %s", cli.log_path, strerror(errno));
			status = RUN_EXIT_FAILED;
			goto restore;
		}
		cli.o.log_fd = log_fd;
	}
	fflush(stdout);
	status = run(&cli, &signo);
	if (!signo)
		signo = signal_pending();
	if (signo) {
		if (log_fd >= 0)
			close(log_fd);
		cli_free(&cli);
		run_signals_die(signo, &old);
	}
restore:
	if (log_fd >= 0)
		close(log_fd);
	sigprocmask(SIG_SETMASK, &old, NULL);
out:
	cli_free(&cli);
	return status;
}
