// Making the threads of a process to restart (crctl/restore_threads.hpp):
// each starts and asks the device; refused (here: the fd is no crmod
// device), each ends alone and says why; a tid in use is refused by name.
#include "restore_threads.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>

#include <fcntl.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace {

using crctl::cli::start_threads;
using crctl::cli::thread_refusals;
using crctl::cli::ThreadStart;

// Waits up to 5 s for every thread's ioctl to have returned.
bool all_returned(const std::vector<ThreadStart> &starts)
{
	for (int i = 0; i < 500; i++) {
		bool all = true;
		for (const auto &t : starts)
			all = all && t.result != 1;
		if (all)
			return true;
		std::this_thread::sleep_for(std::chrono::milliseconds(10));
	}
	return false;
}

bool may_set_tid()
{
	__user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
	__user_cap_data_struct data[2]{};
	if (::syscall(SYS_capget, &header, data) != 0)
		return false;
	auto has = [&](int cap) { return data[cap / 32].effective & (1u << (cap % 32)); };
	return has(CAP_CHECKPOINT_RESTORE) || has(CAP_SYS_ADMIN);
}

struct NotTheDevice {
	NotTheDevice() : fd(::open("/dev/null", O_RDWR | O_CLOEXEC)) {}
	~NotTheDevice() { ::close(fd); }
	int fd;
};

TEST(RestoreThreads, EachAsksAndEndsAloneWhenRefused)
{
	NotTheDevice device;
	// tid 0: any (set_tid needs privilege)
	const std::vector<std::uint32_t> tids = {0, 0, 0};
	std::vector<ThreadStart> starts(tids.size());
	EXPECT_FALSE(start_threads(device.fd, 2, tids, starts));
	ASSERT_TRUE(all_returned(starts));
	for (const auto &t : starts) {
		EXPECT_EQ(t.result, -ENOTTY);
		EXPECT_EQ(t.args.status_fd, 2);
		EXPECT_EQ(t.args.flags, 0u);
		EXPECT_EQ(t.args.error, reinterpret_cast<std::uintptr_t>(t.error));
	}
	EXPECT_EQ(thread_refusals(starts, tids), "; thread 0: Inappropriate ioctl for device; thread 0: Inappropriate "
						 "ioctl for device; thread 0: Inappropriate ioctl for device");
}

TEST(RestoreThreads, RefusalsTellTheModulesWordButNotTheLeadersRefusal)
{
	const std::vector<std::uint32_t> tids = {4243, 4244, 4245};
	std::vector<ThreadStart> starts(tids.size());
	starts[0].result = -ECANCELED;	// the leader was refused: its reason is said
	starts[1].result = -EINVAL;
	std::strcpy(starts[1].error, "thread 4244 is not in the image");
	starts[2].result = -EPERM;
	EXPECT_EQ(thread_refusals(starts, tids),
		  "; thread 4244: thread 4244 is not in the image; thread 4245: Operation not permitted");
}

TEST(RestoreThreads, EachHasItsTid)
{
	if (!may_set_tid())
		GTEST_SKIP() << "set_tid needs CAP_CHECKPOINT_RESTORE";
	NotTheDevice device;
	std::vector<std::uint32_t> tids;
	for (std::uint32_t t = 32100; t > 31100 && tids.size() < 2; t--)
		if (!std::filesystem::exists("/proc/" + std::to_string(t)))
			tids.push_back(t);
	ASSERT_EQ(tids.size(), 2u);
	std::vector<ThreadStart> starts(tids.size());
	if (auto failure = start_threads(device.fd, -1, tids, starts))
		GTEST_SKIP() << "a tid was taken meanwhile: " << failure->why;
	ASSERT_TRUE(all_returned(starts));
	EXPECT_EQ(thread_refusals(starts, tids), fmt::format("; thread {0}: Inappropriate ioctl for device; thread {1}: "
							     "Inappropriate ioctl for device", tids[0], tids[1]));

	// a tid in use: refused, named with who holds it
	const auto self = static_cast<std::uint32_t>(::getpid());
	std::vector<ThreadStart> taken(1);
	auto failure = start_threads(device.fd, -1, {self}, taken);
	ASSERT_TRUE(failure);
	EXPECT_STREQ(failure->kind, "R");
	EXPECT_EQ(failure->why.rfind(fmt::format("cannot start the image's thread {0} with its tid: File exists (it is "
						 "in use here, by process {0} (", self), 0), 0u) << failure->why;
	EXPECT_EQ(taken[0].result, 1) << "the refused thread ran";
}

} // namespace
