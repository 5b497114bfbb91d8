/* Locating the Go fixture binaries of the unit tests (env REWIRE_FIXTURES). */
#include "fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>

#include <cmocka.h>

int gofixture_minor(const char *version)
{
	return strncmp(version, "go1.", 4) == 0 ? atoi(version + 4) : 0;
}

static int compare_versions(const void *a, const void *b)
{
	return gofixture_minor(a) - gofixture_minor(b);
}

size_t gofixture_versions(char out[][16], size_t max)
{
	const char *root = getenv("REWIRE_FIXTURES");
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	if (!root || !*root)
		fail_msg("REWIRE_FIXTURES is not set: run `make unit-test`, or build the fixtures with tests/fixtures/build.sh");
	d = opendir(root);
	if (!d)
		fail_msg("REWIRE_FIXTURES=%s cannot be opened", root);
	while ((de = readdir(d)) && n < max) {
		if (gofixture_minor(de->d_name) <= 0 || strlen(de->d_name) >= 16)
			continue;
		memcpy(out[n], de->d_name, strlen(de->d_name) + 1);
		n++;
	}
	closedir(d);
	if (n == 0)
		fail_msg("REWIRE_FIXTURES=%s holds no go1.XX folder: build the fixtures first", root);
	qsort(out, n, sizeof(out[0]), compare_versions);
	return n;
}

void gofixture_path(char *buf, size_t len, const char *version, const char *name)
{
	const char *root = getenv("REWIRE_FIXTURES");

	if (!root || !*root)
		fail_msg("REWIRE_FIXTURES is not set: run `make unit-test`");
	snprintf(buf, len, "%s/%s/%s", root, version, name);
	if (access(buf, R_OK) != 0)
		fail_msg("fixture %s is missing: rebuild with tests/fixtures/build.sh", buf);
}
