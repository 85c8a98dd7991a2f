// SPDX-License-Identifier: GPL-2.0
/* crmod: the powerpc64 part of the machine description. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/elf.h>
#include <linux/string.h>
#include <asm/cputable.h>
#include <asm/mmu.h>
#include <asm/reg.h>

#include "../../crmod.h"

void crmod_arch_describe_machine(struct crmod_machine *m)
{
	struct crmod_ppc_machine *p = &m->ppc;

	m->arch = CRMOD_ARCH_PPC64;
	/* Exactly what exec puts in AT_HWCAP, AT_HWCAP2 and AT_PLATFORM. */
	p->hwcap = ELF_HWCAP;
	p->hwcap2 = ELF_HWCAP2;
	if (ELF_PLATFORM)
		strscpy(p->platform, ELF_PLATFORM, sizeof(p->platform));
	p->pvr = mfspr(SPRN_PVR);
	if (radix_enabled())
		p->flags |= CRMOD_PPC_RADIX;
}
