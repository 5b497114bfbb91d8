/* Random bytes for getrandom and AT_RANDOM. */
#ifndef KCORE_RANDOM_H
#define KCORE_RANDOM_H

#include <stddef.h>

void random_init(void);
/* Fills buf: from the CPU's generator, else from a clock-seeded one (said
 * once on the console). */
void random_fill(void *buf, size_t len);

#endif
