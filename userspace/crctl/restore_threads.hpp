// The threads of a process of several, which its restoring process makes
// before it asks the module to restart it: each with its tid (clone3,
// set_tid), on a raw stack, waiting in CRCTL_IOC_RESTART_THREAD.
#pragma once

#include <linux/crmod.h>

#include "crctl/thread.hpp"

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace crctl::cli {

// What one restored thread reads, its own: its fd of the device and its
// CRCTL_IOC_RESTART_THREAD arguments, with room for the module's word.
struct ThreadStart {
	int device_fd = -1;
	crmod_restart_thread_args args{};
	char error[CRMOD_ERROR_LEN] = {};
	RawStack stack;
	std::atomic<long> result{1};	// 1: not returned; else what the ioctl returned
};
static_assert(std::atomic<long>::is_always_lock_free, "a raw thread may use no lock");

// A thread that could not be made: why, and whether that is the image's
// fault here (its tid is taken or impossible: "R") or the system's ("E").
struct ThreadFailure {
	const char *kind;
	std::string why;
};

// Makes the image's other threads, each with its tid, each waiting in the
// module on device_fd (its late failures told on status_fd); starts[i] is
// the ith's, allocated before the first starts. They start with every
// signal blocked (the module gives each its own mask). A failure leaves the
// threads made so far waiting: the caller ends them with the process.
std::optional<ThreadFailure> start_threads(int device_fd, int status_fd, const std::vector<std::uint32_t> &tids,
					   std::vector<ThreadStart> &starts);

// Why threads refused on their own, not for the leader's refusal (that
// makes each return -ECANCELED): "; thread 4243: why", for those returned.
std::string thread_refusals(const std::vector<ThreadStart> &starts, const std::vector<std::uint32_t> &tids);

// Who holds pid in crctl's pid namespace, for a refusal: "process 42 (sh)".
std::string holder_of(pid_t pid);

} // namespace crctl::cli
