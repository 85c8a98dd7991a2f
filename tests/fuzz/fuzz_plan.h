/* SPDX-License-Identifier: GPL-2.0 */
/* crmod fuzz: one restart plan of an image (fuzz_plan.c); C and C++. */
#ifndef CRMOD_FUZZ_PLAN_H
#define CRMOD_FUZZ_PLAN_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Once, first: the shim's stand-in system. */
void cr_fuzz_init(void);
/*
 * The module's phase 1a and 1b of the image data[0, size) on the shim's
 * system, then cr_plan_free(); aborts if the module breaks a rule the
 * harness checks. Returns what the ioctl would; error (if not NULL, room
 * for CRMOD_ERROR_LEN bytes) gets the module's message.
 */
int cr_fuzz_plan(const unsigned char *data, size_t size, char *error);
/* Every CRC32C of the image made right, and the END trailer's counts. */
void cr_fuzz_fix_crcs(unsigned char *img, size_t size);

#ifdef __cplusplus
}
#endif

#endif
