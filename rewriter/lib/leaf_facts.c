/* The facts of runtime.clone the kernel's glue needs (leaf_facts.h). */
#include "leaf_facts.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "disasm.h"

#define NR_CLONE 56
#define NR_GETTID 186

/* A walk through clone: the last instruction seen and what was found. */
struct clone_walk {
	struct disasm_insn prev;
	bool have_prev, after_gettid, have_tls;
	unsigned syscalls;
	struct clone_facts *f;
};

static int clone_visit(void *ctx, const struct disasm_insn *insn)
{
	struct clone_walk *w = ctx;
	const struct disasm_insn *prev = w->have_prev ? &w->prev : NULL;

	if (w->after_gettid) {
		w->after_gettid = false;
		if (insn->mem_op == DISASM_MEM_STORE && insn->mem_reg == DISASM_RAX &&
		    insn->mem_base == DISASM_R13 && insn->mem_disp > 0) {
			w->f->m_procid = (uint64_t)insn->mem_disp;
			w->f->child_pc = insn->addr + insn->len;
		}
	}
	if (insn->mem_op == DISASM_MEM_LEA && insn->mem_reg == DISASM_R8 &&
	    insn->mem_base == DISASM_R13 && insn->mem_disp > 0 && w->syscalls == 0) {
		w->f->m_tls = (uint64_t)insn->mem_disp;
		w->have_tls = true;
	}
	if (insn->trap == DISASM_TRAP_SYSCALL) {
		uint64_t nr = prev && prev->sets_rax ? prev->rax_value : UINT64_MAX;

		if (w->syscalls == 0 && nr == NR_CLONE)
			w->f->bare_pc = insn->addr + insn->len;
		else if (w->syscalls == 1 && nr == NR_GETTID)
			w->after_gettid = true;
		w->syscalls++;
	}
	w->prev = *insn;
	w->have_prev = true;
	return 0;
}

int clone_facts_read(const struct gobin *bin, struct clone_facts *f,
		     struct rw_error *err)
{
	const struct gofunc *fn = gobin_find_func(bin, "runtime.clone.abi0");
	const uint8_t *code;
	struct clone_walk w = { .f = f };

	memset(f, 0, sizeof(*f));
	if (!fn)
		return 0;
	f->found = true;
	if (!(code = gobin_func_code(bin, fn)))
		return rw_fail(err, "%s: %s: its code is not in the file",
			       gobin_path(bin), fn->name);
	if (disasm_walk(code, fn->size, fn->entry, clone_visit, &w, err) < 0)
		return rw_wrap(err, "%s: %s: ", gobin_path(bin), fn->name);
	if (!w.have_tls || !f->bare_pc || !f->child_pc)
		return rw_fail(err, "%s: %s is not the clone the kernel's glue knows: it lacks %s",
			       gobin_path(bin), fn->name,
			       !w.have_tls ? "`lea r8, [r13+m_tls]` before its first SYSCALL" :
			       !f->bare_pc ? "a clone SYSCALL (mov eax, 56) first" :
			       "a gettid SYSCALL (mov eax, 186) second, followed by "
			       "`mov [r13+m_procid], rax`");
	return 0;
}

char *clone_facts_script(const struct clone_facts *f)
{
	char *text;

	if (asprintf(&text,
		     "rewire_go_clone_child = 0x%" PRIx64 ";\n"
		     "rewire_go_clone_bare = 0x%" PRIx64 ";\n"
		     "rewire_go_m_tls = 0x%" PRIx64 ";\n"
		     "rewire_go_m_procid = 0x%" PRIx64 ";\n",
		     f->child_pc, f->bare_pc, f->m_tls, f->m_procid) < 0)
		return NULL;
	return text;
}
