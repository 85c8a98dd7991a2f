#include "crctl/describe.hpp"
#include "crctl/state.hpp"

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
	EXPECT_EQ(x["family"], 6);
	EXPECT_EQ(x["model"], 106);
	EXPECT_EQ(x["cpuid_max_leaf"], 0x1b);
	EXPECT_EQ(x["cpuid"].size(), static_cast<std::size_t>(CRMOD_CPUID_WORDS));
	EXPECT_EQ(x["cpuid"]["1.ecx"], "0x10100000");
	EXPECT_EQ(x["cpuid"]["0xd.1.eax"], "0x00000000");
	EXPECT_EQ(x["cpuid"]["0x80000001.ecx"], "0x00000000");
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
	EXPECT_EQ(p["base_platform"], "power10");
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
	EXPECT_EQ(p["hwcap2"], "0xbef60000");
}

TEST(Describe, PpcBasePlatformFollowsThePvrNotThePlatform)
{
	auto m = ppc_machine();
	m.ppc.pvr = 0x004e1202;	// a POWER9 running in power8 compatibility mode
	std::strcpy(m.ppc.platform, "power8");
	m.ppc.flags = 0;
	auto p = crctl::machine_json(m)["ppc"];
	EXPECT_EQ(p["platform"], "power8");
	EXPECT_EQ(p["base_platform"], "power9");
	EXPECT_EQ(p["mmu"], "hash");
	m.ppc.pvr = 0x12340000;
	EXPECT_TRUE(crctl::machine_json(m)["ppc"]["base_platform"].is_null());
}

// One bit at a time, so that a name at the wrong position cannot hide behind
// another. Positions from the Intel SDM / AMD APM, independent of the table.
TEST(Describe, X86FlagsSitAtTheirCpuidBits)
{
	struct Expected {
		crmod_x86_cpuid_word word;
		unsigned bit;
		const char *name;
	};
	const Expected expected[] = {
		{CRMOD_CPUID_1_EDX, 25, "sse"},		{CRMOD_CPUID_1_EDX, 26, "sse2"},
		{CRMOD_CPUID_1_ECX, 0, "sse3"},		{CRMOD_CPUID_1_ECX, 9, "ssse3"},
		{CRMOD_CPUID_1_ECX, 19, "sse4_1"},	{CRMOD_CPUID_1_ECX, 20, "sse4_2"},
		{CRMOD_CPUID_1_ECX, 23, "popcnt"},	{CRMOD_CPUID_1_ECX, 25, "aes"},
		{CRMOD_CPUID_1_ECX, 28, "avx"},		{CRMOD_CPUID_1_ECX, 12, "fma"},
		{CRMOD_CPUID_1_ECX, 29, "f16c"},	{CRMOD_CPUID_1_ECX, 26, "xsave"},
		{CRMOD_CPUID_1_ECX, 27, "osxsave"},	{CRMOD_CPUID_1_ECX, 30, "rdrand"},
		{CRMOD_CPUID_1_ECX, 22, "movbe"},	{CRMOD_CPUID_7_0_EBX, 0, "fsgsbase"},
		{CRMOD_CPUID_7_0_EBX, 3, "bmi1"},	{CRMOD_CPUID_7_0_EBX, 5, "avx2"},
		{CRMOD_CPUID_7_0_EBX, 8, "bmi2"},	{CRMOD_CPUID_7_0_EBX, 9, "erms"},
		{CRMOD_CPUID_7_0_EBX, 16, "avx512f"},	{CRMOD_CPUID_7_0_EBX, 18, "rdseed"},
		{CRMOD_CPUID_7_0_EBX, 19, "adx"},	{CRMOD_CPUID_7_0_EBX, 29, "sha"},
		{CRMOD_CPUID_7_0_EBX, 30, "avx512bw"},	{CRMOD_CPUID_7_0_EBX, 31, "avx512vl"},
		{CRMOD_CPUID_7_0_ECX, 3, "pku"},	{CRMOD_CPUID_7_0_ECX, 4, "ospke"},
		{CRMOD_CPUID_7_0_ECX, 8, "gfni"},	{CRMOD_CPUID_7_0_ECX, 9, "vaes"},
		{CRMOD_CPUID_7_0_ECX, 10, "vpclmulqdq"}, {CRMOD_CPUID_7_0_EDX, 24, "amx_tile"},
		{CRMOD_CPUID_7_1_EAX, 4, "avx_vnni"},	{CRMOD_CPUID_D_1_EAX, 3, "xsaves"},
		{CRMOD_CPUID_80000001_ECX, 5, "lzcnt"}, {CRMOD_CPUID_80000001_EDX, 27, "rdtscp"},
	};
	for (const auto &e : expected) {
		auto m = x86_machine();
		std::memset(m.x86.cpuid, 0, sizeof(m.x86.cpuid));
		m.x86.cpuid[e.word] = 1u << e.bit;
		EXPECT_EQ(crctl::machine_json(m)["x86"]["flags"], nlohmann::json({e.name}))
			<< "word " << e.word << " bit " << e.bit;
	}
}

TEST(Describe, Xcr0ComponentsAndHwcap2ByBit)
{
	auto m = x86_machine();
	m.x86.xcr0 = 0x2e7;	// x87 sse avx opmask zmm_hi256 hi16_zmm pkru
	m.x86.hwcap2 = 0x3;
	auto x = crctl::machine_json(m)["x86"];
	EXPECT_EQ(x["xcr0"], "0x2e7");
	EXPECT_EQ(x["xsave_components"],
		  nlohmann::json({"x87", "sse", "avx", "opmask", "zmm_hi256", "hi16_zmm", "pkru"}));
	EXPECT_EQ(x["hwcap2_names"], nlohmann::json({"ring3mwait", "fsgsbase"}));
	m.x86.xcr0 = (1u << 17) | (1u << 18);
	EXPECT_EQ(crctl::machine_json(m)["x86"]["xsave_components"],
		  nlohmann::json({"amx_tilecfg", "amx_tiledata"}));
}

// Bits from arch/powerpc/include/uapi/asm/cputable.h, one at a time.
TEST(Describe, PpcHwcapNamesSitAtTheirBits)
{
	struct Expected {
		bool hwcap2;
		std::uint64_t mask;
		const char *name;
	};
	const Expected expected[] = {
		{false, 0x40000000, "ppc64"},	   {false, 0x10000000, "altivec"},
		{false, 0x08000000, "fpu"},	   {false, 0x00000080, "vsx"},
		{false, 0x00000100, "arch_2_06"},  {false, 0x00000400, "dfp"},
		{false, 0x00004000, "smt"},	   {false, 0x00000002, "true_le"},
		{true, 0x80000000, "arch_2_07"},   {true, 0x40000000, "htm"},
		{true, 0x20000000, "dscr"},	   {true, 0x10000000, "ebb"},
		{true, 0x08000000, "isel"},	   {true, 0x04000000, "tar"},
		{true, 0x02000000, "vcrypto"},	   {true, 0x01000000, "htm-nosc"},
		{true, 0x00800000, "arch_3_00"},   {true, 0x00400000, "ieee128"},
		{true, 0x00200000, "darn"},	   {true, 0x00100000, "scv"},
		{true, 0x00080000, "htm-no-suspend"}, {true, 0x00040000, "arch_3_1"},
		{true, 0x00020000, "mma"},
	};
	for (const auto &e : expected) {
		auto m = ppc_machine();
		m.ppc.hwcap = e.hwcap2 ? 0 : e.mask;
		m.ppc.hwcap2 = e.hwcap2 ? e.mask : 0;
		auto p = crctl::machine_json(m)["ppc"];
		EXPECT_EQ(p[e.hwcap2 ? "hwcap2_names" : "hwcap_names"], nlohmann::json({e.name})) << e.name;
		EXPECT_TRUE(p[e.hwcap2 ? "hwcap_names" : "hwcap2_names"].empty()) << e.name;
	}
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
	EXPECT_EQ(crctl::feature_names(CRMOD_FEAT_CHECKPOINT | CRMOD_FEAT_RESTART),
		  (std::vector<std::string>{"checkpoint", "restart"}));
	// bits the tool does not know yet are not given a made-up name
	EXPECT_TRUE(crctl::feature_names(1ULL << 40).empty());
}

TEST(Describe, AbiMismatchIsDetected)
{
	crmod_version v{CRMOD_ABI_VERSION, CRMOD_IMAGE_VERSION, CRMOD_FEAT_MACHINE};
	EXPECT_TRUE(crctl::abi_compatible(v));
	v.abi_version = CRMOD_ABI_VERSION + 1;
	EXPECT_FALSE(crctl::abi_compatible(v));
	v.abi_version = 0;
	EXPECT_FALSE(crctl::abi_compatible(v));
	v.abi_version = 7;
	auto message = crctl::abi_mismatch_message(v);
	EXPECT_NE(message.find("ABI 7"), std::string::npos) << message;
	EXPECT_NE(message.find("ABI " + std::to_string(CRMOD_ABI_VERSION)), std::string::npos) << message;
}

TEST(Describe, CheckErrorJsonSaysWhatFailed)
{
	auto absent = crctl::check_error_json("/dev/crctl", "not loaded", false);
	EXPECT_EQ(absent["module"]["loaded"], false);
	EXPECT_EQ(absent["module"]["error"], "not loaded");
	EXPECT_EQ(absent["module"]["device"], "/dev/crctl");
	EXPECT_FALSE(absent["module"].contains("abi_version"));
	EXPECT_EQ(absent["tool"]["abi_version"], CRMOD_ABI_VERSION);
	EXPECT_EQ(absent["tool"]["version"], crctl::tool_version);
	EXPECT_FALSE(absent.contains("machine"));

	// An ABI mismatch shows both sides' versions.
	crmod_version other{CRMOD_ABI_VERSION + 1, 0, CRMOD_FEAT_MACHINE};
	auto mismatch = crctl::check_error_json("/dev/crctl", "mismatch", true, other);
	EXPECT_EQ(mismatch["module"]["loaded"], true);
	EXPECT_EQ(mismatch["module"]["abi_version"], CRMOD_ABI_VERSION + 1);
	EXPECT_EQ(mismatch["tool"]["abi_version"], CRMOD_ABI_VERSION);
	EXPECT_EQ(nlohmann::json::parse(mismatch.dump()), mismatch);
}

TEST(Describe, CheckJsonHasToolModuleAndMachine)
{
	crmod_version v{CRMOD_ABI_VERSION, 0, CRMOD_FEAT_MACHINE};
	auto j = crctl::check_json("/dev/crctl", v, x86_machine());
	EXPECT_EQ(j["module"]["loaded"], true);
	EXPECT_EQ(j["module"]["device"], "/dev/crctl");
	EXPECT_EQ(j["module"]["abi_version"], CRMOD_ABI_VERSION);
	EXPECT_EQ(j["module"]["features"], nlohmann::json({"machine"}));
	EXPECT_EQ(j["module"]["image_version"], 0);
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
	EXPECT_NE(ppc.find("0x800200"), std::string::npos);
	EXPECT_NE(ppc.find("65536"), std::string::npos);
	EXPECT_NE(ppc.find("arch_3_1"), std::string::npos);
	// a module that can do more says so, with no "not implemented"
	v.image_version = 1;
	v.features |= CRMOD_FEAT_CHECKPOINT;
	auto later = crctl::check_text("/dev/crctl", v, x86_machine());
	EXPECT_EQ(later.find("not implemented"), std::string::npos);
	EXPECT_NE(later.find("machine checkpoint"), std::string::npos);
}

} // namespace

namespace {

TEST(State, TheTableIsTheHeadersInItsOrder)
{
	// every row of the header, none left out
	ASSERT_EQ(crctl::state_table.size(), static_cast<std::size_t>(CRMOD_STATE_COUNT - 1));
	ASSERT_GE(crctl::state_table.size(), 58u);
	EXPECT_STREQ(crctl::state_table[0].key, "regular_file");
	EXPECT_EQ(crctl::state_table[0].number, static_cast<std::uint32_t>(CRMOD_STATE_REGULAR_FILE));
	EXPECT_TRUE(crctl::state_table[0].restored);
	EXPECT_STREQ(crctl::state_table[0].name, "REGULAR_FILE");
	const auto *memfd = crctl::state_kind(CRMOD_STATE_MEMFD);
	ASSERT_NE(memfd, nullptr);
	EXPECT_STREQ(memfd->text, "memfds, with their content and seals");
	const auto *socket = crctl::state_kind(CRMOD_STATE_SOCKET);
	ASSERT_NE(socket, nullptr);
	EXPECT_FALSE(socket->restored);
	EXPECT_EQ(crctl::state_kind(0), nullptr);
	EXPECT_EQ(crctl::state_key(CRMOD_STATE_FIFO), "fifo");
	EXPECT_EQ(crctl::state_key(500), "unknown (500)");
	// numbers and keys are unique: an image's kind means one thing
	for (std::size_t i = 0; i < crctl::state_table.size(); i++)
		for (std::size_t j = i + 1; j < crctl::state_table.size(); j++) {
			EXPECT_NE(crctl::state_table[i].number, crctl::state_table[j].number);
			EXPECT_STRNE(crctl::state_table[i].key, crctl::state_table[j].key);
		}
}

TEST(State, ListedRestoredAndRefused)
{
	auto j = crctl::state_json();
	ASSERT_EQ(j.size(), crctl::state_table.size());
	EXPECT_EQ(j[0], nlohmann::json({{"key", "regular_file"}, {"number", 1}, {"restored", true},
					{"text", "regular files, by path"}}));
	auto threads = std::find_if(j.begin(), j.end(), [](const auto &s) { return s["key"] == "threads"; });
	ASSERT_NE(threads, j.end());
	EXPECT_EQ((*threads)["restored"], true);
	auto children = std::find_if(j.begin(), j.end(), [](const auto &s) { return s["key"] == "children"; });
	ASSERT_NE(children, j.end());
	EXPECT_EQ((*children)["restored"], false);

	auto text = crctl::state_text();
	auto restored = text.find("what crmod restores:\n");
	auto refused = text.find("what crmod refuses to checkpoint:\n");
	ASSERT_NE(restored, std::string::npos);
	ASSERT_NE(refused, std::string::npos);
	auto memfd = text.find("  memfd                  memfds, with their content and seals\n");
	auto socket = text.find("  socket                 sockets (except on fds 0-2)\n");
	EXPECT_TRUE(restored < memfd && memfd < refused) << text;
	EXPECT_GT(socket, refused) << text;
}

TEST(State, CheckShowsTheTableTheKernelAndValidate)
{
	crmod_version v{CRMOD_ABI_VERSION, CRMOD_IMAGE_VERSION,
			CRMOD_FEAT_MACHINE | CRMOD_FEAT_CHECKPOINT | CRMOD_FEAT_RESTART | CRMOD_FEAT_VALIDATE};
	auto j = crctl::check_json("/dev/crctl", v, x86_machine());
	EXPECT_EQ(j["state"], crctl::state_json());
	EXPECT_EQ(j["kernel_release"], "6.1.0-56-amd64");
	EXPECT_EQ(j["module"]["can_validate"], true);
	EXPECT_TRUE(contains(j["module"]["features"], "validate"));
	auto text = crctl::check_text("/dev/crctl", v, x86_machine());
	EXPECT_NE(text.find("crmod module: loaded (/dev/crctl), kernel 6.1.0-56-amd64\n"), std::string::npos) << text;
	EXPECT_NE(text.find("  validate               yes"), std::string::npos) << text;
	EXPECT_NE(text.find("what crmod refuses to checkpoint:\n"), std::string::npos);
	v.features &= ~static_cast<std::uint64_t>(CRMOD_FEAT_VALIDATE);
	EXPECT_EQ(crctl::check_json("/dev/crctl", v, x86_machine())["module"]["can_validate"], false);
	EXPECT_NE(crctl::check_text("/dev/crctl", v, x86_machine()).find("  validate               no"),
		  std::string::npos);
}

} // namespace
