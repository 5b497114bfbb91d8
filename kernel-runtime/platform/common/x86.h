/* What every x86-64 platform shares: CPUID, the formatted-output engine,
 * the hardware random generator's setup and the crash dump. Included by
 * each platform's internal header (kvm.h, hosted.h). */
#ifndef PLATFORM_X86_H
#define PLATFORM_X86_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "platform.h"

struct cpuid {
	uint32_t eax, ebx, ecx, edx;
};

static inline struct cpuid cpuid(uint32_t leaf, uint32_t subleaf)
{
	struct cpuid r;
	__asm__ volatile("cpuid"
			 : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
			 : "a"(leaf), "c"(subleaf));
	return r;
}

/* The XSAVE state components Go can use (XCR0 bits): x87, SSE, AVX and
 * AVX-512's three. Left out: MPX, PKRU, AMX tiles. */
#define XFEATURE_X87    (1u << 0)
#define XFEATURE_SSE    (1u << 1)
#define XFEATURE_AVX    (1u << 2)
#define XFEATURE_AVX512 (7u << 5) /* opmask, ZMM_Hi256, Hi16_ZMM */
#define XFEATURES_WANTED (XFEATURE_X87 | XFEATURE_SSE | XFEATURE_AVX | \
			  XFEATURE_AVX512)

/* program.c: the Go program's headers in the image (NULL: none, as in a
 * test kernel; a bad header panics). */
#define PT_LOAD 1
struct elf64_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};
void program_init(const unsigned char *ehdr);
/* Its program headers and their count (NULL, 0 without a program). */
const struct elf64_phdr *program_phdrs(unsigned *count);
/* The entry point its ELF header names (0 without). */
uint64_t program_header_entry(void);
/* Fills out for a program starting at entry: headers, AT_HWCAP; hwcap2
 * is the platform's to add. */
void program_describe(struct platform_program *out, uint64_t entry);

/* format.c: printf's formats as platform.h lists them, written through
 * write in pieces. */
void format_vprintf(void (*write)(const char *, size_t), const char *fmt,
		    va_list ap);
/* format_vprintf with interrupts off: one call's output in one piece. */
void format_vprintf_whole(void (*write)(const char *, size_t), const char *fmt,
			  va_list ap);
/* platform_panic's body: "panic: file:line: message" through write (the
 * console's stderr), then the crash status. */
void format_panic(void (*write)(const char *, size_t), const char *file,
		  int line, const char *fmt, va_list ap) __attribute__((noreturn));

/* random.c: looks for RDSEED and RDRAND (platform_random uses them). */
void random_hw_init(void);

/* crash.c: the crash dump of a context: vector, error code, the faulting
 * address, every register, then RIP, the word on top of the stack and the
 * frame-pointer chain, each named by kcore_symbolize; readable(addr) says
 * whether the dump may read the 8 bytes at addr. */
void crash_dump(const struct platform_regs *r, uint64_t fault_address,
		int (*readable)(uint64_t addr));
/* The dump without its "crash" header line, for other reasons to dump,
 * printed with print (platform_printf or platform_log). */
typedef void dump_printf(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
void context_dump(const struct platform_regs *r, uint64_t fault_address,
		  int (*readable)(uint64_t addr), dump_printf *print);

void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

#endif
