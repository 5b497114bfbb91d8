/* Fuzz target: the kernel command line (kernel-runtime/core/cmdline.c),
 * then the first thread's initial stack built from it (initstack_build), as
 * kcore_init and kcore_start_program do. The parse is checked against a
 * model written from kernel.h's description: words split on blanks, "--"
 * starts argv, each word percent-decoded, then env=, stats, trace, or an
 * option; every pointer must point into the text it was given. */
#include "fuzz.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "boot.h"
#include "cmdline.h"
#include "initstack.h"
#include "linux_abi.h"

#define STACK_SIZE (INITSTACK_PAGES * PAGE_SIZE)
#define STACK_VA (0x7ff000000000ul + (8ul << 20) - STACK_SIZE)

static bool model_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int model_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The decoded form of w[0, len) into out (len + 1 bytes): "%" alone is
 * empty, %XX a byte (but %00, which a C string cannot hold, stays). */
static void model_decode(const char *w, size_t len, char *out)
{
	size_t i = 0, o = 0;

	if (len == 1 && w[0] == '%') {
		out[0] = 0;
		return;
	}
	while (i < len) {
		if (w[i] == '%' && i + 2 < len && model_hex(w[i + 1]) >= 0 &&
		    model_hex(w[i + 2]) >= 0 && (model_hex(w[i + 1]) | model_hex(w[i + 2]))) {
			out[o++] = (char)(model_hex(w[i + 1]) << 4 | model_hex(w[i + 2]));
			i += 3;
		} else {
			out[o++] = w[i++];
		}
	}
	out[o] = 0;
}

/* p must be a string that starts and ends (its NUL) inside buf[0, size). */
static void check_inside(const char *p, const char *buf, size_t size)
{
	if (!p || p < buf || p >= buf + size)
		abort();
	if (!memchr(p, 0, size - (size_t)(p - buf)))
		abort();
}

static void check_equal(const char *got, const char *want)
{
	if (strcmp(got, want) != 0)
		abort();
}

/* What cmdline_option should answer: the first option that is KEY or
 * starts with "KEY=". */
static const char *model_option(const struct cmdline *c, const char *key)
{
	size_t n = strlen(key);

	for (int i = 0; i < c->optc; i++)
		if (strncmp(c->options[i], key, n) == 0 &&
		    (c->options[i][n] == 0 || c->options[i][n] == '='))
			return c->options[i][n] ? c->options[i] + n + 1 : "";
	return NULL;
}

/* Whether option word o has a KEY of keys: it is KEY or starts "KEY=". */
static bool model_listed(const char *o, const char *const keys[])
{
	for (size_t k = 0; keys[k]; k++) {
		size_t n = strlen(keys[k]);

		if (strncmp(o, keys[k], n) == 0 && (o[n] == 0 || o[n] == '='))
			return true;
	}
	return false;
}

/* Both absent, both "" (a bare KEY), or the same VALUE inside the text. */
static void same_option(const char *got, const char *want)
{
	if (!got != !want || (got && got != want && (*got || *want)))
		abort();
}

static void check_options(const struct cmdline *c)
{
	static const char *const keys[] = { "", "env", "stats", "mem", "console", "a", "=" };
	char key[64];

	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
		same_option(cmdline_option(c, keys[k]), model_option(c, keys[k]));
	/* The unknown option: the first whose key is in neither list, as
	 * the model finds it. */
	static const char *const known[] = { "mem", "a", NULL };
	static const char *const more[] = { "console", "", NULL };
	const char *want = NULL;
	for (int i = 0; i < c->optc && !want; i++)
		if (!model_listed(c->options[i], known) && !model_listed(c->options[i], more))
			want = c->options[i];
	if (cmdline_unknown_option(c, known, more) != want)
		abort();
	/* Every option's own key finds an option. */
	for (int i = 0; i < c->optc; i++) {
		size_t n = strcspn(c->options[i], "=");

		if (n >= sizeof(key))
			continue;
		memcpy(key, c->options[i], n);
		key[n] = 0;
		if (!cmdline_option(c, key))
			abort();
		same_option(cmdline_option(c, key), model_option(c, key));
	}
}

/* The host address of a string the program will see at va, which must be
 * inside the stack and NUL-terminated there. */
static const char *on_stack(const char *stack, uint64_t va)
{
	if (va < STACK_VA || va >= STACK_VA + STACK_SIZE)
		abort();
	check_inside(stack + (va - STACK_VA), stack, STACK_SIZE);
	return stack + (va - STACK_VA);
}

/* The stack, word by word: argc, argv, NULL, envp, NULL, auxv to AT_NULL;
 * every string pointer inside the stack and equal to what was parsed. */
static void check_stack(const struct cmdline *c)
{
	static const uint8_t random16[16] = { 1, 2, 3 };
	struct initstack_args a = {
		.argc = c->argc, .argv = c->argv, .envc = c->envc, .envp = c->envp,
		.phdr = 0x400040, .entry = 0x401000, .phent = 56, .phnum = 7,
		.random = random16,
	};
	/* Static: ASan's redzone after it catches a write past the top, and
	 * a fresh 64 KiB per input would cost more than the parse. */
	static char stack[STACK_SIZE];
	uintptr_t sp;
	const uint64_t *w;
	size_t i = 0;

	/* Whatever fits KCORE_CMDLINE_MAX fits the first stack: boot has no
	 * other check. */
	sp = initstack_build(stack, STACK_VA, STACK_SIZE, &a);
	if (sp == 0 || sp % 16 || sp < STACK_VA || sp >= STACK_VA + STACK_SIZE)
		abort();
	w = (const uint64_t *)(void *)(stack + (sp - STACK_VA));
	if (w[i++] != (uint64_t)c->argc)
		abort();
	for (int k = 0; k < c->argc; k++)
		check_equal(on_stack(stack, w[i++]), c->argv[k]);
	if (w[i++] != 0)
		abort();
	for (int k = 0; k < c->envc; k++)
		check_equal(on_stack(stack, w[i++]), c->envp[k]);
	if (w[i++] != 0)
		abort();
	for (int k = 0; k < INITSTACK_AUXV_PAIRS; k++, i += 2) {
		if (w[i] == AT_EXECFN && w[i + 1] != w[1])
			abort();
		if (w[i] == AT_NULL && k != INITSTACK_AUXV_PAIRS - 1)
			abort();
	}
	if (w[i - 2] != AT_NULL)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* kcore_init takes the platform's C string up to its NUL, and refuses
	 * one of KCORE_CMDLINE_MAX bytes or more. */
	size_t len = strnlen((const char *)data, size);
	char *text, *orig, *word;
	struct cmdline c;
	const char *error = NULL;
	int rc, na = 0, ne = 0, no = 0;
	bool args = false, stats = false, trace = false, over = false;

	if (len >= KCORE_CMDLINE_MAX)
		return 0;
	text = malloc(len + 1);
	orig = malloc(len + 1);
	word = malloc(len + 1);
	if (!text || !orig || !word)
		abort();
	memcpy(text, data, len);
	text[len] = 0;
	memcpy(orig, text, len + 1);
	rc = cmdline_parse(text, &c, &error);

	/* The model, over the untouched copy. */
	for (size_t i = 0; i < len && !over; ) {
		size_t start, wlen;

		while (i < len && model_blank(orig[i]))
			i++;
		if (i == len)
			break;
		start = i;
		while (i < len && !model_blank(orig[i]))
			i++;
		wlen = i - start;
		if (!args && wlen == 2 && orig[start] == '-' && orig[start + 1] == '-') {
			args = true;
			continue;
		}
		model_decode(orig + start, wlen, word);
		if (args) {
			if (na == CMDLINE_MAX_ARGS) {
				over = true;
				break;
			}
			if (rc == 0)
				check_equal(c.argv[na], word);
			na++;
		} else if (strncmp(word, "env=", 4) == 0) {
			if (ne == CMDLINE_MAX_ENV) {
				over = true;
				break;
			}
			if (rc == 0)
				check_equal(c.envp[ne], word + 4);
			ne++;
		} else if (strcmp(word, "stats") == 0) {
			stats = true;
		} else if (strcmp(word, "trace") == 0) {
			trace = true;
		} else {
			if (no == CMDLINE_MAX_OPTIONS) {
				over = true;
				break;
			}
			if (rc == 0)
				check_equal(c.options[no], word);
			no++;
		}
	}
	if (over) {
		/* A limit passed: refused, with a message. */
		if (rc != -1 || !error)
			abort();
		fuzz_touch_string(error);
		goto out;
	}
	if (rc != 0)
		abort();
	if (na == 0) {
		if (c.argc != 1 || strcmp(c.argv[0], CMDLINE_DEFAULT_ARGV0) != 0)
			abort();
	} else if (c.argc != na) {
		abort();
	}
	if (c.envc != ne || c.optc != no || c.stats != stats || c.trace != trace)
		abort();
	if (c.argv[c.argc] != NULL || c.envp[c.envc] != NULL)
		abort();
	/* Decoded in place: every string is inside the text. */
	for (int k = 0; k < na; k++)
		check_inside(c.argv[k], text, len + 1);
	for (int k = 0; k < c.envc; k++)
		check_inside(c.envp[k], text, len + 1);
	for (int k = 0; k < c.optc; k++)
		check_inside(c.options[k], text, len + 1);
	check_options(&c);
	check_stack(&c);
out:
	free(text);
	free(orig);
	free(word);
	return 0;
}
