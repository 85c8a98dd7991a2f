// SPDX-License-Identifier: GPL-2.0
/*
 * crmod: the description of this machine that a checkpoint image depends
 * on, and that restart will compare against the image's.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/string.h>
#include <linux/utsname.h>

#include "crmod.h"

void crmod_describe_machine(struct crmod_machine *m)
{
	memset(m, 0, sizeof(*m));
	m->word_size = BITS_PER_LONG;
	m->endian = IS_ENABLED(CONFIG_CPU_BIG_ENDIAN) ? CRMOD_ENDIAN_BIG :
							CRMOD_ENDIAN_LITTLE;
	m->page_size = PAGE_SIZE;
	/* The kernel's own release, not what the caller's UTS namespace says. */
	strscpy(m->release, init_utsname()->release, sizeof(m->release));
	crmod_arch_describe_machine(m);
}
