/* Trampolines: a function's first instructions moved elsewhere, so that the
 * original can still be called after its entry is overwritten by a jmp. */
#ifndef REWIRE_TRAMPOLINE_H
#define REWIRE_TRAMPOLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* Output bound. Displaced bytes (at most min_len - 1 + 15) grow at most
 * threefold (jcc rel8, 2 bytes -> 6), plus the 5-byte jmp back: 62 for
 * min_len 5, 77 for min_len 10 (a second jmp at entry+5); longer ones fail
 * cleanly if they ever need more. */
#define TRAMPOLINE_MAX 96
/* min_len bound: each displaced instruction is at least one byte. */
#define TRAMPOLINE_MAX_INSNS 16

struct trampoline {
	uint8_t code[TRAMPOLINE_MAX];	/* to be placed at addr */
	size_t len;			/* bytes used in code */
	uint64_t addr;			/* tramp_addr it was built for */
	uint64_t from;			/* code_addr: the original entry */
	size_t displaced;		/* k: whole instructions taken, >= min_len */
	uint64_t resume;		/* from + displaced: target of the final jmp */
	size_t ninsns;			/* displaced instructions */
	/* Per displaced instruction i: its offset in the original and in code. */
	uint8_t orig_off[TRAMPOLINE_MAX_INSNS];
	uint8_t tramp_off[TRAMPOLINE_MAX_INSNS];
	/* A displaced call returns into the trampoline: Go's unwinder knows no
	 * function there, so a Go caller must refuse such a trampoline. Go
	 * prologues (cmp/jbe, push rbp, sub rsp, lea, mov) never have one, but
	 * a few NOSPLIT wrappers start with a call (runtime.osyield on go1.26,
	 * runtime.goexit.abi0, runtime.getcallerfp). */
	bool has_call;
};

/* Builds at out a trampoline that, placed at tramp_addr, behaves like the code
 * at code_addr: it holds the whole instructions starting there that cover at
 * least min_len bytes (out->displaced, "k"; min_len is 5 for a jmp rel32),
 * re-encoded for their new address, then `jmp rel32` to code_addr + k.
 * code[0..code_len) is the function's bytes (no instruction may run past it).
 *
 * Relocation:
 *  - [rip+disp32] operands: disp32 recomputed so the absolute address stays;
 *  - jmp/jcc rel8 become jmp/jcc rel32 (widened), jmp/jcc/call/xbegin rel32
 *    keep their form; all keep their absolute target;
 *  - a displaced branch whose target is one of the displaced instructions
 *    (a loop at the entry, "jmp entry") goes to that instruction's copy in
 *    the trampoline: in the original it re-ran those instructions, and the
 *    original ones are overwritten;
 *  - loop/loope/loopne/jrcxz (rel8 only) keep rel8 if the target is still in
 *    reach, else fail;
 *  - everything else is copied verbatim.
 * Fails (message naming the address and instruction) when code_len < min_len,
 * an instruction does not decode, a new displacement does not fit in 32 bits
 * (the trampoline is more than 2 GiB from a target), a branch targets the
 * middle of a displaced instruction, or a branch carries an operand-size
 * prefix (rel16: its meaning differs between Intel and AMD).
 *
 * Only [code_addr, code_addr+min_len) is overwritten by the caller; bytes in
 * [code_addr+min_len, code_addr+k) stay and still run for branches into them,
 * which the caller vets with disasm_branches_into. */
int trampoline_build(const uint8_t *code, size_t code_len, uint64_t code_addr,
		     size_t min_len, uint64_t tramp_addr, struct trampoline *out,
		     struct rw_error *err);

/* The trampoline address running the displaced instruction that starts at
 * original address orig; 0 if orig is no displaced instruction's start. */
uint64_t trampoline_translate(const struct trampoline *t, uint64_t orig);

#endif
