// Machine descriptions as the module reports them on the two test guests.
#pragma once

#include <linux/crmod.h>

#include <cstring>

namespace crctl::test {

inline crmod_machine x86_machine()
{
	crmod_machine m{};
	m.arch = CRMOD_ARCH_X86_64;
	m.word_size = 64;
	m.endian = CRMOD_ENDIAN_LITTLE;
	m.page_size = 4096;
	std::strcpy(m.release, "6.1.0-56-amd64");
	m.x86.xcr0 = 0x207;	// x87 sse avx pkru
	m.x86.xsave_size = 2696;
	m.x86.hwcap2 = 0x2;	// fsgsbase
	m.x86.cpuid[CRMOD_CPUID_1_ECX] = (1u << 28) | (1u << 20);	// avx sse4_2
	m.x86.cpuid[CRMOD_CPUID_7_0_EBX] = (1u << 5) | (1u << 9);	// avx2 erms
	std::memcpy(m.x86.vendor, "GenuineIntel", 12);
	m.x86.family = 6;
	m.x86.model = 6;
	return m;
}

inline crmod_machine ppc_machine()
{
	crmod_machine m{};
	m.arch = CRMOD_ARCH_PPC64;
	m.word_size = 64;
	m.endian = CRMOD_ENDIAN_LITTLE;
	m.page_size = 65536;
	std::strcpy(m.release, "6.1.0-50-powerpc64le");
	m.ppc.hwcap = 0xdc0065c2;	// as seen on a power10 guest
	m.ppc.hwcap2 = 0xbef60000;
	m.ppc.pvr = 0x800200;
	m.ppc.flags = CRMOD_PPC_RADIX;
	std::strcpy(m.ppc.platform, "power10");
	return m;
}

} // namespace crctl::test
