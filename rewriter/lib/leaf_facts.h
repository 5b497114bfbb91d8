/* What the kernel's redirect glue must know of a binary's Go runtime
 * leaves beyond their frames, read from their code. */
#ifndef REWIRE_LEAF_FACTS_H
#define REWIRE_LEAF_FACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "gobin.h"

/*
 * runtime.clone(flags, stk, mp, gp, fn) creates an M's thread; its child
 * path sets m.procid from gettid, installs g and calls fn. Redirected, the
 * kernel makes the thread itself and resumes the child inside the leaf,
 * past its own system calls: it needs the offsets of m.tls and m.procid
 * (which move between Go versions: 0x88/0x48 up to 1.24, 0x80/0x40 from
 * 1.25) and where to resume. They are taken from the leaf's instructions
 * (`lea r8, [r13+m_tls]` before the clone SYSCALL, `mov [r13+m_procid],
 * rax` right after the gettid one), so a stripped binary works as well.
 * If the thread's function returns, the child path exits the thread with
 * `mov eax, 60; SYSCALL`: rewire image makes that MOV jump to a door too
 * (the child never passed the leaf's entry).
 */
struct clone_facts {
	bool found;		/* the binary has runtime.clone */
	uint64_t child_pc;	/* after the procid store: the child with m and g */
	uint64_t bare_pc;	/* after the clone SYSCALL: a child without them */
	uint64_t m_tls;		/* offset of m.tls */
	uint64_t m_procid;	/* offset of m.procid */
	uint64_t exit_pc;	/* the `mov eax, 60` of the child's thread exit */
};

/* Reads runtime.clone's facts. A binary without it gives found = false;
 * one whose clone is not shaped as above fails, naming the leaf and what
 * it lacks (the kernel's glue could not be right for it). */
int clone_facts_read(const struct gobin *bin, struct clone_facts *f,
		     struct rw_error *err);

/* The facts as linker script assignments of the absolute symbols the
 * kernel reads (rewire_go_clone_child, rewire_go_clone_bare,
 * rewire_go_m_tls, rewire_go_m_procid); malloc'd, NULL when out of
 * memory. */
char *clone_facts_script(const struct clone_facts *f);

#endif
