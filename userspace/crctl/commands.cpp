#include "commands.hpp"

#include "crctl/describe.hpp"

#include <fmt/format.h>

#include <cstring>
#include <iostream>

namespace crctl::cli {

int exit_status_for(DeviceErrorKind kind)
{
	switch (kind) {
	case DeviceErrorKind::module_not_loaded:
		return exit_not_loaded;
	case DeviceErrorKind::device_missing:
		return exit_device_missing;
	case DeviceErrorKind::permission_denied:
		return exit_permission;
	case DeviceErrorKind::other:
		break;
	}
	return exit_error;
}

int run_reporting(const std::function<int()> &command)
{
	try {
		return command();
	} catch (const CommandError &e) {
		std::cerr << "crctl: " << e.what() << '\n';
		return e.status();
	} catch (const DeviceError &e) {
		std::cerr << "crctl: " << e.what() << '\n';
		return exit_status_for(e.kind());
	}
}

std::string errno_text(int err) { return std::strerror(err); }

Device open_device_for(std::uint64_t feature, const char *what)
{
	auto device = Device::open();
	auto version = device.version();
	if (!abi_compatible(version))
		throw CommandError(exit_abi_mismatch, abi_mismatch_message(version));
	if (!(version.features & feature)) {
		std::string features;
		for (const auto &name : feature_names(version.features))
			features += (features.empty() ? "" : " ") + name;
		throw CommandError(exit_abi_mismatch,
				   fmt::format("the crmod module cannot {} (its features: {}): install a module "
					       "of crctl {}'s release", what, features.empty() ? "none" : features,
					       tool_version));
	}
	return device;
}

} // namespace crctl::cli
