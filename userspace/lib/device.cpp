#include "crctl/device.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <utility>

namespace crctl {

namespace {

std::string errno_text(int err) { return std::strerror(err); }

} // namespace

Device Device::open(const std::filesystem::path &path, const std::filesystem::path &module_dir)
{
	int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
	if (fd >= 0)
		return Device(fd, path);
	int err = errno;
	std::error_code ec;
	bool module_loaded = std::filesystem::exists(module_dir, ec);
	if (err == ENOENT && !module_loaded)
		throw DeviceError(DeviceErrorKind::module_not_loaded,
				  "the crmod module is not loaded (no " + module_dir.string() +
					  "); load it with: modprobe crmod");
	if (err == ENOENT)
		throw DeviceError(DeviceErrorKind::device_missing,
				  "the crmod module is loaded but " + path.string() +
					  " does not exist (is devtmpfs or udev running?)");
	if (err == EACCES || err == EPERM)
		throw DeviceError(DeviceErrorKind::permission_denied,
				  "cannot open " + path.string() + ": " + errno_text(err) +
					  "; crctl needs root (CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE)");
	throw DeviceError(DeviceErrorKind::other, "cannot open " + path.string() + ": " + errno_text(err));
}

Device::Device(Device &&other) noexcept
	: fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_))
{
}

Device &Device::operator=(Device &&other) noexcept
{
	if (this != &other) {
		if (fd_ >= 0)
			::close(fd_);
		fd_ = std::exchange(other.fd_, -1);
		path_ = std::move(other.path_);
	}
	return *this;
}

Device::~Device()
{
	if (fd_ >= 0)
		::close(fd_);
}

void Device::ioctl_into(unsigned long request, void *arg, const char *name) const
{
	if (::ioctl(fd_, request, arg) == 0)
		return;
	int err = errno;
	if (err == EPERM || err == EACCES)
		throw DeviceError(DeviceErrorKind::permission_denied,
				  std::string(name) + " refused: " + errno_text(err) +
					  "; crctl needs CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE");
	throw DeviceError(DeviceErrorKind::other, std::string(name) + " failed: " + errno_text(err));
}

crmod_version Device::version() const
{
	crmod_version v{};
	ioctl_into(CRCTL_IOC_VERSION, &v, "CRCTL_IOC_VERSION");
	return v;
}

crmod_machine Device::machine() const
{
	crmod_machine m{};
	ioctl_into(CRCTL_IOC_MACHINE, &m, "CRCTL_IOC_MACHINE");
	return m;
}

int Device::checkpoint(crmod_checkpoint_args &args) const noexcept
{
	return ::ioctl(fd_, CRCTL_IOC_CHECKPOINT, &args) == 0 ? 0 : errno;
}

int Device::restart(const crmod_restart_args &args) const noexcept
{
	return ::ioctl(fd_, CRCTL_IOC_RESTART, &args) == 0 ? 0 : errno;
}

} // namespace crctl
