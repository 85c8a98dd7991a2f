// Turning the module's version and machine description into JSON and text.
// Pure functions: testable without a device.
#pragma once

#include <linux/crmod.h>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace crctl {

inline constexpr const char *tool_version = "0.1.0";

// Names of the bits set in value, from a table of (bit mask, name).
struct BitName {
	std::uint64_t mask;
	const char *name;
};
std::vector<std::string> bit_names(std::uint64_t value, const std::vector<BitName> &table);

std::vector<std::string> feature_names(std::uint64_t features);
bool abi_compatible(const crmod_version &version);

nlohmann::json version_json(const crmod_version &version);
nlohmann::json machine_json(const crmod_machine &machine);
// {"tool": .., "module": .., "machine": ..}
nlohmann::json check_json(const std::string &device, const crmod_version &version,
			  const crmod_machine &machine);

std::string machine_text(const crmod_machine &machine);
std::string check_text(const std::string &device, const crmod_version &version,
		       const crmod_machine &machine);

} // namespace crctl
