#include "crctl/describe.hpp"
#include "crctl/state.hpp"

#include "format.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <span>
#include <string_view>

namespace crctl {

using nlohmann::json;
using namespace detail;

namespace {

const std::vector<BitName> crmod_features = {
	{CRMOD_FEAT_MACHINE, "machine"},
	{CRMOD_FEAT_CHECKPOINT, "checkpoint"},
	{CRMOD_FEAT_RESTART, "restart"},
	{CRMOD_FEAT_VALIDATE, "validate"},
	{CRMOD_FEAT_REASONS, "reasons"},
	{CRMOD_FEAT_THREADS, "threads"},
	{CRMOD_FEAT_TREES, "trees"},
	{CRMOD_FEAT_TEST_HOOKS, "test_hooks"},
};

// The CPU feature names the module uses in its refusals (crmod_cpu.h).
#define CRMOD_X86_CPUID(word, bit, name)
#define CRMOD_PPC_HWCAP(mask, name)
#define CRMOD_PPC_HWCAP2(mask, name)
#define CRMOD_X86_XSTATE(bit, name) {std::uint64_t{1} << (bit), name},
const std::vector<BitName> xcr0_components = {
#include <linux/crmod_cpu.h>
};
#undef CRMOD_X86_XSTATE
#define CRMOD_X86_XSTATE(bit, name)

const std::vector<BitName> x86_hwcap2 = {{bit(0), "ring3mwait"}, {bit(1), "fsgsbase"}};

struct CpuidName {
	crmod_x86_cpuid_word word;
	int bit;
	const char *name;
};

#undef CRMOD_X86_CPUID
#define CRMOD_X86_CPUID(word, bit, name) {word, bit, name},
constexpr CpuidName cpuid_names[] = {
#include <linux/crmod_cpu.h>
};
#undef CRMOD_X86_CPUID
#define CRMOD_X86_CPUID(word, bit, name)

struct CpuidWord {
	crmod_x86_cpuid_word index;
	const char *name;
	std::vector<BitName> flags;
};

CpuidWord cpuid_word(crmod_x86_cpuid_word index, const char *name)
{
	CpuidWord word{index, name, {}};
	for (const auto &n : cpuid_names)
		if (n.word == index)
			word.flags.push_back({std::uint64_t{1} << n.bit, n.name});
	return word;
}

const std::array<CpuidWord, CRMOD_CPUID_WORDS> cpuid_words = {{
	cpuid_word(CRMOD_CPUID_1_ECX, "1.ecx"),
	cpuid_word(CRMOD_CPUID_1_EDX, "1.edx"),
	cpuid_word(CRMOD_CPUID_7_0_EBX, "7.0.ebx"),
	cpuid_word(CRMOD_CPUID_7_0_ECX, "7.0.ecx"),
	cpuid_word(CRMOD_CPUID_7_0_EDX, "7.0.edx"),
	cpuid_word(CRMOD_CPUID_7_1_EAX, "7.1.eax"),
	cpuid_word(CRMOD_CPUID_D_1_EAX, "0xd.1.eax"),
	cpuid_word(CRMOD_CPUID_80000001_ECX, "0x80000001.ecx"),
	cpuid_word(CRMOD_CPUID_80000001_EDX, "0x80000001.edx"),
}};

#undef CRMOD_PPC_HWCAP
#define CRMOD_PPC_HWCAP(mask, name) {mask, name},
const std::vector<BitName> ppc_hwcap = {
#include <linux/crmod_cpu.h>
};
#undef CRMOD_PPC_HWCAP
#define CRMOD_PPC_HWCAP(mask, name)

#undef CRMOD_PPC_HWCAP2
#define CRMOD_PPC_HWCAP2(mask, name) {mask, name},
const std::vector<BitName> ppc_hwcap2 = {
#include <linux/crmod_cpu.h>
};
#undef CRMOD_PPC_HWCAP2
#undef CRMOD_PPC_HWCAP
#undef CRMOD_X86_CPUID
#undef CRMOD_X86_XSTATE

constexpr ValueName arches[] = {{CRMOD_ARCH_X86_64, "x86_64"}, {CRMOD_ARCH_PPC64, "ppc64"}};
constexpr ValueName endians[] = {{CRMOD_ENDIAN_LITTLE, "little"}, {CRMOD_ENDIAN_BIG, "big"}};

// Signals 1-31 are numbered alike on x86_64 and powerpc (both follow
// asm-generic); 32-64 are the real-time signals, named by number.
constexpr ValueName signal_names[] = {
	{1, "SIGHUP"},	   {2, "SIGINT"},     {3, "SIGQUIT"},	{4, "SIGILL"},	  {5, "SIGTRAP"},
	{6, "SIGABRT"},	   {7, "SIGBUS"},     {8, "SIGFPE"},	{9, "SIGKILL"},	  {10, "SIGUSR1"},
	{11, "SIGSEGV"},   {12, "SIGUSR2"},   {13, "SIGPIPE"},	{14, "SIGALRM"},  {15, "SIGTERM"},
	{16, "SIGSTKFLT"}, {17, "SIGCHLD"},   {18, "SIGCONT"},	{19, "SIGSTOP"},  {20, "SIGTSTP"},
	{21, "SIGTTIN"},   {22, "SIGTTOU"},   {23, "SIGURG"},	{24, "SIGXCPU"},  {25, "SIGXFSZ"},
	{26, "SIGVTALRM"}, {27, "SIGPROF"},   {28, "SIGWINCH"}, {29, "SIGIO"},	  {30, "SIGPWR"},
	{31, "SIGSYS"},
};

// AT_BASE_PLATFORM is the platform of the processor the PVR names, whatever
// compatibility mode AT_PLATFORM reflects. The ABI carries only the raw PVR,
// so the name comes from the kernel's table of processor versions (the PVR's
// upper half; arch/powerpc/kernel/cpu_specs_book3s_64.h).
constexpr ValueName ppc_processor_versions[] = {
	{0x0039, "ppc970"}, {0x003c, "ppc970"},	 {0x0044, "ppc970"},	  {0x0045, "ppc970"},
	{0x003a, "power5"}, {0x003b, "power5+"}, {0x003e, "power6x"},	  {0x003f, "power7"},
	{0x004a, "power7+"}, {0x004b, "power8"}, {0x004c, "power8"},	  {0x004d, "power8"},
	{0x004e, "power9"}, {0x0080, "power10"}, {0x0070, "ppc-cell-be"}, {0x0090, "pa6t"},
};

const char *ppc_base_platform(std::uint32_t pvr) { return name_of(pvr >> 16, ppc_processor_versions); }

const char *mmu_name(std::uint32_t ppc_flags) { return (ppc_flags & CRMOD_PPC_RADIX) ? "radix" : "hash"; }

std::vector<std::string> x86_flags(const crmod_x86_machine &x)
{
	std::vector<std::string> flags;
	for (const auto &word : cpuid_words)
		for (auto &name : bit_names(x.cpuid[word.index], word.flags))
			flags.push_back(std::move(name));
	return flags;
}

json x86_json(const crmod_x86_machine &x)
{
	json cpuid = json::object();
	for (const auto &word : cpuid_words)
		cpuid[word.name] = fmt::format("{:#010x}", x.cpuid[word.index]);
	return {
		{"vendor", c_string(x.vendor)},
		{"family", x.family},
		{"model", x.model},
		{"cpuid_max_leaf", x.cpuid_max_leaf},
		{"xcr0", hex(x.xcr0)},
		{"xsave_components", bit_names(x.xcr0, xcr0_components)},
		{"xsave_size", x.xsave_size},
		{"hwcap2", hex(x.hwcap2)},
		{"hwcap2_names", bit_names(x.hwcap2, x86_hwcap2)},
		{"cpuid", cpuid},
		{"flags", x86_flags(x)},
	};
}

json ppc_json(const crmod_ppc_machine &p)
{
	const char *base = ppc_base_platform(p.pvr);
	return {
		{"platform", c_string(p.platform)},
		{"base_platform", base ? json(base) : json(nullptr)},
		{"pvr", hex(p.pvr)},
		{"mmu", mmu_name(p.flags)},
		{"hwcap", hex(p.hwcap)},
		{"hwcap_names", bit_names(p.hwcap, ppc_hwcap)},
		{"hwcap2", hex(p.hwcap2)},
		{"hwcap2_names", bit_names(p.hwcap2, ppc_hwcap2)},
	};
}

std::string image_version_text(std::uint32_t image_version)
{
	if (image_version == 0)
		return "none (checkpoint/restart not implemented yet)";
	return std::to_string(image_version);
}

} // namespace

std::vector<std::string> bit_names(std::uint64_t value, const std::vector<BitName> &table)
{
	std::vector<std::string> names;
	for (const auto &entry : table)
		if (value & entry.mask)
			names.emplace_back(entry.name);
	return names;
}

std::vector<std::string> feature_names(std::uint64_t features)
{
	return bit_names(features, crmod_features);
}

std::vector<std::string> xsave_component_names(std::uint64_t mask)
{
	return bit_names(mask, xcr0_components);
}

std::string arch_name(std::uint32_t arch) { return name_or_unknown(arch, arches); }
std::string endian_name(std::uint32_t endian) { return name_or_unknown(endian, endians); }

std::string signal_name(std::uint32_t signo)
{
	const char *name = name_of(signo, signal_names);
	return name ? name : fmt::format("SIG{}", signo);
}

bool abi_compatible(const crmod_version &version)
{
	return version.abi_version == CRMOD_ABI_VERSION;
}

json version_json(const crmod_version &v)
{
	return {
		{"abi_version", v.abi_version},
		{"image_version", v.image_version},
		{"features", feature_names(v.features)},
	};
}

json machine_json(const crmod_machine &m)
{
	json out = {
		{"arch", arch_name(m.arch)},
		{"word_size", m.word_size},
		{"endianness", endian_name(m.endian)},
		{"page_size", m.page_size},
		{"kernel_release", c_string(m.release)},
	};
	if (m.arch == CRMOD_ARCH_X86_64)
		out["x86"] = x86_json(m.x86);
	else if (m.arch == CRMOD_ARCH_PPC64)
		out["ppc"] = ppc_json(m.ppc);
	return out;
}

json tool_json() { return {{"version", tool_version}, {"abi_version", CRMOD_ABI_VERSION}}; }

std::string abi_mismatch_message(const crmod_version &v)
{
	return fmt::format("the crmod module speaks ABI {}, this crctl {} speaks ABI {}: "
			   "install a crctl and a module of the same release",
			   v.abi_version, tool_version, CRMOD_ABI_VERSION);
}

json check_json(const std::string &device, const crmod_version &v, const crmod_machine &m)
{
	json module = version_json(v);
	module["loaded"] = true;
	module["device"] = device;
	module["can_validate"] = (v.features & CRMOD_FEAT_VALIDATE) != 0;
	return {{"tool", tool_json()},
		{"module", module},
		{"kernel_release", c_string(m.release)},
		{"machine", machine_json(m)},
		{"state", state_json()}};
}

json check_error_json(const std::string &device, const std::string &message, bool module_loaded,
		      const std::optional<crmod_version> &version)
{
	json module = version ? version_json(*version) : json::object();
	module["loaded"] = module_loaded;
	module["device"] = device;
	module["error"] = message;
	return {{"tool", tool_json()}, {"module", module}};
}

std::string machine_text(const crmod_machine &m)
{
	std::string out;
	auto line = [&out](std::string_view label, const std::string &value) { add_line(out, label, value); };
	line("arch", fmt::format("{}, {}-bit, {}-endian", arch_name(m.arch), m.word_size,
				 endian_name(m.endian)));
	line("page size", std::to_string(m.page_size));
	line("kernel release", c_string(m.release));
	if (m.arch == CRMOD_ARCH_X86_64) {
		const auto &x = m.x86;
		line("cpu", fmt::format("{} family {} model {}", c_string(x.vendor), x.family, x.model));
		line("xcr0", mask_text(x.xcr0, xcr0_components));
		line("xsave area", fmt::format("{} bytes", x.xsave_size));
		line("hwcap2", mask_text(x.hwcap2, x86_hwcap2));
		for (const auto &word : cpuid_words)
			line(fmt::format("cpuid {}", word.name), fmt::format("{:#010x}", x.cpuid[word.index]));
		line("flags", join(x86_flags(x)));
	} else if (m.arch == CRMOD_ARCH_PPC64) {
		const auto &p = m.ppc;
		const char *base = ppc_base_platform(p.pvr);
		line("platform", c_string(p.platform));
		line("base platform", base ? base : "unknown");
		line("pvr", hex(p.pvr));
		line("mmu", mmu_name(p.flags));
		line("hwcap", mask_text(p.hwcap, ppc_hwcap));
		line("hwcap2", mask_text(p.hwcap2, ppc_hwcap2));
	}
	return out;
}

std::string check_text(const std::string &device, const crmod_version &v, const crmod_machine &m)
{
	std::string out = fmt::format("crmod module: loaded ({}), kernel {}\n", device, c_string(m.release));
	add_line(out, "ABI version", fmt::format("{} (crctl {} speaks {})", v.abi_version, tool_version,
						 CRMOD_ABI_VERSION));
	add_line(out, "image format", image_version_text(v.image_version));
	add_line(out, "features", join(feature_names(v.features)));
	add_line(out, "validate", v.features & CRMOD_FEAT_VALIDATE
					  ? "yes: crctl validate runs restart's checks alone"
					  : "no: this module cannot check an image without restarting it");
	return out + "machine:\n" + machine_text(m) + state_text();
}

const StateKind *state_kind(std::uint32_t number)
{
	auto found = std::ranges::find(state_table, number, &StateKind::number);
	return found == state_table.end() ? nullptr : &*found;
}

std::string state_key(std::uint32_t number)
{
	const auto *kind = state_kind(number);
	return kind ? kind->key : fmt::format("unknown ({})", number);
}

json state_json()
{
	json out = json::array();
	for (const auto &s : state_table)
		out.push_back({{"key", s.key}, {"number", s.number}, {"restored", s.restored}, {"text", s.text}});
	return out;
}

std::string state_text()
{
	std::string out;
	for (bool restored : {true, false}) {
		out += restored ? "what crmod restores:\n" : "what crmod refuses to checkpoint:\n";
		for (const auto &s : state_table)
			if (s.restored == restored)
				add_line(out, s.key, s.text);
	}
	return out;
}

} // namespace crctl
