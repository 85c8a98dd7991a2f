// Machine descriptions as the module reports them on the two test guests.
#pragma once

#include <linux/crmod.h>

#include <cstdint>
#include <cstring>

namespace crctl::test {

// What both arches fill alike: a 64-bit little-endian machine.
inline crmod_machine machine_of(std::uint32_t arch, std::uint32_t page_size, const char *release)
{
	crmod_machine m{};
	m.arch = arch;
	m.word_size = 64;
	m.endian = CRMOD_ENDIAN_LITTLE;
	m.page_size = page_size;
	std::strncpy(m.release, release, sizeof(m.release) - 1);
	return m;
}

inline crmod_machine x86_machine()
{
	auto m = machine_of(CRMOD_ARCH_X86_64, 4096, "6.1.0-56-amd64");
	m.x86.xcr0 = 0x207;	// x87 sse avx pkru
	m.x86.xsave_size = 2696;
	m.x86.hwcap2 = 0x2;	// fsgsbase
	m.x86.cpuid[CRMOD_CPUID_1_ECX] = (1u << 28) | (1u << 20);	// avx sse4_2
	m.x86.cpuid[CRMOD_CPUID_7_0_EBX] = (1u << 5) | (1u << 9);	// avx2 erms
	m.x86.cpuid_max_leaf = 0x1b;
	std::memcpy(m.x86.vendor, "GenuineIntel", 12);
	m.x86.family = 6;
	m.x86.model = 106;
	return m;
}

inline crmod_machine ppc_machine()
{
	auto m = machine_of(CRMOD_ARCH_PPC64, 65536, "6.1.0-50-powerpc64le");
	m.ppc.hwcap = 0xdc0065c2;	// as seen on a power10 guest
	m.ppc.hwcap2 = 0xbef60000;
	m.ppc.pvr = 0x800200;
	m.ppc.flags = CRMOD_PPC_RADIX;
	std::strcpy(m.ppc.platform, "power10");
	return m;
}

} // namespace crctl::test
