// Stopping every thread of a process for a checkpoint (crctl/trace.hpp): a
// child with threads, some made while crctl stops it, each found in a
// ptrace stop, then let go or killed.
#include "trace.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <ctime>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

namespace {

using crctl::cli::TracedProcess;

// The state letter of a thread of pid.
char thread_state(pid_t pid, pid_t tid)
{
	std::ifstream stat("/proc/" + std::to_string(pid) + "/task/" + std::to_string(tid) + "/stat");
	std::string text;
	std::getline(stat, text);
	auto close = text.rfind(')');
	return close == std::string::npos || close + 2 >= text.size() ? 0 : text[close + 2];
}

// A child of threads: `steady` that loop, and (spawning) one that makes
// short-lived threads without end. It says "ready" once the steady ones run.
pid_t start_child(int steady, bool spawning, int ready_fd)
{
	pid_t pid = ::fork();
	if (pid != 0)
		return pid;
	std::atomic<int> running{0};
	std::vector<std::thread> threads;
	for (int i = 0; i < steady; i++)
		threads.emplace_back([&] {
			running++;
			for (;;)
				::usleep(1000);
		});
	if (spawning)
		threads.emplace_back([] {
			for (;;)
				std::thread([] { ::usleep(100); }).detach();
		});
	while (running < steady)
		::usleep(1000);
	[[maybe_unused]] auto done = ::write(ready_fd, "r", 1);
	for (;;)
		::pause();
}

struct Child {
	explicit Child(int steady, bool spawning = false)
	{
		int ends[2];
		EXPECT_EQ(::pipe(ends), 0);
		pid = start_child(steady, spawning, ends[1]);
		char c;
		EXPECT_EQ(::read(ends[0], &c, 1), 1);
		::close(ends[0]);
		::close(ends[1]);
	}
	~Child()
	{
		::kill(pid, SIGKILL);
		int status;
		::waitpid(pid, &status, 0);
	}
	pid_t pid;
};

// Every thread /proc lists is in a tracing stop.
void expect_all_stopped(pid_t pid)
{
	auto tids = crctl::cli::thread_ids(pid);
	EXPECT_GT(tids.size(), 1u);
	for (pid_t tid : tids)
		EXPECT_EQ(thread_state(pid, tid), 't') << "thread " << tid;
}

TEST(Trace, StopsEveryThreadAndLetsThemGo)
{
	Child child(3);
	{
		TracedProcess traced(child.pid);
		traced.stop();
		expect_all_stopped(child.pid);
		EXPECT_EQ(crctl::cli::thread_ids(child.pid).size(), 4u);
	}
	// let go: none is stopped any more
	for (int i = 0; i < 100; i++) {
		bool any = false;
		for (pid_t tid : crctl::cli::thread_ids(child.pid))
			any = any || thread_state(child.pid, tid) == 't';
		if (!any)
			return;
		std::this_thread::sleep_for(std::chrono::milliseconds(10));
	}
	ADD_FAILURE() << "a thread stayed stopped";
}

// A child whose threads call clock_gettime (through the vDSO) without end.
pid_t start_clock_child(int threads, int ready_fd)
{
	pid_t pid = ::fork();
	if (pid != 0)
		return pid;
	auto spin = [] [[noreturn]] {
		for (;;) {
			timespec t;
			::clock_gettime(CLOCK_MONOTONIC, &t);
		}
	};
	std::vector<std::thread> running;
	for (int i = 0; i < threads; i++)
		running.emplace_back(spin);
	[[maybe_unused]] auto done = ::write(ready_fd, "r", 1);
	spin();
}

// Stopped inside the vDSO, a thread would resume there after a restart
// under another kernel, where the old vDSO is gone: every stop is outside.
TEST(Trace, StopsNoThreadInsideTheVdso)
{
	int ends[2];
	ASSERT_EQ(::pipe(ends), 0);
	pid_t pid = start_clock_child(2, ends[1]);
	char c;
	EXPECT_EQ(::read(ends[0], &c, 1), 1);
	::close(ends[0]);
	::close(ends[1]);
	auto vdso = crctl::cli::vdso_range(pid);
	ASSERT_TRUE(vdso.has_value()) << "no [vdso] in /proc/" << pid << "/maps";
	for (int round = 0; round < 50; round++) {
		TracedProcess traced(pid);
		traced.stop();
		expect_all_stopped(pid);
		for (pid_t tid : crctl::cli::thread_ids(pid)) {
			auto ip = crctl::cli::stopped_ip(tid);
			ASSERT_TRUE(ip.has_value());
			EXPECT_FALSE(vdso->holds(*ip)) << "round " << round << ": thread " << tid << " at " << std::hex
						       << *ip << " in the vDSO";
		}
		traced.detach();
		std::this_thread::sleep_for(std::chrono::milliseconds(2));
	}
	::kill(pid, SIGKILL);
	int status;
	::waitpid(pid, &status, 0);
}

TEST(Trace, StopsThreadsMadeMeanwhile)
{
	for (int round = 0; round < 5; round++) {
		Child child(2, true);
		TracedProcess traced(child.pid);
		traced.stop();
		expect_all_stopped(child.pid);
		traced.detach();
	}
}

TEST(Trace, KillsEveryThread)
{
	Child child(3);
	TracedProcess traced(child.pid);
	traced.stop();
	traced.kill();
	// the leader, the child of this test, is a zombie or gone
	char state = crctl::cli::process_state(child.pid);
	EXPECT_TRUE(state == 'Z' || state == 0) << state;
}

TEST(Trace, NoProcessIsNamed)
{
	try {
		TracedProcess traced(999'999'999);
		ADD_FAILURE() << "traced a process that is not there";
	} catch (const crctl::cli::CommandError &e) {
		EXPECT_EQ(e.status(), crctl::cli::exit_no_process);
		EXPECT_STREQ(e.what(), "no process 999999999");
	}
}

} // namespace
