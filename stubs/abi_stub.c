/* ABI stubs: Go ABIInternal / ABI0 calls turned into System V calls on the
 * thread's system stack through runtime.asmcgocall. */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#include "abi_stub.h"

/* Go's ABIInternal argument registers, in assignment order. */
static const char *const go_int_regs[] = {
	"rax", "rbx", "rcx", "rdi", "rsi", "r8", "r9", "r10", "r11",
};
#define GO_INT_REGS 9
#define GO_FLOAT_REGS 15	/* X0..X14; X15 is Go's zero register */

/* System V's. */
static const char *const c_int_regs[] = { "rdi", "rsi", "rdx", "rcx", "r8", "r9" };
#define C_INT_REGS 6
#define C_FLOAT_REGS 8

/* Words of one Go type, or 0 (err set) when it is not supported. */
static size_t type_words(const char *type, uint64_t size, struct abi_word *w,
			 struct rw_error *err)
{
	if (strcmp(type, "float64") == 0) {
		w[0] = (struct abi_word){ ABI_F64, 8, 0 };
		return 1;
	}
	if (strcmp(type, "float32") == 0) {
		w[0] = (struct abi_word){ ABI_F32, 4, 0 };
		return 1;
	}
	if (strcmp(type, "string") == 0 || strcmp(type, "error") == 0 ||
	    strncmp(type, "interface", 9) == 0) {
		w[0] = w[1] = (struct abi_word){ ABI_INT, 8, 0 };
		return 2;
	}
	if (strncmp(type, "[]", 2) == 0) {
		w[0] = w[1] = w[2] = (struct abi_word){ ABI_INT, 8, 0 };
		return 3;
	}
	if (strncmp(type, "complex", 7) == 0 || type[0] == '[' ||
	    strncmp(type, "struct", 6) == 0 || (size != 1 && size != 2 &&
						 size != 4 && size != 8)) {
		rw_fail(err, "type %s is not supported across the C boundary (only integers, pointers, floats, strings, slices, interfaces)",
			type);
		return 0;
	}
	w[0] = (struct abi_word){ ABI_INT, (unsigned)size, 0 };
	return 1;
}

/* Size of a Go type named in a signature string (no DWARF to ask). */
static int parsed_type_size(const char *t, uint64_t *size)
{
	static const struct { const char *name; unsigned size; } known[] = {
		{ "int", 8 }, { "uint", 8 }, { "int64", 8 }, { "uint64", 8 },
		{ "int32", 4 }, { "uint32", 4 }, { "int16", 2 }, { "uint16", 2 },
		{ "int8", 1 }, { "uint8", 1 }, { "byte", 1 }, { "rune", 4 },
		{ "bool", 1 }, { "uintptr", 8 }, { "float64", 8 }, { "float32", 4 },
		{ "unsafe.Pointer", 8 }, { "string", 16 }, { "error", 16 },
	};
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(t, known[i].name) == 0) {
			*size = known[i].size;
			return 0;
		}
	if (t[0] == '*' || strncmp(t, "map[", 4) == 0 || strncmp(t, "chan ", 5) == 0 ||
	    strncmp(t, "func(", 5) == 0) {
		*size = 8;
		return 0;
	}
	if (strncmp(t, "[]", 2) == 0) {
		*size = 24;
		return 0;
	}
	if (strncmp(t, "interface", 9) == 0) {
		*size = 16;
		return 0;
	}
	return -1;
}

/* ABI0 frame offsets: each value at its own alignment, results after the
 * arguments at pointer alignment (Go's rule for assembly frames). */
static void lay_out_frame(struct abi_sig *s, const unsigned *value_of_param,
			  const unsigned *value_of_result)
{
	unsigned off = 0, last = ~0u;
	size_t i;

	for (i = 0; i < s->nparams; i++) {
		unsigned a = s->params[i].size;

		if (value_of_param[i] != last)
			off = (off + a - 1) / a * a;
		last = value_of_param[i];
		s->params[i].offset = off;
		off += s->params[i].size;
	}
	off = (off + 7) / 8 * 8;
	last = ~0u;
	for (i = 0; i < s->nresults; i++) {
		unsigned a = s->results[i].size;

		if (value_of_result[i] != last)
			off = (off + a - 1) / a * a;
		last = value_of_result[i];
		s->results[i].offset = off;
		off += s->results[i].size;
	}
	s->frame_size = (off + 7) / 8 * 8;
}

/* Appends one typed value's words to the signature. */
static int add_value(struct abi_sig *s, bool result, const char *type,
		     uint64_t size, unsigned index, unsigned *value_of,
		     struct rw_error *err)
{
	struct abi_word w[3];
	size_t n = type_words(type, size, w, err), i;
	size_t *count = result ? &s->nresults : &s->nparams;
	size_t max = result ? ABI_MAX_RESULT_WORDS : ABI_MAX_PARAM_WORDS;

	if (n == 0)
		return -1;
	if (*count + n > max)
		return rw_fail(err, "too many %s words for the C boundary (at most %zu)",
			       result ? "result" : "argument", max);
	for (i = 0; i < n; i++) {
		value_of[*count] = index;
		(result ? s->results : s->params)[(*count)++] = w[i];
	}
	return 0;
}

int abi_sig_from_go(const struct go_signature *sig, struct abi_sig *out,
		    struct rw_error *err)
{
	unsigned pv[ABI_MAX_PARAM_WORDS], rv[ABI_MAX_RESULT_WORDS];
	size_t i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < sig->count; i++) {
		const struct go_param *p = &sig->params[i];

		if (add_value(out, p->is_result, p->type, p->size, (unsigned)i,
			      p->is_result ? rv : pv, err) < 0)
			return -1;
	}
	lay_out_frame(out, pv, rv);
	return 0;
}

/* Next comma-separated entry of a parameter list, trimmed. */
static int next_entry(const char **p, char *entry, size_t len)
{
	const char *s = *p, *start, *end;
	int depth = 0;
	size_t n;

	while (*s == ' ')
		s++;
	start = s;
	for (; *s && (depth || (*s != ',' && *s != ')')); s++)
		depth += (*s == '(' || *s == '[') - (*s == ')' || *s == ']');
	end = s;
	while (end > start && end[-1] == ' ')
		end--;
	n = (size_t)(end - start);
	if (n == 0 || n >= len)
		return -1;
	memcpy(entry, start, n);
	entry[n] = '\0';
	*p = s;
	return 0;
}

/* The type of an entry "name type" or "type": a leading identifier
 * followed by a blank is a name, unless it starts a type ("chan T"). */
static const char *entry_type(const char *entry)
{
	const char *b = entry;

	if (strncmp(entry, "chan ", 5) == 0)
		return entry;
	while (isalnum((unsigned char)*b) || *b == '_')
		b++;
	return *b == ' ' ? b + 1 : entry;
}

static bool is_identifier(const char *s)
{
	if (!isalpha((unsigned char)*s) && *s != '_')
		return false;
	while (isalnum((unsigned char)*s) || *s == '_')
		s++;
	return *s == '\0';
}

/* A parameter or result list up to its ')'. Grouped names ("a, b int")
 * take the type of the entry that ends the group. */
static int parse_list(const char **p, struct abi_sig *out, bool result,
		      unsigned *value_of, unsigned *index, const char *text,
		      struct rw_error *err)
{
	char entries[ABI_MAX_PARAM_WORDS + 1][128];
	size_t n = 0, i, k;
	uint64_t size;

	for (;;) {
		while (**p == ' ')
			(*p)++;
		if (**p == ')') {
			(*p)++;
			break;
		}
		if (n == ABI_MAX_PARAM_WORDS + 1)
			return rw_fail(err, "signature \"%s\": too many %s words for the C boundary",
				       text, result ? "result" : "argument");
		if (next_entry(p, entries[n++], sizeof(entries[0])) < 0)
			return rw_fail(err, "signature \"%s\": cannot read a type", text);
		if (**p == ',')
			(*p)++;
	}
	for (i = 0; i < n; i++) {
		const char *type = entry_type(entries[i]);

		/* A bare name whose type comes later in the group. */
		if (type == entries[i] && is_identifier(type) &&
		    parsed_type_size(type, &size) < 0)
			for (k = i + 1; k < n; k++)
				if (entry_type(entries[k]) != entries[k]) {
					type = entry_type(entries[k]);
					break;
				}
		if (parsed_type_size(type, &size) < 0)
			return rw_fail(err, "signature \"%s\": type %s is not supported across the C boundary",
				       text, type);
		if (add_value(out, result, type, size, (*index)++, value_of, err) < 0)
			return -1;
	}
	return 0;
}

int abi_sig_parse(const char *text, struct abi_sig *out, struct rw_error *err)
{
	unsigned pv[ABI_MAX_PARAM_WORDS], rv[ABI_MAX_RESULT_WORDS], index = 0;
	const char *p = text;
	char type[128];
	uint64_t size;

	memset(out, 0, sizeof(*out));
	while (*p == ' ')
		p++;
	if (strncmp(p, "func(", 5) != 0)
		return rw_fail(err, "signature \"%s\" does not start with func(", text);
	p += 5;
	if (parse_list(&p, out, false, pv, &index, text, err) < 0)
		return -1;
	while (*p == ' ')
		p++;
	if (*p == '(') {
		p++;
		if (parse_list(&p, out, true, rv, &index, text, err) < 0)
			return -1;
	} else if (*p) {
		const char *end = p + strlen(p);

		while (end > p && end[-1] == ' ')
			end--;
		if ((size_t)(end - p) >= sizeof(type))
			return rw_fail(err, "signature \"%s\": result type too long", text);
		memcpy(type, p, (size_t)(end - p));
		type[end - p] = '\0';
		if (parsed_type_size(type, &size) < 0)
			return rw_fail(err, "signature \"%s\": type %s is not supported across the C boundary",
				       text, type);
		if (add_value(out, true, type, size, index, rv, err) < 0)
			return -1;
		p = end;
	}
	while (*p == ' ')
		p++;
	if (*p)
		return rw_fail(err, "signature \"%s\": unexpected text \"%s\"", text, p);
	lay_out_frame(out, pv, rv);
	return 0;
}

static const char *mov_of(const struct abi_word *w)
{
	return w->cls == ABI_F32 ? "movss" : "movsd";
}

/* Registers a word list takes in one convention; -1 when they run out. */
static int assign(const struct abi_word *w, size_t n, int nint, int nfloat,
		  int *reg)
{
	int i_used = 0, f_used = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (w[i].cls == ABI_INT) {
			if (i_used == nint)
				return -1;
			reg[i] = i_used++;
		} else {
			if (f_used == nfloat)
				return -1;
			reg[i] = f_used++;
		}
	}
	return 0;
}

/* Loads a block word into a 64-bit register, extended by its Go width so
 * the C side may read the full register. */
static void load_int(FILE *out, const char *reg, const char *base, unsigned off,
		     unsigned size)
{
	if (size == 8)
		fprintf(out, "\tmov %s, qword ptr [%s + %u]\n", reg, base, off);
	else
		fprintf(out, "\tmov%sx %s, %s ptr [%s + %u]\n", size == 4 ? "s" : "z",
			reg, size == 4 ? "dword" : size == 2 ? "word" : "byte", base, off);
}

int abi_stub_emit(FILE *out, const char *stub, const char *c_function,
		  bool abi0, const struct abi_sig *sig, struct rw_error *err)
{
	int go_p[ABI_MAX_PARAM_WORDS], go_r[ABI_MAX_RESULT_WORDS];
	int c_p[ABI_MAX_PARAM_WORDS], c_r[ABI_MAX_RESULT_WORDS];
	/* Goroutine-stack frame: asmcgocall's fn, arg, ret (24 bytes), saved
	 * R14, then the block: one 8-byte slot per argument and result word. */
	unsigned block = 32, results = block + 8 * (unsigned)sig->nparams;
	unsigned frame = results + 8 * (unsigned)sig->nresults;
	size_t i;

	frame = (frame + 15) / 16 * 16 + 8;	/* keep SP+8 16-aligned, as Go does */
	if (!abi0 && (assign(sig->params, sig->nparams, GO_INT_REGS, GO_FLOAT_REGS, go_p) < 0 ||
		      assign(sig->results, sig->nresults, GO_INT_REGS, GO_FLOAT_REGS, go_r) < 0))
		return rw_fail(err, "%s: arguments do not fit Go's registers (stack-assigned arguments are not supported)",
			       c_function);
	if (assign(sig->params, sig->nparams, C_INT_REGS, C_FLOAT_REGS, c_p) < 0)
		return rw_fail(err, "%s: more arguments than System V passes in registers (6 integer, 8 float words)",
			       c_function);
	if (assign(sig->results, sig->nresults, 2, 2, c_r) < 0)
		return rw_fail(err, "%s: results do not fit a System V return value", c_function);

	fprintf(out, "\t.intel_syntax noprefix\n\t.text\n\t.p2align 4\n"
		"\t.globl %s\n\t.type %s, @function\n%s:\n", stub, stub, stub);
	fprintf(out, "\tsub rsp, %u\n\tmov qword ptr [rsp + 24], r14\n", frame);
	for (i = 0; i < sig->nparams; i++) {
		const struct abi_word *w = &sig->params[i];
		unsigned slot = block + 8 * (unsigned)i;

		if (abi0) {
			/* Callers' frame: above our frame and the return address. */
			load_int(out, "r11", "rsp", frame + 8 + w->offset,
				 w->cls == ABI_INT ? w->size : w->size);
			fprintf(out, "\tmov qword ptr [rsp + %u], r11\n", slot);
		} else if (w->cls == ABI_INT) {
			fprintf(out, "\tmov qword ptr [rsp + %u], %s\n", slot, go_int_regs[go_p[i]]);
		} else {
			fprintf(out, "\t%s %s ptr [rsp + %u], xmm%d\n", mov_of(w),
				w->cls == ABI_F32 ? "dword" : "qword", slot, go_p[i]);
		}
	}
	fprintf(out, "\tlea rax, [rip + %s.shim]\n\tmov qword ptr [rsp], rax\n"
		"\tlea rax, [rsp + %u]\n\tmov qword ptr [rsp + 8], rax\n"
		"\tcall \"runtime.asmcgocall.abi0\"\n", stub, block);
	for (i = 0; i < sig->nresults; i++) {
		const struct abi_word *w = &sig->results[i];
		unsigned slot = results + 8 * (unsigned)i;

		if (abi0) {
			fprintf(out, "\tmov r11, qword ptr [rsp + %u]\n", slot);
			if (w->size == 8)
				fprintf(out, "\tmov qword ptr [rsp + %u], r11\n", frame + 8 + w->offset);
			else
				fprintf(out, "\tmov %s ptr [rsp + %u], %s\n",
					w->size == 4 ? "dword" : w->size == 2 ? "word" : "byte",
					frame + 8 + w->offset,
					w->size == 4 ? "r11d" : w->size == 2 ? "r11w" : "r11b");
		} else if (w->cls == ABI_INT) {
			fprintf(out, "\tmov %s, qword ptr [rsp + %u]\n", go_int_regs[go_r[i]], slot);
		} else {
			fprintf(out, "\t%s xmm%d, %s ptr [rsp + %u]\n", mov_of(w), go_r[i],
				w->cls == ABI_F32 ? "dword" : "qword", slot);
		}
	}
	/* Go code expects g in R14 and zero in X15; C may clobber X15. */
	fprintf(out, "\tmov r14, qword ptr [rsp + 24]\n\txorps xmm15, xmm15\n"
		"\tadd rsp, %u\n\tret\n\t.size %s, .-%s\n\n", frame, stub, stub);

	/* The shim runs on the system stack: RDI is the block. */
	fprintf(out, "\t.p2align 4\n\t.type %s.shim, @function\n%s.shim:\n"
		"\tpush rbx\n\tmov rbx, rdi\n", stub, stub);
	for (i = 0; i < sig->nparams; i++) {
		const struct abi_word *w = &sig->params[i];
		unsigned off = 8 * (unsigned)i;

		if (w->cls == ABI_INT)
			load_int(out, c_int_regs[c_p[i]], "rbx", off, w->size);
		else
			fprintf(out, "\t%s xmm%d, %s ptr [rbx + %u]\n", mov_of(w), c_p[i],
				w->cls == ABI_F32 ? "dword" : "qword", off);
	}
	fprintf(out, "\tcall %s\n", c_function);
	for (i = 0; i < sig->nresults; i++) {
		const struct abi_word *w = &sig->results[i];
		unsigned off = 8 * (unsigned)(sig->nparams + i);

		if (w->cls == ABI_INT)
			fprintf(out, "\tmov qword ptr [rbx + %u], %s\n", off, c_r[i] ? "rdx" : "rax");
		else
			fprintf(out, "\t%s %s ptr [rbx + %u], xmm%d\n", mov_of(w),
				w->cls == ABI_F32 ? "dword" : "qword", off, c_r[i]);
	}
	fprintf(out, "\tpop rbx\n\tret\n\t.size %s.shim, .-%s.shim\n\n", stub, stub);
	return 0;
}

/* Go's result registers into System V's: ints in RAX, then RDX (Go's
 * second int is RBX); floats stay in XMM0, XMM1. */
static void go_results_to_c(FILE *out, const struct abi_sig *sig, const int *go_r,
			    const int *c_r)
{
	size_t i;

	for (i = 0; i < sig->nresults; i++)
		if (sig->results[i].cls == ABI_INT &&
		    strcmp(go_int_regs[go_r[i]], c_r[i] ? "rdx" : "rax") != 0)
			fprintf(out, "\tmov %s, %s\n", c_r[i] ? "rdx" : "rax",
				go_int_regs[go_r[i]]);
}

int abi_original_emit(FILE *out, const char *name, bool abi0,
		      const struct abi_sig *sig, struct rw_error *err)
{
	int go_p[ABI_MAX_PARAM_WORDS], go_r[ABI_MAX_RESULT_WORDS];
	int c_p[ABI_MAX_PARAM_WORDS], c_r[ABI_MAX_RESULT_WORDS];
	/* Scratch for the C arguments, then (ABI0) the Go frame or
	 * (ABIInternal) the spill area Go's callee may write its register
	 * arguments to. */
	unsigned scratch = 8 * (unsigned)sig->nparams;
	unsigned go_area = abi0 ? sig->frame_size : 8 * (unsigned)sig->nparams;
	unsigned frame = (go_area + scratch + 15) / 16 * 16 + 8;
	size_t i;

	if (!abi0 && (assign(sig->params, sig->nparams, GO_INT_REGS, GO_FLOAT_REGS, go_p) < 0 ||
		      assign(sig->results, sig->nresults, GO_INT_REGS, GO_FLOAT_REGS, go_r) < 0))
		return rw_fail(err, "%s: arguments do not fit Go's registers", name);
	if (assign(sig->params, sig->nparams, C_INT_REGS, C_FLOAT_REGS, c_p) < 0)
		return rw_fail(err, "%s: more arguments than System V passes in registers (6 integer, 8 float words)",
			       name);
	if (assign(sig->results, sig->nresults, 2, 2, c_r) < 0)
		return rw_fail(err, "%s: results do not fit a System V return value", name);

	fprintf(out, "\t.intel_syntax noprefix\n\t.data\n\t.p2align 3\n"
		"\t.type %s.slot, @object\n\t.size %s.slot, 8\n%s.slot:\n\t.quad 0\n"
		"\t.text\n\t.p2align 4\n\t.globl %s\n\t.type %s, @function\n%s:\n",
		name, name, name, name, name, name);
	/* Go code may clobber every register: keep System V's callee-saved
	 * ones. Five pushes and the frame leave SP 16-aligned at the call. */
	fprintf(out, "\tpush rbp\n\tmov rbp, rsp\n\tpush rbx\n\tpush r12\n"
		"\tpush r13\n\tpush r14\n\tpush r15\n\tsub rsp, %u\n", frame);
	for (i = 0; i < sig->nparams; i++) {
		const struct abi_word *w = &sig->params[i];
		unsigned slot = go_area + 8 * (unsigned)i;

		if (w->cls == ABI_INT)
			fprintf(out, "\tmov qword ptr [rsp + %u], %s\n", slot, c_int_regs[c_p[i]]);
		else
			fprintf(out, "\t%s %s ptr [rsp + %u], xmm%d\n", mov_of(w),
				w->cls == ABI_F32 ? "dword" : "qword", slot, c_p[i]);
	}
	for (i = 0; i < sig->nparams; i++) {
		const struct abi_word *w = &sig->params[i];
		unsigned slot = go_area + 8 * (unsigned)i;

		if (abi0) {
			fprintf(out, "\tmov r11, qword ptr [rsp + %u]\n", slot);
			if (w->size == 8)
				fprintf(out, "\tmov qword ptr [rsp + %u], r11\n", w->offset);
			else
				fprintf(out, "\tmov %s ptr [rsp + %u], %s\n",
					w->size == 4 ? "dword" : w->size == 2 ? "word" : "byte",
					w->offset, w->size == 4 ? "r11d" : w->size == 2 ? "r11w" : "r11b");
		} else if (w->cls == ABI_INT) {
			load_int(out, go_int_regs[go_p[i]], "rsp", slot, w->size);
		} else {
			fprintf(out, "\t%s xmm%d, %s ptr [rsp + %u]\n", mov_of(w), go_p[i],
				w->cls == ABI_F32 ? "dword" : "qword", slot);
		}
	}
	/* Go code wants g in R14 (TLS slot -8 of a static binary) and 0 in X15. */
	fprintf(out, "\tmov r14, qword ptr fs:[-8]\n\txorps xmm15, xmm15\n"
		"\tcall qword ptr [rip + %s.slot]\n", name);
	if (abi0) {
		for (i = 0; i < sig->nresults; i++) {
			const struct abi_word *w = &sig->results[i];

			if (w->cls == ABI_INT)
				load_int(out, c_r[i] ? "rdx" : "rax", "rsp", w->offset, w->size);
			else
				fprintf(out, "\t%s xmm%d, %s ptr [rsp + %u]\n", mov_of(w), c_r[i],
					w->cls == ABI_F32 ? "dword" : "qword", w->offset);
		}
	} else {
		go_results_to_c(out, sig, go_r, c_r);
	}
	fprintf(out, "\tadd rsp, %u\n\tpop r15\n\tpop r14\n\tpop r13\n\tpop r12\n"
		"\tpop rbx\n\tpop rbp\n\tret\n\t.size %s, .-%s\n\n", frame, name, name);
	return 0;
}
