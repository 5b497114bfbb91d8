/* x86-64 instruction decoding (Zydis) and linear scans over a function's code. */
#ifndef REWIRE_DISASM_H
#define REWIRE_DISASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* The relative branches of 64-bit mode: their targets move when code moves. */
enum disasm_branch_kind {
	DISASM_BRANCH_NONE = 0,
	DISASM_BRANCH_JMP,	/* jmp rel8 (EB) / rel32 (E9) */
	DISASM_BRANCH_JCC,	/* jcc rel8 (7x) / rel32 (0F 8x) */
	DISASM_BRANCH_CALL,	/* call rel32 (E8) */
	DISASM_BRANCH_LOOP,	/* loop, loope, loopne, jrcxz, jecxz: rel8 only */
	DISASM_BRANCH_XBEGIN,	/* xbegin rel16 / rel32 */
};

/* The instructions that enter the kernel from user mode: a program's system
 * calls. INT with any vector but 0x80 is not one (INT3 is a breakpoint). */
enum disasm_trap {
	DISASM_TRAP_NONE = 0,
	DISASM_TRAP_SYSCALL,	/* 0f 05 */
	DISASM_TRAP_SYSENTER,	/* 0f 34 */
	DISASM_TRAP_INT80,	/* cd 80 */
};

/* A register-memory MOV or LEA (struct disasm_insn.mem_op). */
enum disasm_mem_op {
	DISASM_MEM_NONE = 0,
	DISASM_MEM_LOAD,	/* mov reg, [base+disp] */
	DISASM_MEM_STORE,	/* mov [base+disp], reg */
	DISASM_MEM_LEA,		/* lea reg, [base+disp] */
};

/* Register numbers of struct disasm_insn.mem_reg and mem_base. */
enum { DISASM_RAX = 0, DISASM_R8 = 8, DISASM_R13 = 13 };

enum disasm_syntax {
	DISASM_INTEL = 0,
	DISASM_ATT,
};

/* Names an address for the listing ("time.Now"), setting *offset to addr minus
 * the symbol's start; returns NULL when it knows no symbol there. */
typedef const char *(*disasm_symbolize_fn)(void *ctx, uint64_t addr,
					   uint64_t *offset);

struct disasm_style {
	enum disasm_syntax syntax;
	disasm_symbolize_fn symbolize;	/* may be NULL */
	void *ctx;			/* passed to symbolize */
};

#define DISASM_TEXT_MAX 160

/* One decoded instruction. Offsets are from the instruction's first byte, so a
 * relocator can rewrite exactly the field that depends on the address. */
struct disasm_insn {
	uint64_t addr;			/* runtime address it was decoded at */
	uint8_t len;			/* 1..15 */
	enum disasm_branch_kind branch;	/* NONE unless a relative branch */
	uint8_t rel_size;		/* relative field bytes: 1, 2 or 4; 0 if none */
	uint8_t rel_offset;		/* where the relative field starts */
	uint64_t target;		/* absolute branch target, when branch != NONE */
	bool rip_relative;		/* has a [rip+disp32] memory operand */
	uint8_t disp_offset;		/* where that disp32 starts */
	uint64_t rip_address;		/* absolute address it refers to */
	bool is_call;			/* any call, relative or not */
	bool ends_flow;			/* ret, jmp (any form), int3, ud2, hlt: no fall-through */
	bool indirect_jump;		/* jmp reg / jmp [mem]: its target is not in the code */
	bool is_padding;		/* int3 or a nop of any length: what assemblers
					   and linkers fill the room between functions with */
	enum disasm_trap trap;		/* NONE unless it enters the kernel */
	/* mov eax, imm32 (zero-extended), mov rax, simm32 (sign-extended)
	 * or movabs rax, imm64: RAX holds a known constant after it. How a
	 * system call's number is set, right before the trap. */
	bool sets_rax;
	uint64_t rax_value;
	/* A 64-bit MOV or LEA between a general register and [base+disp]
	 * (no index, base a general register): how a leaf reaches a struct
	 * field, e.g. clone's `lea r8, [r13+m_tls]`. Registers by their
	 * encoding number (rax 0 ... r15 15). */
	enum disasm_mem_op mem_op;
	uint8_t mem_reg;
	uint8_t mem_base;
	int64_t mem_disp;
	char text[DISASM_TEXT_MAX];	/* "jbe 0x499a2e <time.Now+0x8e>"; "" from scans */
};

/* Decodes the instruction at code[0..len) as if it sat at runtime address addr
 * (64-bit mode) and formats it with style (NULL: Intel, no symbols). Branch
 * targets and rip-relative addresses appear as absolute addresses.
 * Fails, naming addr and the first bytes, on an undecodable or truncated
 * instruction (len too short for it). */
int disasm_decode(const uint8_t *code, size_t len, uint64_t addr,
		  const struct disasm_style *style, struct disasm_insn *insn,
		  struct rw_error *err);

/* Called per instruction of a linear scan; a non-zero return stops the scan
 * and becomes the scan's return value. */
typedef int (*disasm_visit_fn)(void *ctx, const struct disasm_insn *insn);

/* Decodes code[0..len) (a whole function at addr) linearly, in order, calling
 * visit on each instruction (text left empty). Go functions decode linearly:
 * padding between them is INT3 and no data lives in .text. Fails, naming the
 * offset and bytes, on an undecodable instruction or one running past len. */
int disasm_walk(const uint8_t *code, size_t len, uint64_t addr,
		disasm_visit_fn visit, void *ctx, struct rw_error *err);

/* A relative branch site. */
struct disasm_branch {
	uint64_t addr;			/* of the branch instruction */
	uint8_t len;
	enum disasm_branch_kind kind;
	uint8_t rel_size;		/* 1, 2 or 4 */
	uint64_t target;
};

/* Lists every relative branch of the function at addr, in address order.
 * Fills out[0..cap) and sets *count to the total found (which may exceed cap:
 * call again with a larger array). Indirect jumps (jump tables, jmp reg) are
 * not listed: their targets are not in the code. */
int disasm_branches(const uint8_t *code, size_t len, uint64_t addr,
		    struct disasm_branch *out, size_t cap, size_t *count,
		    struct rw_error *err);

/* Same, keeping only branches whose target lies in [lo, hi) other than lo
 * itself: for a patch at entry lo overwriting [lo, hi), these are the branches
 * that would land inside the new jmp. Branches to lo are allowed here (Go's
 * morestack path jumps back to the entry); a caller that must also vet those
 * uses disasm_branches. *count == 0 means the patch is safe from inside. */
int disasm_branches_into(const uint8_t *code, size_t len, uint64_t addr,
			 uint64_t lo, uint64_t hi, struct disasm_branch *out,
			 size_t cap, size_t *count, struct rw_error *err);

/* Go's stack-growth path at the end of a splittable function:
 *
 *	entry:	cmp rsp, [r14+0x10]		(or lea r12,[rsp-N]; cmp r12,...)
 *		jbe block			<- check
 *		...
 *	block:	(spill register arguments)
 *		call runtime.morestack_noctxt	<- call (morestack for closures,
 *						   morestackc for systemstack ones)
 *		(reload register arguments)
 *		jmp entry			<- jmp: the morestack return
 *
 * When the entry is redirected and a trampoline runs the original, that jmp
 * must be re-pointed at the trampoline, else a stack growth re-enters the
 * replacement. */
struct disasm_morestack {
	uint64_t check_addr;	/* the conditional branch into the block */
	uint64_t block_addr;	/* first instruction of the block */
	uint64_t call_addr;	/* the call to runtime.morestack* */
	uint64_t call_target;	/* its target: the caller may check the name */
	uint64_t jmp_addr;	/* the jmp back to the entry */
	uint8_t jmp_len;	/* 2 (EB rel8) or 5 (E9 rel32) */
	uint8_t jmp_rel_size;	/* 1 or 4 */
};

/* Finds the morestack return of the function at addr: an unconditional
 * relative jmp to addr, reached by straight-line code (no other branch) from a
 * call, itself reached by straight-line code from the target of a conditional
 * branch elsewhere in the function. Returns 1 and fills *out when found, 0 when
 * the function has no such block (NOSPLIT functions, assembly), -1 with err
 * set when the code does not decode. */
int disasm_find_morestack_return(const uint8_t *code, size_t len,
				 uint64_t addr, struct disasm_morestack *out,
				 struct rw_error *err);

/* A printable name of a branch kind ("jcc"), for messages. */
const char *disasm_branch_kind_name(enum disasm_branch_kind kind);

#endif
