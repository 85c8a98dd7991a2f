// crctl restart IMAGE|-: check the image here first, then fork a child that
// asks the module to turn it into the image's process; report how that went
// through a pipe, and wait for the restored process (or leave it running).
#include "commands.hpp"

#include "crctl/describe.hpp"
#include "crctl/fd.hpp"
#include "crctl/image.hpp"

#include <fmt/format.h>

#include <atomic>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <iostream>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

namespace crctl::cli {

namespace {

// Writes all of text; false if fd refused it.
bool write_all(int fd, std::string_view text) noexcept
{
	while (!text.empty()) {
		ssize_t done = ::write(fd, text.data(), text.size());
		if (done < 0 && errno == EINTR)
			continue;
		if (done <= 0)
			return false;
		text.remove_prefix(static_cast<std::size_t>(done));
	}
	return true;
}

// Calls f(chunk) for every chunk read from fd up to its end; throws on error.
template <typename F> void read_to_end(int fd, const std::string &name, F &&f)
{
	char buffer[1 << 16];
	for (;;) {
		ssize_t got = ::read(fd, buffer, sizeof(buffer));
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			throw CommandError(exit_error, fmt::format("cannot read {}: {}", name, errno_text(errno)));
		if (got == 0)
			return;
		f(std::string_view(buffer, static_cast<std::size_t>(got)));
	}
}

// The image as the module reads it: seekable, starting at offset 0. A pipe
// (or standard input part-way through a file) is copied to a memfd.
UniqueFd open_image(const std::string &path)
{
	if (path == "-" && ::isatty(STDIN_FILENO))
		throw CommandError(exit_error, "refusing to read an image from the terminal on standard input: "
					       "name the image or redirect standard input");
	UniqueFd fd(path == "-" ? ::fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3)
				: ::open(path.c_str(), O_RDONLY | O_CLOEXEC));
	if (!fd)
		throw CommandError(exit_error, fmt::format("cannot open {}: {}", path, errno_text(errno)));
	off_t at = ::lseek(fd.get(), 0, SEEK_CUR);
	if (at == 0)
		return fd;
	if (at < 0 && errno != ESPIPE)
		throw CommandError(exit_error, fmt::format("cannot seek in {}: {}", path, errno_text(errno)));
	UniqueFd copy(::memfd_create("crmod-image", MFD_CLOEXEC));
	if (!copy)
		throw CommandError(exit_error, fmt::format("cannot create a memfd for the image: {}", errno_text(errno)));
	read_to_end(fd.get(), path, [&](std::string_view chunk) {
		if (!write_all(copy.get(), chunk))
			throw CommandError(exit_error, fmt::format("cannot copy the image to memory: {}", errno_text(errno)));
	});
	// Read-only from here on: with no writer left, the module trusts the
	// checks of its first pass and does not checksum the pages again.
	UniqueFd readonly(::open(fmt::format("/proc/self/fd/{}", copy.get()).c_str(), O_RDONLY | O_CLOEXEC));
	if (!readonly) {
		::lseek(copy.get(), 0, SEEK_SET);
		return copy;
	}
	return readonly;
}

// What crctl info checks (framing, every checksum, every section), plus
// that restart knows every section; fd is left at offset 0.
ImageSummary check_image(int fd, const std::string &path)
{
	FdInputBuf buffer(fd);
	std::istream in(&buffer);
	ImageSummary image;
	try {
		image = read_image(in, PageContent::skip_crc);
		for (std::size_t i = 0; i < image.sections.size(); i++)
			if (section_type_name(image.sections[i].type).starts_with("unknown"))
				throw ImageError(section_where(i, image.sections[i].type), image.sections[i].offset,
						 "restart does not know this section type");
	} catch (const ImageError &e) {
		if (buffer.error())
			throw CommandError(exit_error, fmt::format("cannot read {}: {}", path, errno_text(buffer.error())));
		throw CommandError(exit_bad_image, fmt::format("restart refused: {}", e.what()));
	}
	if (::lseek(fd, 0, SEEK_SET) != 0)
		throw CommandError(exit_error, fmt::format("cannot seek in {}: {}", path, errno_text(errno)));
	return image;
}

// The module restarts only images of this machine's kind and of its format.
void check_restartable(const ImageSummary &image, const Device &device)
{
	if (auto why = machine_mismatch(image.header.machine, device.machine()))
		throw CommandError(exit_bad_image, "restart refused: " + *why);
	auto version = device.version();
	if (version.image_version != image.header.format_version)
		throw CommandError(exit_bad_image,
				   fmt::format("restart refused: the image is format {}, the crmod module restarts "
					       "format {}", image.header.format_version, version.image_version));
}

// Makes sure fds 0, 1 and 2 are open, so that no fd crctl opens lands there.
void fill_stdio()
{
	for (int fd = 0; fd <= 2; fd++)
		if (::fcntl(fd, F_GETFD) < 0 && ::open("/dev/null", O_RDWR) != fd)
			throw CommandError(exit_error, "cannot open /dev/null for a closed standard fd");
}

struct Redirect {
	UniqueFd fd;
	int target;
};

UniqueFd open_redirect(const std::string &path, int flags)
{
	UniqueFd fd(::open(path.c_str(), flags | O_CLOEXEC, 0666));
	if (!fd)
		throw CommandError(exit_error, fmt::format("cannot open {}: {}", path, errno_text(errno)));
	return fd;
}

std::vector<Redirect> open_redirects(const RestartOptions &o)
{
	std::vector<Redirect> redirects;
	const int output = O_WRONLY | O_CREAT | O_TRUNC;
	if (!o.stdin_path.empty())
		redirects.push_back({open_redirect(o.stdin_path, O_RDONLY), STDIN_FILENO});
	if (!o.stdout_path.empty())
		redirects.push_back({open_redirect(o.stdout_path, output), STDOUT_FILENO});
	if (!o.stderr_path.empty()) {
		// one file for both: shared, as 2>&1 would
		bool same = o.stderr_path == o.stdout_path;
		redirects.push_back({same ? UniqueFd(::fcntl(redirects.back().fd.get(), F_DUPFD_CLOEXEC, 3))
					  : open_redirect(o.stderr_path, output),
				     STDERR_FILENO});
	}
	return redirects;
}

// In the child: becomes the image's process, or says on status_fd why not.
[[noreturn]] void become_image(const Device &device, int image_fd, int status_fd,
			       const std::vector<Redirect> &redirects) noexcept
{
	char error[CRMOD_ERROR_LEN] = {};
	int err = 0;
	for (const auto &r : redirects)
		if (::dup2(r.fd.get(), r.target) < 0 || ::fcntl(r.target, F_SETFD, 0) < 0)
			err = errno;
	if (err == 0) {
		crmod_restart_args args{};
		args.fd = image_fd;
		args.status_fd = status_fd;
		args.error = reinterpret_cast<std::uintptr_t>(error);
		err = device.restart(args);
		// Returned: refused before the point of no return; we are intact.
	}
	error[sizeof(error) - 1] = '\0';
	const char *why = error[0] ? error : err ? std::strerror(err) : "the module returned without restarting";
	write_all(status_fd, "R");
	write_all(status_fd, why);
	write_all(status_fd, "\n");
	::_exit(exit_bad_image);
}

int reap(pid_t pid)
{
	int status = 0;
	while (::waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return status;
}

std::atomic<pid_t> restored_pid{0};

void forward_signal(int sig)
{
	if (pid_t pid = restored_pid.load())
		::kill(pid, sig);
}

// Waits for the restored process; its exit status, or 128 + the signal.
int wait_for(pid_t pid)
{
	// ^C and ^\ reach the restored process through the terminal's process
	// group; crctl waits on to report them. SIGTERM and SIGHUP sent to
	// crctl alone are passed on, so that it never leaves it behind.
	restored_pid = pid;
	std::signal(SIGINT, SIG_IGN);
	std::signal(SIGQUIT, SIG_IGN);
	struct sigaction forward {};
	forward.sa_handler = forward_signal;
	::sigaction(SIGTERM, &forward, nullptr);
	::sigaction(SIGHUP, &forward, nullptr);
	int status = reap(pid);
	if (WIFSIGNALED(status)) {
		auto sig = WTERMSIG(status);
		std::cerr << fmt::format("crctl: restored process {} killed by signal {} ({})\n", pid, sig,
					 signal_name(static_cast<std::uint32_t>(sig)));
		return 128 + sig;
	}
	return WEXITSTATUS(status);
}

} // namespace

int run_restart(const RestartOptions &o)
{
	fill_stdio();
	auto image_fd = open_image(o.image);
	auto image = check_image(image_fd.get(), o.image);
	auto device = open_device_for(CRMOD_FEAT_RESTART, "restart");
	check_restartable(image, device);
	auto redirects = open_redirects(o);

	int ends[2];
	if (::pipe2(ends, O_CLOEXEC) != 0)
		throw CommandError(exit_error, fmt::format("cannot create a pipe: {}", errno_text(errno)));
	UniqueFd status_read(ends[0]), status_write(ends[1]);
	std::cout.flush();
	std::cerr.flush();
	pid_t child = ::fork();
	if (child < 0)
		throw CommandError(exit_error, fmt::format("cannot fork: {}", errno_text(errno)));
	if (child == 0)
		become_image(device, image_fd.get(), status_write.get(), redirects);

	status_write.reset();
	redirects.clear();
	std::string report;
	read_to_end(status_read.get(), "the restart's status pipe", [&](std::string_view chunk) { report += chunk; });
	if (!report.empty()) {
		reap(child);
		while (!report.empty() && report.back() == '\n')
			report.pop_back();
		if (report.starts_with('R'))
			throw CommandError(exit_bad_image, "restart refused: " + report.substr(1));
		throw CommandError(exit_restart_lost, "restart failed after the point of no return: " + report);
	}
	// The module closed the pipe when it gave the child the image's fds.
	if (o.detach) {
		std::cout << child << '\n';
		return exit_ok;
	}
	return wait_for(child);
}

} // namespace crctl::cli
