/* Chains of redirects: where a call of a redirected function ends up. */
#include "redirect_chain.h"

#include <stdio.h>
#include <string.h>

static bool is_jump(const struct note_redirect *r)
{
	return strcmp(r->kind, "redirect") == 0;
}

long redirect_chain_next(const struct rewire_note *note, size_t i)
{
	const struct note_redirect *r = &note->redirects[i];

	if (!is_jump(r))
		return -1;
	for (size_t j = 0; j < note->nredirects; j++)
		if (is_jump(&note->redirects[j]) &&
		    note->redirects[j].from_addr == r->to_addr)
			return (long)j;
	return -1;
}

bool redirect_chain_is_cycle(const struct rewire_note *note, size_t i)
{
	long at = (long)i;

	/* A walk that is no cycle through i ends, or enters another cycle,
	 * within nredirects steps. */
	for (size_t steps = 0; steps < note->nredirects; steps++) {
		at = redirect_chain_next(note, (size_t)at);
		if (at < 0 || (size_t)at < i)
			return false;
		if ((size_t)at == i)
			return true;
	}
	return false;
}

void redirect_chain_format(const struct rewire_note *note, size_t i, char *buf,
			   size_t size)
{
	size_t used = 0;
	long at = (long)i;

	if (size == 0)
		return;
	buf[0] = '\0';
	used += (size_t)snprintf(buf, size, "%s", note->redirects[i].from);
	for (size_t steps = 0; steps < note->nredirects && used < size; steps++) {
		const struct note_redirect *r = &note->redirects[at];

		used += (size_t)snprintf(buf + used, size - used, " -> %s", r->to);
		at = redirect_chain_next(note, (size_t)at);
		if (at < 0 || (size_t)at == i)
			break;
	}
}
