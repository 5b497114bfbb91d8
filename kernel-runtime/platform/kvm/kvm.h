/* The KVM platform's internal interface: constants shared by its C and
 * assembly files, and the functions one file offers another. Includes and
 * extends platform.h (the core's contract) and kvm_info.h, like Solo5's
 * bindings.h. */
#ifndef KVM_H
#define KVM_H

/* GDT selectors; SYSCALL loads CS = KERNEL_CS and SS = KERNEL_CS + 8. */
#define KERNEL_CS 0x08
#define KERNEL_DS 0x10
#define TSS_SEL   0x18

/* Interrupt stack table slots, one per class of event (the TSS's IST1-7):
 * a fault while handling another class never lands on the stack in use. */
#define IST_DOUBLE_FAULT  1
#define IST_NMI           2
#define IST_MACHINE_CHECK 3
#define IST_EXCEPTION     4 /* every other exception */
#define IST_INTERRUPT     5 /* device interrupts: timer, spurious */
#define IST_COUNT         5
#define IST_STACK_SIZE    16384

/* struct kvm_cpu field offsets, for the syscall entry. */
#define CPU_SELF          0
#define CPU_SCRATCH_RSP   8
#define CPU_SYSCALL_STACK 16
#define CPU_DOOR_ID       24

/* struct platform_regs offsets, for the assembly that builds and reads
 * the frame (regs_frame.h, syscall_entry.S, context.S). */
#define REGS_R15    16
#define REGS_R14    24
#define REGS_R13    32
#define REGS_R12    40
#define REGS_RBP    80
#define REGS_RBX    120
#define REGS_RAX    128
#define REGS_VECTOR 136
#define REGS_ERROR  144
#define REGS_RIP    152
#define REGS_CS     160
#define REGS_RFLAGS 168
#define REGS_RSP    176
#define REGS_SS     184

#define KVM_MAX_CPUS 1

#ifndef __ASSEMBLER__
#include <stdarg.h>
#include "kvm_info.h"
#include "platform.h"
#include "x86.h"

/* Per-CPU data, at this CPU's GS base. The first fields are used by
 * assembly (offsets above). */
struct kvm_cpu {
	struct kvm_cpu *self;
	uint64_t scratch_rsp;  /* the caller's RSP during syscall entry */
	uint64_t syscall_stack;
	uint64_t door_id;      /* the leaf a door is entering (door.S) */
	unsigned id;
	void *local;           /* the core's per-CPU pointer */
	uint64_t timer_ticks;
	uint64_t spurious;
	int in_exception;      /* nesting depth on the exception stack */
};

static inline struct kvm_cpu *this_cpu(void)
{
	struct kvm_cpu *c;
	__asm__ volatile("mov %%gs:0, %0" : "=r"(c));
	return c;
}

/* The PVH start_info (Xen's hvm_start_info, version 1). */
struct hvm_start_info {
	uint32_t magic; /* HVM_START_MAGIC */
	uint32_t version;
	uint32_t flags;
	uint32_t nr_modules;
	uint64_t modlist_paddr;
	uint64_t cmdline_paddr;
	uint64_t rsdp_paddr;
	uint64_t memmap_paddr; /* version >= 1 */
	uint32_t memmap_entries;
	uint32_t reserved;
};
#define HVM_START_MAGIC 0x336ec578

/* One module of start_info's list: QEMU's -initrd is the first. */
struct hvm_modlist_entry {
	uint64_t paddr, size, cmdline_paddr, reserved;
};

struct hvm_memmap_entry {
	uint64_t addr, size;
	uint32_t type; /* 1: RAM */
	uint32_t reserved;
};
#define HVM_MEMMAP_RAM 1

/* boot.S */
extern uint64_t kvm_boot_entry_tsc; /* TSC at the first entry instruction */
extern uint64_t kvm_boot_pml4[512], kvm_boot_pdpt[512];
extern uint64_t kvm_boot_pd[4 * 512]; /* BOOT_MAP_GIB page directories */

/* serial.c: writers of the stdout and stderr streams (for format_vprintf) */
void kvm_serial_init(void);
void kvm_serial_stdout(const char *buf, size_t len);
void kvm_serial_stderr(const char *buf, size_t len);

/* print.c */
void kvm_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* platform_log, only under the kernel option verbose: what the platform
 * found at boot, which a normal run keeps quiet about. */
void kvm_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* debugcon.c */
void kvm_debugcon_write(const char *buf, size_t len);

/* gdt.c */
void kvm_gdt_init(struct kvm_cpu *cpu);

/* idt.c */
void kvm_idt_init(void);

/* trap.c, vectors.S, crash.c */
void kvm_trap_dispatch(struct platform_regs *regs);
extern char kvm_trap_stubs[]; /* 256 entry stubs, 16 bytes apart */
void kvm_trap_dump(const struct platform_regs *regs);

/* percpu.c */
struct kvm_cpu *kvm_percpu_init(unsigned id);

/* xsave.c */
void kvm_xsave_setup(void);

/* fsbase.c */
void kvm_fsbase_init(void);
uint64_t kvm_fsbase_hwcap2(void);

/* clock.c, and its sources */
void kvm_clock_init(void);
uint64_t kvm_clock_ns_to_tsc(uint64_t ns);
uint64_t kvm_clock_ratio32(uint64_t num, uint64_t den);
int kvmclock_probe(void);
uint64_t kvmclock_tsc_hz(void);
int kvmclock_wall_ns(uint64_t *wall_ns, uint64_t *at_tsc);
uint64_t kvm_pit_calibrate_tsc(void);
int kvm_rtc_read_wall(uint64_t *seconds);

/* lapic.c */
void kvm_lapic_init(void);
void kvm_lapic_eoi(void);

/* syscall.c, syscall_entry.S */
void kvm_syscall_init(struct kvm_cpu *cpu);
void kvm_syscall_entry(void);
long kvm_syscall_dispatch(struct platform_regs *regs);

/* paging.c: the direct map */
void kvm_paging_init(const struct hvm_memmap_entry *map, int count);
uint64_t kvm_direct_map_end(void); /* its end: physical = virtual below */
extern uint64_t kvm_pte_nx; /* the NX bit when EFER.NXE is on, else 0 */
/* Whether reading va cannot fault: in the direct map, or a present page of
 * the program's range. For the crash dump's walk of the stack. */
int kvm_page_readable(uintptr_t va);

/* boot_alloc.c: pages after the image, before the core's allocator */
void *kvm_boot_alloc_page(void);
uint64_t kvm_boot_alloc_end(void);

/* platform.c */
void platform_main(struct hvm_start_info *si);

/* initrd.c: the file system archive (QEMU's -initrd). Found in start_info
 * (before the loader's memory is reused), checked against RAM and the
 * direct map once it is set up; its pages [*start, *end) are no RAM for
 * the core (false when there is none). */
void kvm_initrd_find(const struct hvm_start_info *si);
void kvm_initrd_check(const struct hvm_memmap_entry *map, int count);
bool kvm_initrd_pages(uint64_t *start, uint64_t *end);

/* program.c */
void kvm_program_init(void);
uint64_t kvm_program_image_end(void);

/* string.c (weak: the core's own definitions win) */
void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
#endif
#endif
