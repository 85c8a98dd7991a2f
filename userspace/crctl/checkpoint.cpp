// crctl checkpoint PID [-o FILE] [--kill] [--no-tree]: stop the process and
// its descendants with ptrace, every thread of each, have the module write
// the image of each in turn, let them go (or kill them once the image is
// safe).
#include "commands.hpp"
#include "trace.hpp"

#include "crctl/describe.hpp"
#include "crctl/fd.hpp"
#include "crctl/state.hpp"

#include <fmt/format.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
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

namespace {

// A child of the tree has exited and its parent has not reaped it yet.
class ZombieInTree : public CommandError {
public:
	using CommandError::CommandError;
};

// The processes of a tree, each held stopped by crctl: the root first, every
// parent before its children. stop() seizes the root, then each child of a
// process already stopped (a stopped process makes no more), until no
// process has a child that is not held. Let go, or killed, all together.
class TracedTree {
public:
	struct Member {
		std::unique_ptr<TracedProcess> process;
		pid_t parent;	// 0: the root
	};

	TracedTree(pid_t root, bool whole) : root_(root), whole_(whole) {}

	void stop()
	{
		add(root_, 0);
		for (std::size_t i = 0; whole_ && i < members_.size(); i++) {
			const pid_t parent = members_[i].process->pid();
			for (pid_t child : child_ids(parent)) {
				if (char state = process_state(child); state == 'Z' || state == 'X')
					throw ZombieInTree(exit_checkpoint_failed,
							   fmt::format("checkpoint of {} failed: process {}'s child {} has "
								       "exited and is not reaped yet: crmod does not "
								       "checkpoint {}",
								       root_, parent, child,
								       state_kind(CRMOD_STATE_ZOMBIE)->text));
				add(child, parent);
			}
		}
	}

	const std::vector<Member> &members() const noexcept { return members_; }

	void detach() noexcept
	{
		for (auto &m : members_)
			m.process->detach();
	}

	// Children first: no process sees a child end.
	void kill()
	{
		for (auto m = members_.rbegin(); m != members_.rend(); ++m)
			m->process->kill();
	}

private:
	void add(pid_t pid, pid_t parent)
	{
		auto &m = members_.emplace_back(Member{std::make_unique<TracedProcess>(pid), parent});
		m.process->stop();
	}

	pid_t root_;
	bool whole_;
	std::vector<Member> members_;
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
	const bool tree_feature = device.version().features & CRMOD_FEAT_TREES;
	// A shell reaps its child a moment after it ends: a zombie is let be
	// that moment (every process let go meanwhile), and refused if it stays.
	std::optional<TracedTree> held;
	for (int attempt = 1;; attempt++) {
		held.emplace(o.pid, !o.no_tree && tree_feature);
		try {
			held->stop();
			break;
		} catch (const ZombieInTree &) {
			held.reset();
			if (attempt == 50)
				throw;
			::usleep(20000);
		}
	}
	auto &tree = *held;

	// one image per process, one after another
	for (const auto &member : tree.members()) {
		const pid_t pid = member.process->pid();
		crmod_checkpoint_args args{};
		args.pid = static_cast<std::uint32_t>(pid);
		args.fd = output.fd();
		if (tree_feature && !o.no_tree)
			args.flags = CRMOD_CHECKPOINT_TREE | (member.parent ? CRMOD_CHECKPOINT_CHILD : 0);
		int err = 0;
		{
			InTargetNamespaces joined(pid);
			err = device.checkpoint(args);
		}
		if (err) {
			args.error[sizeof(args.error) - 1] = '\0';
			std::string why = args.error[0] ? args.error : errno_text(err);
			if (o.no_tree && std::string_view(why).find("child process") != std::string_view::npos)
				why += " (without --no-tree crctl takes its descendants too)";
			throw CommandError(err == EPERM || err == EACCES ? exit_permission : exit_checkpoint_failed,
					   member.parent ? fmt::format("checkpoint of {} failed: its process {} (a child "
								       "of {}): {}",
								       o.pid, pid, member.parent, why)
							 : fmt::format("checkpoint of {} failed: {}", o.pid, why));
		}
	}
	output.sync();
	if (int sig = deferred.pending()) {
		tree.detach();
		output.discard();
		// Said now: unblocking the signal on return ends crctl by it.
		std::cerr << fmt::format("crctl: checkpoint of {} interrupted by {}: no image written, the "
					 "process continues\n", o.pid, signal_name(static_cast<std::uint32_t>(sig)));
		return 128 + sig;
	}
	output.commit();
	if (o.kill)
		tree.kill();
	else
		tree.detach();
	return exit_ok;
}

} // namespace crctl::cli
