/*
 * The kvm and tcg platforms of rewire run: a PVH image booted by QEMU's
 * microvm, under KVM or under TCG (no /dev/kvm needed).
 *
 * Stages: check the image (and the file system archive) fits in --mem ->
 * the kernel command line -> descriptors for QEMU (the image, the archive
 * as its initrd, a pipe per console stream, a file for the log channel, a
 * socket for QMP) -> start QEMU -> watch it (pump the
 * streams; deadline; our signals) -> on a timeout the register dump ->
 * the end: the exit record from the log, else QEMU's own status.
 *
 * QEMU opens every descriptor as /dev/fd/N: nothing it uses has a name in
 * the file system, so nothing is left behind whatever kills us.
 */
#include "run_platform.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kvm_probe.h"
#include "run_child.h"
#include "run_cmdline.h"
#include "run_qemu.h"

#define QEMU_DEFAULT "qemu-system-x86_64"
#define QEMU_ENV "REWIRE_QEMU"
#define PAGE_SIZE 4096ull
/* How long the watchdog waits for QEMU's monitor to answer. */
#define DUMP_SECONDS 10

/* The descriptor numbers QEMU gets (run_child_start moves them there). */
enum {
	FD_IMAGE = 3,	/* -kernel */
	FD_STDOUT = 4,	/* COM1: the program's stdout */
	FD_STDERR = 5,	/* COM2: its stderr and the kernel's fatal messages */
	FD_LOG = 6,	/* the debug console: the kernel's log */
	FD_QMP = 7,	/* the monitor */
	FD_INITRD = 8,	/* -initrd: the file system archive, when there is one */
};

static bool kvm_check(char *why, size_t size)
{
	struct stat st;
	int fd;

	/* Read-write is what QEMU asks for: a node that refuses us (no
	 * permission) means TCG, as no node does, and so does a KVM that
	 * cannot run a Go program's instructions. */
	errno = 0;
	if (stat("/dev/kvm", &st) < 0 || !S_ISCHR(st.st_mode)) {
		snprintf(why, size, "/dev/kvm: %s", errno ? strerror(errno) : "not a device");
		return false;
	}
	fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, size, "/dev/kvm: %s", strerror(errno));
		return false;
	}
	bool runs = kvm_runs_sse(fd, why, size);
	close(fd);
	return runs;
}

/* Asked when the platform is picked and again when it boots: the probe
 * guest runs once per process, its answer kept. */
static bool kvm_usable(char *why, size_t size)
{
	static int usable = -1;
	static char reason[256];

	if (usable < 0)
		usable = kvm_check(reason, sizeof(reason));
	if (!usable)
		snprintf(why, size, "%s", reason);
	return usable;
}

static bool tcg_usable(char *why, size_t size)
{
	(void)why;
	(void)size;
	return true;
}

/* The RAM an image needs before its kernel can say "out of memory"
 * itself: every segment must land in RAM (the loader writes them there),
 * the last page rounded up. Measured: with less, the loader's writes past
 * RAM are lost and the VM triple-faults; from this size on the kernel
 * boots far enough to report the shortage (status 137). */
static uint64_t mem_minimum(const struct run_target *t)
{
	return (t->load_end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

/* QEMU copies the initrd to the top of RAM below 4 GiB (microvm keeps at
 * most 3 GiB there: measured with QEMU 7.2), page aligned: it must end up
 * above the image's segments, which it would otherwise overwrite
 * unchecked. The RAM that asks for, with a page to spare. */
#define MICROVM_MAX_BELOW_4G 0xc0000000ull
static bool initrd_fits(const struct run_target *t, uint64_t mem, uint64_t size)
{
	uint64_t below_4g = mem < MICROVM_MAX_BELOW_4G ? mem : MICROVM_MAX_BELOW_4G;
	uint64_t need = mem_minimum(t) + ((size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1)) + PAGE_SIZE;

	return need <= below_4g;
}

/* bytes as --mem takes them: in M when whole, else in K (rounded up). */
static const char *size_text(char *buf, size_t size, uint64_t bytes)
{
	if (bytes % (1ull << 20) == 0)
		snprintf(buf, size, "%lluM", (unsigned long long)(bytes >> 20));
	else
		snprintf(buf, size, "%lluK", (unsigned long long)((bytes + 1023) >> 10));
	return buf;
}

struct qemu_argv {
	char *args[48];
	int n;
	char mem[32], machine[64];
};

static void arg(struct qemu_argv *a, const char *s)
{
	if (a->n < (int)(sizeof(a->args) / sizeof(a->args[0])) - 1)
		a->args[a->n++] = (char *)s;
	a->args[a->n] = NULL;
}

static void qemu_argv_build(struct qemu_argv *a, bool kvm, uint64_t mem,
			    const char *cmdline, bool initrd)
{
	const char *qemu = getenv(QEMU_ENV);

	a->n = 0;
	arg(a, qemu && *qemu ? qemu : QEMU_DEFAULT);
	/* The wall clock: kvmclock under KVM; under TCG only the CMOS RTC
	 * has it (second resolution), so the machine gets one there. */
	snprintf(a->machine, sizeof(a->machine), "microvm,x-option-roms=off,rtc=%s",
		 kvm ? "off" : "on");
	arg(a, "-M"); arg(a, a->machine);
	arg(a, "-nodefaults"); arg(a, "-display"); arg(a, "none");
	/* A triple fault resets the CPU: end QEMU instead of booting again. */
	arg(a, "-no-reboot");
	snprintf(a->mem, sizeof(a->mem), "%lluK", (unsigned long long)(mem >> 10));
	arg(a, "-m"); arg(a, a->mem);
	if (kvm) {
		/* QEMU 7.2 with KVM fails to start without the minus. */
		arg(a, "-accel"); arg(a, "kvm");
		arg(a, "-cpu"); arg(a, "host,-arch-capabilities");
	} else {
		arg(a, "-accel"); arg(a, "tcg");
		arg(a, "-cpu"); arg(a, "max");
	}
	arg(a, "-chardev"); arg(a, "file,id=out,path=/dev/fd/4");
	arg(a, "-serial"); arg(a, "chardev:out");
	arg(a, "-chardev"); arg(a, "file,id=err,path=/dev/fd/5");
	arg(a, "-device"); arg(a, "isa-serial,chardev=err,iobase=0x2f8,irq=3");
	arg(a, "-chardev"); arg(a, "file,id=log,path=/dev/fd/6");
	arg(a, "-device"); arg(a, "isa-debugcon,iobase=0xe9,chardev=log");
	/* Ends QEMU with status (value << 1) | 1 (kvm platform's exit.c). */
	arg(a, "-device"); arg(a, "isa-debug-exit,iobase=0xf4,iosize=4");
	arg(a, "-chardev"); arg(a, "socket,id=qmp,fd=7");
	arg(a, "-mon"); arg(a, "chardev=qmp,mode=control");
	arg(a, "-kernel"); arg(a, "/dev/fd/3");
	/* The loader copies it to the top of RAM below 4 GiB and lists it
	 * in the PVH start_info's module list (platform/kvm/platform.c). */
	if (initrd) {
		arg(a, "-initrd"); arg(a, "/dev/fd/8");
	}
	arg(a, "-append"); arg(a, cmdline);
}

/* "rewire run: QEMU ARG..." on fd, words with blanks or quotes quoted. */
static void argv_print(int fd, char *const argv[])
{
	FILE *f = fdopen(dup(fd), "w");

	if (!f)
		return;
	fputs("rewire run:", f);
	for (int i = 0; argv[i]; i++) {
		if (argv[i][strcspn(argv[i], " \t\n'\"\\$")] || !argv[i][0]) {
			fputs(" '", f);
			for (const char *p = argv[i]; *p; p++)
				fputs(*p == '\'' ? "'\\''" : (char[2]){ *p, 0 }, f);
			fputc('\'', f);
		} else {
			fprintf(f, " %s", argv[i]);
		}
	}
	fputc('\n', f);
	fclose(f);
}

/* The descriptors of one run; -1 when not open. */
struct run_fds {
	int out[2], err[2];	/* pipes: QEMU writes [1], we read [0] */
	int log;		/* the log channel's file */
	int qmp[2];		/* [0] ours, [1] QEMU's */
	int null;		/* QEMU's stdin */
};

static void fd_close(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void run_fds_close(struct run_fds *f)
{
	fd_close(&f->out[0]);
	fd_close(&f->out[1]);
	fd_close(&f->err[0]);
	fd_close(&f->err[1]);
	fd_close(&f->log);
	fd_close(&f->qmp[0]);
	fd_close(&f->qmp[1]);
	fd_close(&f->null);
}

static int run_fds_open(struct run_fds *f, struct rw_error *err)
{
	*f = (struct run_fds){ { -1, -1 }, { -1, -1 }, -1, { -1, -1 }, -1 };
	if (pipe2(f->out, O_CLOEXEC) < 0 || pipe2(f->err, O_CLOEXEC) < 0 ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, f->qmp) < 0 ||
	    (f->null = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0)
		return rw_fail(err, "cannot make QEMU's pipes: %s", strerror(errno));
	if ((f->log = run_log_file(err)) < 0)
		return -1;
	return 0;
}

/* How the VM ended, once QEMU has: the exit record, else QEMU's status. */
static void end_of(const struct run_child *c, bool have_record, int record,
		   struct run_result *r)
{
	int st = c->wait_status;

	if (have_record) {
		r->end = RUN_END_EXIT;
		r->status = record;
	} else if (WIFSIGNALED(st)) {
		r->end = RUN_END_VMM_KILLED;
		r->signal = WTERMSIG(st);
	} else if (WEXITSTATUS(st) == 0) {
		/* -no-reboot: a reset (a triple fault) ends QEMU with 0. */
		r->end = RUN_END_VM_RESET;
	} else if (WEXITSTATUS(st) & 1 && WEXITSTATUS(st) > 1) {
		/* Another PVH kernel's isa-debug-exit, without a record. */
		r->end = RUN_END_EXIT;
		r->status = (WEXITSTATUS(st) - 1) / 2;
	} else {
		r->end = RUN_END_VMM_FAILED;
		r->status = WEXITSTATUS(st);
	}
}

static int qemu_boot(const struct run_platform *p, const struct run_target *t,
		     const struct run_options *o, struct run_result *r,
		     struct rw_error *err)
{
	bool kvm = p == &run_platform_kvm;
	struct run_child c = { .pid = -1, .sigfd = -1 };
	struct qemu_argv a;
	struct run_fds f;
	sigset_t mask;
	char *cmdline = NULL, why[256], image_path[64];
	uint64_t start, deadline = 0;
	int exec_errno, signo = 0, record = 0, rc = -1, how;
	bool have_record;

	memset(r, 0, sizeof(*r));
	r->error_kind = RUN_ERROR_RUNNER;
	if (t->kind != RUN_KIND_PVH) {
		r->error_kind = RUN_ERROR_IMAGE;
		return rw_fail(err, "%s is a hosted image, not a PVH one: run it with --platform hosted (or as it is: ./IMAGE ARGS)",
			       t->name);
	}
	if (o->mem < mem_minimum(t)) {
		char have[32], need[32];

		r->error_kind = RUN_ERROR_IMAGE;
		return rw_fail(err, "%s does not fit in --mem %s: its segments end at 0x%llx; it needs --mem %s at the very least (its kernel then reports a shortage itself), a Go program a few MiB more",
			       t->name, size_text(have, sizeof(have), o->mem),
			       (unsigned long long)t->load_end,
			       size_text(need, sizeof(need), mem_minimum(t)));
	}
	if (o->fs && !initrd_fits(t, o->mem, o->fs->size)) {
		char have[32];

		r->error_kind = RUN_ERROR_IMAGE;
		return rw_fail(err, "%s with its file system archive of %llu bytes (--dir) does not fit in --mem %s: QEMU puts the archive below 3 GiB, above the image's segments (they end at 0x%llx); give more --mem, or fewer files",
			       t->name, (unsigned long long)o->fs->size,
			       size_text(have, sizeof(have), o->mem),
			       (unsigned long long)t->load_end);
	}
	if (kvm && !kvm_usable(why, sizeof(why)))
		return rw_fail(err, "--platform kvm: %s (--platform tcg runs without it)", why);
	if (run_cmdline_build(o, &cmdline, err) < 0)
		return -1;
	if (run_fds_open(&f, err) < 0)
		goto out;
	qemu_argv_build(&a, kvm, o->mem, cmdline, o->fs != NULL);
	if (o->verbose)
		argv_print(o->log_fd, a.args);

	const struct run_child_fd map[] = {
		{ f.null, 0 }, { o->err_fd, 1 }, { o->err_fd, 2 },
		{ t->fd, FD_IMAGE }, { f.out[1], FD_STDOUT }, { f.err[1], FD_STDERR },
		{ f.log, FD_LOG }, { f.qmp[1], FD_QMP },
		{ o->fs ? o->fs->fd : -1, FD_INITRD }, /* last: left out without */
	};
	size_t nmap = sizeof(map) / sizeof(map[0]) - (o->fs ? 0 : 1);
	/* The pumps own the read ends from here (run_child_close). */
	c.pumps[0].from = f.out[0];
	c.pumps[0].to = o->out_fd;
	c.pumps[1].from = f.err[0];
	c.pumps[1].to = o->err_fd;
	c.npumps = 2;
	f.out[0] = f.err[0] = -1;
	run_child_mask(&mask);
	start = run_now_ns();
	const struct run_child_exec x = { .argv = a.args };
	if (run_child_start(&c, &x, map, nmap, &mask, &exec_errno, err) < 0) {
		if (exec_errno) {
			r->error_kind = RUN_ERROR_NO_VMM;
			rw_wrap(err, "QEMU (%s, or $%s): ", QEMU_DEFAULT, QEMU_ENV);
		}
		goto out;
	}
	/* Only QEMU keeps the write ends: its exit is our end of file. */
	fd_close(&f.out[1]);
	fd_close(&f.err[1]);
	fd_close(&f.qmp[1]);

	if (o->timeout)
		deadline = start + (uint64_t)o->timeout * 1000000000ull;
	how = run_watch(&c, deadline, &signo, err);
	if (how < 0) {
		run_child_kill(&c);
		goto out;
	}
	if (how == RUN_WATCH_DEADLINE) {
		struct rw_error dump_err;

		snprintf(image_path, sizeof(image_path), "/proc/self/fd/%d", t->fd);
		r->dump = qemu_dump(f.qmp[0], image_path,
				    run_now_ns() + DUMP_SECONDS * 1000000000ull, &dump_err);
	}
	run_child_kill(&c);
	r->seconds = (double)(run_now_ns() - start) / 1e9;
	if (how == RUN_WATCH_SIGNAL || c.late_signal) {
		r->end = RUN_END_SIGNAL;
		r->signal = signo ? signo : c.late_signal;
		rc = 0;
		goto out;
	}
	have_record = qemu_log_finish(f.log, o->log_fd, &record);
	if (how == RUN_WATCH_DEADLINE && !have_record)
		r->end = RUN_END_TIMEOUT;
	else
		end_of(&c, have_record, record, r);
	rc = 0;
out:
	run_child_close(&c);
	run_fds_close(&f);
	free(cmdline);
	return rc;
}

const struct run_platform run_platform_kvm = {
	.name = "kvm",
	.summary = "QEMU microvm with KVM (needs /dev/kvm)",
	.vmm = "QEMU",
	.image_platform = "kvm",
	.kind = RUN_KIND_PVH,
	.usable = kvm_usable,
	.boot = qemu_boot,
};

const struct run_platform run_platform_tcg = {
	.name = "tcg",
	.summary = "QEMU microvm under TCG, its emulator: no /dev/kvm needed",
	.vmm = "QEMU",
	.image_platform = "kvm",
	.kind = RUN_KIND_PVH,
	.usable = tcg_usable,
	.boot = qemu_boot,
};
