// crctl: the crmod command.
//
// Exit status: 0 success, 1 usage or other error, 3 module not loaded,
// 4 permission denied, 5 module and crctl speak different ABI versions (or
// the module lacks checkpoint or restart), 6 device missing although the
// module is loaded, 7 the image is refused (corrupt, truncated, of an unknown
// format, of another kind of machine, of a cgroup restart cannot enter, or
// refused by the module; crctl validate: the image cannot restart here), 8 a restart
// failed after the point of no return (the restarting process was killed),
// 9 a checkpoint failed, 10 no such process. crctl restart without --detach
// exits with the restored process's own status (128 + N if signal N ended it).
#include "commands.hpp"

#include "crctl/describe.hpp"
#include "crctl/device.hpp"
#include "crctl/image.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <string>
#include <string_view>

namespace {

using namespace crctl::cli;

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
		auto tree = crctl::read_tree(in);
		if (tree.processes.size() == 1) {
			if (as_json)
				std::cout << crctl::image_json(tree.processes[0]).dump(2) << '\n';
			else
				std::cout << crctl::image_text(tree.processes[0]);
			return exit_ok;
		}
		if (as_json) {
			auto processes = nlohmann::json::array();
			for (const auto &image : tree.processes)
				processes.push_back(crctl::image_json(image));
			std::cout << nlohmann::json{{"valid", true}, {"size", tree.size}, {"processes", processes}}.dump(2)
				  << '\n';
			return exit_ok;
		}
		std::cout << fmt::format("crmod process tree: {} processes, {} threads, {} bytes\n",
					 tree.processes.size(), tree.threads(), tree.size);
		for (std::size_t i = 0; i < tree.processes.size(); i++)
			std::cout << fmt::format("\n== {}, its image at offset {}\n", crctl::process_where(tree, i),
						 tree.offsets[i])
				  << crctl::image_text(tree.processes[i]);
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
		   "5 module/crctl ABI mismatch or the module lacks the feature, 6 device missing,\n"
		   "7 image refused (corrupt, another machine's, its cgroup cannot be entered, or\n"
		   "refused by the module; validate: it cannot restart here),\n"
		   "8 restart failed after the point of no return, 9 checkpoint failed,\n"
		   "10 no such process. restart without --detach exits with the restored\n"
		   "process's status (128+N if signal N killed it).");

	bool as_json = false;
	std::string device_path = crctl::Device::default_path;
	auto *check = app.add_subcommand("check", "Is the module loaded; its ABI; this machine's description");
	check->add_flag("--json", as_json, "Print JSON");
	check->add_option("--device", device_path, "The crmod device")->capture_default_str();

	std::string image_path;
	auto *info = app.add_subcommand("info", "Decode and verify a checkpoint image (any arch, on any host)");
	info->add_flag("--json", as_json, "Print JSON");
	info->add_option("image", image_path, "The image file, or - for standard input")->required();

	CheckpointOptions checkpoint_options;
	auto *checkpoint = app.add_subcommand(
		"checkpoint", "Write an image of a running process; it continues unchanged (or is killed)");
	checkpoint->add_option("pid", checkpoint_options.pid, "The process")->required()->check(
		CLI::Range(1, std::numeric_limits<pid_t>::max()));
	checkpoint->add_option("-o,--output", checkpoint_options.output,
			       "The image file (written beside it, renamed when complete), or - for "
			       "standard output (not a terminal)")
		->capture_default_str();
	checkpoint->add_flag("--kill", checkpoint_options.kill,
			     "Kill the process (and its descendants) once the image is complete");
	checkpoint->add_flag("--no-tree", checkpoint_options.no_tree,
			     "The process alone, not its descendants (refused if it has children)");

	RestartOptions restart_options;
	auto *restart = app.add_subcommand(
		"restart", "Restart the process in an image; wait for it and exit with its status");
	restart->add_option("image", restart_options.image, "The image file, or - for standard input")->required();
	restart->add_flag("--detach", restart_options.detach, "Print the restored process's pid and exit");
	restart->add_option("--stdin", restart_options.stdin_path,
			    "Give the restored process this file as fd 0 (where the image inherits it)");
	restart->add_option("--stdout", restart_options.stdout_path, "Likewise as fd 1 (created or truncated)");
	restart->add_option("--stderr", restart_options.stderr_path, "Likewise as fd 2 (created or truncated)");
	restart->add_flag("--any-cgroup", restart_options.any_cgroup,
			  "Restart in crctl's own cgroup (by default the process is moved into the image's)");
	restart->add_flag("--same-pid-ns", restart_options.same_pid_ns,
			  "Restart with the image's pid in crctl's own pid namespace (by default: in a new pid "
			  "namespace with a /proc of its own, whose pid 1 is crctl's child)");
	restart->add_option("--cpu-cap", restart_options.cpu_cap,
			    "CPU check: full (default: this CPU must have every feature the image's CPU had) "
			    "or fpu (only what the saved registers need; for programs known to use nothing else)")
		->check(CLI::IsMember({"full", "fpu"}))
		->capture_default_str();

	ValidateOptions validate_options;
	auto *validate = app.add_subcommand(
		"validate", "Run every check restart would, in a process set up as restart sets it up; change nothing");
	validate->add_option("image", validate_options.restart.image, "The image file, or - for standard input")
		->required();
	validate->add_flag("--json", validate_options.json, "Print {\"valid\": .., \"reason\": ..}");
	validate->add_option("--stdin", validate_options.restart.stdin_path, "As restart --stdin");
	validate->add_option("--stdout", validate_options.restart.stdout_path, "As restart --stdout");
	validate->add_option("--stderr", validate_options.restart.stderr_path, "As restart --stderr");
	validate->add_flag("--any-cgroup", validate_options.restart.any_cgroup, "As restart --any-cgroup");
	validate->add_flag("--same-pid-ns", validate_options.restart.same_pid_ns, "As restart --same-pid-ns");
	validate->add_option("--cpu-cap", validate_options.restart.cpu_cap, "As restart --cpu-cap")
		->check(CLI::IsMember({"full", "fpu"}))
		->capture_default_str();

	// CLI11 would only say "A subcommand is required": name what was asked.
	auto is_command = [&](std::string_view word) {
		for (const auto *command : {check, info, checkpoint, restart, validate})
			if (word == command->get_name())
				return true;
		return false;
	};
	if (argc > 1 && argv[1][0] != '-' && !is_command(argv[1])) {
		std::cerr << "crctl: unknown command '" << argv[1]
			  << "' (commands: check, info, checkpoint, restart, validate)\n";
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
	if (checkpoint->parsed())
		return run_reporting([&] { return run_checkpoint(checkpoint_options); });
	if (restart->parsed())
		return run_reporting([&] { return run_restart(restart_options); });
	if (validate->parsed())
		return run_validate(validate_options);
	return exit_error;
}
