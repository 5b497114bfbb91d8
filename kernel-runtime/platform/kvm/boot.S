/* PVH entry: from 32-bit protected mode (start_info in EBX) to 64-bit long
 * mode with an identity map, a stack and a clear .bss, then platform_main.
 *
 * The loader (QEMU, firmware) finds pvh_entry through the Xen ELF note and
 * enters with paging off, flat 32-bit segments and interrupts disabled. */
#include "kvm.h"

#define XEN_ELFNOTE_PHYS32_ENTRY 18
/* Identity-mapped GiBs at boot, with 2 MiB pages: enough for the image, the
 * start_info, low RAM and the local APIC at 0xfee00000. paging.c marks the
 * device pages uncached; mapping more is a matter of more page directories. */
#define BOOT_MAP_GIB 4
#define PTE_P  0x001
#define PTE_RW 0x002
#define PTE_PS 0x080
#define CR0_PE (1 << 0)
#define CR0_WP (1 << 16)
#define CR0_PG (1 << 31)
#define CR4_PAE (1 << 5)
#define EFER_SCE (1 << 0)
#define EFER_LME (1 << 8)
#define EFER_NXE (1 << 11)
#define EFER 0xc0000080

	.section .note.pvh, "a", @note
	.balign 4
	.long 2f - 1f			/* name size */
	.long 4f - 3f			/* descriptor size */
	.long XEN_ELFNOTE_PHYS32_ENTRY
1:	.asciz "Xen"
2:	.balign 4
3:	.long pvh_entry			/* a 32-bit physical address */
4:	.balign 4

	.section .text.boot, "ax"
	.code32
	/* No .type or .size, on purpose: a sized function is decoded as 64-bit
	 * code by `rewire inspect --traps`, which would misread this 32-bit
	 * code. Unsized, it is listed as code it could not decode. */
	.globl pvh_entry
pvh_entry:
	/* First of all, for the boot-time measurement (.data, not .bss). */
	rdtsc
	mov %eax, kvm_boot_entry_tsc
	mov %edx, kvm_boot_entry_tsc + 4
	/* ESI keeps the start_info pointer: CPUID and RDMSR clobber EBX. */
	mov %ebx, %esi
	cld

	/* .bss before the page tables, which live in it (page-aligned at
	 * both ends, see link.ld: whole words at a time). */
	mov $__bss_start, %edi
	mov $__bss_end, %ecx
	sub %edi, %ecx
	shr $2, %ecx
	xor %eax, %eax
	rep stosl

	/* PML4[0] -> PDPT; PDPT[i] -> page directory i. */
	mov $kvm_boot_pdpt + (PTE_P | PTE_RW), %eax
	mov %eax, kvm_boot_pml4
	mov $kvm_boot_pd + (PTE_P | PTE_RW), %eax
	xor %ecx, %ecx
1:	mov %eax, kvm_boot_pdpt(, %ecx, 8)
	add $4096, %eax
	inc %ecx
	cmp $BOOT_MAP_GIB, %ecx
	jb 1b
	/* Every page directory entry: a 2 MiB page at 2 MiB * index. */
	mov $(PTE_P | PTE_RW | PTE_PS), %eax
	xor %edx, %edx
	xor %ecx, %ecx
2:	mov %eax, kvm_boot_pd(, %ecx, 8)
	mov %edx, kvm_boot_pd + 4(, %ecx, 8)
	add $0x200000, %eax
	adc $0, %edx
	inc %ecx
	cmp $(BOOT_MAP_GIB * 512), %ecx
	jb 2b

	mov $kvm_boot_pml4, %eax
	mov %eax, %cr3
	mov %cr4, %eax
	or $CR4_PAE, %eax
	mov %eax, %cr4

	/* Long mode, SYSCALL (syscall.c sets its MSRs), and no-execute
	 * pages when the CPU has them; one EFER write (each is slow under
	 * TCG). */
	mov $0x80000001, %eax
	cpuid
	mov %edx, %edi
	mov $EFER, %ecx
	rdmsr
	or $(EFER_LME | EFER_SCE), %eax
	bt $20, %edi
	jnc 3f
	or $EFER_NXE, %eax
3:	wrmsr

	lgdt boot_gdt_desc
	mov %cr0, %eax
	or $(CR0_PG | CR0_WP | CR0_PE), %eax
	mov %eax, %cr0
	/* Paging is on in compatibility mode; a far jump to a 64-bit code
	 * segment enters 64-bit mode. */
	ljmp $KERNEL_CS, $long_entry

	.code64
	.type long_entry, @function
long_entry:
	mov $KERNEL_DS, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	/* Null FS and GS: their bases are set by MSR later (GS: per-CPU). */
	xor %eax, %eax
	mov %eax, %fs
	mov %eax, %gs
	lea boot_stack_top(%rip), %rsp
	xor %ebp, %ebp
	mov %esi, %edi
	call platform_main
	/* platform_main does not return; stop if it ever does. */
4:	cli
	hlt
	jmp 4b
	.size long_entry, .-long_entry

	.section .rodata
	.balign 8
boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff	/* KERNEL_CS: 64-bit code */
	.quad 0x00cf92000000ffff	/* KERNEL_DS: flat data */
boot_gdt_end:
boot_gdt_desc:
	.word boot_gdt_end - boot_gdt - 1
	.long boot_gdt

	.data
	.balign 8
	.globl kvm_boot_entry_tsc
kvm_boot_entry_tsc:
	.quad 0

	.bss
	.balign 4096
	.globl kvm_boot_pml4
kvm_boot_pml4:
	.skip 4096
	.globl kvm_boot_pdpt
kvm_boot_pdpt:
	.skip 4096
	.globl kvm_boot_pd
kvm_boot_pd:
	.skip 4096 * BOOT_MAP_GIB
	.balign 16
boot_stack:
	.skip 65536
boot_stack_top:

	.section .note.GNU-stack, "", @progbits
