/* Redirect records: the text a C object puts in its .rewire.redirects
 * section to ask for a Go function's redirection (the format is in linker.h). */
#ifndef REWIRE_REDIRECT_RECORD_H
#define REWIRE_REDIRECT_RECORD_H

#include "error.h"
#include "linker.h"

/*
 * Splits one record, "[original|door] FROM ABI C_FUNCTION[ GO_SIGNATURE]"
 * (NUL-terminated, without the NUL), into r's from, abi, to and signature
 * ("" when absent), and sets r->original and r->door; r->object and
 * r->to_addr are left as they were. Words are separated by blanks (spaces, tabs); the signature is
 * the rest of the text without blanks at either end, not parsed here.
 *
 * Checks: at least three words; FROM is a Go linker name
 * (redirect_check_symbol); ABI is ABIInternal or ABI0; C_FUNCTION is a C
 * identifier of at most REDIRECT_SYMBOL_MAX bytes. On failure returns -1
 * with err set (err may be NULL) and r's four strings NULL.
 */
int redirect_record_parse(const char *text, struct linked_redirect *r,
			  struct rw_error *err);

/* Frees r's strings (object included) and zeroes r. */
void redirect_record_free(struct linked_redirect *r);

#endif
