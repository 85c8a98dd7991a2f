// crctl restart IMAGE|-: check the image here first, then make the
// container: a child that is pid 1 of a new pid namespace, in a new mount
// namespace whose only change is a /proc of that namespace. It starts, with
// the image's own pid, the process that enters the image's cgroup and asks
// the module to turn it into the image's process; that reports how it went
// through a pipe. Pid 1 reaps, passes on the signals crctl passes on, and
// tells crctl the restored process's end; crctl waits for that (or leaves it
// running). --same-pid-ns: no container, the image's pid in crctl's own pid
// namespace. The process's other threads are made by the restoring process
// itself, each with its tid, before it asks the module; each asks to become
// its thread of the image. crctl validate IMAGE: the same, but the module
// only checks (no thread is made), and the child reports and exits.
#include "commands.hpp"
#include "restore_threads.hpp"

#include "crctl/cgroup.hpp"
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
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fcntl.h>
#include <linux/sched.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/syscall.h>
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
// that restart knows every section and has every one it needs; fd is left
// at offset 0. A refusal is "refused: why".
ImageSummary check_image(int fd, const std::string &path, const std::string &refused)
{
	FdInputBuf buffer(fd);
	std::istream in(&buffer);
	ImageSummary image;
	try {
		image = read_image(in, PageContent::skip_crc);
		if (auto problem = restart_problem(image))
			throw *problem;
	} catch (const ImageError &e) {
		if (buffer.error())
			throw CommandError(exit_error, fmt::format("cannot read {}: {}", path, errno_text(buffer.error())));
		throw CommandError(exit_bad_image, fmt::format("{}: {}", refused, e.what()));
	}
	if (::lseek(fd, 0, SEEK_SET) != 0)
		throw CommandError(exit_error, fmt::format("cannot seek in {}: {}", path, errno_text(errno)));
	return image;
}

// The module restarts only images of this machine's kind and of a format it
// reads (the oldest crctl reads up to its own), and threads only if it says so.
void check_restartable(const ImageSummary &image, const Device &device, const std::string &refused)
{
	if (auto why = machine_mismatch(image.header.machine, device.machine()))
		throw CommandError(exit_bad_image, fmt::format("{}: {}", refused, *why));
	auto version = device.version();
	const auto format = image.header.format_version;
	if (format < CRMOD_IMAGE_FORMAT_MIN || format > version.image_version)
		throw CommandError(exit_bad_image,
				   version.image_version > CRMOD_IMAGE_FORMAT_MIN
					   ? fmt::format("{}: the image is format {}, the crmod module restarts formats "
							 "{} to {}", refused, format, CRMOD_IMAGE_FORMAT_MIN,
							 version.image_version)
					   : fmt::format("{}: the image is format {}, the crmod module restarts format {}",
							 refused, format, version.image_version));
	if (const auto threads = image.process.threads.size(); threads && !(version.features & CRMOD_FEAT_THREADS))
		throw CommandError(exit_bad_image,
				   fmt::format("{}: the process has {} thread{} besides its leader, and this crmod module "
					       "restarts no threads (it lacks CRMOD_FEAT_THREADS)", refused, threads,
					       threads == 1 ? "" : "s"));
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

// What the child does: restart (or validate) the image, in the image's
// cgroup (unless any_cgroup), with the redirected stdio.
struct ChildPlan {
	const Device &device;
	int image_fd;
	int status_fd;
	const std::vector<Redirect> &redirects;
	std::optional<std::string> cgroup;	// to enter first
	std::uint32_t flags;		// CRMOD_RESTART_*
	bool all_reasons;		// validating: the module tells every reason
	const std::vector<std::uint32_t> &tids;	// the image's other threads
	const std::optional<crmod_namespaces> &namespaces;	// made fresh for it
};

// The clone flags of the namespaces the image's process had of its own.
std::uint64_t own_namespace_flags(const std::optional<crmod_namespaces> &ns)
{
	std::uint64_t flags = 0;
	if (ns && (ns->own & CRMOD_NS_UTS))
		flags |= CLONE_NEWUTS;
	if (ns && (ns->own & CRMOD_NS_IPC))
		flags |= CLONE_NEWIPC;
	return flags;
}

// In the child, in the fresh UTS namespace: the image's host and domain
// names (the module checks them). An error, as "E" on status_fd.
void name_own_uts(const ChildPlan &plan) noexcept
{
	if (!plan.namespaces || !(plan.namespaces->own & CRMOD_NS_UTS))
		return;
	const auto &ns = *plan.namespaces;
	if (::sethostname(ns.nodename, ::strnlen(ns.nodename, sizeof(ns.nodename))) == 0 &&
	    ::setdomainname(ns.domainname, ::strnlen(ns.domainname, sizeof(ns.domainname))) == 0)
		return;
	write_all(plan.status_fd, fmt::format("Ecannot give the restored process's UTS namespace its host and domain "
					      "names: {}\n",
					      errno_text(errno)));
	::_exit(exit_error);
}

// In the child: becomes the image's process, or says on status_fd why not
// ("R" and the reason, or every reason a line each). Validating, it says
// "V" when the module found the image good, and exits.
[[noreturn]] void become_image(const ChildPlan &plan) noexcept
{
	static char error[CRMOD_REASONS_LEN];
	int err = 0;
	std::string why_not;
	const bool validate = plan.flags & CRMOD_RESTART_VALIDATE;
	// validating needs no thread: the module checks the image alone
	std::vector<ThreadStart> starts(validate ? 0 : plan.tids.size());
	try {
		if (plan.cgroup)
			why_not = enter_cgroup(*plan.cgroup, ::getpid(), false).value_or("");
	} catch (const std::exception &e) {
		why_not = e.what();
	}
	for (const auto &r : plan.redirects)
		if (why_not.empty() && (::dup2(r.fd.get(), r.target) < 0 || ::fcntl(r.target, F_SETFD, 0) < 0))
			err = errno;
	if (why_not.empty() && err == 0 && !starts.empty())
		if (auto failure = start_threads(plan.device.fd(), plan.status_fd, plan.tids, starts)) {
			write_all(plan.status_fd, failure->kind);
			write_all(plan.status_fd, failure->why);
			write_all(plan.status_fd, "\n");
			// ends the threads made so far too
			::_exit(failure->kind[0] == 'R' ? exit_bad_image : exit_error);
		}
	if (why_not.empty() && err == 0) {
		crmod_restart_args args{};
		args.fd = plan.image_fd;
		args.status_fd = validate ? -1 : plan.status_fd;
		args.flags = plan.flags;
		args.error = reinterpret_cast<std::uintptr_t>(error);
		args.error_len = plan.all_reasons ? sizeof(error) : 0;
		err = plan.device.restart(args);
		// Returned: refused before the point of no return, or validated;
		// we are intact.
		if (validate && err == 0) {
			write_all(plan.status_fd, "V\n");
			::_exit(exit_ok);
		}
	}
	error[sizeof(error) - 1] = '\0';
	const char *why = !why_not.empty() ? why_not.c_str()
			  : error[0]	   ? error
			  : err		   ? std::strerror(err)
					   : "the module returned without restarting";
	write_all(plan.status_fd, "R");
	write_all(plan.status_fd, why);
	write_all(plan.status_fd, thread_refusals(starts, plan.tids));
	write_all(plan.status_fd, "\n");
	::_exit(exit_bad_image);
}

int reap(pid_t pid)
{
	int status = 0;
	while (::waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return status;
}

std::atomic<pid_t> forward_to{0};

// ^C, ^\ and a hangup reach the restored process from the terminal, as they
// reach crctl (one process group, one session): only what a process sent
// crctl (or the container's pid 1) alone is passed on, so that none of them
// is left behind and none comes twice.
void forward_signal(int sig, siginfo_t *info, void *)
{
	if (pid_t pid = forward_to.load(); pid && info->si_code != SI_KERNEL)
		::kill(pid, sig);
}

void forward_signals_to(pid_t pid)
{
	forward_to = pid;
	struct sigaction forward {};
	forward.sa_sigaction = forward_signal;
	forward.sa_flags = SA_SIGINFO | SA_RESTART;
	for (int sig : {SIGINT, SIGQUIT, SIGTERM, SIGHUP})
		::sigaction(sig, &forward, nullptr);
}

// fork(), or clone3() with flags and, if not 0, the pid the child must have.
pid_t clone_child(std::uint64_t flags, pid_t pid)
{
	clone_args args{};
	args.flags = flags;
	args.exit_signal = SIGCHLD;
	if (pid) {
		args.set_tid = reinterpret_cast<std::uintptr_t>(&pid);
		args.set_tid_size = 1;
	}
	return static_cast<pid_t>(::syscall(SYS_clone3, &args, sizeof(args)));
}

// The restored process: its end as its wait status says it, crctl's exit
// status (the process's, or 128 + the signal that killed it).
int report_end(pid_t pid, int status)
{
	if (WIFSIGNALED(status)) {
		auto sig = WTERMSIG(status);
		std::cerr << fmt::format("crctl: restored process {} killed by signal {} ({})\n", pid, sig,
					 signal_name(static_cast<std::uint32_t>(sig)));
		return 128 + sig;
	}
	return WEXITSTATUS(status);
}

} // namespace

namespace {

// A one-byte message with room for one SCM_CREDENTIALS record.
struct CredentialsMessage {
	CredentialsMessage()
	{
		message.msg_iov = &data;
		message.msg_iovlen = 1;
		message.msg_control = control;
		message.msg_controllen = sizeof(control);
	}
	CredentialsMessage(const CredentialsMessage &) = delete;
	CredentialsMessage &operator=(const CredentialsMessage &) = delete;

	char tag = 0;
	iovec data{&tag, 1};
	alignas(cmsghdr) char control[CMSG_SPACE(sizeof(ucred))] = {};
	msghdr message{};
};

// Tells crctl, over end_fd (a socket), who pid is: the kernel translates a
// pid passed as SCM_CREDENTIALS into the receiver's pid namespace, so that
// crctl learns the pid as it sees it, even of a process gone by then.
void send_pid(int end_fd, pid_t pid) noexcept
{
	ucred cred{pid, ::getuid(), ::getgid()};
	CredentialsMessage m;
	m.tag = 'P';
	cmsghdr *header = CMSG_FIRSTHDR(&m.message);
	header->cmsg_level = SOL_SOCKET;
	header->cmsg_type = SCM_CREDENTIALS;
	header->cmsg_len = CMSG_LEN(sizeof(cred));
	std::memcpy(CMSG_DATA(header), &cred, sizeof(cred));
	::sendmsg(end_fd, &m.message, MSG_NOSIGNAL);
}

// What send_pid sent, as crctl sees that pid; 0 if nothing came.
pid_t receive_pid(int end_fd)
{
	CredentialsMessage m;
	ssize_t got;
	while ((got = ::recvmsg(end_fd, &m.message, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
		;
	for (cmsghdr *header = CMSG_FIRSTHDR(&m.message); got == 1 && m.tag == 'P' && header;
	     header = CMSG_NXTHDR(&m.message, header))
		if (header->cmsg_level == SOL_SOCKET && header->cmsg_type == SCM_CREDENTIALS) {
			ucred cred{};
			std::memcpy(&cred, CMSG_DATA(header), sizeof(cred));
			return cred.pid;
		}
	return 0;
}

// The container's pid 1: a /proc of its own, then the image's process with
// the image's pid (or itself, if that is 1). It tells crctl that process's
// pid, reaps every orphan of the namespace, passes on the signals crctl
// passes on, and sends the process's wait status to end_fd when it ends;
// its own end ends the container.
[[noreturn]] void container_init(const ChildPlan &plan, pid_t pid, int end_fd) noexcept
{
	auto fail = [&](const char *kind, const std::string &why) {
		write_all(plan.status_fd, kind);
		write_all(plan.status_fd, why);
		write_all(plan.status_fd, "\n");
		::_exit(exit_error);
	};
	// slave: the host's mounts still appear here, ours never leak out
	if (::mount(nullptr, "/", nullptr, MS_REC | MS_SLAVE, nullptr) != 0)
		fail("E", fmt::format("cannot make the container's mounts its own: {}", errno_text(errno)));
	if (::mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0)
		fail("E", fmt::format("cannot mount the container's /proc: {}", errno_text(errno)));
	if (pid == 1)
		become_image(plan);
	pid_t process = clone_child(0, pid);
	if (process == 0)
		become_image(plan);
	if (process < 0)
		fail(errno == EINVAL ? "R" : "E",
		     fmt::format("cannot start a process with the image's pid {} in the new pid namespace: {}{}", pid,
				 errno_text(errno), errno == EINVAL ? " (beyond this kernel's pid_max?)" : ""));
	send_pid(end_fd, process);
	// Only the process keeps the image, the status pipe, /dev/crctl (a
	// module in use cannot be unloaded) and the stdio.
	::close_range(3, static_cast<unsigned int>(end_fd) - 1, 0);
	::close_range(static_cast<unsigned int>(end_fd) + 1, ~0U, 0);
	if (int null = ::open("/dev/null", O_RDWR); null >= 0) {
		for (int fd = 0; fd <= 2; fd++)
			::dup2(null, fd);
		if (null > 2)
			::close(null);
	}
	std::signal(SIGPIPE, SIG_IGN);
	forward_signals_to(process);
	for (;;) {
		int status = 0;
		pid_t ended = ::waitpid(-1, &status, 0);
		if (ended < 0 && errno == EINTR)
			continue;
		if (ended < 0)
			::_exit(exit_error);
		if (ended == process) {
			auto said = fmt::format("{}", status);
			::send(end_fd, said.data(), said.size(), MSG_NOSIGNAL);
			::_exit(exit_ok);
		}
	}
}

// A child started on the image, and what it said on the status pipe
// before it restarted, exited or was killed.
struct Launched {
	pid_t child;	// the container's pid 1, or (--same-pid-ns) the process
	pid_t pid;	// the image's
	UniqueFd end;	// from the container's pid 1: the process's pid, its wait status
	std::string report;	// "": restarted; "R..": refused; "V": valid; "E..": failed; else lost
	std::vector<std::string> reasons;	// validating: crctl's own refusals, first
	bool all_reasons;	// the module told every reason it found
	std::size_t threads;	// the process's, its leader's included
};

// Everything restart and validate do before the module has the image: crctl's
// own check, the module's features, the cgroup, then the child. refused
// prefixes the reason of a refusal ("restart refused").
Launched launch(const RestartOptions &o, std::uint32_t flags, std::uint64_t feature, const char *what,
		const std::string &refused)
{
	const bool validate = flags & CRMOD_RESTART_VALIDATE;
	std::vector<std::string> reasons;
	fill_stdio();
	auto image_fd = open_image(o.image);
	auto image = check_image(image_fd.get(), o.image, refused);
	auto device = open_device_for(feature, what);
	check_restartable(image, device, refused);
	std::optional<std::string> cgroup;
	if (o.cpu_cap == "fpu")
		flags |= CRMOD_RESTART_CPU_FPU;
	if (o.any_cgroup)
		flags |= CRMOD_RESTART_ANY_CGROUP;
	else
		cgroup = image.process.cgroup;
	// a cgroup that is not there refuses before anything is started
	if (cgroup)
		if (auto why = enter_cgroup(*cgroup, 0, true)) {
			if (!validate)
				throw CommandError(exit_bad_image, fmt::format("{}: {}", refused, *why));
			// a reason of its own; the module checks the rest
			reasons.push_back(*why);
			cgroup.reset();
			flags |= CRMOD_RESTART_ANY_CGROUP;
		}
	// the image's pid, in crctl's namespace: refused at once if taken
	pid_t pid = image.process.task ? static_cast<pid_t>(image.process.task->pid) : 0;
	auto pid_taken = [&] {
		return fmt::format("the image's pid {} is in use here, by {}", pid, holder_of(pid));
	};
	if (o.same_pid_ns && (pid <= 0 || ::kill(pid, 0) == 0 || errno == EPERM)) {
		if (!validate)
			throw CommandError(exit_bad_image, fmt::format("{}: {}", refused, pid_taken()));
		reasons.push_back(pid_taken());
		pid = 0;
	}
	// and its threads' tids (kill() finds a thread by its tid too)
	const auto tids = image.process.thread_tids();
	for (auto tid : tids)
		if (o.same_pid_ns && (::kill(static_cast<pid_t>(tid), 0) == 0 || errno == EPERM)) {
			auto taken = fmt::format("the tid {} of the image's thread is in use here, by {}", tid,
						 holder_of(static_cast<pid_t>(tid)));
			if (!validate)
				throw CommandError(exit_bad_image, fmt::format("{}: {}", refused, taken));
			reasons.push_back(taken);
		}
	const bool all_reasons = validate && (device.version().features & CRMOD_FEAT_REASONS);
	auto redirects = open_redirects(o);

	int ends[2];
	if (::pipe2(ends, O_CLOEXEC) != 0)
		throw CommandError(exit_error, fmt::format("cannot create a pipe: {}", errno_text(errno)));
	UniqueFd status_read(ends[0]), status_write(ends[1]), end_read, end_write;
	if (!o.same_pid_ns) {
		const int one = 1;
		if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ends) != 0)
			throw CommandError(exit_error, fmt::format("cannot create a socket pair: {}", errno_text(errno)));
		end_read.reset(ends[0]);
		end_write.reset(ends[1]);
		if (::setsockopt(end_read.get(), SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) != 0)
			throw CommandError(exit_error, fmt::format("cannot ask for credentials: {}", errno_text(errno)));
	}
	std::cout.flush();
	std::cerr.flush();
	const auto &namespaces = image.process.namespaces;
	const auto ns_flags = own_namespace_flags(namespaces);
	pid_t child = o.same_pid_ns ? clone_child(ns_flags, pid) : clone_child(CLONE_NEWPID | CLONE_NEWNS | ns_flags, 0);
	if (child < 0 && o.same_pid_ns && errno == EEXIST)
		throw CommandError(exit_bad_image, fmt::format("{}: {}", refused, pid_taken()));
	if (child < 0 && errno == EPERM)
		throw CommandError(exit_permission,
				   ns_flags ? std::string("making the restored process's UTS or IPC namespace needs "
							  "CAP_SYS_ADMIN")
				   : o.same_pid_ns ? fmt::format("giving the restored process its pid {} needs "
								 "CAP_CHECKPOINT_RESTORE or CAP_SYS_ADMIN",
								 pid)
						   : std::string("making the restored process's container (a pid and a "
								 "mount namespace) needs CAP_SYS_ADMIN; --same-pid-ns "
								 "needs only CAP_CHECKPOINT_RESTORE"));
	if (child < 0)
		throw CommandError(exit_error, fmt::format("cannot start the restoring process: {}", errno_text(errno)));
	if (child == 0) {
		ChildPlan plan{device, image_fd.get(), status_write.get(), redirects, cgroup, flags, all_reasons, tids,
			       namespaces};
		name_own_uts(plan);
		if (o.same_pid_ns)
			become_image(plan);
		container_init(plan, pid, end_write.get());
	}

	status_write.reset();
	end_write.reset();
	redirects.clear();
	Launched launched{child, pid, std::move(end_read), {}, std::move(reasons), all_reasons, 1 + tids.size()};
	read_to_end(status_read.get(), "the restart's status pipe",
		    [&](std::string_view chunk) { launched.report += chunk; });
	while (!launched.report.empty() && launched.report.back() == '\n')
		launched.report.pop_back();
	return launched;
}

} // namespace

int run_restart(const RestartOptions &o)
{
	auto launched = launch(o, 0, CRMOD_FEAT_RESTART, "restart", "restart refused");
	const pid_t child = launched.child;
	const std::string &report = launched.report;
	if (!report.empty()) {
		reap(child);
		if (report.starts_with('R'))
			throw CommandError(exit_bad_image, "restart refused: " + report.substr(1));
		if (report.starts_with('E'))
			throw CommandError(exit_error, "restart failed before the image was read: " + report.substr(1));
		throw CommandError(exit_restart_lost, "restart failed after the point of no return: " + report);
	}
	// The module closed the pipe when it gave the process the image's fds.
	// the container's pid 1 waits for the process, unless it is the process
	const bool init_waits = launched.end && launched.pid != 1;
	const pid_t restored = init_waits ? receive_pid(launched.end.get()) : child;
	if (restored <= 0)
		throw CommandError(exit_error, fmt::format("the container's pid 1 ({}) did not say who the restored "
							   "process is",
							   child));
	std::cerr << fmt::format("crctl: restored 1 process, {} thread{}: pid {}{}\n", launched.threads,
				 launched.threads == 1 ? "" : "s", restored,
				 launched.end ? fmt::format(" (pid {} in its container)", launched.pid) : "");
	if (o.detach) {
		std::cout << restored << '\n';
		return exit_ok;
	}
	forward_signals_to(child);
	if (!init_waits)
		return report_end(restored, reap(child));
	std::string said;
	read_to_end(launched.end.get(), "the container's report", [&](std::string_view chunk) { said += chunk; });
	int init_status = reap(child);
	if (said.empty())
		throw CommandError(exit_error, fmt::format("the container's pid 1 ({}) ended (wait status {:#x}) "
							   "before the restored process {}",
							   child, init_status, restored));
	return report_end(restored, std::stoi(said));
}

int run_validate(const ValidateOptions &v)
{
	// stdout is one JSON document with --json, whatever happens
	auto report = [&](int status, std::optional<bool> valid, const std::vector<std::string> &reasons,
			  const std::string &note = "") {
		if (status != exit_ok && reasons.size() == 1)
			std::cerr << "crctl: " << reasons.front() << note << '\n';
		else if (status != exit_ok) {
			std::cerr << fmt::format("crctl: image refused, for {} reasons:\n", reasons.size());
			for (const auto &r : reasons)
				std::cerr << "  " << r << '\n';
		}
		if (v.json) {
			auto list = nlohmann::json::array();
			for (const auto &r : reasons)
				list.push_back(r);
			std::cout << nlohmann::json{{"valid", valid ? nlohmann::json(*valid) : nlohmann::json(nullptr)},
						    {"reason", reasons.empty() ? nlohmann::json(nullptr)
									       : nlohmann::json(reasons.front())},
						    {"reasons", list}}
					     .dump(2)
				  << '\n';
		} else if (status == exit_ok)
			std::cout << "image can restart here\n";
		return status;
	};
	try {
		auto launched = launch(v.restart, CRMOD_RESTART_VALIDATE, CRMOD_FEAT_VALIDATE, "validate an image",
				       "image refused");
		const std::string &said = launched.report;
		auto &reasons = launched.reasons;
		const bool all_reasons = launched.all_reasons;
		int status = reap(launched.child);
		if (said.starts_with('R')) {
			// one line per reason where the module tells them all
			std::string_view rest(said);
			rest.remove_prefix(1);
			for (std::size_t at; all_reasons && (at = rest.find('\n')) != std::string_view::npos;
			     rest.remove_prefix(at + 1))
				reasons.emplace_back(rest.substr(0, at));
			if (!rest.empty())
				reasons.emplace_back(rest);
		} else if (said != "V")
			return report(exit_error, std::nullopt,
				      {fmt::format("the validating process ended without an answer (wait status {:#x}){}",
						   status, said.empty() ? "" : ": " + said)});
		if (reasons.empty())
			return report(exit_ok, true, {});
		if (reasons.size() == 1)
			reasons.front() = "image refused: " + reasons.front();
		return report(exit_bad_image, false, reasons,
			      all_reasons ? "" : " (this module tells only the first reason it finds)");
	} catch (const CommandError &e) {
		if (e.status() == exit_bad_image)
			return report(e.status(), false, {e.what()});
		return report(e.status(), std::nullopt, {e.what()});
	} catch (const DeviceError &e) {
		return report(exit_status_for(e.kind()), std::nullopt, {e.what()});
	}
}

} // namespace crctl::cli
