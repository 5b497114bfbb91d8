/* Chains of redirects: where a call of a redirected function ends up. */
#ifndef REWIRE_REDIRECT_CHAIN_H
#define REWIRE_REDIRECT_CHAIN_H

#include <stdbool.h>
#include <stddef.h>

#include "rewire_note.h"

/*
 * A "redirect" record makes FROM's entry jump to TO's entry. When TO's
 * entry is itself the FROM of a record, the jump goes on: A=B with B=C is a
 * chain (calls of A run C) and A=B with B=A a cycle (calls of either jump
 * around forever). Records are matched by address, so the same function
 * under another name is the same link. Other kinds of record ("original",
 * "image") take no part.
 */

/* The record a call reaches after record i (the one whose FROM entry is
 * i's TO entry), or -1 when i's TO runs its own code. */
long redirect_chain_next(const struct rewire_note *note, size_t i);

/* True when following the records from record i comes back to i and no
 * record of that cycle comes before i: each cycle is found once, at its
 * first record. */
bool redirect_chain_is_cycle(const struct rewire_note *note, size_t i);

/* The names a call of record i's FROM passes, "A -> B -> C", into buf: up
 * to the TO that runs its own code, or, in a cycle, back to A. */
void redirect_chain_format(const struct rewire_note *note, size_t i, char *buf,
			   size_t size);

#endif
