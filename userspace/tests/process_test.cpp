// The sections that carry process state: decoded as text and JSON for both
// arches, and every structural problem named by section, offset and value.
#include "crctl/fd.hpp"
#include "crctl/image.hpp"

#include "image_builder.hpp"
#include "machines.hpp"
#include "read_image.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <sstream>
#include <string>

namespace {

using crctl::ImageError;
using crctl::test::error_for;
using crctl::test::expect_error;
using crctl::test::ImageBuilder;
using crctl::test::ProcessSpec;
using crctl::test::raw;
using crctl::test::read;
using crctl::test::sample_process;

ProcessSpec x86() { return sample_process(crctl::test::x86_machine()); }
ProcessSpec ppc() { return sample_process(crctl::test::ppc_machine()); }

bool has(const std::string &text, const std::string &part) { return text.find(part) != std::string::npos; }

// spec built, refused at byte at of section's payload.
void expect_refused(const ProcessSpec &spec, std::size_t section, std::uint64_t at, const std::string &where,
		    const std::string &problem)
{
	expect_error(spec.build(), spec.payload_offset(section, at), where, problem);
}

// In an image of a section or two: the first section's header and payload.
constexpr std::uint64_t first_section = sizeof(crmod_image_header);
constexpr std::uint64_t first_payload = first_section + sizeof(crmod_section_header);

// An image of one section, refused at its header (its length is wrong, or it
// does not belong).
void expect_alone_refused(const crmod_machine &machine, std::uint32_t type, const std::string &payload,
			  const std::string &problem)
{
	expect_error(ImageBuilder(machine).section(type, payload).finish(), first_section,
		     crctl::section_where(0, type), problem);
}

using crctl::test::cwd_id;
using crctl::test::devnull_id;
using crctl::test::exe_id;
using crctl::test::fifo_id;
using crctl::test::log_id;
using crctl::test::memfd_id;
using crctl::test::scratch_id;
using crctl::test::shm_id;
using crctl::test::tmp_id;

TEST(Process, DecodesEverySectionOfAnX86Image)
{
	auto image = read(x86().build());
	const auto &p = image.process;
	ASSERT_TRUE(p.task && p.vmas && p.x86_regs && p.signals && p.fds && p.creds && p.pending && p.ofds &&
		    p.locks && p.timers && p.cgroup);
	EXPECT_FALSE(p.ppc_regs);
	EXPECT_STREQ(p.task->comm, "counter");
	ASSERT_EQ(p.files.size(), 9u);
	EXPECT_EQ(p.files[1].path, "/var/log/counter.log");
	EXPECT_EQ(p.files[shm_id - 1].path, "");
	EXPECT_EQ(p.file_data.size(), 3u);
	EXPECT_EQ(*p.cgroup, "/user.slice/counter.scope");
	EXPECT_EQ(p.vmas->size(), 8u);
	EXPECT_EQ(p.pages.size(), 2u);
	EXPECT_EQ(p.xstate_bv, 0x7u);
	EXPECT_EQ(p.ofds->size(), 10u);
	EXPECT_EQ(p.fds->size(), 11u);
	EXPECT_EQ(p.locks->size(), 2u);
	EXPECT_EQ(p.timers->real.value_ns, 1'500'000'000u);
	EXPECT_EQ(p.creds->groups, (std::vector<std::uint32_t>{24, 27, 1000}));
	ASSERT_EQ(p.pipes.size(), 2u);
	EXPECT_EQ(p.pipes[0].len, 5u);
	EXPECT_EQ(p.pipes[1].fifo, fifo_id);
	EXPECT_EQ(*p.file_path(1), "/usr/bin/counter");
	EXPECT_EQ(p.file_path(0), nullptr);
	EXPECT_EQ(p.file_path(10), nullptr);
	EXPECT_EQ(p.ofd(5)->object, log_id);
	EXPECT_EQ(p.ofd(11), nullptr);
	auto content = crctl::file_content(p, memfd_id);
	EXPECT_EQ(content.extents, 1u);
	EXPECT_EQ(content.bytes, 4096u);
	EXPECT_EQ(crctl::file_content(p, exe_id).extents, 0u);
}

TEST(Process, X86Json)
{
	auto j = crctl::image_json(read(x86().build()));
	EXPECT_EQ(j["sections"][0]["type"], "FILE");
	EXPECT_EQ(j["sections"][5]["type"], "FILE_DATA");
	EXPECT_EQ(j["sections"][14]["type"], "TASK");
	EXPECT_EQ(j["sections"][15]["type"], "CGROUP");

	const auto &t = j["task"];
	EXPECT_EQ(t["comm"], "counter");
	EXPECT_EQ(t["pid"], 4242);
	EXPECT_EQ(t["personality"], "0x0");
	EXPECT_EQ(t["nice"], 0);
	EXPECT_EQ(t["umask"], "0022");
	EXPECT_EQ(t["exe_file"], 1);
	EXPECT_EQ(t["exe_path"], "/usr/bin/counter");
	EXPECT_EQ(t["cwd_path"], "/var/lib/counter");
	EXPECT_EQ(t["mm"]["start_code"], "0x10000000");
	EXPECT_EQ(t["mm"]["brk"], "0x20002000");
	EXPECT_EQ(t["mm"].size(), 11u);
	EXPECT_EQ(t["auxv_pairs"], 3);
	EXPECT_EQ(t["rlimits"]["nofile"]["cur"], 1024);
	EXPECT_EQ(t["rlimits"]["nofile"]["max"], 4096);
	EXPECT_EQ(t["rlimits"]["stack"]["max"], "unlimited");
	EXPECT_EQ(t["rlimits"].size(), static_cast<std::size_t>(CRMOD_RLIMITS));
	EXPECT_EQ(t["rseq"]["len"], 32);
	const auto &a = t["attrs"];
	EXPECT_EQ(a["robust_list"], "0x7fffefffe000");
	EXPECT_EQ(a["robust_list_len"], 24);
	EXPECT_EQ(a["oom_score_adj"], 100);
	EXPECT_EQ(a["loginuid"], 1000);
	EXPECT_EQ(a["sessionid"], 3);
	EXPECT_EQ(a["dumpable"], 1);
	EXPECT_EQ(a["pdeath_signal"], "SIGTERM");
	EXPECT_EQ(a["flag_names"], nlohmann::json({"no_new_privs", "affinity", "loginuid"}));
	EXPECT_EQ(a["sched_policy"], "SCHED_BATCH");
	EXPECT_EQ(a["sched_priority"], 0);
	EXPECT_EQ(a["ioprio"]["class"], "best-effort");
	EXPECT_EQ(a["ioprio"]["level"], 4);
	EXPECT_EQ(a["coredump_filter"], "0x33");
	EXPECT_EQ(a["cpu_affinity"], "0-3,8");
	EXPECT_EQ(a["timer_slack_ns"], 50000);
	EXPECT_EQ(j["cgroup"], "/user.slice/counter.scope");

	const auto &f = j["files"][0];
	EXPECT_EQ(f["id"], 1);
	EXPECT_EQ(f["kind"], "regular_file");
	EXPECT_EQ(f["path"], "/usr/bin/counter");
	EXPECT_EQ(f["size"], 18744);
	EXPECT_EQ(f["mtime_sec"], 1700000001);
	EXPECT_EQ(f["mtime_nsec"], 123456789);
	EXPECT_EQ(f["mode"], "0100755");
	EXPECT_EQ(f["uid"], 1000);
	EXPECT_FALSE(f.contains("content"));
	EXPECT_EQ(j["files"][cwd_id - 1]["kind"], "directory");
	EXPECT_EQ(j["files"][devnull_id - 1]["kind"], "char_device");
	EXPECT_EQ(j["files"][devnull_id - 1]["device"], "1:3");
	const auto &memfd = j["files"][memfd_id - 1];
	EXPECT_EQ(memfd["kind"], "memfd");
	EXPECT_EQ(memfd["seals"], nlohmann::json({"F_SEAL_SHRINK", "F_SEAL_GROW"}));
	EXPECT_EQ(memfd["content"]["extents"], 1);
	EXPECT_EQ(memfd["content"]["bytes"], 4096);
	EXPECT_EQ(j["files"][shm_id - 1]["kind"], "shared_anon");
	const auto &scratch = j["files"][scratch_id - 1];
	EXPECT_EQ(scratch["kind"], "unlinked_file");
	EXPECT_EQ(scratch["dir"], tmp_id);
	EXPECT_EQ(scratch["dir_path"], "/tmp");
	EXPECT_EQ(scratch["content"]["bytes"], 100);
	EXPECT_EQ(j["files"][fifo_id - 1]["kind"], "fifo");
	EXPECT_EQ(j["file_data"]["extents"], 3);
	EXPECT_EQ(j["file_data"]["bytes"], 2 * 4096 + 100);

	const auto &v = j["vmas"];
	EXPECT_EQ(v[0]["start"], "0x10000000");
	EXPECT_EQ(v[0]["end"], "0x10001000");
	EXPECT_EQ(v[0]["prot"], "r-x");
	EXPECT_EQ(v[0]["file"], 1);
	EXPECT_EQ(v[0]["path"], "/usr/bin/counter");
	EXPECT_EQ(v[1]["pgoff"], 1);
	EXPECT_EQ(v[2]["flag_names"], nlohmann::json({"heap", "account"}));
	EXPECT_EQ(v[2]["flags"], "0x30");
	EXPECT_TRUE(v[2]["file"].is_null());
	EXPECT_TRUE(v[2]["path"].is_null());
	EXPECT_EQ(v[3]["flag_names"], nlohmann::json({"shared", "maywrite"}));
	EXPECT_EQ(v[3]["path"], "memfd:cache");
	EXPECT_EQ(v[4]["flag_names"], nlohmann::json({"shared", "dontfork", "maywrite"}));
	EXPECT_EQ(v[5]["flag_names"], nlohmann::json({"growsdown", "locked"}));
	EXPECT_EQ(v[7]["flag_names"], nlohmann::json({"vdso"}));

	const auto &pages = j["pages"];
	EXPECT_EQ(pages["runs"][1]["addr"], "0x7fffefffe000");
	EXPECT_EQ(pages["runs"][1]["nr_pages"], 2);
	EXPECT_EQ(pages["total_pages"], 3);
	EXPECT_EQ(pages["bytes"], 3 * 4096);

	const auto &r = j["x86_regs"];
	EXPECT_EQ(r["ip"], "0x10000123");
	EXPECT_EQ(r["sp"], "0x7fffeffffe00");
	EXPECT_EQ(r["ax"], "0xfffffffffffffffc");
	EXPECT_EQ(r["orig_ax"], 230);
	EXPECT_EQ(r["flags"], "0x246");
	EXPECT_EQ(r["fs_base"], "0x7ffff7d8a740");
	EXPECT_EQ(r["xsave_size"], 1024);
	EXPECT_EQ(r["xstate_bv"], "0x7");
	EXPECT_EQ(r["xstate_components"], nlohmann::json({"x87", "sse", "avx"}));
	EXPECT_FALSE(j.contains("ppc_regs"));

	const auto &s = j["signals"];
	ASSERT_EQ(s["handlers"].size(), 2u);	// only the ones not SIG_DFL
	EXPECT_EQ(s["handlers"][0]["signal"], "SIGINT");
	EXPECT_EQ(s["handlers"][0]["number"], 2);
	EXPECT_EQ(s["handlers"][0]["handler"], "0x10000200");
	EXPECT_EQ(s["handlers"][0]["flag_names"], nlohmann::json({"SA_RESTORER", "SA_RESTART"}));
	EXPECT_EQ(s["handlers"][1]["handler"], "SIG_IGN");
	EXPECT_EQ(s["blocked_names"], nlohmann::json({"SIGUSR1"}));
	EXPECT_EQ(s["altstack"]["flag_names"], nlohmann::json({"SS_DISABLE"}));

	EXPECT_EQ(j["pending"][0]["signal"], "SIGUSR1");
	EXPECT_EQ(j["pending"][0]["shared"], true);
	EXPECT_EQ(j["creds"]["uid"], 1000);
	EXPECT_EQ(j["creds"]["groups"], nlohmann::json({24, 27, 1000}));
	EXPECT_EQ(j["creds"]["cap_bset"], "0x1ffffffffff");
	EXPECT_EQ(j["pipes"][0]["buffered"], 5);
	EXPECT_TRUE(j["pipes"][0]["fifo"].is_null());
	EXPECT_EQ(j["pipes"][1]["fifo"], fifo_id);
	EXPECT_EQ(j["pipes"][1]["fifo_path"], "/run/counter.fifo");
	EXPECT_EQ(j["timers"]["real"]["armed"], true);
	EXPECT_EQ(j["timers"]["real"]["value_ns"], 1500000000);

	const auto &ofds = j["ofds"];
	EXPECT_EQ(ofds[0]["kind"], "inherit");
	EXPECT_EQ(ofds[0]["inherited_fd"], 0);
	EXPECT_EQ(ofds[0]["flag_names"], nlohmann::json({"O_RDWR"}));
	EXPECT_EQ(ofds[4]["kind"], "file");
	EXPECT_EQ(ofds[4]["path"], "/var/log/counter.log");
	EXPECT_EQ(ofds[4]["flag_names"], nlohmann::json({"O_WRONLY", "O_APPEND"}));
	EXPECT_EQ(ofds[4]["pos"], 4096);
	EXPECT_TRUE(ofds[4]["pipe"].is_null());
	EXPECT_EQ(ofds[6]["kind"], "pipe");
	EXPECT_EQ(ofds[6]["pipe"], 1);
	EXPECT_TRUE(ofds[6]["file"].is_null());

	const auto &fds = j["fds"];
	EXPECT_EQ(fds[4]["fd"], 4);
	EXPECT_EQ(fds[4]["ofd"], 5);
	EXPECT_EQ(fds[4]["cloexec"], true);
	EXPECT_EQ(fds[4]["path"], "/var/log/counter.log");
	EXPECT_EQ(fds[7]["ofd"], 5);	// a dup of fd 4, without close-on-exec
	EXPECT_EQ(fds[7]["cloexec"], false);
	EXPECT_EQ(fds[6]["kind"], "pipe");
	EXPECT_TRUE(fds[6]["path"].is_null());

	const auto &locks = j["locks"];
	EXPECT_EQ(locks[0]["kind"], "flock");
	EXPECT_EQ(locks[0]["type"], "write");
	EXPECT_EQ(locks[0]["end"], -1);
	EXPECT_EQ(locks[1]["kind"], "posix");
	EXPECT_EQ(locks[1]["type"], "write");
	EXPECT_EQ(locks[1]["end"], 99);
}

TEST(Process, PpcJsonUsesTheImagesArchNotTheHosts)
{
	auto spec = ppc();
	spec.ofds[4].flags |= 0200000;	// O_LARGEFILE on powerpc, O_DIRECTORY on x86
	auto j = crctl::image_json(read(spec.build()));
	const auto &r = j["ppc_regs"];
	EXPECT_EQ(r["nip"], "0x10000124");
	EXPECT_EQ(r["msr"], "0x800000000280f033");
	EXPECT_EQ(r["gpr1"], "0x7fffeffffe00");
	EXPECT_EQ(r["link"], "0x10000080");
	EXPECT_EQ(r["ctr"], "0x10");
	EXPECT_EQ(r["ccr"], "0x22000444");
	EXPECT_EQ(r["trap"], "0xc00");
	EXPECT_EQ(r["flag_names"], nlohmann::json({"vmx", "vsx"}));
	EXPECT_FALSE(j.contains("x86_regs"));
	EXPECT_EQ(j["ofds"][4]["flag_names"], nlohmann::json({"O_WRONLY", "O_APPEND", "O_LARGEFILE"}));
	EXPECT_EQ(j["pages"]["bytes"], 3 * 65536);

	auto on_x86 = x86();
	on_x86.ofds[4].flags |= 0200000;
	EXPECT_EQ(crctl::image_json(read(on_x86.build()))["ofds"][4]["flag_names"],
		  nlohmann::json({"O_WRONLY", "O_APPEND", "O_DIRECTORY"}));
}

TEST(Process, Text)
{
	auto text = crctl::image_text(read(x86().build()));
	EXPECT_TRUE(has(text, "  comm                   counter\n"));
	EXPECT_TRUE(has(text, "  exe                    file 1 (/usr/bin/counter)\n"));
	EXPECT_TRUE(has(text, "  rlimit nofile          1024 / 4096\n"));
	EXPECT_TRUE(has(text, "  oom_score_adj          100 (at least 0)\n"));
	EXPECT_TRUE(has(text, "  loginuid               1000, session 3\n"));
	EXPECT_TRUE(has(text, "  scheduling             SCHED_BATCH, priority 0\n"));
	EXPECT_TRUE(has(text, "  I/O priority           best-effort 4\n"));
	EXPECT_TRUE(has(text, "  CPU affinity           CPUs 0-3,8\n"));
	EXPECT_TRUE(has(text, "  flags                  0x62 (no_new_privs affinity loginuid)\n"));
	EXPECT_TRUE(has(text, "cgroup: /user.slice/counter.scope\n"));
	EXPECT_TRUE(has(text, "     1  regular_file    100755        18744 bytes  mtime 1700000001.123456789  /usr/bin/counter\n"));
	EXPECT_TRUE(has(text, "     4  char_device      20666            0 bytes  mtime 1700000004.123456789  /dev/null  device 1:3\n"));
	EXPECT_TRUE(has(text, "  memfd:cache  content 1 extent, 4096 bytes, seals 0x6 (F_SEAL_SHRINK F_SEAL_GROW)\n"));
	EXPECT_TRUE(has(text, "(shared memory)  content 1 extent, 4096 bytes\n"));
	EXPECT_TRUE(has(text, "/tmp/scratch  content 1 extent, 100 bytes, deleted from file 7 (/tmp)\n"));
	EXPECT_TRUE(has(text, "file data: 3 extents, 8292 bytes\n"));
	EXPECT_TRUE(has(text, "vmas: 8\n"));
	EXPECT_TRUE(has(text, "          0x10000000-0x10001000         r-xp          0 -          file 1 (/usr/bin/counter)\n"));
	EXPECT_TRUE(has(text, "          0x20000000-0x20002000         rw-p          0 heap,account -\n"));
	EXPECT_TRUE(has(text, "          0x30000000-0x30002000         rw-s          0 maywrite   file 5 (memfd:cache)\n"));
	EXPECT_TRUE(has(text, "pages: 2 runs, 3 pages, 12288 bytes; largest run 2 pages at 0x7fffefffe000\n"));
	EXPECT_TRUE(has(text, "  xsave area             1024 bytes, XSTATE_BV 0x7 (x87 sse avx)\n"));
	EXPECT_TRUE(has(text, "  orig_ax                230\n"));
	EXPECT_TRUE(has(text, "  SIGINT                 handler 0x10000200, flags 0x14000000 (SA_RESTORER SA_RESTART), mask 0x0\n"));
	EXPECT_TRUE(has(text, "  SIGPIPE                handler SIG_IGN"));
	EXPECT_FALSE(has(text, "SIGTERM                handler"));	// default handlers are not listed
	EXPECT_TRUE(has(text, "  blocked                0x200 (SIGUSR1)\n"));
	EXPECT_TRUE(has(text, "pending signals: SIGUSR1 (process)\n"));
	EXPECT_TRUE(has(text, "     2  0 of 65536 bytes buffered, the FIFO file 9 (/run/counter.fifo)\n"));
	EXPECT_TRUE(has(text, "timers:\n  ITIMER_REAL            expires in 1500000000 ns, once\n"));
	EXPECT_TRUE(has(text, "open files: 10\n"));
	EXPECT_TRUE(has(text, "     5  file     O_WRONLY|O_APPEND            pos 4096  file 2 (/var/log/counter.log)\n"));
	EXPECT_TRUE(has(text, "     1  inherit  O_RDWR                       pos 0  crctl restart's fd 0\n"));
	EXPECT_TRUE(has(text, "fds: 11\n"));
	EXPECT_TRUE(has(text, "     4  open file 5    cloexec  file 2 (/var/log/counter.log)\n"));
	EXPECT_TRUE(has(text, "     6  open file 7    -        pipe 1\n"));
	EXPECT_TRUE(has(text, "locks: 2\n  flock write lock on open file 5, the whole file\n"));
	EXPECT_TRUE(has(text, "  posix write lock on open file 5, bytes 0-99\n"));

	auto ppc_text = crctl::image_text(read(ppc().build()));
	EXPECT_TRUE(has(ppc_text, "ppc64 registers:\n  nip                    0x10000124\n"));
	EXPECT_TRUE(has(ppc_text, "  flags                  0x3 (vmx vsx)\n"));
	EXPECT_TRUE(has(ppc_text, "pages: 2 runs, 3 pages, 196608 bytes"));
}

TEST(Process, ImagesWithoutProcessSectionsHaveNoProcessKeys)
{
	auto j = crctl::image_json(read(ImageBuilder(crctl::test::x86_machine()).section(0x100, "x").finish()));
	for (const char *key : {"task", "cgroup", "files", "file_data", "vmas", "pages", "x86_regs", "ppc_regs",
				"signals", "pending", "creds", "pipes", "timers", "ofds", "fds", "locks"})
		EXPECT_FALSE(j.contains(key)) << key;
}

TEST(Process, FixedSizeSectionsOfTheWrongLength)
{
	auto spec = x86();
	expect_alone_refused(spec.machine, CRMOD_SEC_TASK, raw(spec.task) + "12345678",
			     "TASK payload is " + std::to_string(sizeof(crmod_task) + 8) + " bytes, expected " +
				     std::to_string(sizeof(crmod_task)) + " (struct crmod_task)");
	expect_alone_refused(spec.machine, CRMOD_SEC_SIGNALS, raw(spec.signals).substr(8),
			     "SIGNALS payload is " + std::to_string(sizeof(crmod_signals) - 8) + " bytes, expected " +
				     std::to_string(sizeof(crmod_signals)) + " (struct crmod_signals)");
	expect_alone_refused(spec.machine, CRMOD_SEC_TIMERS, raw(spec.timers) + "12345678",
			     "TIMERS payload is 24 bytes, expected 16 (struct crmod_timers)");
	auto p = ppc();
	expect_alone_refused(p.machine, CRMOD_SEC_REGS_PPC, raw(p.ppc).substr(0, 100),
			     "REGS_PPC payload is 100 bytes, expected " + std::to_string(sizeof(crmod_ppc_regs)) +
				     " (struct crmod_ppc_regs)");
}

TEST(Process, ArraySectionsOfTheWrongLength)
{
	auto spec = x86();
	expect_alone_refused(spec.machine, CRMOD_SEC_VMAS, raw(spec.vmas) + "xyz",
			     "VMAS payload is 323 bytes, not a multiple of 40 (struct crmod_vma)");
	expect_alone_refused(spec.machine, CRMOD_SEC_VMAS, "",
			     "VMAS payload is empty: a process has at least one mapping");
	expect_alone_refused(spec.machine, CRMOD_SEC_OFDS, raw(spec.ofds) + "1234",
			     "OFDS payload is 244 bytes, not a multiple of 24 (struct crmod_ofd)");
	expect_alone_refused(spec.machine, CRMOD_SEC_PENDING, std::string(65537 * sizeof(crmod_pending_signal), '\0'),
			     "PENDING holds 65537 entries, more than the 65536 restart takes");
	auto with_ofds = ImageBuilder(spec.machine).section(CRMOD_SEC_OFDS, "");
	expect_error(with_ofds.section(CRMOD_SEC_FDS, raw(spec.fds) + "1234").finish(),
		     first_section + sizeof(crmod_section_header), "section 1 (FDS)",
		     "FDS payload is 180 bytes, not a multiple of 16 (struct crmod_fd)");
}

// One field of the sample x86 process changed, and where and why that image
// is refused: at byte `at` of the nth section of type's payload.
struct FieldError {
	void (*change)(ProcessSpec &);
	std::uint32_t type;
	std::size_t nth;
	std::uint64_t at;
	std::string problem;
};

constexpr std::uint64_t vma_at(std::size_t i, std::size_t field = 0) { return i * sizeof(crmod_vma) + field; }
constexpr std::uint64_t ofd_at(std::size_t i, std::size_t field = 0) { return i * sizeof(crmod_ofd) + field; }
constexpr std::uint64_t fd_at(std::size_t i, std::size_t field = 0) { return i * sizeof(crmod_fd) + field; }
constexpr std::uint64_t lock_at(std::size_t i, std::size_t field = 0) { return i * sizeof(crmod_lock) + field; }
#define AT(type, field) offsetof(type, field)

std::vector<FieldError> field_errors()
{
	return {
		// VMAS
		{[](ProcessSpec &p) { std::swap(p.vmas[2], p.vmas[5]); }, CRMOD_SEC_VMAS, 0, vma_at(3),
		 "VMA 3 0x30000000-0x30002000 starts before VMA 2 0x7fffefffc000-0x7ffff0000000: "
		 "VMAs must be sorted and never overlap"},
		{[](ProcessSpec &p) { p.vmas[1].start = p.vmas[0].start; }, CRMOD_SEC_VMAS, 0, vma_at(1),
		 "VMA 1 0x10000000-0x10002000 overlaps VMA 0 0x10000000-0x10001000: VMAs must be "
		 "sorted and never overlap"},
		{[](ProcessSpec &p) { p.vmas[2].end = p.vmas[2].start; }, CRMOD_SEC_VMAS, 0, vma_at(2),
		 "VMA 2 0x20000000-0x20000000 is empty or inverted"},
		{[](ProcessSpec &p) { p.vmas[2].end += 0x10; }, CRMOD_SEC_VMAS, 0, vma_at(2),
		 "VMA 2 0x20000000-0x20002010 is not aligned to the page size 4096"},
		{[](ProcessSpec &p) { p.vmas[7].end = 1ULL << 57; }, CRMOD_SEC_VMAS, 0, vma_at(7),
		 "VMA 7 0x7ffff0012000-0x200000000000000 is beyond the user address space (0xfffffffffff000 on x86_64)"},
		{[](ProcessSpec &p) { p.vmas[2].prot = 0x9; }, CRMOD_SEC_VMAS, 0, vma_at(2, AT(crmod_vma, prot)),
		 "VMA 2 0x20000000-0x20002000: unknown prot bits 0x8"},
		{[](ProcessSpec &p) { p.vmas[2].flags |= 0x40000; }, CRMOD_SEC_VMAS, 0, vma_at(2, AT(crmod_vma, flags)),
		 "VMA 2 0x20000000-0x20002000: unknown flags 0x40000"},
		{[](ProcessSpec &p) { p.vmas[2].build_id = 7; }, CRMOD_SEC_VMAS, 0, vma_at(2, AT(crmod_vma, build_id)),
		 "VMA 2 0x20000000-0x20002000: a build id (0x00000007) on a mapping that is not the vDSO"},
		{[](ProcessSpec &p) { p.vmas[2].pgoff = 3; }, CRMOD_SEC_VMAS, 0, vma_at(2, AT(crmod_vma, pgoff)),
		 "VMA 2 0x20000000-0x20002000: anonymous, but with file offset 3 pages"},
		{[](ProcessSpec &p) { p.vmas[1].pgoff = ~0ULL >> 8; }, CRMOD_SEC_VMAS, 0, vma_at(1, AT(crmod_vma, pgoff)),
		 "VMA 1 0x10001000-0x10002000: file offset 0xffffffffffffff pages overflows"},
		{[](ProcessSpec &p) { p.vmas[7].flags |= CRMOD_VMA_VVAR; }, CRMOD_SEC_VMAS, 0,
		 vma_at(7, AT(crmod_vma, flags)),
		 "VMA 7 0x7ffff0012000-0x7ffff0013000: a vDSO or vvar mapping has that one flag, no file and no offset "
		 "(flags 0xc, file 0, pgoff 0)"},
		{[](ProcessSpec &p) { p.vmas[5].flags |= CRMOD_VMA_SHARED; }, CRMOD_SEC_VMAS, 0,
		 vma_at(5, AT(crmod_vma, flags)),
		 "VMA 5 0x7fffefffc000-0x7ffff0000000: a stack (growsdown) that is shared or of a file"},
		{[](ProcessSpec &p) { p.vmas[2].flags |= CRMOD_VMA_SHARED; }, CRMOD_SEC_VMAS, 0,
		 vma_at(2, AT(crmod_vma, flags)),
		 "VMA 2 0x20000000-0x20002000: shared, of no file (shared memory is a file of kind shared_anon)"},
		{[](ProcessSpec &p) { p.vmas[2].flags |= CRMOD_VMA_MAYWRITE; }, CRMOD_SEC_VMAS, 0,
		 vma_at(2, AT(crmod_vma, flags)), "VMA 2 0x20000000-0x20002000: maywrite on a private mapping"},
		{[](ProcessSpec &p) { p.vmas[2].flags |= CRMOD_VMA_LOCKONFAULT; }, CRMOD_SEC_VMAS, 0,
		 vma_at(2, AT(crmod_vma, flags)), "VMA 2 0x20000000-0x20002000: lockonfault but not locked"},
		{[](ProcessSpec &p) { p.vmas[2].flags |= CRMOD_VMA_HUGEPAGE | CRMOD_VMA_NOHUGEPAGE; }, CRMOD_SEC_VMAS, 0,
		 vma_at(2, AT(crmod_vma, flags)), "VMA 2 0x20000000-0x20002000: both hugepage and nohugepage"},
		{[](ProcessSpec &p) { p.vmas[2].flags |= CRMOD_VMA_SEQ_READ | CRMOD_VMA_RAND_READ; }, CRMOD_SEC_VMAS, 0,
		 vma_at(2, AT(crmod_vma, flags)), "VMA 2 0x20000000-0x20002000: both seq_read and rand_read"},
		{[](ProcessSpec &p) { p.vmas[6].flags = CRMOD_VMA_VDSO; }, CRMOD_SEC_VMAS, 0,
		 vma_at(7, AT(crmod_vma, flags)), "VMA 7: a second vdso mapping: a process has one"},
		{[](ProcessSpec &p) { p.vmas[3].file = 10; }, CRMOD_SEC_VMAS, 0, vma_at(3, AT(crmod_vma, file)),
		 "VMA 3 refers to file id 10, which no FILE section defines (the image has 9)"},
		{[](ProcessSpec &p) { p.vmas[3].file = cwd_id; }, CRMOD_SEC_VMAS, 0, vma_at(3, AT(crmod_vma, file)),
		 "VMA 3 refers to file 3, a directory; it must be a regular_file or unlinked_file or memfd or "
		 "shared_anon"},
		{[](ProcessSpec &p) { p.files[memfd_id - 1].first.seals |= 0x8; }, CRMOD_SEC_VMAS, 0,
		 vma_at(3, AT(crmod_vma, prot)), "VMA 3: a writable shared mapping of the write-sealed memfd 5"},
		{[](ProcessSpec &p) { p.vmas[1].pgoff = (1ULL << 51); }, CRMOD_SEC_VMAS, 0, vma_at(1, AT(crmod_vma, pgoff)),
		 "VMA 1: file offset 0x8000000000000 pages and 1 pages go beyond any file"},
		// PAGES
		{[](ProcessSpec &p) { p.runs[0].nr_pages = 0; }, CRMOD_SEC_PAGES, 0, AT(crmod_pages, nr_pages),
		 "an empty run: nr_pages is 0"},
		{[](ProcessSpec &p) { p.runs[0].addr += 8; }, CRMOD_SEC_PAGES, 0, 0,
		 "run address 0x20000008 is not aligned to the page size 4096"},
		{[](ProcessSpec &p) { p.runs[0].addr = 1ULL << 60; }, CRMOD_SEC_PAGES, 0, 0,
		 "run address 0x1000000000000000 is beyond the user address space (0xfffffffffff000 on x86_64)"},
		{[](ProcessSpec &p) { std::swap(p.runs[0], p.runs[1]); }, CRMOD_SEC_PAGES, 1, 0,
		 "run at 0x20000000 overlaps or precedes the run before, 0x7fffefffe000-0x7ffff0000000"},
		{[](ProcessSpec &p) { p.runs[0].nr_pages = 3; },	// the heap has 2
		 CRMOD_SEC_PAGES, 0, 0, "run 0x20000000-0x20003000 (3 pages) is not inside one VMA"},
		{[](ProcessSpec &p) { p.runs[0].addr = 0x40000000; }, CRMOD_SEC_PAGES, 0, 0,
		 "run 0x40000000-0x40001000 (1 page) is not inside one VMA"},
		{[](ProcessSpec &p) { p.runs[0].addr = 0x18000000; }, CRMOD_SEC_PAGES, 0, 0,
		 "run 0x18000000-0x18001000 (1 page) is not inside one VMA"},
		{[](ProcessSpec &p) { p.runs[0].addr = 0x30000000; }, CRMOD_SEC_PAGES, 0, 0,
		 "run 0x30000000-0x30001000 (1 page) is in VMA 3 0x30000000-0x30002000 (shared,maywrite), which holds "
		 "no pages of its own: shared memory's content is its file's"},
		{[](ProcessSpec &p) { p.runs[1].addr = 0x7ffff0010000; p.runs[1].nr_pages = 1; }, CRMOD_SEC_PAGES, 1, 0,
		 "run 0x7ffff0010000-0x7ffff0011000 (1 page) is in VMA 6 0x7ffff0010000-0x7ffff0012000 (vvar), which "
		 "holds no pages of its own"},
		{[](ProcessSpec &p) { p.runs[0].addr = 0x10001000; p.vmas[1].pgoff = 5; }, CRMOD_SEC_PAGES, 0, 0,
		 "run 0x10001000-0x10002000 (1 page) is beyond the end of file 1 (18744 bytes), which VMA 1 maps"},
		// FILE
		{[](ProcessSpec &p) { p.files[1].first.path_len = 30; }, CRMOD_SEC_FILE, 1, AT(crmod_file, path_len),
		 "path_len 30 does not match the 21 bytes after struct crmod_file"},
		{[](ProcessSpec &p) {
			 p.files[0] = {crctl::test::file_record(1, CRMOD_STATE_REGULAR_FILE, "usr/bin/counter", 0100755),
				       "usr/bin/counter"};
		 },
		 CRMOD_SEC_FILE, 0, sizeof(crmod_file), "path \"usr/bin/counter\" is not absolute"},
		{[](ProcessSpec &p) { p.files[1].first.id = 3; }, CRMOD_SEC_FILE, 1, AT(crmod_file, id),
		 "file id 3, expected 2 (ids count from 1 in image order)"},
		{[](ProcessSpec &p) { p.files[1].first.kind = 200; }, CRMOD_SEC_FILE, 1, AT(crmod_file, kind),
		 "unknown file kind 200"},
		{[](ProcessSpec &p) { p.files[1].first.kind = CRMOD_STATE_SOCKET; }, CRMOD_SEC_FILE, 1, AT(crmod_file, kind),
		 "file kind " + std::to_string(CRMOD_STATE_SOCKET) + " (socket) is no kind of file crmod restores"},
		{[](ProcessSpec &p) { p.files[1].first.reserved = 1; }, CRMOD_SEC_FILE, 1, AT(crmod_file, reserved),
		 "reserved field is 0x1, expected 0"},
		{[](ProcessSpec &p) { p.files[1].first.mode = 040644; }, CRMOD_SEC_FILE, 1, AT(crmod_file, mode),
		 "mode 040644 does not fit a file of kind regular_file"},
		{[](ProcessSpec &p) { p.files[1].first.mode = 0300644; }, CRMOD_SEC_FILE, 1, AT(crmod_file, mode),
		 "mode 0300644 does not fit a file of kind regular_file"},
		{[](ProcessSpec &p) { p.files[1].first.dev_minor = 5; }, CRMOD_SEC_FILE, 1, AT(crmod_file, dev_major),
		 "device number 0:5 on a regular_file, which is no device"},
		{[](ProcessSpec &p) { p.files[scratch_id - 1].first.dir = log_id; }, CRMOD_SEC_FILE, scratch_id - 1,
		 AT(crmod_file, dir),
		 "a deleted file's directory is file 2, which no FILE section before this one defines as a directory"},
		{[](ProcessSpec &p) { p.files[scratch_id - 1].first.dir = fifo_id; }, CRMOD_SEC_FILE, scratch_id - 1,
		 AT(crmod_file, dir),
		 "a deleted file's directory is file 9, which no FILE section before this one defines as a directory"},
		{[](ProcessSpec &p) { p.files[1].first.dir = cwd_id; }, CRMOD_SEC_FILE, 1, AT(crmod_file, dir),
		 "directory 3 on a regular_file: only a deleted file has one"},
		{[](ProcessSpec &p) { p.files[1].first.seals = 1; }, CRMOD_SEC_FILE, 1, AT(crmod_file, seals),
		 "seals 0x1 on a regular_file, which is no memfd"},
		{[](ProcessSpec &p) { p.files[memfd_id - 1].first.seals = 0x40; }, CRMOD_SEC_FILE, memfd_id - 1,
		 AT(crmod_file, seals), "unknown seals 0x40"},
		{[](ProcessSpec &p) { p.files[1].first.size = 1ULL << 63; }, CRMOD_SEC_FILE, 1, AT(crmod_file, size),
		 "size 9223372036854775808 is beyond any file's"},
		{[](ProcessSpec &p) { p.files[scratch_id - 1].first.size = 65ULL << 20; }, CRMOD_SEC_FILE, scratch_id - 1,
		 AT(crmod_file, size), "a deleted file of 68157440 bytes: crmod keeps them up to 67108864"},
		{[](ProcessSpec &p) { p.files[memfd_id - 1].first.mtime_nsec = 1'000'000'000; }, CRMOD_SEC_FILE,
		 memfd_id - 1, AT(crmod_file, mtime_nsec), "mtime nanoseconds 1000000000 is a second or more"},
		{[](ProcessSpec &p) {
			 p.files[shm_id - 1].second = "x";
			 p.files[shm_id - 1].first.path_len = 2;
		 },
		 CRMOD_SEC_FILE, shm_id - 1, sizeof(crmod_file), "shared anonymous memory has a name, \"x\""},
		{[](ProcessSpec &p) {
			 p.files[memfd_id - 1].second = "memfd:a/b";
			 p.files[memfd_id - 1].first.path_len = 10;
		 },
		 CRMOD_SEC_FILE, memfd_id - 1, sizeof(crmod_file),
		 "\"memfd:a/b\" is not a memfd's name (\"memfd:\" and up to 249 bytes, no '/')"},
		// FILE_DATA
		{[](ProcessSpec &p) { p.file_data[0].first.reserved = 2; }, CRMOD_SEC_FILE_DATA, 0,
		 AT(crmod_file_data, reserved), "reserved field is 0x2, expected 0"},
		{[](ProcessSpec &p) { p.file_data[0].first.offset = 8; }, CRMOD_SEC_FILE_DATA, 0,
		 AT(crmod_file_data, offset), "offset 0x8 is not aligned to the page size 4096"},
		{[](ProcessSpec &p) { p.file_data[0].first.offset = 4096; p.file_data[0].second += "x"; },
		 CRMOD_SEC_FILE_DATA, 0, AT(crmod_file_data, offset),
		 "4097 bytes at 0x1000 do not fit file 5 of 8192 bytes"},
		{[](ProcessSpec &p) { p.file_data[0].second.clear(); }, CRMOD_SEC_FILE_DATA, 0,
		 AT(crmod_file_data, len), "an empty extent: len is 0"},
		// PIPE
		{[](ProcessSpec &p) { p.pipes[0].first.capacity = 4; }, CRMOD_SEC_PIPE, 0, AT(crmod_pipe, capacity),
		 "capacity 4 is not a whole number of 4096-byte pages up to 2 GiB"},
		{[](ProcessSpec &p) { p.pipes[0].first.capacity = 1ULL << 32; }, CRMOD_SEC_PIPE, 0,
		 AT(crmod_pipe, capacity), "capacity 4294967296 is not a whole number of 4096-byte pages up to 2 GiB"},
		{[](ProcessSpec &p) { p.pipes[0].second = std::string(65537, 'x'); }, CRMOD_SEC_PIPE, 0,
		 AT(crmod_pipe, len), "65537 buffered bytes in a pipe of 65536"},
		{[](ProcessSpec &p) { p.pipes[1].first.id = 1; }, CRMOD_SEC_PIPE, 1, AT(crmod_pipe, id),
		 "pipe id 1, expected 2 (ids count from 1 in image order)"},
		{[](ProcessSpec &p) { p.pipes[1].first.fifo = log_id; }, CRMOD_SEC_PIPE, 1, AT(crmod_pipe, fifo),
		 "fifo is file 2, which no FILE section before this one defines as a FIFO"},
		// TASK
		{[](ProcessSpec &p) { p.task.exe_file = 10; }, CRMOD_SEC_TASK, 0, AT(crmod_task, exe_file),
		 "exe_file refers to file id 10, which no FILE section defines (the image has 9)"},
		{[](ProcessSpec &p) { p.task.exe_file = memfd_id; }, CRMOD_SEC_TASK, 0, AT(crmod_task, exe_file),
		 "exe_file refers to file 5, a memfd; it must be a regular_file or unlinked_file"},
		{[](ProcessSpec &p) { p.task.cwd_file = log_id; }, CRMOD_SEC_TASK, 0, AT(crmod_task, cwd_file),
		 "cwd_file refers to file 2, a regular_file; it must be a directory"},
		{[](ProcessSpec &p) { p.task.root_file = 12; }, CRMOD_SEC_TASK, 0, AT(crmod_task, root_file),
		 "root_file refers to file id 12, which no FILE section defines (the image has 9)"},
		{[](ProcessSpec &p) { std::memset(p.task.comm, 'c', sizeof(p.task.comm)); }, CRMOD_SEC_TASK, 0, 0,
		 "comm is not NUL-terminated"},
		{[](ProcessSpec &p) { p.task.auxv_words = 130; }, CRMOD_SEC_TASK, 0, AT(crmod_task, auxv_words),
		 "auxv_words 130 exceeds the 128 words of auxv"},
		{[](ProcessSpec &p) { p.task.auxv_words = 5; }, CRMOD_SEC_TASK, 0, AT(crmod_task, auxv_words),
		 "auxv_words 5 is odd: auxv holds (type, value) pairs"},
		{[](ProcessSpec &p) { p.task.brk = p.task.start_brk - 4096; }, CRMOD_SEC_TASK, 0, AT(crmod_task, start_brk),
		 "start_brk-brk 0x20000000-0x1ffff000 is inverted"},
		{[](ProcessSpec &p) { p.task.env_end = 1ULL << 60; }, CRMOD_SEC_TASK, 0, AT(crmod_task, env_start),
		 "env_start-env_end 0x7fffefffff90-0x1000000000000000 is beyond the user address space "
		 "(0xfffffffffff000 on x86_64)"},
		{[](ProcessSpec &p) { p.task.rlim_cur[7] = 5000; }, CRMOD_SEC_TASK, 0, AT(crmod_task, rlim_cur) + 7 * 8,
		 "rlimit 7: soft limit 5000 above the hard limit 4096"},
		{[](ProcessSpec &p) { p.task.nice = 20; }, CRMOD_SEC_TASK, 0, AT(crmod_task, nice),
		 "nice 20 is outside -20..19"},
		{[](ProcessSpec &p) { p.task.umask = 01000; }, CRMOD_SEC_TASK, 0, AT(crmod_task, umask),
		 "umask 01000 is more than 0777"},
		{[](ProcessSpec &p) { p.task.rseq += 8; }, CRMOD_SEC_TASK, 0, AT(crmod_task, rseq),
		 "rseq area 0x7fffeffff008 of 32 bytes is not a valid registration (32-byte aligned, 32 bytes to a page)"},
		{[](ProcessSpec &p) { p.task.rseq = 0; }, CRMOD_SEC_TASK, 0, AT(crmod_task, rseq_len),
		 "rseq length 32 or signature 0x53053053 without an rseq area"},
		{[](ProcessSpec &p) { p.task.robust_list_len = 16; }, CRMOD_SEC_TASK, 0, AT(crmod_task, robust_list_len),
		 "robust list 0x7fffefffe000 of 16 bytes: a robust list head is 24 bytes, none 0"},
		{[](ProcessSpec &p) { p.task.clear_child_tid = ~0ULL; }, CRMOD_SEC_TASK, 0, AT(crmod_task, clear_child_tid),
		 "clear_child_tid 0xffffffffffffffff is beyond the user address space (0xfffffffffff000 on x86_64)"},
		{[](ProcessSpec &p) { p.task.oom_score_adj = 1001; }, CRMOD_SEC_TASK, 0, AT(crmod_task, oom_score_adj),
		 "oom_score_adj 1001 is outside -1000..1000"},
		{[](ProcessSpec &p) { p.task.oom_score_adj_min = 200; }, CRMOD_SEC_TASK, 0, AT(crmod_task, oom_score_adj_min),
		 "oom_score_adj_min 200 is outside -1000..oom_score_adj 100"},
		{[](ProcessSpec &p) { p.task.dumpable = 3; }, CRMOD_SEC_TASK, 0, AT(crmod_task, dumpable),
		 "dumpable 3 is not 0, 1 or 2"},
		{[](ProcessSpec &p) { p.task.pdeath_signal = 65; }, CRMOD_SEC_TASK, 0, AT(crmod_task, pdeath_signal),
		 "pdeath_signal 65 is not a signal (0..64)"},
		{[](ProcessSpec &p) { p.task.flags |= 0x80; }, CRMOD_SEC_TASK, 0, AT(crmod_task, flags),
		 "unknown flags 0x80"},
		{[](ProcessSpec &p) { p.task.flags &= ~static_cast<std::uint32_t>(CRMOD_TASK_LOGINUID); }, CRMOD_SEC_TASK, 0,
		 AT(crmod_task, loginuid), "loginuid 1000 or sessionid 3 without the loginuid flag"},
		{[](ProcessSpec &p) { p.task.coredump_filter = 0x200; }, CRMOD_SEC_TASK, 0, AT(crmod_task, coredump_filter),
		 "coredump_filter 0x200 has bits beyond the 9 the kernel knows"},
		{[](ProcessSpec &p) { p.task.sched_policy = 6; }, CRMOD_SEC_TASK, 0, AT(crmod_task, sched_policy),
		 "scheduling policy 6 is not one crmod restores"},
		{[](ProcessSpec &p) { p.task.sched_priority = 5; }, CRMOD_SEC_TASK, 0, AT(crmod_task, sched_priority),
		 "priority 5 with policy SCHED_BATCH: real-time policies take 1..99, others 0"},
		{[](ProcessSpec &p) { p.task.sched_policy = 1 | 0x40000000; }, CRMOD_SEC_TASK, 0,
		 AT(crmod_task, sched_priority), "priority 0 with policy SCHED_FIFO: real-time policies take 1..99, others 0"},
		{[](ProcessSpec &p) { p.task.ioprio = (4 << 13); }, CRMOD_SEC_TASK, 0, AT(crmod_task, ioprio),
		 "I/O priority 0x8000: class 4 level 0 (classes 0..3, levels 0..7)"},
		{[](ProcessSpec &p) { p.task.ioprio = (2 << 13) | 8; }, CRMOD_SEC_TASK, 0, AT(crmod_task, ioprio),
		 "I/O priority 0x4008: class 2 level 8 (classes 0..3, levels 0..7)"},
		{[](ProcessSpec &p) { p.task.reserved = 9; }, CRMOD_SEC_TASK, 0, AT(crmod_task, reserved),
		 "reserved field is 0x9, expected 0"},
		{[](ProcessSpec &p) { p.task.flags &= ~static_cast<std::uint32_t>(CRMOD_TASK_AFFINITY); }, CRMOD_SEC_TASK, 0,
		 AT(crmod_task, cpu_affinity), "CPU affinity without the affinity flag"},
		{[](ProcessSpec &p) { p.task.cpu_affinity[0] = 0; }, CRMOD_SEC_TASK, 0, AT(crmod_task, cpu_affinity),
		 "the CPU affinity is empty"},
		{[](ProcessSpec &p) { p.task.arg_end = p.task.arg_start + 0x10000; p.task.env_start = p.task.arg_end;
			 p.task.env_end = p.task.arg_end; },
		 CRMOD_SEC_TASK, 0, AT(crmod_task, arg_start),
		 "the arguments 0x7fffefffff80-0x7ffff000ff80 are not mapped readable"},
		{[](ProcessSpec &p) { p.task.start_stack = 0x40000000; }, CRMOD_SEC_TASK, 0, AT(crmod_task, start_stack),
		 "the stack start 0x40000000 is not mapped"},
		{[](ProcessSpec &p) { p.task.brk += 4096; }, CRMOD_SEC_TASK, 0, AT(crmod_task, start_brk),
		 "the heap 0x20000000-0x20003000 is not mapped"},
		{[](ProcessSpec &p) { p.vmas[5].prot = CRMOD_PROT_READ; }, CRMOD_SEC_TASK, 0, AT(crmod_task, rseq),
		 "the rseq area 0x7fffeffff000-0x7fffeffff020 is not mapped readable and writable"},
		// CGROUP
		{[](ProcessSpec &p) { p.cgroup = "user.slice"; }, CRMOD_SEC_CGROUP, 0, 0,
		 "cgroup path \"user.slice\" is not absolute"},
		{[](ProcessSpec &p) { p.cgroup = std::string("/a\0b", 4); }, CRMOD_SEC_CGROUP, 0, 2,
		 "the cgroup path has a NUL at byte 2 of 5"},
		// REGS_X86
		{[](ProcessSpec &p) { p.x86.reserved = 4; }, CRMOD_SEC_REGS_X86, 0, AT(crmod_x86_regs, reserved),
		 "reserved field is 0x4, expected 0"},
		{[](ProcessSpec &p) { p.x86.xsave_size = 520; p.xsave.resize(520); }, CRMOD_SEC_REGS_X86, 0,
		 AT(crmod_x86_regs, xsave_size),
		 "xsave_size 520 is neither 512 (FXSAVE) nor at least 576 (XSAVE with its header)"},
		{[](ProcessSpec &p) { p.x86.cs = 0x23; }, CRMOD_SEC_REGS_X86, 0, AT(crmod_x86_regs, cs),
		 "segments cs 0x23 ss 0x2b: only 64-bit processes (cs 0x33 ss 0x2b) restart"},
		{[](ProcessSpec &p) { p.x86.ip = 1ULL << 63; }, CRMOD_SEC_REGS_X86, 0, AT(crmod_x86_regs, ip),
		 "ip 0x8000000000000000 is beyond the user address space (0xfffffffffff000 on x86_64)"},
		{[](ProcessSpec &p) { p.x86.debugreg[2] = 1ULL << 63; }, CRMOD_SEC_REGS_X86, 0,
		 AT(crmod_x86_regs, debugreg) + 16,
		 "debug register 2 0x8000000000000000 is beyond the user address space (0xfffffffffff000 on x86_64)"},
		{[](ProcessSpec &p) { p.xsave[26] = 1; }, CRMOD_SEC_REGS_X86, 0, sizeof(crmod_x86_regs) + 24,
		 "MXCSR 0x10000 has reserved bits set"},
		{[](ProcessSpec &p) { p.xsave[520] = 1; }, CRMOD_SEC_REGS_X86, 0, sizeof(crmod_x86_regs) + 520,
		 "the XSAVE header is not in standard form: XCOMP_BV and its reserved bytes must be 0"},
		// SIGNALS, PENDING
		{[](ProcessSpec &p) { p.signals.reserved = 3; }, CRMOD_SEC_SIGNALS, 0, AT(crmod_signals, reserved),
		 "reserved field is 0x3, expected 0"},
		{[](ProcessSpec &p) { p.signals.action[14].flags = 0x200; }, CRMOD_SEC_SIGNALS, 0,
		 14 * sizeof(crmod_sigaction) + AT(crmod_sigaction, flags), "SIGTERM: unknown flags 0x200"},
		{[](ProcessSpec &p) { p.signals.action[14].handler = ~0ULL; }, CRMOD_SEC_SIGNALS, 0,
		 14 * sizeof(crmod_sigaction) + AT(crmod_sigaction, handler),
		 "SIGTERM: handler 0xffffffffffffffff is beyond the user address space (0xfffffffffff000 on x86_64)"},
		{[](ProcessSpec &p) { p.signals.altstack_flags = 0x10; }, CRMOD_SEC_SIGNALS, 0,
		 AT(crmod_signals, altstack_flags), "unknown alternate stack flags 0x10"},
		{[](ProcessSpec &p) { p.pending[0].info[0] = 12; }, CRMOD_SEC_PENDING, 0, AT(crmod_pending_signal, info),
		 "pending signal 0: number 10, but its siginfo says 12"},
		{[](ProcessSpec &p) { p.pending[0] = crctl::test::pending_signal(65, 0); }, CRMOD_SEC_PENDING, 0, 0,
		 "pending signal 0: number 65 is not a signal (1..64)"},
		{[](ProcessSpec &p) { p.pending[0] = crctl::test::pending_signal(9, 0); }, CRMOD_SEC_PENDING, 0, 0,
		 "pending signal 0: SIGKILL is never left pending"},
		{[](ProcessSpec &p) { p.pending[0].flags = 2; }, CRMOD_SEC_PENDING, 0, AT(crmod_pending_signal, flags),
		 "pending signal 0: unknown flags 0x2"},
		// CREDS, TIMERS
		{[](ProcessSpec &p) { p.groups.resize(65537); }, CRMOD_SEC_CREDS, 0, AT(crmod_creds, ngroups),
		 "ngroups 65537 is more than NGROUPS_MAX 65536"},
		{[](ProcessSpec &p) { p.timers.real.value_ns = 1ULL << 63; }, CRMOD_SEC_TIMERS, 0, 0,
		 "ITIMER_REAL expires in 9223372036854775808 ns, beyond what the kernel holds"},
		{[](ProcessSpec &p) { p.timers.real.interval_ns = ~0ULL; }, CRMOD_SEC_TIMERS, 0, 8,
		 "ITIMER_REAL interval 18446744073709551615 ns is beyond what the kernel holds"},
		// OFDS
		{[](ProcessSpec &p) { p.ofds[3].id = 5; }, CRMOD_SEC_OFDS, 0, ofd_at(3, AT(crmod_ofd, id)),
		 "open file entry 3 has id 5, expected 4 (ids count from 1)"},
		{[](ProcessSpec &p) { p.ofds[3].flags |= 0100; }, CRMOD_SEC_OFDS, 0, ofd_at(3, AT(crmod_ofd, flags)),
		 "open file 4: flags 0100 that an open file does not keep"},
		{[](ProcessSpec &p) { p.ofds[3].flags |= 03; }, CRMOD_SEC_OFDS, 0, ofd_at(3, AT(crmod_ofd, flags)),
		 "open file 4: access mode 03"},
		{[](ProcessSpec &p) { p.ofds[3].flags |= 010000000; }, CRMOD_SEC_OFDS, 0, ofd_at(3, AT(crmod_ofd, flags)),
		 "open file 4: access mode 02 with O_PATH"},
		{[](ProcessSpec &p) { p.ofds[4].pos = -1; }, CRMOD_SEC_OFDS, 0, ofd_at(4, AT(crmod_ofd, pos)),
		 "open file 5: negative position -1"},
		{[](ProcessSpec &p) { p.ofds[4].object = 10; }, CRMOD_SEC_OFDS, 0, ofd_at(4, AT(crmod_ofd, object)),
		 "open file 5 refers to file 10, which no FILE section before OFDS defines (there are 9)"},
		{[](ProcessSpec &p) { p.ofds[4].object = fifo_id; }, CRMOD_SEC_OFDS, 0, ofd_at(4, AT(crmod_ofd, flags)),
		 "open file 5: a fifo open as a file is open without O_PATH"},
		{[](ProcessSpec &p) { p.ofds[4].object = cwd_id; }, CRMOD_SEC_OFDS, 0, ofd_at(4, AT(crmod_ofd, flags)),
		 "open file 5: a directory open for writing"},
		{[](ProcessSpec &p) { p.ofds[5].flags |= 010000000; }, CRMOD_SEC_OFDS, 0, ofd_at(5, AT(crmod_ofd, flags)),
		 "open file 6: an O_PATH pipe"},
		{[](ProcessSpec &p) { p.ofds[5].object = 3; }, CRMOD_SEC_OFDS, 0, ofd_at(5, AT(crmod_ofd, object)),
		 "open file 6 refers to pipe 3, which no PIPE section before OFDS defines (there are 2)"},
		{[](ProcessSpec &p) { p.ofds[5].flags = 02; }, CRMOD_SEC_OFDS, 0, ofd_at(5, AT(crmod_ofd, flags)),
		 "open file 6: both ends of pipe 1 (O_RDWR is for FIFOs)"},
		{[](ProcessSpec &p) { p.ofds[0].object = 3; }, CRMOD_SEC_OFDS, 0, ofd_at(0, AT(crmod_ofd, object)),
		 "open file 1: inherited from fd 3; only fds 0-2 are"},
		{[](ProcessSpec &p) { p.ofds[0].pos = 7; }, CRMOD_SEC_OFDS, 0, ofd_at(0, AT(crmod_ofd, flags)),
		 "open file 1: inherited, with O_PATH or position 7"},
		{[](ProcessSpec &p) { p.ofds[1].kind = 9; }, CRMOD_SEC_OFDS, 0, ofd_at(1, AT(crmod_ofd, kind)),
		 "open file 2: unknown kind 9"},
		// FDS
		{[](ProcessSpec &p) { std::swap(p.fds[3].fd, p.fds[4].fd); }, CRMOD_SEC_FDS, 0, fd_at(4),
		 "fd entry 4: fd 3 after fd 4: fds must be sorted, each once"},
		{[](ProcessSpec &p) { p.fds[4].fd = 3; }, CRMOD_SEC_FDS, 0, fd_at(4),
		 "fd entry 4: fd 3 after fd 3: fds must be sorted, each once"},
		{[](ProcessSpec &p) { p.fds[10].fd = 0x80000000; }, CRMOD_SEC_FDS, 0, fd_at(10),
		 "fd 2147483648 is beyond any fd table"},
		{[](ProcessSpec &p) { p.fds[4].ofd = 11; }, CRMOD_SEC_FDS, 0, fd_at(4, AT(crmod_fd, ofd)),
		 "fd 4 refers to open file 11, which OFDS does not define (it has 10)"},
		{[](ProcessSpec &p) { p.fds[4].ofd = 0; }, CRMOD_SEC_FDS, 0, fd_at(4, AT(crmod_fd, ofd)),
		 "fd 4 refers to open file 0, which OFDS does not define (it has 10)"},
		{[](ProcessSpec &p) { p.fds[4].fd_flags = 2; }, CRMOD_SEC_FDS, 0, fd_at(4, AT(crmod_fd, fd_flags)),
		 "fd 4: unknown fd flags 0x2"},
		{[](ProcessSpec &p) { p.fds[2].reserved = 5; }, CRMOD_SEC_FDS, 0, fd_at(2, AT(crmod_fd, reserved)),
		 "fd 2: reserved field is 0x5, expected 0"},
		// LOCKS
		{[](ProcessSpec &p) { p.locks[0].ofd = 1; }, CRMOD_SEC_LOCKS, 0, lock_at(0, AT(crmod_lock, ofd)),
		 "lock 0: open file 1 cannot hold one (it is inherited)"},
		{[](ProcessSpec &p) { p.locks[0].ofd = 11; }, CRMOD_SEC_LOCKS, 0, lock_at(0, AT(crmod_lock, ofd)),
		 "lock 0: open file 11 cannot hold one (OFDS does not define it)"},
		{[](ProcessSpec &p) { p.ofds[8].flags = 010000000; p.locks[0].ofd = 9; }, CRMOD_SEC_LOCKS, 0,
		 lock_at(0, AT(crmod_lock, ofd)), "lock 0: open file 9 cannot hold one (it is O_PATH)"},
		{[](ProcessSpec &p) { p.locks[0].kind = 4; }, CRMOD_SEC_LOCKS, 0, lock_at(0, AT(crmod_lock, kind)),
		 "lock 0: unknown kind 4"},
		{[](ProcessSpec &p) { p.locks[1].type = 2; }, CRMOD_SEC_LOCKS, 0, lock_at(1, AT(crmod_lock, type)),
		 "lock 1: type 2 is neither F_RDLCK nor F_WRLCK"},
		{[](ProcessSpec &p) { p.locks[0].start = 5; }, CRMOD_SEC_LOCKS, 0, lock_at(0, AT(crmod_lock, start)),
		 "lock 0: range 5--1 (a flock lock is 0 to -1, the whole file)"},
		{[](ProcessSpec &p) { p.locks[1].end = -5; }, CRMOD_SEC_LOCKS, 0, lock_at(1, AT(crmod_lock, start)),
		 "lock 1: range 0--5"},
		{[](ProcessSpec &p) { p.locks[1].start = 200; }, CRMOD_SEC_LOCKS, 0, lock_at(1, AT(crmod_lock, start)),
		 "lock 1: range 200-99"},
		{[](ProcessSpec &p) { p.locks[1].reserved = 1; }, CRMOD_SEC_LOCKS, 0, lock_at(1, AT(crmod_lock, reserved)),
		 "lock 1: reserved field is 0x1, expected 0"},
	};
}
#undef AT

TEST(Process, EveryFieldErrorIsNamedPrecisely)
{
	const auto sample = x86();
	for (const auto &e : field_errors()) {
		SCOPED_TRACE(e.problem);
		auto spec = x86();
		e.change(spec);
		auto index = sample.index(e.type, e.nth);
		expect_refused(spec, index, e.at, crctl::section_where(index, e.type), e.problem);
	}
}

// The module checks a reference against the sections before it: so does crctl.
TEST(Process, ReferencesGoToSectionsBefore)
{
	auto spec = x86();
	auto machine = spec.machine;
	// OFDS, FDS and LOCKS without what they refer to
	expect_alone_refused(machine, CRMOD_SEC_FDS, raw(spec.fds),
			     "the fd table before the OFDS section: OFDS must come first");
	expect_alone_refused(machine, CRMOD_SEC_LOCKS, raw(spec.locks),
			     "the locks before the OFDS section: OFDS must come first");
	expect_error(ImageBuilder(machine).section(CRMOD_SEC_OFDS, raw(spec.ofds)).finish(),
		     first_payload + 3 * sizeof(crmod_ofd) + offsetof(crmod_ofd, object), "section 0 (OFDS)",
		     "open file 4 refers to file 4, which no FILE section before OFDS defines (there are 0)");
	// FILE_DATA before its FILE
	auto data = spec.file_data[0];
	data.first.len = data.second.size();
	expect_error(ImageBuilder(machine).section(CRMOD_SEC_FILE_DATA, raw(data.first) + data.second).finish(),
		     first_payload, "section 0 (FILE_DATA)",
		     "content for file 5, which no FILE section before this one defines as a deleted file, memfd or "
		     "shared memory");
	// a deleted file's directory after it
	auto late_dir = spec;
	std::swap(late_dir.files[tmp_id - 1], late_dir.files[scratch_id - 1]);
	late_dir.files[tmp_id - 1].first.id = tmp_id;
	late_dir.files[scratch_id - 1].first.id = scratch_id;
	late_dir.files[tmp_id - 1].first.dir = scratch_id;
	late_dir.file_data[2].first.file = tmp_id;
	auto at = late_dir.index(CRMOD_SEC_FILE, tmp_id - 1);
	expect_refused(late_dir, at, offsetof(crmod_file, dir), crctl::section_where(at, CRMOD_SEC_FILE),
		       "a deleted file's directory is file 8, which no FILE section before this one defines as a "
		       "directory");
}

TEST(Process, PagesLengthMustMatchTheImagesPageSize)
{
	// 16 + 2 pages of 4096, in an image of 64 KiB pages
	auto spec = ppc();
	crmod_pages run{0x20000000, 2};
	expect_alone_refused(spec.machine, CRMOD_SEC_PAGES, raw(run) + std::string(8192, 'p'),
			     "PAGES payload is 8208 bytes, expected 16 + nr_pages 2 * page size 65536 = 131088");
	run.nr_pages = ~0ULL;
	expect_alone_refused(spec.machine, CRMOD_SEC_PAGES, raw(run),
			     "PAGES payload is 16 bytes, expected 16 + nr_pages 18446744073709551615 * page size "
			     "65536 (more than 2^64)");
	expect_alone_refused(spec.machine, CRMOD_SEC_PAGES, "short",
			     "PAGES payload is 5 bytes, shorter than the 16-byte struct crmod_pages");
}

TEST(Process, FilePathIsOneNulTerminatedString)
{
	auto record = x86().files[0].first;
	auto bytes = ImageBuilder(crctl::test::x86_machine())
			     .section(CRMOD_SEC_FILE, raw(record) + "/usr/bin/counterX")
			     .finish();
	expect_error(bytes, first_payload + sizeof(crmod_file) + 16, "section 0 (FILE)",
		     "the path is not NUL-terminated (its last byte is 0x58)");
	bytes = ImageBuilder(crctl::test::x86_machine())
			.section(CRMOD_SEC_FILE, raw(record) + std::string("/usr\0bin/counter", 16) + '\0')
			.finish();
	expect_error(bytes, first_payload + sizeof(crmod_file) + 4, "section 0 (FILE)",
		     "the path has a NUL at byte 4 of 17: path_len must count one NUL-terminated string");
}


TEST(Process, SingletonSectionsComeOnce)
{
	auto spec = x86();
	auto bytes = ImageBuilder(spec.machine)
			     .section(CRMOD_SEC_SIGNALS, raw(spec.signals))
			     .section(CRMOD_SEC_SIGNALS, raw(spec.signals))
			     .finish();
	expect_error(bytes, first_payload + sizeof(crmod_signals), "section 1 (SIGNALS)",
			     "a second SIGNALS section (the first is section 0)");
}

TEST(Process, RegistersOfTheOtherArch)
{
	auto x = x86();
	expect_alone_refused(x.machine, CRMOD_SEC_REGS_PPC, raw(x.ppc), "ppc64 registers in an image taken on x86_64");
	auto p = ppc();
	expect_alone_refused(p.machine, CRMOD_SEC_REGS_X86, raw(p.x86) + p.xsave,
			     "x86_64 registers in an image taken on ppc64");
	p.ppc.flags |= 0x100;
	auto regs = p.index(CRMOD_SEC_REGS_PPC);
	expect_refused(p, regs, offsetof(crmod_ppc_regs, flags), crctl::section_where(regs, CRMOD_SEC_REGS_PPC),
		       "unknown flags 0x100");
}


TEST(Process, XsaveArea)
{
	auto spec = x86();
	spec.x86.xsave_size = 2048;	// but 1024 bytes follow
	auto regs = spec.index(CRMOD_SEC_REGS_X86);
	expect_error(spec.build(), spec.builder().offset_of(regs), crctl::section_where(regs, CRMOD_SEC_REGS_X86),
			     "REGS_X86 payload is " + std::to_string(sizeof(crmod_x86_regs) + 1024) +
				     " bytes, expected " + std::to_string(sizeof(crmod_x86_regs)) +
				     " (struct crmod_x86_regs) + xsave_size 2048 = " +
				     std::to_string(sizeof(crmod_x86_regs) + 2048));
	// FXSAVE only: no XSTATE_BV to show
	spec = x86();
	spec.x86.xsave_size = 512;
	spec.xsave.resize(512);
	auto image = read(spec.build());
	EXPECT_FALSE(image.process.xstate_bv);
	EXPECT_TRUE(crctl::image_json(image)["x86_regs"]["xstate_bv"].is_null());
	EXPECT_TRUE(has(crctl::image_text(image), "512 bytes (FXSAVE: no XSAVE header)"));
}

TEST(Process, CredsAndPipeLengths)
{
	auto spec = x86();
	auto creds = spec.creds;
	creds.ngroups = 5;
	expect_alone_refused(spec.machine, CRMOD_SEC_CREDS, raw(creds) + raw(spec.groups),
			     "CREDS payload is " + std::to_string(sizeof(crmod_creds) + 12) + " bytes, expected " +
				     std::to_string(sizeof(crmod_creds)) + " (struct crmod_creds) + ngroups 5 * 4 = " +
				     std::to_string(sizeof(crmod_creds) + 20));
	crmod_pipe pipe{1, 0, 4096, 10};
	expect_alone_refused(spec.machine, CRMOD_SEC_PIPE, raw(pipe) + "12345",
			     "PIPE payload is 29 bytes, expected 24 (struct crmod_pipe) + len 10");
}



TEST(Process, TheFullMessageNamesSectionOffsetAndProblem)
{
	auto spec = x86();
	spec.vmas[1].start = spec.vmas[0].start;
	auto e = error_for(spec.build());
	EXPECT_EQ(std::string(e.what()),
		  crctl::section_where(spec.index(CRMOD_SEC_VMAS), CRMOD_SEC_VMAS) + " at offset " +
			  std::to_string(spec.payload_offset(spec.index(CRMOD_SEC_VMAS), sizeof(crmod_vma))) +
			  ": VMA 1 0x10000000-0x10002000 overlaps VMA 0 0x10000000-0x10001000: VMAs must be sorted "
			  "and never overlap");
}

TEST(Process, DamageAnywhereIsNamed)
{
	auto image = x86().build();
	for (std::size_t size = 1; size < image.size(); size += 7)
		EXPECT_FALSE(error_for(image.substr(0, size)).where().empty()) << size;
	for (std::size_t byte = 0; byte < image.size(); byte += 5) {
		auto bad = image;
		bad[byte] = static_cast<char>(bad[byte] ^ 0x01);
		EXPECT_FALSE(error_for(bad).where().empty()) << byte;
	}
}

TEST(Restart, MachineMismatchNamesTheDifference)
{
	auto x = crctl::test::x86_machine();
	auto p = crctl::test::ppc_machine();
	EXPECT_EQ(crctl::machine_mismatch(x, x), std::nullopt);
	EXPECT_EQ(crctl::machine_mismatch(p, x), "the image was taken on ppc64, this machine is x86_64");
	EXPECT_EQ(crctl::machine_mismatch(x, p), "the image was taken on x86_64, this machine is ppc64");
	auto p4k = p;
	p4k.page_size = 4096;
	EXPECT_EQ(crctl::machine_mismatch(p, p4k), "the image has 65536-byte pages, larger than this machine's "
						  "4096-byte pages: restart it under a kernel of 65536-byte pages");
	// smaller: the module checks each mapping against its own page size
	EXPECT_EQ(crctl::machine_mismatch(p4k, p), std::nullopt);
	auto big = p;
	big.endian = CRMOD_ENDIAN_BIG;
	EXPECT_EQ(crctl::machine_mismatch(big, p),
		  "the image was taken on a big-endian machine, this machine is little-endian");
	auto narrow = x;
	narrow.word_size = 32;
	EXPECT_EQ(crctl::machine_mismatch(narrow, x),
		  "the image was taken on a 32-bit machine, this machine is 64-bit");
	// the CPU and kernel release are the module's to judge
	auto other_cpu = x;
	other_cpu.x86.cpuid[CRMOD_CPUID_7_0_EBX] = 0;
	std::strcpy(other_cpu.release, "6.12.0");
	EXPECT_EQ(crctl::machine_mismatch(other_cpu, x), std::nullopt);
}

} // namespace

// Restart's own check leaves page content to the module (which checks every
// CRC before it changes anything); everything else it still checks.
TEST(Restart, PrecheckSkipsOnlyThePageContentCrc)
{
	auto spec = x86();
	auto image = spec.build();
	for (auto [type, head] : {std::pair{CRMOD_SEC_PAGES, sizeof(crmod_pages)},
				  std::pair{CRMOD_SEC_FILE_DATA, sizeof(crmod_file_data)}}) {
		SCOPED_TRACE(crctl::section_type_name(type));
		auto content_byte = spec.payload_offset(spec.index(type), head + 10);
		auto damaged = image;
		damaged[content_byte] = static_cast<char>(damaged[content_byte] ^ 0x40);
		EXPECT_NE(std::string(error_for(damaged).what()).find("payload CRC32C mismatch"), std::string::npos);
		std::istringstream in(damaged);
		EXPECT_NO_THROW(crctl::read_image(in, crctl::PageContent::skip_crc));
		// the header of the content is still checked
		auto head_byte = spec.payload_offset(spec.index(type), 3);
		damaged = image;
		damaged[head_byte] = static_cast<char>(damaged[head_byte] ^ 0x40);
		std::istringstream in_head(damaged);
		EXPECT_THROW(crctl::read_image(in_head, crctl::PageContent::skip_crc), crctl::ImageError);
	}
	auto page_byte = spec.payload_offset(spec.index(CRMOD_SEC_PAGES), sizeof(crmod_pages) + 10);
	auto damaged = image;

	auto vma_byte = spec.payload_offset(spec.index(CRMOD_SEC_VMAS), 3);
	damaged = image;
	damaged[vma_byte] = static_cast<char>(damaged[vma_byte] ^ 0x40);
	std::istringstream in2(damaged);
	EXPECT_THROW(crctl::read_image(in2, crctl::PageContent::skip_crc), crctl::ImageError);
	std::istringstream in3(image.substr(0, page_byte));
	EXPECT_THROW(crctl::read_image(in3, crctl::PageContent::skip_crc), crctl::ImageError);
}

// The same through the fd reader restart uses: it seeks past page content
// in a file, and still reports an image cut inside a page run.
TEST(Restart, PrecheckSeeksPastPagesInAFile)
{
	auto spec = x86();
	auto image = spec.build();
	auto check = [](const std::string &bytes) {
		std::FILE *f = std::tmpfile();
		std::fwrite(bytes.data(), 1, bytes.size(), f);
		std::fflush(f);
		::lseek(fileno(f), 0, SEEK_SET);
		crctl::FdInputBuf buffer(fileno(f));
		std::istream in(&buffer);
		try {
			auto summary = crctl::read_image(in, crctl::PageContent::skip_crc);
			std::fclose(f);
			return std::string("ok ") + std::to_string(summary.size);
		} catch (const crctl::ImageError &e) {
			std::fclose(f);
			return std::string(e.what());
		}
	};
	EXPECT_EQ(check(image), "ok " + std::to_string(image.size()));
	auto page_byte = spec.payload_offset(spec.index(CRMOD_SEC_PAGES), sizeof(crmod_pages) + 10);
	auto cut = check(image.substr(0, page_byte));
	EXPECT_NE(cut.find("truncated: the payload needs"), std::string::npos) << cut;
	EXPECT_NE(cut.find("(PAGES)"), std::string::npos) << cut;
}

// What restart needs beyond what crctl info accepts: types the module knows,
// and every section it asks for, in its order.
TEST(Restart, RestartProblemNamesTheMissingSection)
{
	auto spec = x86();
	EXPECT_FALSE(crctl::restart_problem(read(spec.build())));
	for (auto [type, name] : {std::pair{CRMOD_SEC_TASK, "TASK"}, std::pair{CRMOD_SEC_CGROUP, "CGROUP"},
				  std::pair{CRMOD_SEC_TIMERS, "TIMERS"}, std::pair{CRMOD_SEC_REGS_X86, "REGS_X86"}}) {
		auto image = read(spec.build(type));
		auto problem = crctl::restart_problem(image);
		ASSERT_TRUE(problem) << name;
		EXPECT_EQ(problem->problem(), std::string("the image has no ") + name + " section");
		EXPECT_EQ(problem->where(), "image");
		EXPECT_EQ(problem->offset(), image.size);
	}
	auto p = ppc();
	EXPECT_EQ(crctl::restart_problem(read(p.build(CRMOD_SEC_REGS_PPC)))->problem(),
		  "the image has no REGS_PPC section");
	auto unknown = crctl::restart_problem(read(ImageBuilder(spec.machine).section(0x100, "x").finish()));
	ASSERT_TRUE(unknown);
	EXPECT_EQ(unknown->where(), "section 0 (unknown type 0x100)");
	EXPECT_EQ(unknown->problem(), "restart does not know this section type");
}

// A ppc image is checked with its own page size and address space.
TEST(Process, PpcLimitsAreTheImagesArch)
{
	auto spec = ppc();
	spec.pipes[0].first.capacity = 4096;
	auto at = spec.index(CRMOD_SEC_PIPE);
	expect_refused(spec, at, offsetof(crmod_pipe, capacity), crctl::section_where(at, CRMOD_SEC_PIPE),
		       "capacity 4096 is not a whole number of 65536-byte pages up to 2 GiB");
	spec = ppc();
	spec.vmas[7].end = 1ULL << 53;
	at = spec.index(CRMOD_SEC_VMAS);
	expect_refused(spec, at, 7 * sizeof(crmod_vma), crctl::section_where(at, CRMOD_SEC_VMAS),
		       "VMA 7 0x7ffff0120000-0x20000000000000 is beyond the user address space (0x10000000000000 on "
		       "ppc64)");
}
