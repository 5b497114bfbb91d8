/* rewire image --mode redirect: the static proof run on the image as
 * written, before it is published (elf_changes.check). */
#ifndef REWIRE_IMAGE_COVER_H
#define REWIRE_IMAGE_COVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "image.h"

struct image_cover_check {
	bool force;			/* write it anyway */
	struct image_cover *cover;	/* filled (image_result's) */
};

/*
 * An elf_changes.check: models the written bytes (taken, freed), finds
 * their trap instructions (traps_scan) and judges them (trap_cover_judge)
 * into ctx's cover. Fails with err naming the image, each uncovered
 * function+offset (as many as fit) and the way out when a site of Go code
 * is uncovered or Go code was not decoded, unless force; also when the
 * image cannot be read back or memory runs out.
 */
int image_cover_check(void *ctx, const char *name, uint8_t *bytes,
		      size_t size, struct rw_error *err);

#endif
