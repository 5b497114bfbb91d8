/* The platforms rewire run knows, in order of preference, and what they
 * share: the --mem size syntax, the result's memory. */
#include "run_platform.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct run_platform *const platforms[] = {
	&run_platform_kvm,
	&run_platform_tcg,
	&run_platform_hosted,
};
#define NPLATFORMS (sizeof(platforms) / sizeof(platforms[0]))

const struct run_platform *run_platform_find(const char *name)
{
	for (size_t i = 0; i < NPLATFORMS; i++)
		if (strcmp(platforms[i]->name, name) == 0)
			return platforms[i];
	return NULL;
}

/* The hardware when it is there; TCG, 10-50 times slower, only for what
 * nothing else boots. */
const struct run_platform *run_platform_default(enum run_kind kind)
{
	char why[256];

	if (kind == RUN_KIND_HOSTED)
		return &run_platform_hosted;
	if (run_platform_kvm.usable(why, sizeof(why)))
		return &run_platform_kvm;
	return kind == RUN_KIND_PVH ? &run_platform_tcg : &run_platform_hosted;
}

void run_platforms_print(FILE *out)
{
	char why[256];

	for (size_t i = 0; i < NPLATFORMS; i++) {
		bool usable = platforms[i]->usable(why, sizeof(why));

		fprintf(out, "%-7s %-9s %s\n", platforms[i]->name,
			usable ? "usable" : "unusable", usable ? platforms[i]->summary : why);
	}
}

const char *run_platform_names(void)
{
	static char names[64];

	if (!names[0])
		for (size_t i = 0; i < NPLATFORMS; i++) {
			if (i)
				strcat(names, "|");
			strcat(names, platforms[i]->name);
		}
	return names;
}

int run_mem_parse(const char *text, uint64_t *bytes, struct rw_error *err)
{
	unsigned long long v;
	unsigned shift = 20; /* MiB, as QEMU's -m */
	char *end;

	errno = 0;
	if (!isdigit((unsigned char)text[0]))
		goto bad;
	v = strtoull(text, &end, 10);
	if (errno)
		goto bad;
	switch (toupper((unsigned char)*end)) {
	case 0: break;
	case 'K': shift = 10; end++; break;
	case 'M': shift = 20; end++; break;
	case 'G': shift = 30; end++; break;
	case 'T': shift = 40; end++; break;
	default: goto bad;
	}
	if (*end || v > (UINT64_MAX >> shift))
		goto bad;
	*bytes = (uint64_t)v << shift;
	if (*bytes < (1ull << 20))
		return rw_fail(err, "--mem %s: less than 1M, which no image boots in", text);
	return 0;
bad:
	return rw_fail(err, "--mem '%s': give a size such as 512M or 2G (K, M, G, T: powers of 1024; no suffix: MiB)",
		       text);
}

void run_result_free(struct run_result *r)
{
	free(r->dump);
	r->dump = NULL;
}
