/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crmod: the kernel symbols crmod uses that the kernel does not export.
 *
 * This list is the only place they are named; resolver.c looks each one up
 * at load and the module refuses to load if any is missing. Use one as
 * crmod_sym_<name>: a pointer to the variable, or the function itself.
 *
 * S(name, type): type is the variable's type, or the function's type.
 */
#ifndef CRMOD_RESOLVER_H
#define CRMOD_RESOLVER_H

#include <linux/types.h>

#if defined(CONFIG_X86_64)
#define CRMOD_ARCH_SYMBOLS(S)						\
	S(elf_hwcap2, u32)			/* AT_HWCAP2 */
#elif defined(CONFIG_PPC64)
/*
 * Debian's ppc64 kernels lack CONFIG_KALLSYMS_ALL: only functions can be
 * resolved there, never variables.
 */
#define CRMOD_ARCH_SYMBOLS(S)
#else
#error "crmod supports x86_64 and powerpc64 only"
#endif

#define CRMOD_SYMBOLS(S)						\
	CRMOD_ARCH_SYMBOLS(S)

#define CRMOD_DECLARE_SYMBOL(name, type) extern type *crmod_sym_##name;
CRMOD_SYMBOLS(CRMOD_DECLARE_SYMBOL)
#undef CRMOD_DECLARE_SYMBOL

#endif /* CRMOD_RESOLVER_H */
