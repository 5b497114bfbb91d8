/* Locating the Go fixture binaries that tests/fixtures/build.sh makes (env REWIRE_FIXTURES). */
#ifndef REWIRE_TEST_FIXTURE_H
#define REWIRE_TEST_FIXTURE_H

#include <stddef.h>

#define GOFIXTURE_MAX_VERSIONS 32

/* The fixture versions present ("go1.19", "go1.21"...), oldest first. Fails
 * the running test when REWIRE_FIXTURES is unset or holds no version, since a
 * test that silently skips proves nothing. */
size_t gofixture_versions(char out[][16], size_t max);

/* REWIRE_FIXTURES/version/name into buf; fails the test if it is missing. */
void gofixture_path(char *buf, size_t len, const char *version, const char *name);

/* Minor version of "go1.XX". */
int gofixture_minor(const char *version);

#endif
