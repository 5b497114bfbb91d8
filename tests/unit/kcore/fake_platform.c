/* The fake platform behind the core's host tests (see fake_platform.h).
 * Contexts: a context the core saved (platform_switch, or a timer
 * interrupt's frame) is marked by CAPTURED_RIP and names its fiber in rbx;
 * any other context is a new thread whose rip is a fake_entry function,
 * started on a fiber of its own. */
#include "fake_platform.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>

#include "boot.h"
#include "kernel.h"
#include "sched.h"

#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/common_interface_defs.h>
#endif

#define CAPTURED_RIP 0xffffffffdeadf00dull
#define FIBER_STACK (256 * 1024)
#define MAX_PAGES 16384

struct fake fake;

struct fiber {
	ucontext_t uc;
	char *stack; /* NULL: the test's own stack */
	struct platform_regs start;
	struct fiber *next;
	void *asan_fake_stack;
	const void *bottom;
	size_t size;
};

struct fake_page {
	uintptr_t va;
	uint64_t pa;
	unsigned prot;
};

static struct fiber main_fiber;
static struct fiber *current = &main_fiber, *previous, *fibers;
static struct fake_page pages[MAX_PAGES];
static size_t page_count;
static char *arena;
static uint64_t arena_base, arena_end;
static void *cpu_local;

/* --- fibers --- */

static void asan_leave(struct fiber *from, struct fiber *to)
{
#ifdef __SANITIZE_ADDRESS__
	__sanitizer_start_switch_fiber(&from->asan_fake_stack, to->bottom,
				       to->size);
#else
	(void)from;
	(void)to;
#endif
}

static void asan_arrive(struct fiber *me)
{
#ifdef __SANITIZE_ADDRESS__
	const void *bottom;
	size_t size;
	__sanitizer_finish_switch_fiber(me->asan_fake_stack, &bottom, &size);
	/* The test's stack bounds are learnt when it is first left. */
	if (previous && !previous->bottom) {
		previous->bottom = bottom;
		previous->size = size;
	}
#else
	(void)me;
#endif
}

static void land_in_main_after_exit(void)
{
	if (fake.exited && current == &main_fiber && fake.exit_armed)
		longjmp(fake.exit_jmp, 1);
}

static void fiber_switch(struct fiber *to)
{
	struct fiber *from = current;
	previous = from;
	current = to;
	asan_leave(from, to);
	swapcontext(&from->uc, &to->uc);
	asan_arrive(from);
	land_in_main_after_exit();
}

static void fiber_main(void)
{
	struct fiber *me = current;
	asan_arrive(me);
	fake.irq_off = false; /* a new context starts with interrupts on */
	((fake_entry *)me->start.rip)(&me->start);
	thread_exit(0);
}

/* Apart, so that getcontext's "returns twice" touches no local of the
 * caller (it never does return twice: makecontext replaces the context). */
static __attribute__((noinline)) void fiber_make(struct fiber *f)
{
	getcontext(&f->uc);
	f->uc.uc_stack.ss_sp = f->stack;
	f->uc.uc_stack.ss_size = FIBER_STACK;
	f->uc.uc_link = NULL;
	makecontext(&f->uc, fiber_main, 0);
}

/* The fiber that resumes context r: its own, or a new one. */
static struct fiber *fiber_of(const struct platform_regs *r)
{
	if (r->rip == CAPTURED_RIP)
		return (struct fiber *)(uintptr_t)r->rbx;
	struct fiber *f = calloc(1, sizeof(*f));
	f->stack = malloc(FIBER_STACK);
	f->bottom = f->stack;
	f->size = FIBER_STACK;
	f->start = *r;
	fiber_make(f);
	f->next = fibers;
	fibers = f;
	return f;
}

/* rflags: interrupts on (0x202) for a program context a tick or fault
 * interrupted, off (0x002) for the kernel's own, as on kvm. */
static void capture(struct platform_regs *r, uint64_t rflags)
{
	memset(r, 0, sizeof(*r));
	r->rip = CAPTURED_RIP;
	r->rbx = (uintptr_t)current;
	r->rflags = rflags;
}

/* --- the platform --- */

void platform_regs_init(struct platform_regs *regs, uint64_t rip, uint64_t rsp)
{
	memset(regs, 0, sizeof(*regs));
	regs->rip = rip;
	regs->rsp = rsp;
	regs->cs = 0x08;
	regs->ss = 0x10;
	regs->rflags = 0x202;
}

/* As on kvm: program contexts have interrupts on. */
bool platform_regs_in_program(const struct platform_regs *regs)
{
	return regs->rflags & 0x200;
}

int platform_program_gs_base(bool set, uint64_t *base)
{
	(void)set;
	(void)base;
	return -1;
}

void platform_switch(struct platform_regs *save, const struct platform_regs *to,
		     int *released)
{
	if (!fake.irq_off)
		fake.violations++;
	struct fiber *target = fiber_of(to);
	capture(save, 0x002);
	if (released)
		__atomic_store_n(released, 0, __ATOMIC_RELEASE);
	fiber_switch(target);
	fake.irq_off = true; /* resumed in the middle of the kernel */
}

static void interrupt(void (*hook)(struct platform_regs *), unsigned vector)
{
	struct fiber *me = current;
	struct platform_regs regs;

	if (fake.irq_off)
		fake.violations++;
	capture(&regs, 0x202);
	regs.vector = vector;
	fake.irq_off = true;
	hook(&regs);
	if (regs.rip != CAPTURED_RIP || regs.rbx != (uintptr_t)me)
		fiber_switch(fiber_of(&regs));
	fake.irq_off = false; /* the interrupted context had them on */
}

static void text_append(struct fake_text *t, const char *buf, size_t len)
{
	if (t->len + len + 1 > t->cap) {
		t->cap = (t->len + len + 1) * 2;
		t->buf = realloc(t->buf, t->cap);
	}
	memcpy(t->buf + t->len, buf, len);
	t->len += len;
	t->buf[t->len] = 0;
	if (getenv("KCORE_TEST_VERBOSE"))
		fwrite(buf, 1, len, stderr);
}

static void text_vprintf(struct fake_text *t, const char *fmt, va_list ap)
{
	char buf[4096];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	text_append(t, buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

static int text_count(const struct fake_text *t, const char *needle)
{
	int n = 0;
	for (const char *p = t->buf ? t->buf : ""; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* The options a platform may declare: one, so that tests see the core
 * accept a platform's option it does not know itself. */
const char *const platform_options[] = { FAKE_OPTION, NULL };

long platform_console_write(enum platform_stream stream, const char *buf,
			    size_t len)
{
	if (stream == PLATFORM_STDOUT && fake.stdout_closed)
		return -32; /* EPIPE */
	text_append(stream == PLATFORM_STDERR ? &fake.console_err : &fake.console,
		    buf, len);
	return (long)len;
}

long platform_console_read(void *buf, size_t len)
{
	size_t n = fake.input_len - fake.input_pos;

	if (fake.input_later)
		return -11; /* EAGAIN */
	if (n > len)
		n = len;
	if (n)
		memcpy(buf, fake.input + fake.input_pos, n);
	fake.input_pos += n;
	return (long)n;
}

void fake_console_input(void)
{
	unsigned long flags = platform_irq_save();

	fake.input_later = false;
	kcore_console_input();
	platform_irq_restore(flags);
}

/* The kernel's messages: the stderr stream. */
static void console_vprintf(const char *fmt, va_list ap)
{
	text_vprintf(&fake.console_err, fmt, ap);
}

void platform_log(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	text_vprintf(&fake.log, fmt, ap);
	va_end(ap);
}

void platform_printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	console_vprintf(fmt, ap);
	va_end(ap);
}

void platform_exit(int status)
{
	fake.exited = true;
	fake.exit_status = status;
	if (!fake.exit_armed) {
		fprintf(stderr, "fake platform: unexpected exit with status %d; "
				"stdout:\n%s\nstderr:\n%s\n",
			status, fake_console(), fake_stderr());
		abort();
	}
	if (current == &main_fiber)
		longjmp(fake.exit_jmp, 1);
	/* The test's stack resumes where it last left, sees the exit and
	 * jumps back to FAKE_EXPECT_EXIT. This fiber is never resumed. */
	fiber_switch(&main_fiber);
	abort();
}

void platform_exit_signal(int sig)
{
	platform_exit(128 + sig);
}

void platform_panic(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	platform_printf("panic: %s:%d: ", file, line);
	va_start(ap, fmt);
	console_vprintf(fmt, ap);
	va_end(ap);
	platform_printf("\n");
	platform_exit(PLATFORM_EXIT_CRASH);
}

const char *platform_cmdline(void)
{
	return fake.cfg.cmdline;
}

int platform_memory_regions(struct platform_mem_region *out, int max)
{
	int n = fake.cfg.ram_count < max ? fake.cfg.ram_count : max;
	memcpy(out, fake.cfg.ram, (size_t)n * sizeof(*out));
	return n;
}

uint64_t platform_image_end(void)
{
	return fake.cfg.image_end;
}

void *platform_phys_to_virt(uint64_t pa)
{
	if (pa < arena_base || pa >= arena_end) {
		fprintf(stderr, "fake platform: physical address %#lx is not RAM\n",
			(unsigned long)pa);
		abort();
	}
	return arena + (pa - arena_base);
}

void platform_vm_range(uintptr_t *start, uintptr_t *end)
{
	*start = fake.cfg.vm_start;
	*end = fake.cfg.vm_end;
}

void platform_program(struct platform_program *out)
{
	*out = fake.cfg.program;
}

uint64_t platform_monotonic_ns(void)
{
	return fake.now_ns;
}

uint64_t platform_wall_ns(void)
{
	return fake.wall_base_ns + fake.now_ns;
}

void platform_set_timer_hook(void (*hook)(struct platform_regs *))
{
	fake.timer_hook = hook;
}

void platform_timer_arm(uint64_t deadline_ns)
{
	fake.timer_armed = true;
	fake.timer_deadline = deadline_ns;
	fake.timer_arms++;
}

void platform_timer_cancel(void)
{
	fake.timer_armed = false;
}

unsigned long platform_irq_save(void)
{
	unsigned long was_off = fake.irq_off;
	fake.irq_off = true;
	return was_off;
}

void platform_irq_restore(unsigned long flags)
{
	fake.irq_off = flags != 0;
}

void platform_wait_for_interrupt(void)
{
	if (!fake.irq_off)
		fake.violations++;
	if (!fake.timer_armed)
		platform_exit(FAKE_HANG);
	if (fake.timer_deadline > fake.now_ns)
		fake.now_ns = fake.timer_deadline;
	fake.irq_off = false;
	fake_timer_interrupt();
	fake.irq_off = true;
}

void platform_cpu_relax(void)
{
}

void platform_set_exception_hook(int (*hook)(struct platform_regs *, uint64_t))
{
	fake.exception_hook = hook;
}

void platform_set_syscall_hook(long (*hook)(struct platform_regs *))
{
	fake.syscall_hook = hook;
}

void platform_set_syscall_stack(void *top)
{
	fake.syscall_stack = top;
}

size_t platform_xsave_size(void)
{
	return fake.cfg.xsave_size;
}

void platform_xsave_init(void *area)
{
	memset(area, 0x5a, fake.cfg.xsave_size);
}

void platform_xsave(void *area)
{
	fake.xsaves++;
	fake.last_xsave = area;
}

void platform_xrstor(const void *area)
{
	fake.xrstors++;
	fake.last_xrstor = area;
}

void platform_set_fs_base(uint64_t base)
{
	fake.fs_base = base;
}

unsigned platform_cpu_id(void)
{
	return 0;
}

unsigned platform_cpu_count(void)
{
	return fake.cfg.cpus;
}

void *platform_cpu_local(void)
{
	return cpu_local;
}

void platform_set_cpu_local(void *p)
{
	cpu_local = p;
}

void platform_cpu_kick(unsigned cpu)
{
	(void)cpu;
	fake.kicks++;
}

void platform_frames_zero(uint64_t pa, size_t count)
{
	memset(platform_phys_to_virt(pa), 0, count * 4096);
}

static struct fake_page *page_find(uintptr_t va)
{
	for (size_t i = 0; i < page_count; i++)
		if (pages[i].va == va)
			return &pages[i];
	return NULL;
}

int platform_pages_map(uintptr_t va, uint64_t pa, size_t count, unsigned prot)
{
	if (va & 0xfff || pa & 0xfff || va < fake.cfg.vm_start ||
	    count > (fake.cfg.vm_end - va) / 4096) {
		fprintf(stderr, "fake platform: bad pages_map(%#lx, %#lx, %zu)\n",
			(unsigned long)va, (unsigned long)pa, count);
		abort();
	}
	for (size_t i = 0; i < count; i++)
		if (page_find(va + i * 4096))
			return -17;
	if (page_count + count > MAX_PAGES)
		return -12;
	for (size_t i = 0; i < count; i++)
		pages[page_count++] = (struct fake_page){ va + i * 4096,
							  pa + i * 4096, prot };
	fake.map_calls++;
	return 0;
}

void platform_pages_unmap(uintptr_t start, uintptr_t end,
			  void (*release)(uint64_t pa, void *arg), void *arg)
{
	for (size_t i = 0; i < page_count;) {
		if (pages[i].va >= start && pages[i].va < end) {
			uint64_t pa = pages[i].pa;
			pages[i] = pages[--page_count];
			release(pa, arg);
		} else {
			i++;
		}
	}
}

void platform_pages_protect(uintptr_t start, uintptr_t end, unsigned prot)
{
	for (size_t i = 0; i < page_count; i++)
		if (pages[i].va >= start && pages[i].va < end)
			pages[i].prot = prot;
}

int platform_random(void *buf, size_t len)
{
	fake.random_calls++;
	if (fake.cfg.no_random)
		return -1;
	for (size_t i = 0; i < len; i++)
		((unsigned char *)buf)[i] = (unsigned char)(0xa0 + i);
	return 0;
}

bool platform_fs_archive(const void **data, size_t *len)
{
	if (!fake.cfg.fs_archive)
		return false;
	*data = fake.cfg.fs_archive;
	*len = fake.cfg.fs_archive_len;
	return true;
}

/* --- for the tests --- */

void fake_fs_archive(const void *data, size_t len)
{
	fake.cfg.fs_archive = data;
	fake.cfg.fs_archive_len = data ? len : 0;
}

void fake_reset(const struct fake_config *cfg)
{
	struct fiber *f, *next;

	if (current != &main_fiber) {
		fprintf(stderr, "fake platform: reset from a thread\n");
		abort();
	}
	for (f = fibers; f; f = next) {
		next = f->next;
		free(f->stack);
		free(f);
	}
	fibers = NULL;
	previous = NULL;
	free(fake.console.buf);
	free(fake.console_err.buf);
	free(fake.log.buf);
	free(arena);
	memset(&fake, 0, sizeof(fake));
	page_count = 0;
	cpu_local = NULL;

	if (cfg)
		fake.cfg = *cfg;
	if (!fake.cfg.ram_count) {
		fake.cfg.ram[0] = (struct platform_mem_region){ 1 << 20, 8 << 20 };
		fake.cfg.ram_count = 1;
	}
	if (!fake.cfg.vm_end) {
		fake.cfg.vm_start = 1ull << 32;
		fake.cfg.vm_end = (1ull << 47) - (1ull << 16);
	}
	if (!fake.cfg.cmdline)
		fake.cfg.cmdline = "";
	if (!fake.cfg.xsave_size)
		fake.cfg.xsave_size = 1024;
	if (!fake.cfg.cpus)
		fake.cfg.cpus = 1;
	arena_base = UINT64_MAX;
	arena_end = 0;
	for (int i = 0; i < fake.cfg.ram_count; i++) {
		const struct platform_mem_region *r = &fake.cfg.ram[i];
		if (r->base < arena_base)
			arena_base = r->base;
		if (r->base + r->size > arena_end)
			arena_end = r->base + r->size;
	}
	arena_base &= ~0xfffull;
	arena = aligned_alloc(4096, arena_end - arena_base);
	memset(arena, 0xcc, arena_end - arena_base); /* frames start dirty */
	fake.now_ns = 1000000000;         /* 1 s after boot */
	fake.wall_base_ns = 1700000000ull * 1000000000ull;
}

int fake_boot(const struct fake_config *cfg)
{
	fake_reset(cfg);
	return kcore_init();
}

void fake_run(void)
{
	if (current != &main_fiber)
		fail_msg("fake_run outside the test's stack");
	sched_idle_step();
}

void fake_advance(uint64_t ns)
{
	fake.now_ns += ns;
}

bool fake_timer_interrupt(void)
{
	if (!fake.timer_armed || fake.timer_deadline > fake.now_ns)
		return false;
	fake.timer_armed = false;
	interrupt(fake.timer_hook, PLATFORM_VECTOR_TIMER);
	return true;
}

void fake_run_timers(uint64_t limit_ns)
{
	uint64_t until = fake.now_ns + limit_ns;

	for (;;) {
		fake_run();
		if (!fake.timer_armed || fake.timer_deadline > until)
			break;
		if (fake.timer_deadline > fake.now_ns)
			fake.now_ns = fake.timer_deadline;
		fake_timer_interrupt();
	}
}

long fake_syscall_at(fake_entry *rip, long nr, long a0, long a1, long a2,
		     long a3, long a4, long a5)
{
	struct platform_regs regs;
	bool was_off = fake.irq_off;

	platform_regs_init(&regs, (uintptr_t)rip, 0x7ffff000);
	regs.vector = PLATFORM_VECTOR_SYSCALL;
	regs.rax = (uint64_t)nr;
	regs.rdi = (uint64_t)a0;
	regs.rsi = (uint64_t)a1;
	regs.rdx = (uint64_t)a2;
	regs.r10 = (uint64_t)a3;
	regs.r8 = (uint64_t)a4;
	regs.r9 = (uint64_t)a5;
	fake.irq_off = true; /* SYSCALL clears IF */
	long result = fake.syscall_hook(&regs);
	fake.irq_off = was_off;
	return result;
}

long fake_syscall_frame(struct platform_regs *regs)
{
	bool was_off = fake.irq_off;

	regs->vector = PLATFORM_VECTOR_SYSCALL;
	fake.irq_off = true;
	regs->rax = (uint64_t)fake.syscall_hook(regs);
	fake.irq_off = was_off;
	return (long)regs->rax;
}

long fake_syscall(long nr, long a0, long a1, long a2, long a3, long a4, long a5)
{
	return fake_syscall_at(NULL, nr, a0, a1, a2, a3, a4, a5);
}

int fake_page_fault(uintptr_t addr, bool write)
{
	struct platform_regs regs;
	bool was_off = fake.irq_off;

	capture(&regs, 0x202);
	regs.vector = PLATFORM_VECTOR_PAGE_FAULT;
	regs.error = write ? PLATFORM_PF_WRITE : 0;
	fake.irq_off = true;
	int handled = fake.exception_hook(&regs, addr);
	fake.irq_off = was_off;
	return handled;
}

long fake_thread(fake_entry *fn, uint64_t arg)
{
	struct kcore_thread_start start = { .rip = (uintptr_t)fn,
					    .rsp = 0x7fff0000, .arg = arg };
	return thread_create(&start);
}

bool fake_page(uintptr_t va, uint64_t *pa, unsigned *prot)
{
	struct fake_page *p = page_find(va & ~0xfffull);
	if (p && pa)
		*pa = p->pa;
	if (p && prot)
		*prot = p->prot;
	return p != NULL;
}

size_t fake_page_count(void)
{
	return page_count;
}

void *fake_va(uintptr_t va)
{
	uint64_t pa;
	if (!fake_page(va, &pa, NULL)) {
		fprintf(stderr, "fake platform: %#lx is not mapped\n",
			(unsigned long)va);
		abort();
	}
	return platform_phys_to_virt(pa + (va & 0xfff));
}

const char *fake_console(void)
{
	return fake.console.buf ? fake.console.buf : "";
}

int fake_console_count(const char *needle)
{
	return text_count(&fake.console, needle);
}

const char *fake_stderr(void)
{
	return fake.console_err.buf ? fake.console_err.buf : "";
}

int fake_stderr_count(const char *needle)
{
	return text_count(&fake.console_err, needle);
}

const char *fake_log(void)
{
	return fake.log.buf ? fake.log.buf : "";
}

int fake_log_count(const char *needle)
{
	return text_count(&fake.log, needle);
}

void fake_console_clear(void)
{
	fake.console.len = 0;
	if (fake.console.buf)
		fake.console.buf[0] = 0;
	fake.console_err.len = 0;
	if (fake.console_err.buf)
		fake.console_err.buf[0] = 0;
}
