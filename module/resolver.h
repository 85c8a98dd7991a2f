/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crmod: the kernel symbols crmod uses that the kernel does not export.
 *
 * resolver.c holds the one table of them; it looks each up at load and the
 * module refuses to load if any is missing. Use one as crmod_sym_<name>: a
 * pointer to the variable, or the function itself.
 *
 * Debian's ppc64 kernels lack CONFIG_KALLSYMS_ALL: only functions resolve
 * there, never variables.
 */
#ifndef CRMOD_RESOLVER_H
#define CRMOD_RESOLVER_H

#include <linux/types.h>

#ifdef CONFIG_X86_64
extern u32 *crmod_sym_elf_hwcap2;	/* AT_HWCAP2 */
#endif

#endif /* CRMOD_RESOLVER_H */
