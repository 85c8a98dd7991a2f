// crctl checkpoint PID [-o FILE] [--kill]: stop the process with ptrace, every
// thread of it, have the module write its image, let it go (or kill it once
// the image is safe).
#include "commands.hpp"
#include "trace.hpp"

#include "crctl/describe.hpp"
#include "crctl/fd.hpp"

#include <fmt/format.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace crctl::cli {

namespace {

// Blocks SIGINT, SIGTERM and SIGHUP (those not ignored) while it lives, so
// that they are acted on only once the process is let go and no partial
// image is left; restores the signal mask on destruction.
class DeferredSignals {
public:
	DeferredSignals()
	{
		sigemptyset(&set_);
		for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
			struct sigaction action {};
			if (::sigaction(sig, nullptr, &action) == 0 && action.sa_handler != SIG_IGN)
				sigaddset(&set_, sig);
		}
		::sigprocmask(SIG_BLOCK, &set_, &old_);
	}
	DeferredSignals(const DeferredSignals &) = delete;
	DeferredSignals &operator=(const DeferredSignals &) = delete;
	~DeferredSignals() { ::sigprocmask(SIG_SETMASK, &old_, nullptr); }

	// The first of them that arrived meanwhile, or 0.
	int pending() const
	{
		sigset_t pending;
		::sigpending(&pending);
		for (int sig : {SIGINT, SIGTERM, SIGHUP})
			if (sigismember(&set_, sig) && sigismember(&pending, sig))
				return sig;
		return 0;
	}

private:
	sigset_t set_{}, old_{};
};

// Where the image goes. A FILE is written as FILE.tmp-XXXXXX beside it
// (mode 0600: an image holds the process's memory) and renamed over FILE
// only by commit(); otherwise the temporary is removed. Standard output, or
// a FILE that exists and is not a regular file (a FIFO, /dev/null), is
// written in place; a regular file on standard output is cut back to where
// it started if the checkpoint fails.
class ImageOutput {
public:
	explicit ImageOutput(const std::string &path) : path_(path)
	{
		struct stat st {};
		if (path == "-") {
			name_ = "standard output";
			fd_ = STDOUT_FILENO;
		} else if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
			owned_.reset(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
			if (!owned_)
				throw CommandError(exit_error, fmt::format("cannot open {}: {}", path, errno_text(errno)));
			fd_ = owned_.get();
		} else {
			std::vector<char> name(path.begin(), path.end());
			for (char c : std::string(".tmp-XXXXXX"))
				name.push_back(c);
			name.push_back('\0');
			owned_.reset(::mkostemp(name.data(), O_CLOEXEC));
			if (!owned_)
				throw CommandError(exit_error, fmt::format("cannot create {}: {}", name.data(),
									   errno_text(errno)));
			temp_ = name.data();
			fd_ = owned_.get();
		}
		if (::isatty(fd_))
			throw CommandError(exit_error, fmt::format("refusing to write an image to the terminal on {}: "
								   "use -o FILE or redirect standard output",
								   name_.empty() ? path : name_));
		if (::fstat(fd_, &st) != 0)
			throw CommandError(exit_error, fmt::format("cannot write to {}: {}", name(), errno_text(errno)));
		regular_ = S_ISREG(st.st_mode);
		// where the image will start: appends go to the end, whatever
		// the offset says
		if (regular_ && temp_.empty())
			start_ = (::fcntl(fd_, F_GETFL) & O_APPEND) ? st.st_size : ::lseek(fd_, 0, SEEK_CUR);
	}
	ImageOutput(const ImageOutput &) = delete;
	ImageOutput &operator=(const ImageOutput &) = delete;
	~ImageOutput() { discard(); }

	int fd() const noexcept { return fd_; }
	const std::string &name() const noexcept { return name_.empty() ? path_ : name_; }

	// The image is on disk, or an error says why not.
	void sync() const
	{
		if (regular_ && ::fsync(fd_) != 0)
			throw CommandError(exit_checkpoint_failed,
					   fmt::format("cannot write {}: {}", name(), errno_text(errno)));
	}

	void commit()
	{
		if (!temp_.empty()) {
			if (::rename(temp_.c_str(), path_.c_str()) != 0)
				throw CommandError(exit_checkpoint_failed, fmt::format("cannot rename {} to {}: {}",
										       temp_, path_, errno_text(errno)));
			temp_.clear();
			auto dir = std::filesystem::path(path_).parent_path();
			UniqueFd dir_fd(::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
			if (dir_fd)
				::fsync(dir_fd.get());
		}
		committed_ = true;
	}

	// Leaves no partial image behind.
	void discard() noexcept
	{
		if (committed_)
			return;
		if (!temp_.empty())
			::unlink(temp_.c_str());
		else if (start_ >= 0 && ::ftruncate(fd_, start_) == 0)
			::lseek(fd_, start_, SEEK_SET);
		temp_.clear();
		start_ = -1;
		committed_ = true;
	}

private:
	std::string path_, name_, temp_;
	UniqueFd owned_;
	int fd_ = -1;
	bool regular_ = false;
	off_t start_ = -1;
	bool committed_ = false;
};

// A process crctl restarted runs in a container of its own: a pid namespace
// and a mount namespace that differs only by its /proc. The module reads a
// process from its namespaces (paths as it sees them, its pid as it knows
// it), so crctl joins the process's mount namespace, and its pid namespace
// for children, for as long as it lives, and returns to its own after.
class InTargetNamespaces {
public:
	explicit InTargetNamespaces(pid_t pid)
	{
		// all opened first: in its mount namespace, /proc is its container's
		struct Ns {
			const char *kind;
			int flag;
			UniqueFd its, own;
		};
		Ns namespaces[] = {{"mount", CLONE_NEWNS, open_ns(fmt::format("/proc/{}/ns/mnt", pid), pid),
				    open_ns("/proc/self/ns/mnt", pid)},
				   {"pid", CLONE_NEWPID, open_ns(fmt::format("/proc/{}/ns/pid", pid), pid),
				    open_ns("/proc/self/ns/pid_for_children", pid)}};
		for (auto &ns : namespaces) {
			if (same_ns(ns.its.get(), ns.own.get()))
				continue;
			if (ns.flag == CLONE_NEWNS && !save_dirs())
				throw CommandError(exit_error, fmt::format("cannot keep crctl's working directory: {}",
									   errno_text(errno)));
			if (::setns(ns.its.get(), ns.flag) != 0) {
				int err = errno;
				leave();
				throw CommandError(err == EPERM ? exit_permission : exit_error,
						   fmt::format("cannot enter process {}'s {} namespace: {}", pid, ns.kind,
							       errno_text(err)));
			}
			joined_.push_back({std::move(ns.own), ns.flag});
		}
	}
	InTargetNamespaces(const InTargetNamespaces &) = delete;
	InTargetNamespaces &operator=(const InTargetNamespaces &) = delete;
	~InTargetNamespaces() { leave(); }

private:
	// Back to crctl's own. Failing here would leave crctl writing the
	// image's path in the process's namespace: better to stop.
	void leave() noexcept
	{
		for (auto &j : joined_)
			if (::setns(j.own.get(), j.flag) != 0)
				::_exit(exit_error);
		if (root_ && (::fchdir(root_.get()) != 0 || ::chroot(".") != 0))
			::_exit(exit_error);
		if (cwd_ && ::fchdir(cwd_.get()) != 0)
			::_exit(exit_error);
		joined_.clear();
		root_.reset();
		cwd_.reset();
	}

	struct Joined {
		UniqueFd own;
		int flag;
	};

	static UniqueFd open_ns(const std::string &path, pid_t pid)
	{
		UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
		if (!fd)
			throw CommandError(errno == ENOENT ? exit_no_process : exit_error,
					   fmt::format("cannot open {} (process {}): {}", path, pid, errno_text(errno)));
		return fd;
	}
	static bool same_ns(int a, int b)
	{
		struct stat sa {}, sb {};
		return ::fstat(a, &sa) == 0 && ::fstat(b, &sb) == 0 && sa.st_ino == sb.st_ino && sa.st_dev == sb.st_dev;
	}
	// setns() into a mount namespace moves root and cwd to its root.
	bool save_dirs()
	{
		root_ = UniqueFd(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
		cwd_ = UniqueFd(::open(".", O_PATH | O_DIRECTORY | O_CLOEXEC));
		return root_ && cwd_;
	}

	std::vector<Joined> joined_;
	UniqueFd root_, cwd_;
};

} // namespace

int run_checkpoint(const CheckpointOptions &o)
{
	// Declared first, destroyed last: a deferred signal acts only once the
	// process is let go and the partial image removed.
	DeferredSignals deferred;
	// A reader of the image that goes away must fail the write, not kill crctl.
	std::signal(SIGPIPE, SIG_IGN);
	ImageOutput output(o.output);
	auto device = open_device_for(CRMOD_FEAT_CHECKPOINT, "checkpoint");
	TracedProcess tracee(o.pid);
	tracee.stop();

	crmod_checkpoint_args args{};
	args.pid = static_cast<std::uint32_t>(o.pid);
	args.fd = output.fd();
	int err = 0;
	{
		InTargetNamespaces joined(o.pid);
		err = device.checkpoint(args);
	}
	if (err) {
		args.error[sizeof(args.error) - 1] = '\0';
		std::string why = args.error[0] ? args.error : errno_text(err);
		throw CommandError(err == EPERM || err == EACCES ? exit_permission : exit_checkpoint_failed,
				   fmt::format("checkpoint of {} failed: {}", o.pid, why));
	}
	output.sync();
	if (int sig = deferred.pending()) {
		tracee.detach();
		output.discard();
		// Said now: unblocking the signal on return ends crctl by it.
		std::cerr << fmt::format("crctl: checkpoint of {} interrupted by {}: no image written, the "
					 "process continues\n", o.pid, signal_name(static_cast<std::uint32_t>(sig)));
		return 128 + sig;
	}
	output.commit();
	if (o.kill)
		tracee.kill();
	else
		tracee.detach();
	return exit_ok;
}

} // namespace crctl::cli
