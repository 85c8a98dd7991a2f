// Stopping a process for its checkpoint: every thread of it in a ptrace
// stop with crctl as its tracer, as the module wants it.
#pragma once

#include "commands.hpp"

#include <fmt/format.h>

#include <csignal>
#include <cstdint>
#include <iterator>
#include <optional>
#include <list>
#include <set>
#include <string>

#include <sys/ptrace.h>
#include <sys/types.h>
#include <sys/wait.h>

namespace crctl::cli {

// The state letter of /proc/PID/stat (R, S, Z, ...), or 0 if unreadable.
char process_state(pid_t pid);

// The tids /proc/PID/task lists now.
std::set<pid_t> thread_ids(pid_t pid);

// The children of every thread of pid, as /proc/PID/task/*/children lists them.
std::set<pid_t> child_ids(pid_t pid);

// Where a process's [vdso] is, from /proc/PID/maps.
struct AddressRange {
	std::uint64_t start = 0, end = 0;
	bool holds(std::uint64_t addr) const noexcept { return addr >= start && addr < end; }
};
std::optional<AddressRange> vdso_range(pid_t pid);

// The user instruction pointer of a thread in a ptrace stop, or nullopt.
std::optional<std::uint64_t> stopped_ip(pid_t tid);

// A thread crctl traces (PTRACE_SEIZE): stopped by stop(), let go by
// detach() or on destruction, unchanged. The leader's (tid == pid) failures
// are the process's; another thread that exits meanwhile is left out.
class Tracee {
public:
	// false: a thread but the leader that is gone already
	Tracee(pid_t tid, pid_t pid) : tid_(tid), pid_(pid)
	{
		if (::ptrace(PTRACE_SEIZE, tid, nullptr, nullptr) == 0) {
			attached_ = true;
			return;
		}
		int err = errno;
		if (err == ESRCH && tid != pid)
			return;
		// ptrace refuses a thread that has ended (and is still listed) with EPERM
		if (err == EPERM && tid != pid)
			if (char state = process_state(tid); state == 0 || state == 'Z' || state == 'X')
				return;
		if (err == ESRCH)
			throw CommandError(exit_no_process, fmt::format("no process {}", pid));
		// ptrace refuses a zombie with EPERM, even to root: say what it is.
		if (err == EPERM && tid == pid && process_state(pid) == 'Z')
			throw CommandError(exit_no_process,
					   fmt::format("process {} has exited (a zombie its parent has not reaped "
						       "yet): there is nothing to checkpoint", pid));
		const auto what = tid == pid ? fmt::format("process {}", pid)
					     : fmt::format("thread {} of process {}", tid, pid);
		if (err == EPERM)
			throw CommandError(exit_permission,
					   fmt::format("cannot trace {}: {} (crctl needs root or CAP_SYS_PTRACE, "
						       "and the process must not be traced already, e.g. by a "
						       "debugger)", what, errno_text(err)));
		throw CommandError(exit_error, fmt::format("cannot trace {}: {}", what, errno_text(err)));
	}
	Tracee(const Tracee &) = delete;
	Tracee &operator=(const Tracee &) = delete;
	~Tracee() { detach(); }

	bool attached() const noexcept { return attached_; }
	pid_t tid() const noexcept { return tid_; }

	// Interrupts the thread and waits until it is in a ptrace stop. A
	// signal that arrives first is delivered as it would have been.
	// false: a thread but the leader ended first.
	bool stop()
	{
		if (::ptrace(PTRACE_INTERRUPT, tid_, nullptr, nullptr) != 0) {
			int err = errno;
			// a thread ending: reaped, so that no traced zombie stays
			// among the process's threads
			if (err == ESRCH && tid_ != pid_)
				reap();
			return gone(errno_text(err));
		}
		for (;;) {
			int sig = 0, event = 0;
			if (!wait_stop(&sig, &event))
				return false;
			if (event)
				return true;	// PTRACE_EVENT_STOP: our interrupt, or a group stop
			// signal-delivery-stop: pass the signal on, the interrupt follows
			if (::ptrace(PTRACE_CONT, tid_, nullptr, sig) != 0)
				return gone(errno_text(errno));
		}
	}

	// A thread stopped inside the vDSO resumes there after restart; under
	// another kernel that vDSO is gone (the module stands in only for its
	// functions' entry points). Single-step it out, then stop it again as
	// stop() does. A thread that does not leave within the limit stays:
	// a restart under another kernel build refuses it, naming it.
	void step_out_of(const AddressRange &range)
	{
		constexpr int max_steps = 100000;
		int steps = 0, sig = 0;
		for (auto ip = stopped_ip(tid_); attached_ && ip && range.holds(*ip) && steps < max_steps;
		     ip = stopped_ip(tid_), steps++) {
			if (::ptrace(PTRACE_SINGLESTEP, tid_, nullptr, sig) != 0) {
				gone(errno_text(errno));
				return;
			}
			int event = 0;
			if (!wait_stop(&sig, &event))
				return;
			// the step's own trap is not the thread's to receive
			if (event || sig == SIGTRAP)
				sig = 0;
		}
		if (!steps || !attached_)
			return;
		// out of a single-step trap into the stop the module expects
		if (::ptrace(PTRACE_INTERRUPT, tid_, nullptr, nullptr) != 0 ||
		    ::ptrace(PTRACE_CONT, tid_, nullptr, sig) != 0) {
			gone(errno_text(errno));
			return;
		}
		for (int event = 0; attached_ && !event;) {
			if (!wait_stop(&sig, &event))
				return;
			if (!event && ::ptrace(PTRACE_CONT, tid_, nullptr, sig) != 0)
				gone(errno_text(errno));
		}
	}

	void detach() noexcept
	{
		if (attached_)
			::ptrace(PTRACE_DETACH, tid_, nullptr, nullptr);
		attached_ = false;
	}

	// Once the process is sent SIGKILL: waits for the thread's end.
	void reap() noexcept
	{
		int status = 0;
		while (attached_ && ::waitpid(tid_, &status, __WALL) >= 0 && !WIFEXITED(status) && !WIFSIGNALED(status))
			;
		attached_ = false;
	}

private:
	// The next ptrace stop: *sig the signal it holds back, *event its
	// PTRACE_EVENT (0: a signal-delivery stop). false: the thread is gone.
	bool wait_stop(int *sig, int *event)
	{
		for (;;) {
			int status = 0;
			if (::waitpid(tid_, &status, __WALL) < 0) {
				if (errno == EINTR)
					continue;
				return gone(errno_text(errno));
			}
			if (WIFEXITED(status))
				return gone(fmt::format("it exited with status {}", WEXITSTATUS(status)));
			if (WIFSIGNALED(status))
				return gone(fmt::format("it was killed by signal {}", WTERMSIG(status)));
			if (!WIFSTOPPED(status))
				continue;
			*event = status >> 16;
			*sig = *event ? 0 : WSTOPSIG(status);
			return true;
		}
	}

	bool gone(const std::string &why)
	{
		attached_ = false;
		if (tid_ != pid_)
			return false;
		throw CommandError(exit_no_process,
				   fmt::format("process {} went away before it could be checkpointed: {}", pid_, why));
	}

	pid_t tid_, pid_;
	bool attached_ = false;
};

// A process crctl traces, every thread of it: stop() seizes and interrupts
// each until /proc/PID/task lists no thread it has not stopped (a running
// thread may make more meanwhile; a stopped one cannot). Let go by detach()
// or on destruction.
class TracedProcess {
public:
	explicit TracedProcess(pid_t pid) : pid_(pid) { threads_.emplace_back(pid, pid); }
	TracedProcess(const TracedProcess &) = delete;
	TracedProcess &operator=(const TracedProcess &) = delete;

	pid_t pid() const noexcept { return pid_; }

	void stop()
	{
		std::set<pid_t> seen = {pid_};
		if (!threads_.front().stop())
			return;
		for (bool more = true; more;) {
			more = false;
			for (pid_t tid : thread_ids(pid_)) {
				if (!seen.insert(tid).second)
					continue;
				more = true;
				auto &thread = threads_.emplace_back(tid, pid_);
				if (thread.attached())
					thread.stop();
			}
		}
		if (auto vdso = vdso_range(pid_))
			for (auto &t : threads_)
				if (t.attached())
					t.step_out_of(*vdso);
	}

	void detach() noexcept
	{
		for (auto &t : threads_)
			t.detach();
	}

	// SIGKILL while it is still stopped, so that it runs no further; the
	// leader's end is told once the other threads' is.
	void kill()
	{
		if (::kill(pid_, SIGKILL) != 0)
			throw CommandError(exit_error, fmt::format("the image is complete, but killing process {} "
								   "failed: {}", pid_, errno_text(errno)));
		for (auto t = std::next(threads_.begin()); t != threads_.end(); ++t)
			t->reap();
		threads_.front().reap();
	}

private:
	pid_t pid_;
	std::list<Tracee> threads_;	// the leader first
};

} // namespace crctl::cli
