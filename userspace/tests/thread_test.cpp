// Threads (format 3): a THREAD section, then that thread's own TASK, REGS,
// SIGNALS and PENDING, after the process's sections; each refusal named.
#include "crctl/image.hpp"

#include "image_builder.hpp"
#include "machines.hpp"
#include "read_image.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <functional>
#include <string>

namespace {

using namespace crctl::test;

// The sample process with threads 4243 and 4244.
ProcessSpec threaded(const crmod_machine &machine = crctl::test::x86_machine())
{
	auto spec = crctl::test::sample_process(machine);
	spec.threads = {spec.thread_like_leader(4243), spec.thread_like_leader(4244)};
	return spec;
}

// spec's sections, each passed through edit(index, type, payload, builder),
// which adds what it will (the section itself by default).
using Edit = std::function<void(std::size_t, std::uint32_t, const std::string &, ImageBuilder &)>;
std::string edited(const ProcessSpec &spec, const Edit &edit)
{
	ImageBuilder b(spec.machine);
	std::size_t i = 0;
	spec.sections([&](std::uint32_t type, const std::string &payload) { edit(i++, type, payload, b); });
	return b.finish();
}

// The spec without its section index.
std::string without_section(const ProcessSpec &spec, std::size_t index)
{
	return edited(spec, [&](std::size_t i, std::uint32_t type, const std::string &payload, ImageBuilder &b) {
		if (i != index)
			b.section(type, payload);
	});
}

TEST(Threads, DecodedEachWithItsOwnSections)
{
	for (const auto &machine : {crctl::test::x86_machine(), crctl::test::ppc_machine()}) {
		auto spec = threaded(machine);
		auto image = read(spec.build());
		const auto &p = image.process;
		EXPECT_EQ(image.header.format_version, static_cast<std::uint32_t>(CRMOD_IMAGE_FORMAT));
		EXPECT_EQ(p.thread_tids(), (std::vector<std::uint32_t>{4243, 4244}));
		ASSERT_EQ(p.threads.size(), 2u);
		EXPECT_EQ(p.task->pid, 4242u);
		const auto &t = p.threads[1];
		EXPECT_EQ(t.section, spec.index(CRMOD_SEC_THREAD, 1));
		ASSERT_TRUE(t.task && t.signals && t.pending);
		EXPECT_EQ(t.task->pid, 4244u);
		ASSERT_EQ(t.pending->size(), 1u);
		EXPECT_EQ((*t.pending)[0].signo, 12u);
		// the leader's own are untouched by its threads'
		ASSERT_EQ(p.pending->size(), 1u);
		EXPECT_EQ((*p.pending)[0].signo, 10u);
		if (machine.arch == CRMOD_ARCH_X86_64) {
			ASSERT_TRUE(t.x86_regs && p.x86_regs);
			EXPECT_EQ(t.x86_regs->sp, p.x86_regs->sp - 0x1000);
			EXPECT_EQ(t.xstate_bv, 0x7u);
		} else {
			ASSERT_TRUE(t.ppc_regs && p.ppc_regs);
			EXPECT_EQ(t.ppc_regs->gpr[1], p.ppc_regs->gpr[1] - 0x1000);
		}
		EXPECT_FALSE(crctl::restart_problem(image)) << crctl::restart_problem(image)->what();
		auto json = crctl::image_json(image);
		EXPECT_EQ(json["threads"]["count"], 3);
		EXPECT_EQ(json["threads"]["tids"], nlohmann::json::array({4242, 4243, 4244}));
		EXPECT_NE(crctl::image_text(image).find("\nthreads: 3: 4242 (leader) 4243 4244\n"), std::string::npos);
	}
}

TEST(Threads, AProcessOfOneThreadHasNone)
{
	auto image = read(crctl::test::sample_process(crctl::test::x86_machine()).build());
	EXPECT_TRUE(image.process.threads.empty());
	EXPECT_EQ(crctl::image_json(image)["threads"]["tids"], nlohmann::json::array({4242}));
	EXPECT_NE(crctl::image_text(image).find("\nthreads: 1: 4242 (leader)\n"), std::string::npos);
}

TEST(Threads, Format2IsReadWithoutThem)
{
	auto spec = crctl::test::sample_process(crctl::test::x86_machine());
	auto image = read(spec.build_format(2));
	EXPECT_EQ(image.header.format_version, 2u);
	EXPECT_TRUE(image.process.threads.empty());
	EXPECT_FALSE(crctl::restart_problem(image));

	auto with = threaded();
	auto at = with.index(CRMOD_SEC_THREAD);
	expect_error(with.build_format(2), with.builder().offset_of(at), crctl::section_where(at, CRMOD_SEC_THREAD),
		     "a THREAD section in a format 2 image: threads came with format 3");
}

TEST(Threads, TheTaskOfAThreadHoldsItsTid)
{
	auto spec = threaded();
	spec.threads[0].task.pid = 4250;
	auto at = spec.index(CRMOD_SEC_TASK, 1);
	expect_error(spec.build(), spec.payload_offset(at, offsetof(crmod_task, pid)),
		     crctl::section_where(at, CRMOD_SEC_TASK),
		     "the TASK of thread 4243 has pid 4250: a thread's TASK holds its tid");
}

TEST(Threads, EachHasAllFourOfItsSections)
{
	for (auto type : {CRMOD_SEC_TASK, CRMOD_SEC_REGS_X86, CRMOD_SEC_SIGNALS, CRMOD_SEC_PENDING}) {
		for (std::size_t thread : {0u, 1u}) {
			auto spec = threaded();
			auto missing = spec.index(static_cast<std::uint32_t>(type), 1 + thread);
			auto at = spec.index(CRMOD_SEC_THREAD, thread);
			auto tid = spec.threads[thread].thread.tid;
			SCOPED_TRACE(fmt::format("{} of thread {}", crctl::section_type_name(static_cast<std::uint32_t>(type)), tid));
			expect_error(without_section(spec, missing), spec.builder().offset_of(at),
				     crctl::section_where(at, CRMOD_SEC_THREAD),
				     fmt::format("thread {} has no {} section: a THREAD section is followed by the "
						 "thread's own TASK, REGS_X86, SIGNALS and PENDING",
						 tid, crctl::section_type_name(static_cast<std::uint32_t>(type))));
		}
	}
	auto ppc = threaded(crctl::test::ppc_machine());
	auto at = ppc.index(CRMOD_SEC_THREAD, 1);
	auto e = error_for(without_section(ppc, ppc.index(CRMOD_SEC_REGS_PPC, 2)));
	EXPECT_EQ(e.where(), crctl::section_where(at, CRMOD_SEC_THREAD));
	EXPECT_EQ(e.problem(), "thread 4244 has no REGS_PPC section: a THREAD section is followed by the thread's "
			       "own TASK, REGS_PPC, SIGNALS and PENDING");
}

TEST(Threads, EachOfItsSectionsComesOnce)
{
	auto spec = threaded();
	auto twice = spec.index(CRMOD_SEC_SIGNALS, 1);
	auto bytes = edited(spec, [&](std::size_t i, std::uint32_t type, const std::string &payload, ImageBuilder &b) {
		b.section(type, payload);
		if (i == twice)
			b.section(type, payload);
	});
	auto e = error_for(bytes);
	EXPECT_EQ(e.where(), crctl::section_where(twice + 1, CRMOD_SEC_SIGNALS));
	EXPECT_EQ(e.problem(), fmt::format("a second SIGNALS section (the first is section {})", twice));
}

TEST(Threads, ComeAfterAllOfTheProcesssSections)
{
	// the threads before the process's LOCKS
	auto spec = threaded();
	spec.threads.resize(1);
	auto locks = spec.index(CRMOD_SEC_LOCKS);
	std::string locks_payload;
	auto bytes = edited(spec, [&](std::size_t i, std::uint32_t type, const std::string &payload, ImageBuilder &b) {
		if (i == locks)
			locks_payload = payload;
		else
			b.section(type, payload);
		if (i + 1 == spec.index(CRMOD_SEC_THREAD) + 5)
			b.section(CRMOD_SEC_LOCKS, locks_payload);
	});
	auto e = error_for(bytes);
	EXPECT_EQ(e.where(), crctl::section_where(locks, CRMOD_SEC_THREAD));
	EXPECT_EQ(e.problem(), "a THREAD section before the process's LOCKS section: the threads' sections come "
			       "after all of the process's");

	// and none of the process's comes after them
	spec = threaded();
	auto last = spec.index(CRMOD_SEC_PENDING, 2);
	bytes = edited(spec, [&](std::size_t i, std::uint32_t type, const std::string &payload, ImageBuilder &b) {
		b.section(type, payload);
		if (i == last)
			b.section(CRMOD_SEC_CGROUP, std::string("/x") + '\0');
	});
	e = error_for(bytes);
	EXPECT_EQ(e.where(), crctl::section_where(last + 1, CRMOD_SEC_CGROUP));
	EXPECT_EQ(e.problem(), fmt::format("a CGROUP section among the threads' (the first THREAD is section {}): a "
					   "thread has only TASK, REGS_X86, SIGNALS and PENDING sections of its own",
					   spec.index(CRMOD_SEC_THREAD)));
}

TEST(Threads, TidsAreTheirsAlone)
{
	auto spec = threaded();
	spec.threads[1] = spec.thread_like_leader(4243);
	auto first = spec.index(CRMOD_SEC_THREAD), second = spec.index(CRMOD_SEC_THREAD, 1);
	expect_error(spec.build(), spec.payload_offset(second, offsetof(crmod_thread, tid)),
		     crctl::section_where(second, CRMOD_SEC_THREAD),
		     fmt::format("a second thread 4243 (the first is section {})", first));

	spec.threads[1] = spec.thread_like_leader(4242);
	expect_error(spec.build(), spec.payload_offset(second, offsetof(crmod_thread, tid)),
		     crctl::section_where(second, CRMOD_SEC_THREAD),
		     "thread 4242 is the process's own pid: its leader has no THREAD section");
}

TEST(Threads, TheThreadRecordIsChecked)
{
	auto spec = threaded();
	spec.threads[0].thread.reserved = 1;
	auto at = spec.index(CRMOD_SEC_THREAD);
	expect_error(spec.build(), spec.payload_offset(at, offsetof(crmod_thread, reserved)),
		     crctl::section_where(at, CRMOD_SEC_THREAD), "reserved field is 0x1, expected 0");

	auto bytes = edited(threaded(), [&](std::size_t i, std::uint32_t type, const std::string &payload, ImageBuilder &b) {
		b.section(type, i == at ? payload + "more" : payload);
	});
	expect_error(bytes, spec.builder().offset_of(at), crctl::section_where(at, CRMOD_SEC_THREAD),
		     "THREAD payload is 12 bytes, expected 8 (struct crmod_thread)");
}

TEST(Threads, AtMostTheLimit)
{
	// ppc's registers are the smaller section
	auto spec = crctl::test::sample_process(crctl::test::ppc_machine());
	for (std::uint32_t tid = 10000; tid < 10000 + CRMOD_MAX_THREADS; tid++)
		spec.threads.push_back(spec.thread_like_leader(tid));
	auto image = read(spec.build());
	EXPECT_EQ(image.process.threads.size(), std::size_t{CRMOD_MAX_THREADS});

	spec.threads.push_back(spec.thread_like_leader(10000 + CRMOD_MAX_THREADS));
	auto at = spec.index(CRMOD_SEC_THREAD, CRMOD_MAX_THREADS);
	auto e = error_for(spec.build());
	EXPECT_EQ(e.where(), crctl::section_where(at, CRMOD_SEC_THREAD));
	EXPECT_EQ(e.problem(), fmt::format("more than {} threads", CRMOD_MAX_THREADS));
}


} // namespace
