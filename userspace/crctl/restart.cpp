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

#include <algorithm>
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
#include <poll.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
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
TreeImage check_image(int fd, const std::string &path, const std::string &refused)
{
	FdInputBuf buffer(fd);
	std::istream in(&buffer);
	TreeImage image;
	try {
		image = read_tree(in, PageContent::skip_crc);
		for (std::size_t i = 0; i < image.processes.size(); i++)
			if (auto problem = restart_problem(image.processes[i]))
				throw image.processes.size() == 1
					? *problem
					: ImageError(fmt::format("{}, {}", process_where(image, i), problem->where()),
						     image.offsets[i] + problem->offset(), problem->problem());
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
void check_restartable(const TreeImage &tree, const Device &device, const std::string &refused)
{
	const auto &image = tree.processes.front();
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
	if (tree.processes.size() > 1 && !(version.features & CRMOD_FEAT_TREES))
		throw CommandError(exit_bad_image,
				   fmt::format("{}: the image is a tree of {} processes, and this crmod module restarts "
					       "no trees (it lacks CRMOD_FEAT_TREES)", refused, tree.processes.size()));
	// one container for the tree: the namespaces of its root
	const auto &root_ns = image.process.namespaces;
	for (std::size_t i = 1; i < tree.processes.size(); i++) {
		const auto &ns = tree.processes[i].process.namespaces;
		if (ns.has_value() != root_ns.has_value() ||
		    (ns && std::memcmp(&*ns, &*root_ns, sizeof(*ns)) != 0))
			throw CommandError(exit_bad_image,
					   fmt::format("{}: {} has UTS or IPC namespaces other than its root's: a tree "
						       "restarts in one set of namespaces", refused, process_where(tree, i)));
	}
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

// One process of the image to restore: its pid and threads, its image (its
// own part of a tree's file), its cgroup, its children.
struct PlannedProcess {
	pid_t pid = 0;
	std::uint32_t exit_signal = SIGCHLD;
	std::vector<std::uint32_t> tids;	// its other threads
	std::optional<std::string> cgroup;	// to enter first
	int image_fd = -1;
	std::vector<std::size_t> children;	// indexes into ChildPlan::processes
};

// What the children do: restart (or validate) the image's processes, each
// in its cgroup (unless any_cgroup), with the redirected stdio.
struct ChildPlan {
	const Device &device;
	int status_fd;
	const std::vector<Redirect> &redirects;
	std::uint32_t flags;		// CRMOD_RESTART_*
	bool all_reasons;		// validating: the module tells every reason
	const std::vector<PlannedProcess> &processes;	// the root first
	const std::optional<crmod_namespaces> &namespaces;	// made fresh for it
	int ready_fd = -1, go_fd = -1, finish_fd = -1;	// a tree's barrier (CRMOD_RESTART_BARRIER)
	std::vector<int> crctl_only;	// fds only crctl keeps: the barrier's other ends

	bool tree() const noexcept { return processes.size() > 1; }
	// "process 42: " in a tree, so that crctl can name the one that failed
	std::string who(std::size_t index) const
	{
		return tree() ? fmt::format("process {}: ", processes[index].pid) : std::string();
	}
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

// In the child: becomes the image's process index, or says on status_fd
// why not ("R" and the reason, or every reason a line each; "C" when it
// was cancelled because another process of the tree refused). Validating,
// it says "V" when the module found the image good, and exits.
[[noreturn]] void become_image(const ChildPlan &plan, std::size_t index) noexcept
{
	static char error[CRMOD_REASONS_LEN];
	const PlannedProcess &process = plan.processes[index];
	int err = 0;
	std::string why_not;
	const bool validate = plan.flags & CRMOD_RESTART_VALIDATE;
	// validating needs no thread: the module checks the image alone
	std::vector<ThreadStart> starts(validate ? 0 : process.tids.size());
	try {
		if (process.cgroup)
			why_not = enter_cgroup(*process.cgroup, ::getpid(), false).value_or("");
	} catch (const std::exception &e) {
		why_not = e.what();
	}
	for (const auto &r : plan.redirects)
		if (why_not.empty() && (::dup2(r.fd.get(), r.target) < 0 || ::fcntl(r.target, F_SETFD, 0) < 0))
			err = errno;
	if (why_not.empty() && err == 0 && !starts.empty())
		if (auto failure = start_threads(plan.device.fd(), plan.status_fd, process.tids, starts)) {
			// one write: the tree's other processes write to the same pipe
			write_all(plan.status_fd, fmt::format("{}{}{}\n", failure->kind, plan.who(index), failure->why));
			// ends the threads made so far too
			::_exit(failure->kind[0] == 'R' ? exit_bad_image : exit_error);
		}
	if (why_not.empty() && err == 0) {
		crmod_restart_args args{};
		args.fd = process.image_fd;
		args.status_fd = validate ? -1 : plan.status_fd;
		args.flags = plan.flags;
		if (plan.tree() && !validate) {
			args.flags |= CRMOD_RESTART_BARRIER;
			args.ready_fd = plan.ready_fd;
			args.go_fd = plan.go_fd;
			args.finish_fd = plan.finish_fd;
		}
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
	// one write: the tree's other processes write to the same pipe; every
	// reason of a validation names the process, in a tree
	const std::string who = plan.who(index);
	std::string said = fmt::format("{}{}", err == ECANCELED ? 'C' : 'R', who);
	for (std::string_view rest(why); !rest.empty();) {
		auto end = rest.find('\n');
		said.append(rest.substr(0, end));
		if (end == std::string_view::npos || end + 1 == rest.size())
			break;
		said.append(1, '\n').append(who);
		rest.remove_prefix(end + 1);
	}
	said.append(thread_refusals(starts, process.tids)).append(1, '\n');
	write_all(plan.status_fd, said);
	::_exit(exit_bad_image);
}

// fork(), or clone3() with flags and, if not 0, the pid the child must have.
pid_t clone_child(std::uint64_t flags, pid_t pid, std::uint32_t exit_signal = SIGCHLD)
{
	clone_args args{};
	args.flags = flags;
	args.exit_signal = exit_signal;
	if (pid) {
		args.set_tid = reinterpret_cast<std::uintptr_t>(&pid);
		args.set_tid_size = 1;
	}
	return static_cast<pid_t>(::syscall(SYS_clone3, &args, sizeof(args)));
}

// In the process that is to become processes[index], its pid already the
// image's: first its children, each with its pid and exit signal (each
// makes its own the same way), then itself. In a tree every process waits
// in the module, ready, until crctl says go.
[[noreturn]] void restore_process(const ChildPlan &plan, std::size_t index) noexcept
{
	for (int fd : plan.crctl_only)
		::close(fd);
	for (std::size_t child : plan.processes[index].children) {
		const auto &c = plan.processes[child];
		pid_t made = clone_child(0, c.pid, c.exit_signal);
		if (made == 0)
			restore_process(plan, child);
		if (made < 0) {
			const int err = errno;
			const bool taken = err == EEXIST || err == EINVAL;
			write_all(plan.status_fd,
				  fmt::format("{}{}cannot start its child {} with its pid: {}{}\n", taken ? "R" : "E",
					      plan.who(index), c.pid, errno_text(err),
					      err == EEXIST ? fmt::format(" (held by {})", holder_of(c.pid)) : ""));
			::_exit(exit_error);
		}
	}
	become_image(plan, index);
}

// Validating: each process of the image in turn, in a child of its own
// (its pid does not matter to the check), each saying "V" or "R..".
[[noreturn]] void validate_each(const ChildPlan &plan) noexcept
{
	for (std::size_t i = 0; i < plan.processes.size(); i++) {
		pid_t child = ::fork();
		if (child == 0)
			become_image(plan, i);
		int status = 0;
		while (child > 0 && ::waitpid(child, &status, 0) < 0 && errno == EINTR)
			;
	}
	::_exit(exit_ok);
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

// The container's pid 1: a /proc of its own, then the image's root process
// with the image's pid (or itself, if that is 1), which makes the rest of
// the tree. It tells crctl the root's pid, reaps every orphan of the
// namespace, passes on the signals crctl passes on, and sends the root's
// wait status to end_fd when it ends; its own end ends the container, and
// every process left in it. Validating, it checks each process in turn.
[[noreturn]] void container_init(const ChildPlan &plan, int end_fd) noexcept
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
	if (plan.flags & CRMOD_RESTART_VALIDATE)
		validate_each(plan);
	const pid_t pid = plan.processes.front().pid;
	if (pid == 1)
		restore_process(plan, 0);
	pid_t process = clone_child(0, pid);
	if (process == 0)
		restore_process(plan, 0);
	if (process < 0)
		fail(errno == EINVAL ? "R" : "E",
		     fmt::format("cannot start a process with the image's pid {} in the new pid namespace: {}{}", pid,
				 errno_text(errno), errno == EINVAL ? " (beyond this kernel's pid_max?)" : ""));
	send_pid(end_fd, process);
	// Only the processes keep the image, the status pipe, /dev/crctl (a
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
	pid_t child;	// the container's pid 1, or (--same-pid-ns) the root process
	pid_t pid;	// the root's, the image's
	UniqueFd end;	// from the container's pid 1: the root's pid, its wait status
	// "": restarted; else lines: "R..": refused; "C..": cancelled (another
	// refused); "V": valid; "E..": failed; any other: lost
	std::string report;
	std::vector<std::string> reasons;	// validating: crctl's own refusals, first
	bool all_reasons;	// the module told every reason it found
	std::size_t processes;	// the image's
	std::size_t threads;	// of every process, leaders included
	std::vector<pid_t> pids;	// every process's, the image's
	bool went = false;	// a tree was told to go past the point of no return
};

// A tree's part for process index: its own seekable, read-only file
// holding that image alone (the module reads an image to its end).
UniqueFd image_part(int fd, const TreeImage &tree, std::size_t index)
{
	UniqueFd part(::memfd_create("crmod-image-part", MFD_CLOEXEC));
	if (!part)
		throw CommandError(exit_error, fmt::format("cannot create a memfd for an image part: {}",
							   errno_text(errno)));
	off_t at = static_cast<off_t>(tree.offsets[index]);
	for (std::uint64_t left = tree.processes[index].size; left > 0;) {
		ssize_t done = ::sendfile(part.get(), fd, &at, std::min<std::uint64_t>(left, 1 << 30));
		if (done < 0 && errno == EINTR)
			continue;
		if (done <= 0)
			throw CommandError(exit_error, fmt::format("cannot copy {}'s image to memory: {}",
								   process_where(tree, index),
								   done ? errno_text(errno) : "the image is shorter"));
		left -= static_cast<std::uint64_t>(done);
	}
	UniqueFd readonly(::open(fmt::format("/proc/self/fd/{}", part.get()).c_str(), O_RDONLY | O_CLOEXEC));
	if (!readonly)
		throw CommandError(exit_error, fmt::format("cannot reopen an image part: {}", errno_text(errno)));
	return readonly;
}

// The processes to restore, the root first, each with its children.
std::vector<PlannedProcess> plan_processes(const TreeImage &tree, int image_fd, std::vector<UniqueFd> &parts,
					   bool any_cgroup)
{
	std::vector<PlannedProcess> planned;
	for (std::size_t i = 0; i < tree.processes.size(); i++) {
		const auto &process = tree.processes[i].process;
		PlannedProcess p;
		p.pid = process.task ? static_cast<pid_t>(process.task->pid) : 0;
		p.tids = process.thread_tids();
		if (!any_cgroup)
			p.cgroup = process.cgroup;
		if (tree.processes.size() == 1) {
			p.image_fd = image_fd;
		} else {
			parts.push_back(image_part(image_fd, tree, i));
			p.image_fd = parts.back().get();
		}
		if (process.parent) {
			p.exit_signal = process.parent->exit_signal;
			// read_tree checked that the parent comes before
			for (std::size_t k = 0; k < i; k++)
				if (planned[k].pid == static_cast<pid_t>(process.parent->ppid))
					planned[k].children.push_back(i);
		}
		planned.push_back(std::move(p));
	}
	return planned;
}

// Whether a report holds a whole line that is not a cancellation: a
// process refused, or failed.
bool reports_failure(const std::string &report)
{
	for (std::size_t at = 0; at < report.size();) {
		auto end = report.find('\n', at);
		if (end == std::string::npos)
			return false;	// a line still coming
		if (report[at] != 'C')
			return true;
		at = end + 1;
	}
	return false;
}

// Counts the bytes a tree's processes write on ready, one each, until every
// process has written one, while it reads the status pipe into the report;
// false when a process says there that it refused or failed first (or
// every process has ended).
bool all_say_so(Launched &launched, int ready, int status_fd)
{
	std::size_t count = 0;
	while (count < launched.processes) {
		pollfd watch[2] = {{ready, POLLIN, 0}, {status_fd, POLLIN, 0}};
		if (::poll(watch, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		char buffer[4096];
		if (watch[1].revents) {
			ssize_t got = ::read(status_fd, buffer, sizeof(buffer));
			if (got == 0 || (got < 0 && errno != EINTR))
				return false;	// every process has ended
			if (got > 0)
				launched.report.append(buffer, static_cast<std::size_t>(got));
			if (reports_failure(launched.report))
				return false;
		}
		if (watch[0].revents) {
			ssize_t got = ::read(ready, buffer, sizeof(buffer));
			if (got == 0)
				return false;
			if (got > 0)
				count += static_cast<std::size_t>(got);
		}
	}
	return true;
}

// The pipes of a tree's barrier, crctl's ends: the processes say on ready
// that they are ready (phase 1 done), then that they are restored.
struct TreeBarrier {
	UniqueFd ready, go, finish;
};

// A tree crosses the point of no return in step: once every process is
// ready in the module, crctl says go, one byte each; once every one is
// restored, it says finish, and only then does any return to user space.
// Closing go instead cancels those still waiting before the point of no
// return, closing finish kills those waiting after it. True: told to go
// past it.
bool release_tree(Launched &launched, TreeBarrier &barrier, int status_fd)
{
	const std::string word(launched.processes, 'g');
	bool went = all_say_so(launched, barrier.ready.get(), status_fd) && write_all(barrier.go.get(), word);
	barrier.go.reset();
	if (went && all_say_so(launched, barrier.ready.get(), status_fd))
		write_all(barrier.finish.get(), word);
	barrier.finish.reset();
	barrier.ready.reset();
	return went;
}

// Everything restart and validate do before the module has the image: crctl's
// own check, the module's features, the cgroups, then the child. refused
// prefixes the reason of a refusal ("restart refused").
Launched launch(const RestartOptions &o, std::uint32_t flags, std::uint64_t feature, const char *what,
		const std::string &refused)
{
	const bool validate = flags & CRMOD_RESTART_VALIDATE;
	std::vector<std::string> reasons;
	fill_stdio();
	auto image_fd = open_image(o.image);
	auto tree = check_image(image_fd.get(), o.image, refused);
	auto device = open_device_for(feature, what);
	check_restartable(tree, device, refused);
	if (o.cpu_cap == "fpu")
		flags |= CRMOD_RESTART_CPU_FPU;
	if (o.any_cgroup)
		flags |= CRMOD_RESTART_ANY_CGROUP;
	std::vector<UniqueFd> parts;
	auto processes = plan_processes(tree, image_fd.get(), parts, o.any_cgroup);
	// a cgroup that is not there refuses before anything is started
	for (auto &p : processes)
		if (p.cgroup)
			if (auto why = enter_cgroup(*p.cgroup, 0, true)) {
				if (!validate)
					throw CommandError(exit_bad_image, fmt::format("{}: {}", refused, *why));
				// a reason of its own; the module checks the rest
				reasons.push_back(*why);
				for (auto &other : processes)
					other.cgroup.reset();
				flags |= CRMOD_RESTART_ANY_CGROUP;
			}
	// the image's pids and tids, in crctl's namespace: refused at once if
	// taken (kill() finds a thread by its tid too)
	pid_t pid = processes.front().pid;
	auto pid_taken = [&] {
		return fmt::format("the image's pid {} is in use here, by {}", pid, holder_of(pid));
	};
	if (o.same_pid_ns && (pid <= 0 || ::kill(pid, 0) == 0 || errno == EPERM)) {
		if (!validate)
			throw CommandError(exit_bad_image, fmt::format("{}: {}", refused, pid_taken()));
		reasons.push_back(pid_taken());
	}
	for (std::size_t i = 0; o.same_pid_ns && i < processes.size(); i++) {
		std::vector<std::pair<pid_t, const char *>> ids;
		if (i)
			ids.emplace_back(processes[i].pid, "pid {} of the image's process");
		for (auto tid : processes[i].tids)
			ids.emplace_back(static_cast<pid_t>(tid), "tid {} of the image's thread");
		for (auto [id, kind] : ids)
			if (::kill(id, 0) == 0 || errno == EPERM) {
				auto taken = fmt::format("the {} is in use here, by {}",
							 fmt::format(fmt::runtime(kind), id), holder_of(id));
				if (!validate)
					throw CommandError(exit_bad_image, fmt::format("{}: {}", refused, taken));
				reasons.push_back(taken);
			}
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
	// a tree's barrier: the processes say ready on one pipe, crctl says go
	// and finish on the others
	TreeBarrier barrier;
	UniqueFd ready_write, go_read, finish_read;
	const bool in_step = processes.size() > 1 && !validate;
	auto make_pipe = [&](UniqueFd &read_end, UniqueFd &write_end) {
		if (::pipe2(ends, O_CLOEXEC) != 0)
			throw CommandError(exit_error, fmt::format("cannot create a pipe: {}", errno_text(errno)));
		read_end.reset(ends[0]);
		write_end.reset(ends[1]);
	};
	if (in_step) {
		make_pipe(barrier.ready, ready_write);
		make_pipe(go_read, barrier.go);
		make_pipe(finish_read, barrier.finish);
	}
	std::cout.flush();
	std::cerr.flush();
	const auto &namespaces = tree.processes.front().process.namespaces;
	const auto ns_flags = own_namespace_flags(namespaces);
	pid_t child = o.same_pid_ns ? clone_child(ns_flags, validate ? 0 : pid)
				    : clone_child(CLONE_NEWPID | CLONE_NEWNS | ns_flags, 0);
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
		ChildPlan plan{device, status_write.get(), redirects, flags, all_reasons, processes, namespaces, -1, -1, -1, {}};
		if (in_step) {
			plan.ready_fd = ready_write.get();
			plan.go_fd = go_read.get();
			plan.finish_fd = finish_read.get();
			plan.crctl_only = {barrier.ready.get(), barrier.go.get(), barrier.finish.get()};
		}
		name_own_uts(plan);
		if (o.same_pid_ns && validate)
			validate_each(plan);
		if (o.same_pid_ns)
			restore_process(plan, 0);
		container_init(plan, end_write.get());
	}

	status_write.reset();
	end_write.reset();
	ready_write.reset();
	go_read.reset();
	finish_read.reset();
	redirects.clear();
	parts.clear();
	Launched launched{child, pid, std::move(end_read), {}, std::move(reasons), all_reasons, processes.size(),
			  tree.threads(), {}, false};
	for (const auto &p : processes)
		launched.pids.push_back(p.pid);
	if (in_step)
		launched.went = release_tree(launched, barrier, status_read.get());
	read_to_end(status_read.get(), "the restart's status pipe",
		    [&](std::string_view chunk) { launched.report += chunk; });
	while (!launched.report.empty() && launched.report.back() == '\n')
		launched.report.pop_back();
	return launched;
}

} // namespace

namespace {

// The line of a report that says what went wrong: the first that is not a
// cancellation (each process that waited says it was cancelled).
std::string first_failure(const std::string &report)
{
	std::string_view rest(report), cancelled;
	while (!rest.empty()) {
		auto end = rest.find('\n');
		auto line = rest.substr(0, end);
		if (!line.empty() && line[0] != 'C')
			return std::string(line);
		if (cancelled.empty())
			cancelled = line;
		if (end == std::string_view::npos)
			break;
		rest.remove_prefix(end + 1);
	}
	return std::string(cancelled);
}

// After a failure past the point of no return: no process of the tree
// may run on half restored. A container ends with its pid 1; in crctl's
// own namespace each process is killed by its pid.
void kill_tree(const Launched &launched, bool container)
{
	if (container) {
		::kill(launched.child, SIGKILL);
		return;
	}
	for (pid_t pid : launched.pids)
		::kill(pid, SIGKILL);
}

} // namespace

int run_restart(const RestartOptions &o)
{
	auto launched = launch(o, 0, CRMOD_FEAT_RESTART, "restart", "restart refused");
	const pid_t child = launched.child;
	const std::string &report = launched.report;
	if (!report.empty()) {
		const auto failure = first_failure(report);
		const bool tree = launched.processes > 1;
		// refused or failed before the point of no return: nothing of the
		// image ran, every process has ended by itself
		const bool before = !launched.went && (failure.starts_with('R') || failure.starts_with('E') ||
						       (tree && failure.starts_with('C')));
		if (!before && tree)
			kill_tree(launched, static_cast<bool>(launched.end));
		reap(child);
		if (before && failure.starts_with('E'))
			throw CommandError(exit_error, "restart failed before the image was read: " + failure.substr(1));
		if (before)
			throw CommandError(exit_bad_image, "restart refused: " + failure.substr(1));
		throw CommandError(exit_restart_lost,
				   fmt::format("restart failed after the point of no return{}: {}",
					       tree ? fmt::format(" (the whole tree of {} processes is killed)",
								  launched.processes)
						    : std::string(),
					       failure));
	}
	// A tree's processes all ended, saying nothing, before crctl could let
	// them go (killed from outside): nothing of the image ran.
	if (launched.processes > 1 && !launched.went) {
		reap(child);
		throw CommandError(exit_error, "restart failed before the point of no return: the tree's restoring "
					       "processes ended without a word (killed?); nothing of the image ran");
	}
	// The module closed the pipe when it gave the process the image's fds.
	// the container's pid 1 waits for the process, unless it is the process
	const bool init_waits = launched.end && launched.pid != 1;
	const pid_t restored = init_waits ? receive_pid(launched.end.get()) : child;
	if (restored <= 0)
		throw CommandError(exit_error, fmt::format("the container's pid 1 ({}) did not say who the restored "
							   "process is",
							   child));
	std::cerr << fmt::format("crctl: restored {} process{}, {} thread{}: pid {}{}\n", launched.processes,
				 launched.processes == 1 ? "" : "es", launched.threads,
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
		// per process "V", or "R" and its reasons, one line each where the
		// module tells them all
		std::size_t valid = 0;
		bool refused = false, lost = false;
		std::string_view rest(said);
		while (!rest.empty()) {
			auto end = rest.find('\n');
			auto line = rest.substr(0, end);
			rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
			if (line == "V") {
				valid++;
				continue;
			}
			if (line.starts_with('R')) {
				refused = true;
				line.remove_prefix(1);
			} else if (!refused) {
				lost = true;
			}
			if (!line.empty())
				reasons.emplace_back(line);
		}
		if (lost || (!refused && valid != launched.processes))
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
