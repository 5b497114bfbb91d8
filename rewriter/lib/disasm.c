/* x86-64 instruction decoding (Zydis) and linear scans over a function's code. */
#include "disasm.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <Zycore/Format.h>
#include <Zydis/Zydis.h>

/* Formats up to 8 bytes at code as "49 3b 66 10 ..." for error messages. */
static void bytes_format(const uint8_t *code, size_t len, char *buf, size_t size)
{
	size_t n = len < 8 ? len : 8;
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && used + 4 < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s%02x",
					 i ? " " : "", code[i]);
	if (len > n && used + 4 < size)
		snprintf(buf + used, size - used, " ...");
}

const char *disasm_branch_kind_name(enum disasm_branch_kind kind)
{
	switch (kind) {
	case DISASM_BRANCH_JMP: return "jmp";
	case DISASM_BRANCH_JCC: return "jcc";
	case DISASM_BRANCH_CALL: return "call";
	case DISASM_BRANCH_LOOP: return "loop/jrcxz";
	case DISASM_BRANCH_XBEGIN: return "xbegin";
	case DISASM_BRANCH_NONE: break;
	}
	return "none";
}

static enum disasm_branch_kind branch_kind(const ZydisDecodedInstruction *zi)
{
	switch (zi->mnemonic) {
	case ZYDIS_MNEMONIC_JMP:
		return DISASM_BRANCH_JMP;
	case ZYDIS_MNEMONIC_CALL:
		return DISASM_BRANCH_CALL;
	case ZYDIS_MNEMONIC_LOOP:
	case ZYDIS_MNEMONIC_LOOPE:
	case ZYDIS_MNEMONIC_LOOPNE:
	case ZYDIS_MNEMONIC_JRCXZ:
	case ZYDIS_MNEMONIC_JECXZ:
	case ZYDIS_MNEMONIC_JCXZ:
		return DISASM_BRANCH_LOOP;
	case ZYDIS_MNEMONIC_XBEGIN:
		return DISASM_BRANCH_XBEGIN;
	default:
		/* Every other instruction with a relative immediate in 64-bit
		 * mode is one of the sixteen jcc. */
		return DISASM_BRANCH_JCC;
	}
}

static bool ends_flow(const ZydisDecodedInstruction *zi)
{
	switch (zi->meta.category) {
	case ZYDIS_CATEGORY_RET:
	case ZYDIS_CATEGORY_UNCOND_BR:
		return true;
	default:
		break;
	}
	switch (zi->mnemonic) {
	case ZYDIS_MNEMONIC_INT3:
	case ZYDIS_MNEMONIC_UD0:
	case ZYDIS_MNEMONIC_UD1:
	case ZYDIS_MNEMONIC_UD2:
	case ZYDIS_MNEMONIC_HLT:
	case ZYDIS_MNEMONIC_IRETQ:
	case ZYDIS_MNEMONIC_IRETD:
	case ZYDIS_MNEMONIC_IRET:
		return true;
	default:
		return false;
	}
}

static enum disasm_trap trap_kind(const ZydisDecodedInstruction *zi,
				  const ZydisDecodedOperand *ops)
{
	switch (zi->mnemonic) {
	case ZYDIS_MNEMONIC_SYSCALL:
		return DISASM_TRAP_SYSCALL;
	case ZYDIS_MNEMONIC_SYSENTER:
		return DISASM_TRAP_SYSENTER;
	case ZYDIS_MNEMONIC_INT:
		/* cd 80; INT3 (cc) and INT1 (f1) have mnemonics of their own. */
		if (zi->operand_count > 0 &&
		    ops[0].type == ZYDIS_OPERAND_TYPE_IMMEDIATE &&
		    ops[0].imm.value.u == 0x80)
			return DISASM_TRAP_INT80;
		return DISASM_TRAP_NONE;
	default:
		return DISASM_TRAP_NONE;
	}
}

/* A constant into the whole of RAX: a write to EAX zero-extends; AX and AL
 * writes keep the rest, so they are not constants. */
static bool rax_constant(const ZydisDecodedInstruction *zi,
			 const ZydisDecodedOperand *ops, uint64_t *value)
{
	if (zi->mnemonic != ZYDIS_MNEMONIC_MOV || zi->operand_count < 2 ||
	    ops[0].type != ZYDIS_OPERAND_TYPE_REGISTER ||
	    ops[1].type != ZYDIS_OPERAND_TYPE_IMMEDIATE)
		return false;
	if (ops[0].reg.value == ZYDIS_REGISTER_EAX) {
		*value = (uint32_t)ops[1].imm.value.u;
		return true;
	}
	if (ops[0].reg.value == ZYDIS_REGISTER_RAX) {
		/* Zydis has already sign-extended simm32 to 64 bits. */
		*value = ops[1].imm.value.u;
		return true;
	}
	return false;
}

/* The encoding number of a 64-bit general register, -1 for any other. */
static int gpr64(ZydisRegister reg)
{
	return ZydisRegisterGetClass(reg) == ZYDIS_REGCLASS_GPR64 ?
		ZydisRegisterGetId(reg) : -1;
}

/* mov reg64, [base+disp] / mov [base+disp], reg64 / lea reg64, [base+disp]. */
static void mem_move(struct disasm_insn *insn, const ZydisDecodedInstruction *zi,
		     const ZydisDecodedOperand *ops)
{
	const ZydisDecodedOperand *reg, *mem;
	bool lea = zi->mnemonic == ZYDIS_MNEMONIC_LEA;

	if ((!lea && zi->mnemonic != ZYDIS_MNEMONIC_MOV) || zi->operand_count_visible != 2)
		return;
	if (ops[0].type == ZYDIS_OPERAND_TYPE_REGISTER &&
	    ops[1].type == ZYDIS_OPERAND_TYPE_MEMORY) {
		reg = &ops[0], mem = &ops[1];
		insn->mem_op = lea ? DISASM_MEM_LEA : DISASM_MEM_LOAD;
	} else if (!lea && ops[0].type == ZYDIS_OPERAND_TYPE_MEMORY &&
		   ops[1].type == ZYDIS_OPERAND_TYPE_REGISTER) {
		mem = &ops[0], reg = &ops[1];
		insn->mem_op = DISASM_MEM_STORE;
	} else {
		return;
	}
	if (gpr64(reg->reg.value) < 0 || gpr64(mem->mem.base) < 0 ||
	    mem->mem.index != ZYDIS_REGISTER_NONE ||
	    mem->mem.segment != (ZydisRegister)(mem->mem.base == ZYDIS_REGISTER_RSP ||
						 mem->mem.base == ZYDIS_REGISTER_RBP ?
						 ZYDIS_REGISTER_SS : ZYDIS_REGISTER_DS)) {
		insn->mem_op = DISASM_MEM_NONE;
		return;
	}
	insn->mem_reg = (uint8_t)gpr64(reg->reg.value);
	insn->mem_base = (uint8_t)gpr64(mem->mem.base);
	insn->mem_disp = mem->mem.disp.has_displacement ? mem->mem.disp.value : 0;
}

/* Fills the address-dependent facts of insn from Zydis' decoding. */
static void insn_fill(struct disasm_insn *insn, uint64_t addr,
		      const ZydisDecodedInstruction *zi,
		      const ZydisDecodedOperand *ops)
{
	memset(insn, 0, sizeof(*insn));
	insn->addr = addr;
	insn->len = zi->length;
	insn->is_call = zi->meta.category == ZYDIS_CATEGORY_CALL;
	insn->ends_flow = ends_flow(zi);
	insn->is_padding = zi->mnemonic == ZYDIS_MNEMONIC_INT3 ||
			   zi->mnemonic == ZYDIS_MNEMONIC_NOP;
	insn->trap = trap_kind(zi, ops);
	insn->sets_rax = rax_constant(zi, ops, &insn->rax_value);
	mem_move(insn, zi, ops);
	for (unsigned i = 0; i < zi->operand_count; i++) {
		const ZydisDecodedOperand *op = &ops[i];
		ZyanU64 abs;

		if (op->type == ZYDIS_OPERAND_TYPE_IMMEDIATE &&
		    op->imm.is_relative &&
		    ZYAN_SUCCESS(ZydisCalcAbsoluteAddress(zi, op, addr, &abs))) {
			insn->branch = branch_kind(zi);
			insn->target = abs;
			/* The relative field is the (only) immediate. */
			insn->rel_size = zi->raw.imm[0].size / 8;
			insn->rel_offset = zi->raw.imm[0].offset;
		} else if (op->type == ZYDIS_OPERAND_TYPE_MEMORY &&
			   op->mem.base == ZYDIS_REGISTER_RIP &&
			   ZYAN_SUCCESS(ZydisCalcAbsoluteAddress(zi, op, addr, &abs))) {
			insn->rip_relative = true;
			insn->rip_address = abs;
			insn->disp_offset = zi->raw.disp.offset;
		}
	}
	insn->indirect_jump = zi->meta.category == ZYDIS_CATEGORY_UNCOND_BR &&
			      insn->branch == DISASM_BRANCH_NONE;
}

/* Decodes one instruction without formatting it; the Zydis view is returned
 * too for callers that format. */
static int decode_one(const ZydisDecoder *dec, const uint8_t *code, size_t len,
		      uint64_t addr, struct disasm_insn *insn,
		      ZydisDecodedInstruction *zi, ZydisDecodedOperand *ops,
		      struct rw_error *err)
{
	ZyanStatus st = ZydisDecoderDecodeFull(dec, code, len, zi, ops);

	if (!ZYAN_SUCCESS(st)) {
		char hex[48];

		bytes_format(code, len, hex, sizeof(hex));
		if (st == ZYDIS_STATUS_NO_MORE_DATA)
			return rw_fail(err, "0x%" PRIx64 ": instruction runs past the end of the code (%zu byte%s left: %s)",
				       addr, len, len == 1 ? "" : "s", hex);
		return rw_fail(err, "0x%" PRIx64 ": cannot decode instruction (bytes %s)",
			       addr, hex);
	}
	insn_fill(insn, addr, zi, ops);
	return 0;
}

static void decoder_init(ZydisDecoder *dec)
{
	ZydisDecoderInit(dec, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);
}

/* What the address hook needs: the caller's style and Zydis' own printer. */
struct format_ctx {
	const struct disasm_style *style;
	ZydisFormatterFunc print_address;
};

/* Prints an absolute address as Zydis does, then " <sym+0xoff>" when the
 * caller's symbolizer knows it, like objdump. */
static ZyanStatus print_address_hook(const ZydisFormatter *formatter,
				     ZydisFormatterBuffer *buffer,
				     ZydisFormatterContext *context)
{
	const struct format_ctx *fc = context->user_data;
	ZyanU64 addr;
	ZyanString *s;
	uint64_t off = 0;
	const char *name;

	ZYAN_CHECK(fc->print_address(formatter, buffer, context));
	if (!ZYAN_SUCCESS(ZydisCalcAbsoluteAddress(context->instruction,
						   context->operand,
						   context->runtime_address,
						   &addr)))
		return ZYAN_STATUS_SUCCESS;
	name = fc->style->symbolize(fc->style->ctx, addr, &off);
	if (!name)
		return ZYAN_STATUS_SUCCESS;
	ZYAN_CHECK(ZydisFormatterBufferGetString(buffer, &s));
	if (off)
		return ZyanStringAppendFormat(s, " <%s+0x%" PRIx64 ">", name, off);
	return ZyanStringAppendFormat(s, " <%s>", name);
}

static int format_insn(const ZydisDecodedInstruction *zi,
		       const ZydisDecodedOperand *ops, uint64_t addr,
		       const struct disasm_style *style, char *buf, size_t size,
		       struct rw_error *err)
{
	static const struct disasm_style intel = { DISASM_INTEL, NULL, NULL };
	ZydisFormatter fmt;
	struct format_ctx fc;

	if (!style)
		style = &intel;
	ZydisFormatterInit(&fmt, style->syntax == DISASM_ATT ?
			   ZYDIS_FORMATTER_STYLE_ATT : ZYDIS_FORMATTER_STYLE_INTEL);
	/* objdump-like: lower-case hex, no zero padding of addresses. */
	ZydisFormatterSetProperty(&fmt, ZYDIS_FORMATTER_PROP_HEX_UPPERCASE, ZYAN_FALSE);
	ZydisFormatterSetProperty(&fmt, ZYDIS_FORMATTER_PROP_ADDR_PADDING_ABSOLUTE,
				  ZYDIS_PADDING_DISABLED);
	fc.style = style;
	fc.print_address = NULL;
	if (style->symbolize) {
		fc.print_address = print_address_hook;
		/* SetHook swaps: fc.print_address receives Zydis' default. */
		ZydisFormatterSetHook(&fmt, ZYDIS_FORMATTER_FUNC_PRINT_ADDRESS_ABS,
				      (const void **)&fc.print_address);
	}
	if (!ZYAN_SUCCESS(ZydisFormatterFormatInstruction(&fmt, zi, ops,
							  zi->operand_count_visible,
							  buf, size, addr, &fc)))
		return rw_fail(err, "0x%" PRIx64 ": cannot format instruction", addr);
	return 0;
}

int disasm_decode(const uint8_t *code, size_t len, uint64_t addr,
		  const struct disasm_style *style, struct disasm_insn *insn,
		  struct rw_error *err)
{
	ZydisDecoder dec;
	ZydisDecodedInstruction zi;
	ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];

	decoder_init(&dec);
	if (decode_one(&dec, code, len, addr, insn, &zi, ops, err) < 0)
		return -1;
	return format_insn(&zi, ops, addr, style, insn->text, sizeof(insn->text), err);
}

int disasm_walk(const uint8_t *code, size_t len, uint64_t addr,
		disasm_visit_fn visit, void *ctx, struct rw_error *err)
{
	ZydisDecoder dec;
	ZydisDecodedInstruction zi;
	ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
	struct disasm_insn insn;

	decoder_init(&dec);
	for (size_t off = 0; off < len; off += insn.len) {
		if (decode_one(&dec, code + off, len - off, addr + off, &insn,
			       &zi, ops, err) < 0)
			return rw_wrap(err, "function at 0x%" PRIx64 ", offset +0x%zx: ",
				       addr, off);
		int rc = visit(ctx, &insn);
		if (rc)
			return rc;
	}
	return 0;
}

struct branch_scan {
	uint64_t lo, hi;	/* keep targets in (lo, hi); lo == hi keeps all */
	struct disasm_branch *out;
	size_t cap, count;
};

static int branch_visit(void *ctx, const struct disasm_insn *insn)
{
	struct branch_scan *scan = ctx;

	if (insn->branch == DISASM_BRANCH_NONE)
		return 0;
	if (scan->lo != scan->hi &&
	    !(insn->target > scan->lo && insn->target < scan->hi))
		return 0;
	if (scan->count < scan->cap) {
		struct disasm_branch *b = &scan->out[scan->count];

		b->addr = insn->addr;
		b->len = insn->len;
		b->kind = insn->branch;
		b->rel_size = insn->rel_size;
		b->target = insn->target;
	}
	scan->count++;
	return 0;
}

int disasm_branches(const uint8_t *code, size_t len, uint64_t addr,
		    struct disasm_branch *out, size_t cap, size_t *count,
		    struct rw_error *err)
{
	struct branch_scan scan = { 0, 0, out, cap, 0 };

	*count = 0;
	if (disasm_walk(code, len, addr, branch_visit, &scan, err) < 0)
		return -1;
	*count = scan.count;
	return 0;
}

int disasm_branches_into(const uint8_t *code, size_t len, uint64_t addr,
			 uint64_t lo, uint64_t hi, struct disasm_branch *out,
			 size_t cap, size_t *count, struct rw_error *err)
{
	struct branch_scan scan = { lo, hi, out, cap, 0 };

	*count = 0;
	/* (lo, lo+1) is empty: no scan needed, and lo == hi would mean "all". */
	if (hi <= lo + 1)
		return 0;
	if (disasm_walk(code, len, addr, branch_visit, &scan, err) < 0)
		return -1;
	*count = scan.count;
	return 0;
}

/* The whole function decoded, for the morestack search's backward looks. */
struct insn_list {
	struct disasm_insn *v;
	size_t n, cap;
};

static int list_visit(void *ctx, const struct disasm_insn *insn)
{
	struct insn_list *l = ctx;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 256;
		struct disasm_insn *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return 1;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *insn;
	return 0;
}

/* No control transfer of any kind: execution goes on to the next one. */
static bool is_straight(const struct disasm_insn *insn)
{
	return insn->branch == DISASM_BRANCH_NONE && !insn->is_call &&
	       !insn->ends_flow;
}

/* Index of the instruction starting at addr, or -1. */
static long insn_index(const struct insn_list *l, uint64_t addr)
{
	size_t lo = 0, hi = l->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (l->v[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < l->n && l->v[lo].addr == addr ? (long)lo : -1;
}

/* Checks that the jmp at index j closes a morestack block; fills *out. */
static bool morestack_match(const struct insn_list *l, size_t j,
			    struct disasm_morestack *out)
{
	size_t c = j;

	/* Back over the argument reloads to the call. */
	while (c > 0 && is_straight(&l->v[c - 1]))
		c--;
	if (c == 0 || l->v[c - 1].branch != DISASM_BRANCH_CALL)
		return false;
	c--;
	/* Back over the argument spills: the block starts somewhere in
	 * [first, c], at the target of a conditional branch. */
	size_t first = c;
	while (first > 0 && is_straight(&l->v[first - 1]))
		first--;
	for (size_t i = 0; i < l->n; i++) {
		const struct disasm_insn *b = &l->v[i];

		if (b->branch != DISASM_BRANCH_JCC ||
		    b->target < l->v[first].addr || b->target > l->v[c].addr)
			continue;
		if (insn_index(l, b->target) < 0)
			continue;
		out->check_addr = b->addr;
		out->block_addr = b->target;
		out->call_addr = l->v[c].addr;
		out->call_target = l->v[c].target;
		out->jmp_addr = l->v[j].addr;
		out->jmp_len = l->v[j].len;
		out->jmp_rel_size = l->v[j].rel_size;
		return true;
	}
	return false;
}

int disasm_find_morestack_return(const uint8_t *code, size_t len,
				 uint64_t addr, struct disasm_morestack *out,
				 struct rw_error *err)
{
	struct insn_list l = { NULL, 0, 0 };
	int rc = disasm_walk(code, len, addr, list_visit, &l, err);
	int found = 0;

	if (rc > 0)
		rc = rw_fail(err, "function at 0x%" PRIx64 ": out of memory", addr);
	if (rc < 0) {
		free(l.v);
		return -1;
	}
	memset(out, 0, sizeof(*out));
	/* Go places the block last, so search from the end. */
	for (size_t j = l.n; j-- > 0;) {
		if (l.v[j].branch == DISASM_BRANCH_JMP && l.v[j].target == addr &&
		    morestack_match(&l, j, out)) {
			found = 1;
			break;
		}
	}
	free(l.v);
	return found;
}
