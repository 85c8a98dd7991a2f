// Threads made with raw clone3(), as restart needs them: with the tid of
// the image's thread (set_tid), on a stack of their own, running only code
// that needs nothing of libc (a raw system call or two), then SYS_exit.
// glibc's clone() takes no set_tid, and returning from clone3() onto a new
// stack cannot be written in C: a small per-arch trampoline does it.
#pragma once

#include <linux/sched.h>

#include <cstddef>
#include <cstdint>

namespace crctl {

// The thread's code: it must run no libc code that touches thread state
// (errno, locks, malloc), only raw system calls. Its return value is the
// thread's exit code.
using RawThreadFn = long (*)(void *arg);

extern "C" {
// clone3(args, size); in the new task, on the stack args gives, fn(arg) and
// then SYS_exit with what it returned (that task alone ends). Returns the
// new task's tid to the caller, or -errno. x86_64 and ppc64le (ELFv2).
long crctl_clone3_run(clone_args *args, std::size_t size, RawThreadFn fn, void *arg) noexcept;
}

// A raw system call of up to four arguments: no errno, -errno on failure.
long raw_syscall(long number, long a = 0, long b = 0, long c = 0, long d = 0) noexcept;

// The clone3() flags of a thread of the caller's process, sharing all a
// thread shares (its memory, fs, files, signal handlers and SysV undo list).
inline constexpr std::uint64_t thread_clone_flags =
	CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM;

// A stack for such a thread: an anonymous private mapping, never unmapped
// (the thread may outlive any owner: the module replaces the memory at
// restart, and a refusal ends the whole process).
struct RawStack {
	void *base = nullptr;
	std::size_t size = 0;
};
// -errno if mmap() failed (base stays nullptr).
long map_stack(RawStack &stack, std::size_t size = 64 << 10) noexcept;

// Starts a thread of this process that runs fn(arg) on stack, with tid if
// not 0 (set_tid: needs CAP_CHECKPOINT_RESTORE in the pid namespace).
// Returns its tid or -errno.
long start_raw_thread(const RawStack &stack, std::uint32_t tid, RawThreadFn fn, void *arg) noexcept;

} // namespace crctl
