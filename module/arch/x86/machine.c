// SPDX-License-Identifier: GPL-2.0
/* crmod: the x86_64 part of the machine description. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/string.h>
#include <asm/cpufeature.h>
#include <asm/fpu/xcr.h>
#include <asm/processor.h>

#include "../../compat/cpuid.h"
#include "../../crmod.h"
#include "../../resolver.h"

static u32 cpuid_subleaf_eax(u32 leaf, u32 subleaf)
{
	u32 eax, ebx, ecx, edx;

	cpuid_count(leaf, subleaf, &eax, &ebx, &ecx, &edx);
	return eax;
}

void crmod_arch_describe_machine(struct crmod_machine *m)
{
	struct crmod_x86_machine *x = &m->x86;
	u32 max_leaf, eax, ebx, ecx, edx;

	m->arch = CRMOD_ARCH_X86_64;

	cpuid(0, &max_leaf, &ebx, &ecx, &edx);
	x->cpuid_max_leaf = max_leaf;
	memcpy(x->vendor, &ebx, 4);
	memcpy(x->vendor + 4, &edx, 4);
	memcpy(x->vendor + 8, &ecx, 4);
	x->family = boot_cpu_data.x86;
	x->model = boot_cpu_data.x86_model;

	cpuid(1, &eax, &ebx, &x->cpuid[CRMOD_CPUID_1_ECX],
	      &x->cpuid[CRMOD_CPUID_1_EDX]);
	if (max_leaf >= 7) {
		cpuid_count(7, 0, &eax, &x->cpuid[CRMOD_CPUID_7_0_EBX],
			    &x->cpuid[CRMOD_CPUID_7_0_ECX],
			    &x->cpuid[CRMOD_CPUID_7_0_EDX]);
		/* 7.0 EAX is the highest subleaf of leaf 7 */
		if (eax >= 1)
			x->cpuid[CRMOD_CPUID_7_1_EAX] = cpuid_subleaf_eax(7, 1);
	}
	if (max_leaf >= 0xd)
		x->cpuid[CRMOD_CPUID_D_1_EAX] = cpuid_subleaf_eax(0xd, 1);
	if (cpuid_eax(0x80000000) >= 0x80000001)
		cpuid(0x80000001, &eax, &ebx,
		      &x->cpuid[CRMOD_CPUID_80000001_ECX],
		      &x->cpuid[CRMOD_CPUID_80000001_EDX]);

	/*
	 * XCR0 is what the kernel enabled; CPUID 0xd.0 EAX only says what the
	 * CPU could do. EBX is the XSAVE area size for the enabled set.
	 */
	if (boot_cpu_has(X86_FEATURE_OSXSAVE)) {
		x->xcr0 = xgetbv(XCR_XFEATURE_ENABLED_MASK);
		cpuid_count(0xd, 0, &eax, &x->xsave_size, &ecx, &edx);
	}
	x->hwcap2 = *crmod_sym_elf_hwcap2;
}
