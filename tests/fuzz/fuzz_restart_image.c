// SPDX-License-Identifier: GPL-2.0
/*
 * crmod fuzz target: bytes as an image file, read by the module's own
 * restart code: phase 1a (cr_read_image(): the header, every section's
 * framing, CRC and record checks), phase 1b (cr_check_plan()) against the
 * shim's stand-in for the live system, then cr_plan_free() (fuzz_plan.c).
 * Any crash, sanitizer report, leak, or stub of the kernel reached is a bug.
 *
 * Every input runs up to four times:
 *  1. as it is;
 *  2. with every CRC32C (and the END trailer's counts) made right, so that
 *     mutations reach the record checks behind the checksums;
 *  3. if 2 was accepted whole: as 2, by a caller without privilege (uid
 *     1000, no capability), whom phase 1b refuses much of;
 *  4. as 2, with the nth fallible step (an allocation, a read of the
 *     image) failing, n chosen by the input's bytes among those 2 took.
 */
#include <shim/kernel.h>

#include "../../module/crmod.h"
#include "shim/shim.h"
#include "fuzz_plan.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	cr_fuzz_init();
	return 0;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	u8 *fixed;
	unsigned long steps;
	int ret;

	shim_fail_nth = 0;
	shim_fallible_calls = 0;
	ret = cr_fuzz_plan(data, size, NULL);

	fixed = malloc(size ? size : 1);
	if (!fixed)
		return 0;
	memcpy(fixed, data, size);
	cr_fuzz_fix_crcs(fixed, size);
	if (memcmp(fixed, data, size)) {
		shim_fallible_calls = 0;
		ret = cr_fuzz_plan(fixed, size, NULL);
	}
	steps = shim_fallible_calls;
	if (!ret) {
		shim_privileged = false;
		cr_fuzz_plan(fixed, size, NULL);
		shim_privileged = true;
	}
	if (steps) {
		shim_fail_nth = 1 + cr_crc(data, size) % steps;
		shim_fallible_calls = 0;
		cr_fuzz_plan(fixed, size, NULL);
		shim_fail_nth = 0;
	}
	free(fixed);
	return 0;
}
