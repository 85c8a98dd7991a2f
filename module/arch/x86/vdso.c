// SPDX-License-Identifier: GPL-2.0
/*
 * crmod: the x86_64 vDSO proxy's instructions (vdso.c). An entry is a
 * 5-byte jmp rel32: it clobbers no register and leaves the stack as the
 * caller made it, so the new function returns straight to the caller.
 */
#include <linux/string.h>
#include <linux/types.h>

#include "../../compat/unaligned.h"
#include "../../crmod.h"

#define CR_JMP_REL32		0xe9
#define CR_JMP_REL32_SIZE	5
#define CR_INT3			0xcc

size_t cr_arch_vdso_jump_size(void)
{
	return CR_JMP_REL32_SIZE;
}

int cr_arch_vdso_jump(u8 *at, size_t room, unsigned long from, unsigned long to)
{
	s64 rel = (s64)(to - (from + CR_JMP_REL32_SIZE));

	if (room < CR_JMP_REL32_SIZE || rel != (s32)rel)
		return -ERANGE;
	at[0] = CR_JMP_REL32;
	put_unaligned_le32((u32)(s32)rel, at + 1);
	return 0;
}

void cr_arch_vdso_fill(u8 *page, size_t len)
{
	memset(page, CR_INT3, len);
}

u64 cr_arch_plan_ip(const struct cr_plan *p)
{
	const struct crmod_x86_regs *r = p->regs;

	return r && p->regs_len >= sizeof(*r) ? r->ip : 0;
}
