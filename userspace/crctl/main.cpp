// crctl: the crmod command.
//
// Exit status: 0 success, 1 usage or other error, 3 module not loaded,
// 4 permission denied, 5 module and crctl speak different ABI versions,
// 6 device missing although the module is loaded, 7 the image is refused
// (corrupt, truncated or of an unknown format).
#include "crctl/describe.hpp"
#include "crctl/device.hpp"
#include "crctl/image.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>

namespace {

enum ExitStatus {
	exit_ok = 0,
	exit_error = 1,
	exit_not_loaded = 3,
	exit_permission = 4,
	exit_abi_mismatch = 5,
	exit_device_missing = 6,
	exit_bad_image = 7,
};

int exit_status_for(crctl::DeviceErrorKind kind)
{
	switch (kind) {
	case crctl::DeviceErrorKind::module_not_loaded:
		return exit_not_loaded;
	case crctl::DeviceErrorKind::device_missing:
		return exit_device_missing;
	case crctl::DeviceErrorKind::permission_denied:
		return exit_permission;
	case crctl::DeviceErrorKind::other:
		break;
	}
	return exit_error;
}

// Errors go to stderr; with --json also to stdout as JSON, so that a
// machine reading stdout always gets a document.
int report_check_error(bool as_json, const nlohmann::json &error_document, int status)
{
	std::cerr << "crctl: " << error_document["module"]["error"].get<std::string>() << '\n';
	if (as_json)
		std::cout << error_document.dump(2) << '\n';
	return status;
}

int run_check(const std::string &device_path, bool as_json)
{
	try {
		auto device = crctl::Device::open(device_path);
		auto version = device.version();
		if (!crctl::abi_compatible(version))
			return report_check_error(
				as_json,
				crctl::check_error_json(device_path, crctl::abi_mismatch_message(version), true,
							version),
				exit_abi_mismatch);
		auto machine = device.machine();
		if (as_json)
			std::cout << crctl::check_json(device_path, version, machine).dump(2) << '\n';
		else
			std::cout << crctl::check_text(device_path, version, machine);
		return exit_ok;
	} catch (const crctl::DeviceError &e) {
		bool loaded = e.kind() != crctl::DeviceErrorKind::module_not_loaded;
		return report_check_error(as_json, crctl::check_error_json(device_path, e.what(), loaded),
					  exit_status_for(e.kind()));
	} catch (const std::exception &e) {
		// Anything else (out of memory, a bad path): still one document.
		std::error_code ignored;
		bool loaded = std::filesystem::exists(crctl::Device::default_module_dir, ignored);
		return report_check_error(as_json, crctl::check_error_json(device_path, e.what(), loaded),
					  exit_error);
	}
}

int run_info(const std::string &path, bool as_json)
{
	std::ifstream file;
	if (path != "-") {
		file.open(path, std::ios::binary);
		if (!file) {
			std::cerr << "crctl: cannot open " << path << '\n';
			return exit_error;
		}
	}
	std::istream &in = path == "-" ? std::cin : file;
	try {
		auto image = crctl::read_image(in);
		if (as_json)
			std::cout << crctl::image_json(image).dump(2) << '\n';
		else
			std::cout << crctl::image_text(image);
		return exit_ok;
	} catch (const crctl::ImageError &e) {
		std::cerr << "crctl: " << path << ": image refused: " << e.what() << '\n';
		if (as_json)
			std::cout << nlohmann::json{{"valid", false},
						    {"error", {{"where", e.where()},
							       {"offset", e.offset()},
							       {"problem", e.problem()}}}}
					     .dump(2)
				  << '\n';
		return exit_bad_image;
	}
}

} // namespace

int main(int argc, char **argv)
{
	CLI::App app{"crctl: checkpoint/restart of Linux processes with the crmod module"};
	app.set_version_flag("--version", fmt::format("crctl {} (crmod ABI {})", crctl::tool_version,
						      CRMOD_ABI_VERSION));
	app.require_subcommand(1);
	app.footer("Exit status: 0 ok, 1 error, 3 module not loaded, 4 permission denied,\n"
		   "5 module/crctl ABI mismatch, 6 device missing, 7 image refused.\n"
		   "Checkpoint and restart are not implemented yet.");

	bool as_json = false;
	std::string device_path = crctl::Device::default_path;
	auto *check = app.add_subcommand("check", "Is the module loaded; its ABI; this machine's description");
	check->add_flag("--json", as_json, "Print JSON");
	check->add_option("--device", device_path, "The crmod device")->capture_default_str();

	std::string image_path;
	auto *info = app.add_subcommand("info", "Decode and verify a checkpoint image (any arch, on any host)");
	info->add_flag("--json", as_json, "Print JSON");
	info->add_option("image", image_path, "The image file, or - for standard input")->required();

	// CLI11 would only say "A subcommand is required": name what was asked.
	if (argc > 1 && argv[1][0] != '-' && argv[1] != check->get_name() && argv[1] != info->get_name()) {
		std::cerr << "crctl: unknown command '" << argv[1] << "' (commands: check, info)";
		if (std::string_view(argv[1]) == "checkpoint" || std::string_view(argv[1]) == "restart")
			std::cerr << "; checkpoint and restart are not implemented yet";
		std::cerr << '\n';
		return exit_error;
	}
	try {
		app.parse(argc, argv);
	} catch (const CLI::ParseError &e) {
		// --help and --version succeed; any other parse error is a usage error
		return app.exit(e) == 0 ? exit_ok : exit_error;
	}
	if (check->parsed())
		return run_check(device_path, as_json);
	if (info->parsed())
		return run_info(image_path, as_json);
	return exit_error;
}
