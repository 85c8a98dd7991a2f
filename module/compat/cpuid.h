/* SPDX-License-Identifier: GPL-2.0 */
/* crmod compat: x86 cpuid() and friends moved to <asm/cpuid/api.h> (6.15). */
#ifndef CRMOD_COMPAT_CPUID_H
#define CRMOD_COMPAT_CPUID_H

#ifdef CR_HAVE_ASM_CPUID_API_H
#include <asm/cpuid/api.h>
#endif
#include <asm/processor.h>

#endif
