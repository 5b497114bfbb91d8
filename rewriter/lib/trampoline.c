/* Trampolines: a function's first instructions moved elsewhere, so that the
 * original can still be called after its entry is overwritten by a jmp.
 *
 * Re-encoding is done by hand rather than with Zydis' encoder
 * (ZydisEncoderDecodedInstructionToEncoderRequest + ...EncodeInstructionAbsolute):
 * only three fields ever change (a rel32, a rel8 widened to rel32, a disp32),
 * so patching them keeps every other byte exactly as the compiler wrote it
 * (prefixes, REX, the encoding it chose), the output length of each
 * instruction is known before anything is emitted (needed to point branches
 * at later displaced instructions), and the result does not depend on the
 * encoder picking the shortest branch form by itself. */
#include "trampoline.h"

#include <inttypes.h>
#include <string.h>

#include "disasm.h"

static void put_le32(uint8_t *p, int32_t v)
{
	uint32_t u = (uint32_t)v;

	p[0] = (uint8_t)u;
	p[1] = (uint8_t)(u >> 8);
	p[2] = (uint8_t)(u >> 16);
	p[3] = (uint8_t)(u >> 24);
}

/* target - next as a displacement of `bits` bits, or false when it does not fit. */
static bool rel_fits(uint64_t target, uint64_t next, int bits, int64_t *rel)
{
	int64_t d = (int64_t)(target - next);
	int64_t lim = (int64_t)1 << (bits - 1);

	*rel = d;
	return d >= -lim && d < lim;
}

/* Bytes a displaced instruction takes in the trampoline. */
static size_t out_len(const struct disasm_insn *insn)
{
	if (insn->rel_size == 1 && insn->branch == DISASM_BRANCH_JMP)
		return (size_t)insn->rel_offset - 1 + 5;	/* prefixes, E9, rel32 */
	if (insn->rel_size == 1 && insn->branch == DISASM_BRANCH_JCC)
		return (size_t)insn->rel_offset - 1 + 6;	/* prefixes, 0F 8x, rel32 */
	return insn->len;
}

/* Checks a displaced branch can be re-encoded at all. */
static int branch_check(const uint8_t *code, const struct disasm_insn *insn,
			struct rw_error *err)
{
	/* 66 before a branch means rel16 / a 16-bit IP on AMD, ignored on Intel:
	 * no single re-encoding is right on both. */
	for (size_t i = 0; i + 1 < insn->rel_offset; i++) {
		if (code[i] == 0x66)
			return rw_fail(err, "0x%" PRIx64 ": %s with an operand-size prefix cannot be relocated",
				       insn->addr, disasm_branch_kind_name(insn->branch));
		/* Prefixes end at the opcode: stop at the first non-prefix. */
		if (!(code[i] == 0x2e || code[i] == 0x3e || code[i] == 0xf2 ||
		      code[i] == 0xf3 || code[i] == 0x67 || (code[i] & 0xf0) == 0x40))
			break;
	}
	if (insn->rel_size == 2)
		return rw_fail(err, "0x%" PRIx64 ": %s rel16 cannot be relocated",
			       insn->addr, disasm_branch_kind_name(insn->branch));
	return 0;
}

/* Where a displaced branch must go from the trampoline. */
static int branch_target(const struct trampoline *t,
			 const struct disasm_insn *insn, uint64_t *target,
			 struct rw_error *err)
{
	*target = insn->target;
	if (insn->target < t->from || insn->target >= t->resume)
		return 0;
	*target = trampoline_translate(t, insn->target);
	if (!*target)
		return rw_fail(err, "0x%" PRIx64 ": %s targets 0x%" PRIx64
			       ", inside a displaced instruction (entry+%" PRIu64 "): cannot relocate",
			       insn->addr, disasm_branch_kind_name(insn->branch),
			       insn->target, insn->target - t->from);
	return 0;
}

/* Writes displaced instruction insn (bytes at code) at dst, which will run at
 * runtime address at. */
static int insn_emit(const struct trampoline *t, const uint8_t *code,
		     const struct disasm_insn *insn, uint8_t *dst, uint64_t at,
		     struct rw_error *err)
{
	size_t n = out_len(insn);
	uint64_t next = at + n;
	uint64_t target;
	int64_t rel;

	if (insn->rip_relative) {
		memcpy(dst, code, insn->len);
		if (!rel_fits(insn->rip_address, next, 32, &rel))
			return rw_fail(err, "0x%" PRIx64 ": rip-relative operand 0x%" PRIx64
				       " is out of reach (+-2 GiB) of the trampoline at 0x%" PRIx64,
				       insn->addr, insn->rip_address, at);
		put_le32(dst + insn->disp_offset, (int32_t)rel);
		return 0;
	}
	if (insn->branch == DISASM_BRANCH_NONE) {
		memcpy(dst, code, insn->len);
		return 0;
	}
	if (branch_check(code, insn, err) < 0 ||
	    branch_target(t, insn, &target, err) < 0)
		return -1;
	if (insn->rel_size == 1 && insn->branch == DISASM_BRANCH_LOOP) {
		if (!rel_fits(target, next, 8, &rel))
			return rw_fail(err, "0x%" PRIx64 ": %s has only an 8-bit displacement and its target 0x%" PRIx64
				       " is out of reach of the trampoline at 0x%" PRIx64,
				       insn->addr, disasm_branch_kind_name(insn->branch), target, at);
		memcpy(dst, code, insn->len);
		dst[insn->rel_offset] = (uint8_t)(int8_t)rel;
		return 0;
	}
	if (!rel_fits(target, next, 32, &rel))
		return rw_fail(err, "0x%" PRIx64 ": %s target 0x%" PRIx64
			       " is out of reach (+-2 GiB) of the trampoline at 0x%" PRIx64,
			       insn->addr, disasm_branch_kind_name(insn->branch), target, at);
	if (insn->rel_size == 4) {
		memcpy(dst, code, insn->len);
		put_le32(dst + insn->rel_offset, (int32_t)rel);
		return 0;
	}
	/* rel8 jmp/jcc: keep the prefixes, widen the opcode. */
	size_t p = (size_t)insn->rel_offset - 1;
	memcpy(dst, code, p);
	if (insn->branch == DISASM_BRANCH_JMP) {
		dst[p] = 0xe9;
	} else {
		dst[p++] = 0x0f;
		dst[p] = (uint8_t)(0x80 | (code[insn->rel_offset - 1] & 0x0f));
	}
	put_le32(dst + p + 1, (int32_t)rel);
	return 0;
}

uint64_t trampoline_translate(const struct trampoline *t, uint64_t orig)
{
	for (size_t i = 0; i < t->ninsns; i++)
		if (t->from + t->orig_off[i] == orig)
			return t->addr + t->tramp_off[i];
	return 0;
}

int trampoline_build(const uint8_t *code, size_t code_len, uint64_t code_addr,
		     size_t min_len, uint64_t tramp_addr, struct trampoline *out,
		     struct rw_error *err)
{
	struct disasm_insn insns[TRAMPOLINE_MAX_INSNS];
	size_t off = 0, pos = 0;
	int64_t rel;

	memset(out, 0, sizeof(*out));
	out->addr = tramp_addr;
	out->from = code_addr;
	if (min_len == 0 || min_len > TRAMPOLINE_MAX_INSNS)
		return rw_fail(err, "0x%" PRIx64 ": cannot displace %zu bytes (1..%d)",
			       code_addr, min_len, TRAMPOLINE_MAX_INSNS);
	if (code_len < min_len)
		return rw_fail(err, "function at 0x%" PRIx64 " is %zu byte%s; a jump needs %zu",
			       code_addr, code_len, code_len == 1 ? "" : "s", min_len);

	/* Pass 1: decode the displaced instructions and lay them out, so that
	 * every instruction's trampoline address is known before emitting. */
	while (off < min_len) {
		struct disasm_insn *insn = &insns[out->ninsns];

		if (disasm_decode(code + off, code_len - off, code_addr + off, NULL,
				  insn, err) < 0)
			return rw_wrap(err, "function at 0x%" PRIx64 ", offset +0x%zx: ",
				       code_addr, off);
		out->orig_off[out->ninsns] = (uint8_t)off;
		out->tramp_off[out->ninsns] = (uint8_t)pos;
		if (insn->is_call)
			out->has_call = true;
		pos += out_len(insn);
		off += insn->len;
		out->ninsns++;
	}
	out->displaced = off;
	out->resume = code_addr + off;
	if (pos + 5 > TRAMPOLINE_MAX)
		return rw_fail(err, "function at 0x%" PRIx64 ": trampoline needs %zu bytes (max %d)",
			       code_addr, pos + 5, TRAMPOLINE_MAX);

	/* Pass 2: emit. */
	for (size_t i = 0; i < out->ninsns; i++) {
		const struct disasm_insn *insn = &insns[i];

		if (insn_emit(out, code + out->orig_off[i], insn,
			      out->code + out->tramp_off[i],
			      tramp_addr + out->tramp_off[i], err) < 0)
			return rw_wrap(err, "trampoline for 0x%" PRIx64 ": %s: ",
				       code_addr, insn->text);
	}
	if (!rel_fits(out->resume, tramp_addr + pos + 5, 32, &rel))
		return rw_fail(err, "trampoline at 0x%" PRIx64 " is out of reach (+-2 GiB) of 0x%" PRIx64,
			       tramp_addr, out->resume);
	out->code[pos] = 0xe9;
	put_le32(out->code + pos + 1, (int32_t)rel);
	out->len = pos + 5;
	return 0;
}
