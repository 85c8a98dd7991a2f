// The clone3() trampoline: a raw thread of this process runs its function
// on its own stack and ends alone; with set_tid (CAP_CHECKPOINT_RESTORE),
// it has the tid asked for, and a tid in use is refused.
#include "crctl/thread.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace {

struct Shared {
	std::atomic<long> tid{0};
	std::atomic<std::uintptr_t> stack_at{0};
	std::atomic<int> ran{0};
};

// The raw thread: nothing but atomics and raw system calls.
long record(void *arg)
{
	auto *shared = static_cast<Shared *>(arg);
	int local = 0;
	shared->stack_at = reinterpret_cast<std::uintptr_t>(&local);
	shared->tid = crctl::raw_syscall(SYS_gettid);
	shared->ran = 1;
	return 0;
}

bool task_exists(long tid) { return std::filesystem::exists("/proc/self/task/" + std::to_string(tid)); }

// Waits up to 5 s for cond.
template <typename F> bool eventually(F cond)
{
	for (int i = 0; i < 500 && !cond(); i++)
		std::this_thread::sleep_for(std::chrono::milliseconds(10));
	return cond();
}

// Runs record() on a raw thread with tid (0: any); its tid, or -errno.
long run_raw_thread(Shared &shared, std::uint32_t tid, crctl::RawStack &stack)
{
	if (!stack.base) {
		EXPECT_EQ(crctl::map_stack(stack), 0);
	}
	long got = crctl::start_raw_thread(stack, tid, record, &shared);
	if (got > 0) {
		EXPECT_TRUE(eventually([&] { return shared.ran.load() == 1; })) << "the thread did not run";
		EXPECT_TRUE(eventually([&] { return !task_exists(got); })) << "the thread did not end";
	}
	return got;
}

bool may_set_tid()
{
	__user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
	__user_cap_data_struct data[2]{};
	if (crctl::raw_syscall(SYS_capget, reinterpret_cast<long>(&header), reinterpret_cast<long>(data)) != 0)
		return false;
	auto has = [&](int cap) { return data[cap / 32].effective & (1u << (cap % 32)); };
	return has(CAP_CHECKPOINT_RESTORE) || has(CAP_SYS_ADMIN);
}

TEST(RawThread, RunsItsFunctionOnItsStackAndEndsAlone)
{
	Shared shared;
	crctl::RawStack stack;
	long tid = run_raw_thread(shared, 0, stack);
	ASSERT_GT(tid, 0) << "clone3: " << -tid;
	EXPECT_EQ(shared.tid.load(), tid);
	EXPECT_NE(tid, ::getpid());
	auto at = shared.stack_at.load();
	auto base = reinterpret_cast<std::uintptr_t>(stack.base);
	EXPECT_TRUE(at > base && at < base + stack.size) << std::hex << at << " not in " << base;
	// this process goes on
	EXPECT_TRUE(task_exists(::getpid()));
}

TEST(RawThread, ErrorsAreNegativeErrnos)
{
	crctl::RawStack none{nullptr, 0};
	// a stack size without a stack
	none.size = 4096;
	EXPECT_EQ(crctl::start_raw_thread(none, 0, record, nullptr), -EINVAL);
	EXPECT_EQ(crctl::raw_syscall(SYS_close, -1), -EBADF);
}

TEST(RawThread, TakesTheTidAskedFor)
{
	if (!may_set_tid())
		GTEST_SKIP() << "set_tid needs CAP_CHECKPOINT_RESTORE";
	Shared shared;
	crctl::RawStack stack;
	EXPECT_EQ(run_raw_thread(shared, static_cast<std::uint32_t>(::getpid()), stack), -EEXIST);
	EXPECT_EQ(shared.ran.load(), 0);
	// a free tid, near the top of the default pid_max
	std::uint32_t tid = 0;
	for (std::uint32_t t = 32000; t > 31000 && !tid; t--)
		if (!std::filesystem::exists("/proc/" + std::to_string(t)))
			tid = t;
	ASSERT_NE(tid, 0u);
	long got = run_raw_thread(shared, tid, stack);
	if (got == -EEXIST)
		GTEST_SKIP() << "tid " << tid << " was taken meanwhile";
	EXPECT_EQ(got, tid);
	EXPECT_EQ(shared.tid.load(), tid);
}

} // namespace
