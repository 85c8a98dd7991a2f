// crctl's commands and exit statuses (see main.cpp for the command line).
#pragma once

#include "crctl/device.hpp"

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>

namespace crctl::cli {

enum ExitStatus {
	exit_ok = 0,
	exit_error = 1,
	exit_not_loaded = 3,
	exit_permission = 4,
	exit_abi_mismatch = 5,	// also: the module cannot checkpoint or restart
	exit_device_missing = 6,
	exit_bad_image = 7,	// also: the module refused a restart
	exit_restart_lost = 8,	// restart failed past the point of no return
	exit_checkpoint_failed = 9,
	exit_no_process = 10,
};

int exit_status_for(DeviceErrorKind kind);

// A command's failure: the one line crctl prints and the status it exits with.
class CommandError : public std::runtime_error {
public:
	CommandError(int status, const std::string &message) : std::runtime_error(message), status_(status) {}
	int status() const noexcept { return status_; }

private:
	int status_;
};

// Runs a command; a CommandError or DeviceError becomes "crctl: MESSAGE" on
// stderr and its exit status.
int run_reporting(const std::function<int()> &command);

// Opens the device and checks that the module speaks this crctl's ABI and
// has feature (a CRMOD_FEAT_* bit), named what; throws.
Device open_device_for(std::uint64_t feature, const char *what);

// "strerror(err)"
std::string errno_text(int err);

struct CheckpointOptions {
	pid_t pid = 0;
	std::string output = "-";	// "-": standard output
	bool kill = false;
	bool no_tree = false;	// the process alone: refused if it has children
};
int run_checkpoint(const CheckpointOptions &options);

struct RestartOptions {
	std::string image;	// "-": standard input
	bool detach = false;
	bool any_cgroup = false;	// restart in crctl's cgroup, not the image's
	bool same_pid_ns = false;	// the image's pid in crctl's pid namespace, no container
	std::string cpu_cap = "full";	// "full": every CPU feature; "fpu": the registers' only
	std::string stdin_path, stdout_path, stderr_path;	// empty: crctl's own
};
int run_restart(const RestartOptions &options);

// crctl validate: the module's checks of a restart, in a child set up as
// restart would set it up (its detach is not used); exits 0 if the image
// can restart here, 7 with the reason if not.
struct ValidateOptions {
	RestartOptions restart;
	bool json = false;
};
int run_validate(const ValidateOptions &options);

} // namespace crctl::cli
