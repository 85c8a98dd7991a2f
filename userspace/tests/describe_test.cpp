#include "crctl/describe.hpp"

#include "machines.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>

namespace {

using crctl::test::ppc_machine;
using crctl::test::x86_machine;

bool contains(const nlohmann::json &list, const std::string &name)
{
	return std::find(list.begin(), list.end(), name) != list.end();
}

TEST(Describe, X86MachineJson)
{
	auto j = crctl::machine_json(x86_machine());
	EXPECT_EQ(j["arch"], "x86_64");
	EXPECT_EQ(j["word_size"], 64);
	EXPECT_EQ(j["endianness"], "little");
	EXPECT_EQ(j["page_size"], 4096);
	EXPECT_EQ(j["kernel_release"], "6.1.0-56-amd64");
	EXPECT_FALSE(j.contains("ppc"));
	const auto &x = j["x86"];
	EXPECT_EQ(x["xcr0"], "0x207");
	EXPECT_EQ(x["xsave_components"], nlohmann::json({"x87", "sse", "avx", "pkru"}));
	EXPECT_EQ(x["xsave_size"], 2696);
	EXPECT_EQ(x["hwcap2_names"], nlohmann::json({"fsgsbase"}));
	EXPECT_EQ(x["cpuid"]["7.0.ebx"], "0x00000220");
	EXPECT_EQ(x["vendor"], "GenuineIntel");
	EXPECT_TRUE(contains(x["flags"], "avx"));
	EXPECT_TRUE(contains(x["flags"], "sse4_2"));
	EXPECT_TRUE(contains(x["flags"], "avx2"));
	EXPECT_TRUE(contains(x["flags"], "erms"));
	EXPECT_FALSE(contains(x["flags"], "avx512f"));
	EXPECT_FALSE(contains(x["flags"], "sse2"));
}

TEST(Describe, PpcMachineJson)
{
	auto j = crctl::machine_json(ppc_machine());
	EXPECT_EQ(j["arch"], "ppc64");
	EXPECT_EQ(j["page_size"], 65536);
	EXPECT_FALSE(j.contains("x86"));
	const auto &p = j["ppc"];
	EXPECT_EQ(p["platform"], "power10");
	EXPECT_EQ(p["mmu"], "radix");
	EXPECT_EQ(p["pvr"], "0x800200");
	EXPECT_EQ(p["hwcap"], "0xdc0065c2");
	EXPECT_TRUE(contains(p["hwcap_names"], "ppc64"));
	EXPECT_TRUE(contains(p["hwcap_names"], "altivec"));
	EXPECT_TRUE(contains(p["hwcap_names"], "vsx"));
	EXPECT_TRUE(contains(p["hwcap_names"], "true_le"));
	EXPECT_FALSE(contains(p["hwcap_names"], "spe"));
	EXPECT_TRUE(contains(p["hwcap2_names"], "arch_3_1"));
	EXPECT_TRUE(contains(p["hwcap2_names"], "mma"));
	EXPECT_TRUE(contains(p["hwcap2_names"], "arch_3_00"));
	EXPECT_FALSE(contains(p["hwcap2_names"], "htm"));
}

TEST(Describe, UnterminatedStringsStayInTheirField)
{
	auto m = ppc_machine();
	std::memset(m.ppc.platform, 'p', sizeof(m.ppc.platform));
	std::memset(m.release, 'r', sizeof(m.release));
	auto j = crctl::machine_json(m);
	EXPECT_EQ(j["ppc"]["platform"].get<std::string>().size(), sizeof(m.ppc.platform));
	EXPECT_EQ(j["kernel_release"].get<std::string>().size(), sizeof(m.release));
}

TEST(Describe, UnknownArchIsNamedNotGuessed)
{
	auto m = x86_machine();
	m.arch = 99;
	auto j = crctl::machine_json(m);
	EXPECT_EQ(j["arch"], "unknown (99)");
	EXPECT_FALSE(j.contains("x86"));
}

TEST(Describe, FeatureNames)
{
	EXPECT_EQ(crctl::feature_names(CRMOD_FEAT_MACHINE), std::vector<std::string>{"machine"});
	EXPECT_EQ(crctl::feature_names(CRMOD_FEAT_MACHINE | CRMOD_FEAT_TEST_HOOKS),
		  (std::vector<std::string>{"machine", "test_hooks"}));
	EXPECT_TRUE(crctl::feature_names(0).empty());
}

TEST(Describe, AbiMismatchIsDetected)
{
	crmod_version v{CRMOD_ABI_VERSION, CRMOD_IMAGE_VERSION, CRMOD_FEAT_MACHINE};
	EXPECT_TRUE(crctl::abi_compatible(v));
	v.abi_version = CRMOD_ABI_VERSION + 1;
	EXPECT_FALSE(crctl::abi_compatible(v));
}

TEST(Describe, CheckJsonHasToolModuleAndMachine)
{
	crmod_version v{CRMOD_ABI_VERSION, 0, CRMOD_FEAT_MACHINE};
	auto j = crctl::check_json("/dev/crctl", v, x86_machine());
	EXPECT_EQ(j["module"]["loaded"], true);
	EXPECT_EQ(j["module"]["device"], "/dev/crctl");
	EXPECT_EQ(j["module"]["abi_version"], CRMOD_ABI_VERSION);
	EXPECT_EQ(j["module"]["features"], nlohmann::json({"machine"}));
	EXPECT_EQ(j["tool"]["abi_version"], CRMOD_ABI_VERSION);
	EXPECT_EQ(j["machine"]["arch"], "x86_64");
	// what is printed must parse back to the same document
	EXPECT_EQ(nlohmann::json::parse(j.dump(2)), j);
}

TEST(Describe, CheckTextNamesTheKeyFields)
{
	crmod_version v{CRMOD_ABI_VERSION, 0, CRMOD_FEAT_MACHINE};
	auto text = crctl::check_text("/dev/crctl", v, x86_machine());
	EXPECT_NE(text.find("6.1.0-56-amd64"), std::string::npos);
	EXPECT_NE(text.find("page size"), std::string::npos);
	EXPECT_NE(text.find("0x207 (x87 sse avx pkru)"), std::string::npos);
	EXPECT_NE(text.find("not implemented yet"), std::string::npos);
	auto ppc = crctl::check_text("/dev/crctl", v, ppc_machine());
	EXPECT_NE(ppc.find("power10"), std::string::npos);
	EXPECT_NE(ppc.find("radix"), std::string::npos);
}

} // namespace
