// Turning the module's version and machine description into JSON and text.
// Pure functions: testable without a device.
#pragma once

#include <linux/crmod.h>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace crctl {

#ifndef CRMOD_VERSION
#error "CRMOD_VERSION comes from the build (userspace/CMakeLists.txt)"
#endif
inline constexpr const char *tool_version = CRMOD_VERSION;

// Names of the bits set in value, from a table of (bit mask, name).
struct BitName {
	std::uint64_t mask;
	const char *name;
};
std::vector<std::string> bit_names(std::uint64_t value, const std::vector<BitName> &table);

// Names of the CRMOD_FEAT_* bits set in features.
std::vector<std::string> feature_names(std::uint64_t features);
// Names of the XSAVE state components (XCR0 / XSTATE_BV bits) set in mask.
std::vector<std::string> xsave_component_names(std::uint64_t mask);
// "x86_64", "ppc64", or "unknown (N)"; "little", "big", or "unknown (N)".
std::string arch_name(std::uint32_t arch);
std::string endian_name(std::uint32_t endian);
// "SIGINT" for 2 (x86_64 and powerpc number signals alike); "SIG34" for the
// real-time ones and anything else.
std::string signal_name(std::uint32_t signo);
// Does the module speak this crctl's ABI? If not, say what to do about it.
bool abi_compatible(const crmod_version &version);
std::string abi_mismatch_message(const crmod_version &version);

// {"version": "0.3.0", "abi_version": CRMOD_ABI_VERSION}: shown next to the
// module's, so that a mismatch is visible.
nlohmann::json tool_json();
nlohmann::json version_json(const crmod_version &version);
nlohmann::json machine_json(const crmod_machine &machine);
// {"tool": .., "module": {"loaded": true, "device": .., "can_validate": ..,
// ..}, "kernel_release": .., "machine": .., "state": [the state table]}
nlohmann::json check_json(const std::string &device, const crmod_version &version,
			  const crmod_machine &machine);
// {"tool": .., "module": {"loaded": .., "device": .., "error": ..}}: what
// crctl check --json prints when it fails, so that stdout is always a JSON
// document. version, when the module answered, adds what it said.
nlohmann::json check_error_json(const std::string &device, const std::string &message, bool module_loaded,
				const std::optional<crmod_version> &version = std::nullopt);

std::string machine_text(const crmod_machine &machine);
std::string check_text(const std::string &device, const crmod_version &version,
		       const crmod_machine &machine);

} // namespace crctl
