#include "restore_threads.hpp"

#include "commands.hpp"
#include "crctl/fd.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <csignal>
#include <cstring>

#include <fcntl.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace crctl::cli {

namespace {

// A thread of the image, on its raw stack (no libc): waits in the module
// until the leader's restart makes it the image's thread, and never
// returns then. Returned (the restart was refused), it ends alone.
long restore_thread(void *arg)
{
	auto *t = static_cast<ThreadStart *>(arg);
	long ret = raw_syscall(SYS_ioctl, t->device_fd, static_cast<long>(CRCTL_IOC_RESTART_THREAD),
			       reinterpret_cast<long>(&t->args));
	t->result = ret;
	return -ret;
}

} // namespace

std::optional<ThreadFailure> start_threads(int device_fd, int status_fd, const std::vector<std::uint32_t> &tids,
					   std::vector<ThreadStart> &starts)
{
	for (auto &t : starts) {
		if (long err = map_stack(t.stack))
			return ThreadFailure{"E", fmt::format("cannot map a stack for a thread: {}",
							      errno_text(static_cast<int>(-err)))};
		t.device_fd = device_fd;
		t.args.status_fd = status_fd;
		t.args.error = reinterpret_cast<std::uintptr_t>(t.error);
	}
	sigset_t all, old;
	sigfillset(&all);
	::pthread_sigmask(SIG_SETMASK, &all, &old);
	std::optional<ThreadFailure> failure;
	for (std::size_t i = 0; i < starts.size() && !failure; i++) {
		const auto tid = tids[i];
		long got = start_raw_thread(starts[i].stack, tid, restore_thread, &starts[i]);
		if (got >= 0)
			continue;
		const int err = static_cast<int>(-got);
		auto why = fmt::format("cannot start the image's thread {} with its tid: {}", tid, errno_text(err));
		if (err == EEXIST)
			why += fmt::format(" (it is in use here, by {})", holder_of(static_cast<pid_t>(tid)));
		else if (err == EINVAL)
			why += " (beyond this kernel's pid_max?)";
		failure = ThreadFailure{err == EEXIST || err == EINVAL ? "R" : "E", why};
	}
	::pthread_sigmask(SIG_SETMASK, &old, nullptr);
	return failure;
}

std::string thread_refusals(const std::vector<ThreadStart> &starts, const std::vector<std::uint32_t> &tids)
{
	std::string out;
	for (std::size_t i = 0; i < starts.size(); i++) {
		const long ret = starts[i].result;
		if (ret >= 0 || ret == -ECANCELED)
			continue;
		const auto &error = starts[i].error;
		out += fmt::format("; thread {}: {}", tids[i],
				   error[0] ? std::string(error, ::strnlen(error, sizeof(error)))
					    : errno_text(static_cast<int>(-ret)));
	}
	return out;
}

std::string holder_of(pid_t pid)
{
	std::string comm;
	if (UniqueFd fd(::open(fmt::format("/proc/{}/comm", pid).c_str(), O_RDONLY | O_CLOEXEC)); fd) {
		char buffer[64];
		ssize_t got = ::read(fd.get(), buffer, sizeof(buffer));
		if (got > 0)
			comm.assign(buffer, static_cast<std::size_t>(got));
		while (!comm.empty() && comm.back() == '\n')
			comm.pop_back();
	}
	return comm.empty() ? fmt::format("process {}", pid) : fmt::format("process {} ({})", pid, comm);
}

} // namespace crctl::cli
