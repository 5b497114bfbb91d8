/* The facts of runtime.clone the kernel's glue needs (leaf_facts.h). */
#include "leaf_facts.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "disasm.h"

#define NR_CLONE 56
#define NR_GETTID 186
#define NR_EXIT 60
#define MOV_EAX_IMM32_LEN 5

/* A walk through clone: the last instruction seen and what was found. */
struct clone_walk {
	struct disasm_insn prev;
	bool have_prev, after_gettid, have_tls;
	unsigned syscalls;
	struct clone_facts *f;
	/* The branch targets seen, to rule out one into the exit's MOV. */
	uint64_t targets[64];
	size_t ntargets;
	bool too_many_branches;	/* more than kept: no exit_pc can be trusted */
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
		else if (w->syscalls == 2 && nr == NR_EXIT && prev->len == MOV_EAX_IMM32_LEN &&
			 !w->too_many_branches)
			w->f->exit_pc = prev->addr;
		w->syscalls++;
	}
	if (insn->branch != DISASM_BRANCH_NONE) {
		if (w->ntargets == sizeof(w->targets) / sizeof(w->targets[0]))
			w->f->exit_pc = 0, w->too_many_branches = true;
		else
			w->targets[w->ntargets++] = insn->target;
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
	/* The exit's MOV becomes a jmp rel32: nothing may land inside it or on
	 * the SYSCALL after it, or the thread would reach the SYSCALL still. */
	for (size_t i = 0; f->exit_pc && i < w.ntargets; i++)
		if (w.targets[i] > f->exit_pc && w.targets[i] <= f->exit_pc + MOV_EAX_IMM32_LEN)
			f->exit_pc = 0;
	if (!f->exit_pc)
		return rw_fail(err, "%s: %s is not the clone the kernel's glue knows: it lacks "
			       "a thread exit (mov eax, 60; SYSCALL) third, with no branch onto it",
			       gobin_path(bin), fn->name);
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
