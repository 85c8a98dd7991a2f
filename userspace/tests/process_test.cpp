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
using crctl::test::ImageBuilder;
using crctl::test::ProcessSpec;
using crctl::test::raw;
using crctl::test::read;
using crctl::test::sample_process;

ProcessSpec x86() { return sample_process(crctl::test::x86_machine()); }
ProcessSpec ppc() { return sample_process(crctl::test::ppc_machine()); }

bool has(const std::string &text, const std::string &part) { return text.find(part) != std::string::npos; }

// The image refused where, at offset, with problem.
void expect_error(const std::string &bytes, std::uint64_t offset, const std::string &where,
		  const std::string &problem)
{
	auto e = error_for(bytes);
	EXPECT_EQ(e.where(), where);
	EXPECT_EQ(e.offset(), offset) << e.what();
	EXPECT_EQ(e.problem(), problem);
}

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

TEST(Process, DecodesEverySectionOfAnX86Image)
{
	auto image = read(x86().build());
	const auto &p = image.process;
	ASSERT_TRUE(p.task && p.vmas && p.x86_regs && p.signals && p.fds && p.creds && p.pending);
	EXPECT_FALSE(p.ppc_regs);
	EXPECT_STREQ(p.task->comm, "counter");
	ASSERT_EQ(p.files.size(), 3u);
	EXPECT_EQ(p.files[1].path, "/var/log/counter.log");
	EXPECT_EQ(p.vmas->size(), 6u);
	EXPECT_EQ(p.pages.size(), 2u);
	EXPECT_EQ(p.xstate_bv, 0x7u);
	EXPECT_EQ(p.fds->size(), 7u);
	EXPECT_EQ(p.creds->groups, (std::vector<std::uint32_t>{24, 27, 1000}));
	ASSERT_EQ(p.pipes.size(), 1u);
	EXPECT_EQ(p.pipes[0].len, 5u);
	EXPECT_EQ(*p.file_path(1), "/usr/bin/counter");
	EXPECT_EQ(p.file_path(0), nullptr);
	EXPECT_EQ(p.file_path(4), nullptr);
}

TEST(Process, X86Json)
{
	auto j = crctl::image_json(read(x86().build()));
	EXPECT_EQ(j["sections"][0]["type"], "FILE");
	EXPECT_EQ(j["sections"][4]["type"], "TASK");

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

	const auto &f = j["files"][0];
	EXPECT_EQ(f["id"], 1);
	EXPECT_EQ(f["kind"], "regular");
	EXPECT_EQ(f["path"], "/usr/bin/counter");
	EXPECT_EQ(f["size"], 18744);
	EXPECT_EQ(f["mtime_sec"], 1700000001);
	EXPECT_EQ(f["mtime_nsec"], 123456789);
	EXPECT_EQ(f["mode"], "0100755");
	EXPECT_EQ(j["files"][2]["kind"], "directory");

	const auto &v = j["vmas"];
	EXPECT_EQ(v[0]["start"], "0x10000000");
	EXPECT_EQ(v[0]["end"], "0x10001000");
	EXPECT_EQ(v[0]["prot"], "r-x");
	EXPECT_EQ(v[0]["file"], 1);
	EXPECT_EQ(v[0]["path"], "/usr/bin/counter");
	EXPECT_EQ(v[1]["pgoff"], 1);
	EXPECT_EQ(v[2]["flag_names"], nlohmann::json({"heap"}));
	EXPECT_EQ(v[2]["flags"], "0x10");
	EXPECT_TRUE(v[2]["file"].is_null());
	EXPECT_TRUE(v[2]["path"].is_null());
	EXPECT_EQ(v[5]["flag_names"], nlohmann::json({"vdso"}));

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

	const auto &fds = j["fds"];
	EXPECT_EQ(fds[0]["kind"], "inherit");
	EXPECT_EQ(fds[0]["flag_names"], nlohmann::json({"O_RDWR"}));
	EXPECT_EQ(fds[4]["fd"], 4);
	EXPECT_EQ(fds[4]["kind"], "file");
	EXPECT_EQ(fds[4]["path"], "/var/log/counter.log");
	EXPECT_EQ(fds[4]["flag_names"], nlohmann::json({"O_WRONLY", "O_APPEND"}));
	EXPECT_EQ(fds[4]["cloexec"], true);
	EXPECT_EQ(fds[4]["pos"], 4096);
	EXPECT_TRUE(fds[4]["pipe"].is_null());
	EXPECT_EQ(fds[6]["kind"], "pipe");
	EXPECT_EQ(fds[6]["pipe"], 1);
	EXPECT_TRUE(fds[6]["file"].is_null());
}

TEST(Process, PpcJsonUsesTheImagesArchNotTheHosts)
{
	auto spec = ppc();
	spec.fds[4].file_flags |= 0200000;	// O_LARGEFILE on powerpc, O_DIRECTORY on x86
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
	EXPECT_EQ(j["fds"][4]["flag_names"], nlohmann::json({"O_WRONLY", "O_APPEND", "O_LARGEFILE"}));
	EXPECT_EQ(j["pages"]["bytes"], 3 * 65536);

	auto on_x86 = x86();
	on_x86.fds[4].file_flags |= 0200000;
	EXPECT_EQ(crctl::image_json(read(on_x86.build()))["fds"][4]["flag_names"],
		  nlohmann::json({"O_WRONLY", "O_APPEND", "O_DIRECTORY"}));
}

TEST(Process, Text)
{
	auto text = crctl::image_text(read(x86().build()));
	EXPECT_TRUE(has(text, "  comm                   counter\n"));
	EXPECT_TRUE(has(text, "  exe                    file 1 (/usr/bin/counter)\n"));
	EXPECT_TRUE(has(text, "  rlimit nofile          1024 / 4096\n"));
	EXPECT_TRUE(has(text, "     1  regular     100755        18744 bytes  mtime 1700000001.123456789  /usr/bin/counter\n"));
	EXPECT_TRUE(has(text, "vmas: 6\n"));
	EXPECT_TRUE(has(text, "          0x10000000-0x10001000         r-xp          0 -          file 1 (/usr/bin/counter)\n"));
	EXPECT_TRUE(has(text, "          0x20000000-0x20002000         rw-p          0 heap       -\n"));
	EXPECT_TRUE(has(text, "pages: 2 runs, 3 pages, 12288 bytes; largest run 2 pages at 0x7fffefffe000\n"));
	EXPECT_TRUE(has(text, "  xsave area             1024 bytes, XSTATE_BV 0x7 (x87 sse avx)\n"));
	EXPECT_TRUE(has(text, "  orig_ax                230\n"));
	EXPECT_TRUE(has(text, "  SIGINT                 handler 0x10000200, flags 0x14000000 (SA_RESTORER SA_RESTART), mask 0x0\n"));
	EXPECT_TRUE(has(text, "  SIGPIPE                handler SIG_IGN"));
	EXPECT_FALSE(has(text, "SIGTERM"));	// default handlers are not listed
	EXPECT_TRUE(has(text, "  blocked                0x200 (SIGUSR1)\n"));
	EXPECT_TRUE(has(text, "pending signals: SIGUSR1 (process)\n"));
	EXPECT_TRUE(has(text, "     4  file     O_WRONLY|O_APPEND            cloexec  pos 4096  file 2 (/var/log/counter.log)\n"));
	EXPECT_TRUE(has(text, "     6  pipe     O_WRONLY                     -        pos 0  pipe 1\n"));

	auto ppc_text = crctl::image_text(read(ppc().build()));
	EXPECT_TRUE(has(ppc_text, "ppc64 registers:\n  nip                    0x10000124\n"));
	EXPECT_TRUE(has(ppc_text, "  flags                  0x3 (vmx vsx)\n"));
	EXPECT_TRUE(has(ppc_text, "pages: 2 runs, 3 pages, 196608 bytes"));
}

TEST(Process, ImagesWithoutProcessSectionsHaveNoProcessKeys)
{
	auto j = crctl::image_json(read(ImageBuilder(crctl::test::x86_machine()).section(0x100, "x").finish()));
	for (const char *key : {"task", "files", "vmas", "pages", "x86_regs", "ppc_regs", "signals", "pending",
				"creds", "pipes", "fds"})
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
	auto p = ppc();
	expect_alone_refused(p.machine, CRMOD_SEC_REGS_PPC, raw(p.ppc).substr(0, 100),
			     "REGS_PPC payload is 100 bytes, expected " + std::to_string(sizeof(crmod_ppc_regs)) +
				     " (struct crmod_ppc_regs)");
}

TEST(Process, VmasLengthNotAMultiple)
{
	auto spec = x86();
	expect_alone_refused(spec.machine, CRMOD_SEC_VMAS, raw(spec.vmas) + "xyz",
			     "VMAS payload is 243 bytes, not a multiple of 40 (struct crmod_vma)");
	expect_alone_refused(spec.machine, CRMOD_SEC_VMAS, "",
			     "VMAS payload is empty: a process has at least one mapping");
}

// One field of the sample x86 process changed, and where and why that image
// is refused: at byte `at` of section `section`'s payload.
struct FieldError {
	void (*change)(ProcessSpec &);
	std::size_t section;
	std::uint64_t at;
	std::string where, problem;
};

std::vector<FieldError> field_errors()
{
	const auto sample = x86();
	return {
		{[](ProcessSpec &p) { std::swap(p.vmas[2], p.vmas[3]); },
		 sample.vmas_section(), 3 * sizeof(crmod_vma), "section 5 (VMAS)",
		 "VMA 3 0x20000000-0x20002000 starts before VMA 2 0x7fffefffc000-0x7ffff0000000: "
		 "VMAs must be sorted and never overlap"},
		{[](ProcessSpec &p) { p.vmas[1].start = p.vmas[0].start; },
		 sample.vmas_section(), sizeof(crmod_vma), "section 5 (VMAS)",
		 "VMA 1 0x10000000-0x10002000 overlaps VMA 0 0x10000000-0x10001000: VMAs must be "
		 "sorted and never overlap"},
		{[](ProcessSpec &p) { p.vmas[2].end = p.vmas[2].start; },
		 sample.vmas_section(), 2 * sizeof(crmod_vma), "section 5 (VMAS)",
		 "VMA 2 0x20000000-0x20000000 is empty or inverted"},
		{[](ProcessSpec &p) { p.vmas[2].end += 0x10; },
		 sample.vmas_section(), 2 * sizeof(crmod_vma), "section 5 (VMAS)",
		 "VMA 2 0x20000000-0x20002010 is not aligned to the page size 4096"},
		{[](ProcessSpec &p) { p.vmas[2].prot = 0x9; },
		 sample.vmas_section(), 2 * sizeof(crmod_vma) + offsetof(crmod_vma, prot), "section 5 (VMAS)",
		 "VMA 2 0x20000000-0x20002000: unknown prot bits 0x8"},
		{[](ProcessSpec &p) { p.vmas[2].flags |= 0x40; },
		 sample.vmas_section(), 2 * sizeof(crmod_vma) + offsetof(crmod_vma, flags), "section 5 (VMAS)",
		 "VMA 2 0x20000000-0x20002000: unknown flags 0x40"},
		{[](ProcessSpec &p) { p.vmas[2].reserved = 7; },
		 sample.vmas_section(), 2 * sizeof(crmod_vma) + offsetof(crmod_vma, reserved), "section 5 (VMAS)",
		 "VMA 2 0x20000000-0x20002000: reserved field is 0x7, expected 0"},
		{[](ProcessSpec &p) { p.vmas[2].pgoff = 3; },
		 sample.vmas_section(), 2 * sizeof(crmod_vma) + offsetof(crmod_vma, pgoff), "section 5 (VMAS)",
		 "VMA 2 0x20000000-0x20002000: anonymous, but with file offset 3 pages"},
		{[](ProcessSpec &p) { p.runs[0].nr_pages = 0; },
		 sample.pages_section(0), offsetof(crmod_pages, nr_pages), "section 6 (PAGES)",
		 "an empty run: nr_pages is 0"},
		{[](ProcessSpec &p) { p.runs[0].addr += 8; },
		 sample.pages_section(0), 0, "section 6 (PAGES)",
		 "run address 0x20000008 is not aligned to the page size 4096"},
		{[](ProcessSpec &p) { p.runs[0].nr_pages = 3; },	// the heap has 2
		 sample.pages_section(0), 0, "section 6 (PAGES)",
		 "run 0x20000000-0x20003000 (3 pages) is not inside one VMA"},
		{[](ProcessSpec &p) { p.runs[0].addr = 0x30000000; },
		 sample.pages_section(0), 0, "section 6 (PAGES)",
		 "run 0x30000000-0x30001000 (1 page) is not inside one VMA"},
		{[](ProcessSpec &p) { p.vmas[1].flags = CRMOD_VMA_SHARED; p.runs[0].addr = p.vmas[1].start; },
		 sample.pages_section(0), 0, "section 6 (PAGES)",
		 "run 0x10001000-0x10002000 (1 page) is in the shared file mapping "
		 "0x10001000-0x10002000 (VMA 1): its pages belong to the file"},
		{[](ProcessSpec &p) { p.files[1].first.path_len = 30; },
		 sample.file_section(1), offsetof(crmod_file, path_len), "section 1 (FILE)",
		 "path_len 30 does not match the 21 bytes after struct crmod_file"},
		{[](ProcessSpec &p) {
			 p.files[0] = {crctl::test::file_record(1, CRMOD_FILE_REGULAR, "usr/bin/counter", 0100755),
				       "usr/bin/counter"};
		 },
		 sample.file_section(0), sizeof(crmod_file), "section 0 (FILE)",
		 "path \"usr/bin/counter\" is not absolute"},
		{[](ProcessSpec &p) { p.files[1].first.id = 3; },
		 sample.file_section(1), offsetof(crmod_file, id), "section 1 (FILE)",
		 "file id 3, expected 2 (ids count from 1 in image order)"},
		{[](ProcessSpec &p) { p.files[1].first.kind = 9; },
		 sample.file_section(1), offsetof(crmod_file, kind), "section 1 (FILE)",
		 "unknown file kind 9"},
		{[](ProcessSpec &p) { p.files[1].first.reserved = 1; },
		 sample.file_section(1), offsetof(crmod_file, reserved), "section 1 (FILE)",
		 "reserved field is 0x1, expected 0"},
		{[](ProcessSpec &p) { p.vmas[3].file = 4; },
		 sample.vmas_section(), 3 * sizeof(crmod_vma) + offsetof(crmod_vma, file), "section 5 (VMAS)",
		 "VMA 3 refers to file id 4, which no FILE section defines (the image has 3)"},
		{[](ProcessSpec &p) { p.task.exe_file = 9; },
		 sample.task_section(), offsetof(crmod_task, exe_file), "section 4 (TASK)",
		 "exe_file refers to file id 9, which no FILE section defines (the image has 3)"},
		{[](ProcessSpec &p) { p.task.cwd_file = 4; },
		 sample.task_section(), offsetof(crmod_task, cwd_file), "section 4 (TASK)",
		 "cwd_file refers to file id 4, which no FILE section defines (the image has 3)"},
		{[](ProcessSpec &p) { p.fds[4].file = 5; },
		 sample.fds_section(), 4 * sizeof(crmod_fd) + offsetof(crmod_fd, file), "section 12 (FDS)",
		 "fd 4 refers to file id 5, which no FILE section defines (the image has 3)"},
		{[](ProcessSpec &p) { p.fds[5].file = 2; },
		 sample.fds_section(), 5 * sizeof(crmod_fd) + offsetof(crmod_fd, file), "section 12 (FDS)",
		 "fd 5 refers to pipe id 2, which no PIPE section defines (the image has 1)"},
		{[](ProcessSpec &p) { p.task.root_file = 4; },
		 sample.task_section(), offsetof(crmod_task, root_file), "section 4 (TASK)",
		 "root_file refers to file id 4, which no FILE section defines (the image has 3)"},
		{[](ProcessSpec &p) { p.signals.reserved = 3; },
		 sample.signals_section(), offsetof(crmod_signals, reserved), "section 9 (SIGNALS)",
		 "reserved field is 0x3, expected 0"},
		{[](ProcessSpec &p) { p.x86.reserved = 4; },
		 sample.regs_section(), offsetof(crmod_x86_regs, reserved), "section 8 (REGS_X86)",
		 "reserved field is 0x4, expected 0"},
		{[](ProcessSpec &p) { p.fds[2].reserved = 5; },
		 sample.fds_section(), 2 * sizeof(crmod_fd) + offsetof(crmod_fd, reserved), "section 12 (FDS)",
		 "fd 2: reserved field is 0x5, expected 0"},
		{[](ProcessSpec &p) { p.pipes[0].first.reserved = 6; },
		 sample.pipe_section(0), offsetof(crmod_pipe, reserved), "section 3 (PIPE)",
		 "reserved field is 0x6, expected 0"},
		{[](ProcessSpec &p) { std::memset(p.task.comm, 'c', sizeof(p.task.comm)); },
		 sample.task_section(), 0, "section 4 (TASK)",
		 "comm is not NUL-terminated"},
		{[](ProcessSpec &p) { p.task.auxv_words = 130; },
		 sample.task_section(), offsetof(crmod_task, auxv_words), "section 4 (TASK)",
		 "auxv_words 130 exceeds the 128 words of auxv"},
		{[](ProcessSpec &p) { p.task.auxv_words = 5; },
		 sample.task_section(), offsetof(crmod_task, auxv_words), "section 4 (TASK)",
		 "auxv_words 5 is odd: auxv holds (type, value) pairs"},
		{[](ProcessSpec &p) { p.task.brk = p.task.start_brk - 4096; },
		 sample.task_section(), offsetof(crmod_task, start_brk), "section 4 (TASK)",
		 "start_brk-brk 0x20000000-0x1ffff000 is inverted"},
		{[](ProcessSpec &p) { p.task.rlim_cur[7] = 5000; },
		 sample.task_section(), offsetof(crmod_task, rlim_cur) + 7 * 8, "section 4 (TASK)",
		 "rlimit 7: soft limit 5000 above the hard limit 4096"},
		{[](ProcessSpec &p) { p.task.nice = 20; },
		 sample.task_section(), offsetof(crmod_task, nice), "section 4 (TASK)",
		 "nice 20 is outside -20..19"},
		{[](ProcessSpec &p) { p.x86.xsave_size = 520; p.xsave.resize(520); },
		 sample.regs_section(), offsetof(crmod_x86_regs, xsave_size), "section 8 (REGS_X86)",
		 "xsave_size 520 is neither 512 (FXSAVE) nor at least 576 (XSAVE with its header)"},
		{[](ProcessSpec &p) { p.signals.action[14].flags = 0x200; },
		 sample.signals_section(), 14 * sizeof(crmod_sigaction) + offsetof(crmod_sigaction, flags),
		 "section 9 (SIGNALS)",
		 "SIGTERM: unknown flags 0x200"},
		{[](ProcessSpec &p) { p.signals.altstack_flags = 0x10; },
		 sample.signals_section(), offsetof(crmod_signals, altstack_flags), "section 9 (SIGNALS)",
		 "unknown alternate stack flags 0x10"},
		{[](ProcessSpec &p) { p.pending[0].info[0] = 12; },
		 sample.pending_section(), offsetof(crmod_pending_signal, info), "section 10 (PENDING)",
		 "pending signal 0: number 10, but its siginfo says 12"},
		{[](ProcessSpec &p) { p.pending[0] = crctl::test::pending_signal(65, 0); },
		 sample.pending_section(), 0, "section 10 (PENDING)",
		 "pending signal 0: number 65 is not a signal (1..64)"},
		{[](ProcessSpec &p) { p.pipes[0].first.capacity = 4; },
		 sample.pipe_section(0), offsetof(crmod_pipe, len), "section 3 (PIPE)",
		 "5 buffered bytes in a pipe of 4"},
		{[](ProcessSpec &p) { std::swap(p.fds[3].fd, p.fds[4].fd); },
		 sample.fds_section(), 4 * sizeof(crmod_fd), "section 12 (FDS)",
		 "fd entry 4: fd 3 after fd 4: fds must be sorted, each once"},
		{[](ProcessSpec &p) { p.fds[4].fd = 3; },
		 sample.fds_section(), 4 * sizeof(crmod_fd), "section 12 (FDS)",
		 "fd entry 4: fd 3 after fd 3: fds must be sorted, each once"},
		{[](ProcessSpec &p) { p.fds[1].kind = 9; },
		 sample.fds_section(), sizeof(crmod_fd) + offsetof(crmod_fd, kind), "section 12 (FDS)",
		 "fd 1: unknown kind 9"},
		{[](ProcessSpec &p) { p.fds[4].file = 0; },
		 sample.fds_section(), 4 * sizeof(crmod_fd) + offsetof(crmod_fd, file), "section 12 (FDS)",
		 "fd 4: of kind file, but with id 0"},
		{[](ProcessSpec &p) { p.fds[3].file = 1; },
		 sample.fds_section(), 3 * sizeof(crmod_fd) + offsetof(crmod_fd, file), "section 12 (FDS)",
		 "fd 3: id 1 on an fd of kind devnull"},
		{[](ProcessSpec &p) { p.fds[4].pos = -1; },
		 sample.fds_section(), 4 * sizeof(crmod_fd) + offsetof(crmod_fd, pos), "section 12 (FDS)",
		 "fd 4: negative position -1"},
	};
}

TEST(Process, EveryFieldErrorIsNamedPrecisely)
{
	for (const auto &e : field_errors()) {
		SCOPED_TRACE(e.problem);
		auto spec = x86();
		e.change(spec);
		expect_refused(spec, e.section, e.at, e.where, e.problem);
	}
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
	expect_refused(p, p.regs_section(), offsetof(crmod_ppc_regs, flags), "section 8 (REGS_PPC)",
		       "unknown flags 0x100");
}


TEST(Process, XsaveArea)
{
	auto spec = x86();
	spec.x86.xsave_size = 2048;	// but 1024 bytes follow
	expect_error(spec.build(), spec.builder().offset_of(spec.regs_section()), "section 8 (REGS_X86)",
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


TEST(Process, FdsLengthNotAMultiple)
{
	auto spec = x86();
	expect_alone_refused(spec.machine, CRMOD_SEC_FDS, raw(spec.fds) + "1234",
			     "FDS payload is " + std::to_string(7 * sizeof(crmod_fd) + 4) +
				     " bytes, not a multiple of 32 (struct crmod_fd)");
}


TEST(Process, TheFullMessageNamesSectionOffsetAndProblem)
{
	auto spec = x86();
	spec.vmas[1].start = spec.vmas[0].start;
	auto e = error_for(spec.build());
	EXPECT_EQ(std::string(e.what()),
		  "section 5 (VMAS) at offset " +
			  std::to_string(spec.payload_offset(spec.vmas_section(), sizeof(crmod_vma))) +
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
	EXPECT_EQ(crctl::machine_mismatch(p, p4k),
		  "the image was taken with a page size of 65536 bytes, this machine's is 4096");
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
	auto page_byte = spec.payload_offset(spec.pages_section(0), sizeof(crmod_pages) + 10);
	auto damaged = image;
	damaged[page_byte] = static_cast<char>(damaged[page_byte] ^ 0x40);
	EXPECT_NE(std::string(error_for(damaged).what()).find("payload CRC32C mismatch"), std::string::npos);
	std::istringstream in(damaged);
	EXPECT_NO_THROW(crctl::read_image(in, crctl::PageContent::skip_crc));

	auto vma_byte = spec.payload_offset(spec.vmas_section(), 3);
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
	auto page_byte = spec.payload_offset(spec.pages_section(0), sizeof(crmod_pages) + 10);
	auto cut = check(image.substr(0, page_byte));
	EXPECT_NE(cut.find("truncated: the payload needs"), std::string::npos) << cut;
	EXPECT_NE(cut.find("(PAGES)"), std::string::npos) << cut;
}
