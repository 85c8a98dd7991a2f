// SPDX-License-Identifier: GPL-2.0
/*
 * A 32-bit (ia32) process for the x86_64 guests, which checkpoint must
 * refuse by name (cr_refusals): it only spins. No libc, so that it builds
 * without a 32-bit one (gcc-multilib).
 */
void _start(void)
{
	for (;;)
		__asm__ volatile("pause");
}
