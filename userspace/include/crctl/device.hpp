// The crmod device, /dev/crctl: opening it and its ioctls.
#pragma once

#include <linux/crmod.h>

#include <filesystem>
#include <stdexcept>
#include <string>

namespace crctl {

// Why the device could not be used; each maps to a distinct exit status.
enum class DeviceErrorKind {
	module_not_loaded,	// no /sys/module/crmod
	device_missing,		// module loaded, no device node
	permission_denied,	// EACCES/EPERM
	other,
};

class DeviceError : public std::runtime_error {
public:
	DeviceError(DeviceErrorKind kind, const std::string &message)
		: std::runtime_error(message), kind_(kind) {}
	DeviceErrorKind kind() const noexcept { return kind_; }

private:
	DeviceErrorKind kind_;
};

// Owns an open fd of the device; closes it on destruction.
class Device {
public:
	static constexpr const char *default_path = "/dev/" CRMOD_DEVICE_NAME;
	static constexpr const char *default_module_dir = "/sys/module/crmod";

	// Throws DeviceError, classified by what is missing.
	static Device open(const std::filesystem::path &path = default_path,
			   const std::filesystem::path &module_dir = default_module_dir);

	Device(Device &&other) noexcept;
	Device &operator=(Device &&other) noexcept;
	Device(const Device &) = delete;
	Device &operator=(const Device &) = delete;
	~Device();

	crmod_version version() const;
	crmod_machine machine() const;
	// CRCTL_IOC_CHECKPOINT and CRCTL_IOC_RESTART: 0, or the errno of the
	// failure, which the module explains in args.error (a restart that
	// succeeds does not return here: the caller has become the image).
	int checkpoint(crmod_checkpoint_args &args) const noexcept;
	int restart(const crmod_restart_args &args) const noexcept;
	const std::filesystem::path &path() const noexcept { return path_; }
	// For a raw ioctl where libc must not be called (a restored thread's).
	int fd() const noexcept { return fd_; }

private:
	Device(int fd, std::filesystem::path path) : fd_(fd), path_(std::move(path)) {}
	void ioctl_into(unsigned long request, void *arg, const char *name) const;

	int fd_ = -1;
	std::filesystem::path path_;
};

} // namespace crctl
