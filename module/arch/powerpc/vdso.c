// SPDX-License-Identifier: GPL-2.0
/*
 * crmod: the ppc64 vDSO proxy's instructions (vdso.c). A function's global
 * entry point (ELFv2) may compute its TOC from r12, which the caller set
 * to the address it called: the old one. So an entry sets r12 to the new
 * function's address, found from its own (bcl, with LR kept in r0, which
 * like r12 no caller expects kept), then branches there with b: LR still
 * holds the caller's return address. Where the next entry is too near for
 * that, the entry is the branch alone. b reaches 32 MiB either way;
 * vdso.c places the new vDSO near.
 */
#include <linux/string.h>
#include <linux/types.h>

#include "../../compat/unaligned.h"
#include "../../crmod.h"

#define CR_PPC_B	0x48000000U	/* b: opcode 18, AA = LK = 0 */
#define CR_PPC_B_REACH	0x2000000L	/* a 26-bit signed displacement */
#define CR_PPC_TRAP	0x7fe00008U	/* tw 31,0,0: trap always */
#define CR_PPC_MFLR_R0	0x7c0802a6U
#define CR_PPC_BCL_NEXT	0x429f0005U	/* bcl 20,31,.+4: LR = the next */
#define CR_PPC_MFLR_R12	0x7d8802a6U
#define CR_PPC_MTLR_R0	0x7c0803a6U
#define CR_PPC_ADDIS_R12	0x3d8c0000U	/* addis r12,r12,SI */
#define CR_PPC_ADDI_R12	0x398c0000U	/* addi r12,r12,SI */
#define CR_PPC_LONG_ENTRY	7	/* instructions */

size_t cr_arch_vdso_jump_size(void)
{
	return 4;
}

static void cr_ppc_put(u8 *at, unsigned int i, u32 insn)
{
	put_unaligned(insn, (u32 *)(at + 4 * i));
}

int cr_arch_vdso_jump(u8 *at, size_t room, unsigned long from, unsigned long to)
{
	unsigned int n = room >= 4 * CR_PPC_LONG_ENTRY ? CR_PPC_LONG_ENTRY : 1;
	unsigned long b_from = from + 4 * (n - 1);
	long rel = (long)(to - b_from);
	long delta = (long)(to - (from + 8));	/* from the mflr r12 */

	if (room < 4 || (from | to) & 3 || rel < -CR_PPC_B_REACH ||
	    rel >= CR_PPC_B_REACH)
		return -ERANGE;
	if (n == CR_PPC_LONG_ENTRY) {
		cr_ppc_put(at, 0, CR_PPC_MFLR_R0);
		cr_ppc_put(at, 1, CR_PPC_BCL_NEXT);
		cr_ppc_put(at, 2, CR_PPC_MFLR_R12);
		cr_ppc_put(at, 3, CR_PPC_MTLR_R0);
		cr_ppc_put(at, 4, CR_PPC_ADDIS_R12 | (((delta + 0x8000) >> 16) & 0xffff));
		cr_ppc_put(at, 5, CR_PPC_ADDI_R12 | (delta & 0xffff));
	}
	cr_ppc_put(at, n - 1, CR_PPC_B | ((u32)rel & 0x03fffffcU));
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
