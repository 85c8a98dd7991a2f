// SPDX-License-Identifier: GPL-2.0
/*
 * crmod: the ppc64 vDSO proxy's instructions (vdso.c). An entry is one
 * relative branch, b: it touches no register, not even LR, which holds the
 * caller's return address, so the new function returns straight to the
 * caller. It reaches 32 MiB either way; vdso.c places the new vDSO near.
 */
#include <linux/string.h>
#include <linux/types.h>

#include "../../compat/unaligned.h"
#include "../../crmod.h"

#define CR_PPC_B	0x48000000U	/* b: opcode 18, AA = LK = 0 */
#define CR_PPC_B_REACH	0x2000000L	/* a 26-bit signed displacement */
#define CR_PPC_TRAP	0x7fe00008U	/* tw 31,0,0: trap always */

size_t cr_arch_vdso_jump_size(void)
{
	return 4;
}

int cr_arch_vdso_jump(u8 *at, size_t room, unsigned long from, unsigned long to)
{
	long rel = (long)(to - from);

	if (room < 4 || (from | to) & 3 || rel < -CR_PPC_B_REACH ||
	    rel >= CR_PPC_B_REACH)
		return -ERANGE;
	put_unaligned(CR_PPC_B | ((u32)rel & 0x03fffffcU), (u32 *)at);
	return 0;
}

void cr_arch_vdso_fill(u8 *page, size_t len)
{
	size_t i;

	for (i = 0; i + 4 <= len; i += 4)
		put_unaligned(CR_PPC_TRAP, (u32 *)(page + i));
}

u64 cr_arch_plan_ip(const struct cr_plan *p)
{
	const struct crmod_ppc_regs *r = p->regs;

	return r && p->regs_len >= sizeof(*r) ? r->nip : 0;
}
