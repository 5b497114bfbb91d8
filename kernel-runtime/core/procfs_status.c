/* /proc/PID/status and /proc/PID/stat: the process as Linux 6.1's
 * fs/proc/array.c shows it, from what the kernel knows (its threads, the
 * signal dispositions and the first thread's mask and pending signals,
 * the memory of vm_usage and the image, limits, CPUs, page faults, CPU
 * time); what it has no notion of (capabilities, NUMA nodes, context
 * switches of a thread) reads as Linux shows it for a root process
 * without them. */
#include "procfs_text.h"

#include "fs_node.h"
#include "kernel.h"
#include "kstring.h"
#include "linux_abi.h"
#include "platform.h"
#include "process.h"
#include "sched.h"
#include "signals.h"
#include "thread.h"
#include "vm.h"

/* Linux's clock tick (USER_HZ), stat's unit of time. */
#define TICK_NS 10000000ull
/* The 41 capabilities of Linux 6.1: root's. */
#define ROOT_CAPS 0x1ffffffffffull
/* The width of Mems_allowed: MAX_NUMNODES of distributions' kernels. */
#define NODE_BITS 1024

struct process_view {
	/* The first thread's (the pid's): its name is the command's, as
	 * Linux's comm. */
	struct thread_view leader;
	unsigned threads, cpus;
	uint64_t ignored, caught;
	struct vm_usage vm;
	struct image_layout image;
};

static void view_make(struct process_view *v)
{
	*v = (struct process_view){ .threads = thread_live_count(),
				    .cpus = platform_cpu_count() };
	/* Linux shows the thread group's leader; gone, the caller. */
	if (!thread_describe(KCORE_PID, &v->leader))
		thread_describe(thread_id(), &v->leader);
	if (v->cpus > KCORE_MAX_CPUS)
		v->cpus = KCORE_MAX_CPUS;
	for (int sig = 1; sig <= KSIG_MAX; sig++) {
		struct ksigaction a;
		if (signal_action(sig, NULL, &a, sizeof(uint64_t)))
			continue;
		if (a.handler == SIG_IGN)
			v->ignored |= 1ull << (sig - 1);
		else if (a.handler != SIG_DFL)
			v->caught |= 1ull << (sig - 1);
	}
	vm_usage(&v->vm);
	procfs_image_layout(&v->image);
}

/* VmExe: the span of the program's code, as Linux counts it. */
static uint64_t text_bytes(const struct image_layout *image)
{
	uint64_t start = image->start_code & ~PAGE_MASK;
	uint64_t end = (image->end_code + PAGE_MASK) & ~PAGE_MASK;

	return end > start ? end - start : 0;
}

static void label(struct proc_text *t, const char *name)
{
	proc_text_str(t, name);
	proc_text_str(t, ":\t");
}

static void line_dec(struct proc_text *t, const char *name, uint64_t v)
{
	label(t, name);
	proc_text_dec(t, v, 0);
	proc_text_char(t, '\n');
}

static void line_str(struct proc_text *t, const char *name, const char *text)
{
	label(t, name);
	proc_text_str(t, text);
	proc_text_char(t, '\n');
}

/* Name: the command, its newlines and backslashes escaped, as Linux's. */
static void line_name(struct proc_text *t, const char *comm)
{
	label(t, "Name");
	for (const char *c = comm; *c; c++) {
		if (*c == '\n' || *c == '\\')
			proc_text_char(t, '\\');
		proc_text_char(t, *c == '\n' ? 'n' : *c);
	}
	proc_text_char(t, '\n');
}

/* Umask: in octal, four digits ("%#04o"). */
static void line_umask(struct proc_text *t, uint32_t mask)
{
	label(t, "Umask");
	proc_text_char(t, '0');
	for (int shift = 6; shift >= 0; shift -= 3)
		proc_text_char(t, (char)('0' + (mask >> shift & 7)));
	proc_text_char(t, '\n');
}

static void line_kb(struct proc_text *t, const char *name, uint64_t bytes)
{
	label(t, name);
	proc_text_dec(t, bytes >> 10, 8);
	proc_text_str(t, " kB\n");
}

static void line_mask(struct proc_text *t, const char *name, uint64_t mask)
{
	label(t, name);
	proc_text_hex(t, mask, 16);
	proc_text_char(t, '\n');
}

/* A bitmap of nbits bits (those past 64 clear) as Linux's "%*pb": 32-bit
 * chunks in hex, the highest first, comma-separated, the first only as
 * wide as its bits need. */
static void line_bitmap(struct proc_text *t, const char *name, uint64_t bits,
			unsigned nbits)
{
	unsigned width = (nbits % 32 ? nbits % 32 : 32) + 3;

	label(t, name);
	for (unsigned at = (nbits + 31) / 32 * 32; at > 0; at -= 32, width = 32) {
		uint64_t chunk = at - 32 < 64 ? bits >> (at - 32) & 0xffffffffull : 0;
		proc_text_hex(t, chunk, width / 4);
		if (at > 32)
			proc_text_char(t, ',');
	}
	proc_text_char(t, '\n');
}

/* Bits 0 .. n - 1 as Linux's "%*pbl". */
static void line_first_n(struct proc_text *t, const char *name, unsigned n)
{
	label(t, name);
	proc_text_dec(t, 0, 0);
	if (n > 1) {
		proc_text_char(t, '-');
		proc_text_dec(t, n - 1, 0);
	}
	proc_text_char(t, '\n');
}

static void status_memory(struct proc_text *t, const struct process_view *v)
{
	const struct image_layout *image = &v->image;
	uint64_t text = text_bytes(image), exec = v->vm.exec + image->exec;

	/* The image counts as resident: the platform loaded it whole. */
	line_kb(t, "VmPeak", v->vm.mapped_peak + image->mapped);
	line_kb(t, "VmSize", v->vm.mapped + image->mapped);
	line_kb(t, "VmLck", 0);
	line_kb(t, "VmPin", 0);
	line_kb(t, "VmHWM", v->vm.resident_peak + image->mapped);
	line_kb(t, "VmRSS", v->vm.resident + image->mapped);
	line_kb(t, "RssAnon", v->vm.resident + image->mapped - image->file);
	line_kb(t, "RssFile", image->file);
	line_kb(t, "RssShmem", 0);
	line_kb(t, "VmData", v->vm.data + image->writable);
	line_kb(t, "VmStk", v->vm.stack);
	line_kb(t, "VmExe", text);
	line_kb(t, "VmLib", exec > text ? exec - text : 0);
	line_kb(t, "VmPTE", 0);
	line_kb(t, "VmSwap", 0);
	line_kb(t, "HugetlbPages", 0);
}

static void status_signals(struct proc_text *t, const struct process_view *v)
{
	struct krlimit queue;
	unsigned queued = 0;

	process_rlimit(0, RLIMIT_SIGPENDING, NULL, &queue);
	label(t, "SigQ");
	for (uint64_t pending = v->leader.sigpending; pending; pending &= pending - 1)
		queued++;
	proc_text_dec(t, queued, 0);
	proc_text_char(t, '/');
	proc_text_dec(t, queue.cur, 0);
	proc_text_char(t, '\n');
	line_mask(t, "SigPnd", v->leader.sigpending);
	line_mask(t, "ShdPnd", 0); /* signals go to a thread each */
	line_mask(t, "SigBlk", v->leader.sigmask);
	line_mask(t, "SigIgn", v->ignored);
	line_mask(t, "SigCgt", v->caught);
}

void procfs_status_write(struct proc_text *t)
{
	struct process_view v;

	view_make(&v);
	line_name(t, v.leader.name);
	line_umask(t, fs_umask_get());
	line_str(t, "State", v.leader.runnable ? "R (running)" : "S (sleeping)");
	line_dec(t, "Tgid", KCORE_PID);
	line_dec(t, "Ngid", 0);
	line_dec(t, "Pid", KCORE_PID);
	line_dec(t, "PPid", 0);
	line_dec(t, "TracerPid", 0);
	line_str(t, "Uid", "0\t0\t0\t0");
	line_str(t, "Gid", "0\t0\t0\t0");
	line_dec(t, "FDSize", KCORE_NOFILE); /* the descriptor table's size */
	line_str(t, "Groups", " "); /* none, and Linux's trailing space */
	line_dec(t, "NStgid", KCORE_PID);
	line_dec(t, "NSpid", KCORE_PID);
	line_dec(t, "NSpgid", KCORE_PID);
	line_dec(t, "NSsid", KCORE_PID);
	status_memory(t, &v);
	line_dec(t, "CoreDumping", 0);
	line_dec(t, "THP_enabled", 0);
	line_dec(t, "Threads", v.threads);
	status_signals(t, &v);
	line_mask(t, "CapInh", 0);
	line_mask(t, "CapPrm", ROOT_CAPS);
	line_mask(t, "CapEff", ROOT_CAPS);
	line_mask(t, "CapBnd", ROOT_CAPS);
	line_mask(t, "CapAmb", 0);
	line_dec(t, "NoNewPrivs", 1); /* what prctl's PR_GET_NO_NEW_PRIVS says */
	line_dec(t, "Seccomp", 0);
	line_dec(t, "Seccomp_filters", 0);
	line_str(t, "Speculation_Store_Bypass", "unknown");
	line_str(t, "SpeculationIndirectBranch", "unknown");
	line_bitmap(t, "Cpus_allowed", v.cpus >= 64 ? ~0ull : (1ull << v.cpus) - 1, v.cpus);
	line_first_n(t, "Cpus_allowed_list", v.cpus);
	line_bitmap(t, "Mems_allowed", 1, NODE_BITS);
	line_first_n(t, "Mems_allowed_list", 1);
	line_dec(t, "voluntary_ctxt_switches", 0);
	line_dec(t, "nonvoluntary_ctxt_switches", 0);
}

void procfs_stat_write(struct proc_text *t)
{
	struct process_view v;
	struct kcore_counters counters;
	struct krlimit rss;
	const uint64_t low = 0x7fffffff; /* stat's signal sets: their low 31 bits */

	view_make(&v);
	kcore_counters(&counters);
	process_rlimit(0, RLIMIT_RSS, NULL, &rss);
	/* Fields 9 to 52; the program starts with the kernel (starttime 0);
	 * what it has no notion of is 0, as Linux's for a field it hides. */
	const uint64_t fields[] = {
		0, counters.page_faults, 0, 0, 0,       /* flags, minflt, cminflt, majflt, cmajflt */
		process_cpu_ns() / TICK_NS, 0, 0, 0,    /* utime, stime, cutime, cstime */
		20, 0, v.threads, 0, 0,                 /* priority, nice, threads, itrealvalue, starttime */
		v.vm.mapped + v.image.mapped,           /* vsize */
		(v.vm.resident + v.image.mapped) / PAGE_SIZE, rss.cur, /* rss, rsslim */
		v.image.start_code, v.image.end_code, 0, 0, 0, /* ..., startstack, kstkesp, kstkeip */
		v.leader.sigpending & low, v.leader.sigmask & low, v.ignored & low, v.caught & low,
		0, 0, 0, 17, v.leader.cpu, 0, 0, 0, 0, 0, /* wchan ... exit_signal, processor ... cguest_time */
		v.image.start_data, v.image.end_data, 0, /* start_data, end_data, start_brk */
		0, 0, 0, 0, 0,                          /* arg_start ... env_end, exit_code */
	};
	_Static_assert(sizeof(fields) / sizeof(fields[0]) == 52 - 8, "stat has 52 fields");

	proc_text_dec(t, KCORE_PID, 0);
	proc_text_str(t, " (");
	proc_text_str(t, v.leader.name);
	proc_text_str(t, v.leader.runnable ? ") R 0 " : ") S 0 ");
	proc_text_dec(t, KCORE_PID, 0); /* pgrp, session: the only process's */
	proc_text_char(t, ' ');
	proc_text_dec(t, KCORE_PID, 0);
	proc_text_str(t, " 0 -1"); /* no terminal */
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		proc_text_char(t, ' ');
		proc_text_dec(t, fields[i], 0);
	}
	proc_text_char(t, '\n');
}
