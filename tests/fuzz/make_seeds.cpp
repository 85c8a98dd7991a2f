// Writes the fuzzer's synthetic seeds: x86_64 images built as the user-space
// tests build them (userspace/tests/image_builder.hpp), each valid as far as
// the module's phase 1a goes, or missing one thing on purpose.
//   make_seeds DIR
#include "image_builder.hpp"
#include "machines.hpp"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

using namespace crctl::test;

namespace {

std::string out_dir;

void write(const std::string &name, const std::string &image)
{
	std::ofstream(out_dir + "/" + name, std::ios::binary) << image;
}

// The machine the fuzzer's shim describes: x86_64, 4 KiB pages.
crmod_machine machine()
{
	auto m = x86_machine();
	std::strncpy(m.release, "6.1.0-57-amd64", sizeof(m.release) - 1);
	return m;
}

// The smallest process: one mapping, its registers, nothing open.
ProcessSpec minimal()
{
	ProcessSpec p;
	p.machine = machine();
	std::strcpy(p.task.comm, "min");
	for (int i = 0; i < CRMOD_RLIMITS; i++)
		p.task.rlim_cur[i] = p.task.rlim_max[i] = ~0ULL;
	p.task.start_stack = 0x7ffff000;
	p.cgroup = "/";
	p.vmas = {vma(0x7fff0000, 0x80000000, CRMOD_PROT_READ | CRMOD_PROT_WRITE, CRMOD_VMA_GROWSDOWN)};
	p.runs = {{0x7ffff000, 1}};
	p.x86.cs = 0x33;
	p.x86.ss = 0x2b;
	p.x86.ip = 0x7ffff010;
	p.x86.sp = 0x7ffff800;
	p.x86.xsave_size = 512;
	p.xsave = std::string(512, '\0');
	p.signals.altstack_flags = 2;
	return p;
}

} // namespace

int main(int argc, char **argv)
{
	if (argc != 2) {
		std::cerr << "usage: make_seeds DIR\n";
		return 2;
	}
	out_dir = argv[1];
	auto sample = sample_process(machine());
	write("sample-process.cr", sample.build());
	write("minimal-process.cr", minimal().build());
	// format 2, before threads; and processes with threads (format 3)
	write("sample-format2.cr", sample.build_format(2));
	auto threaded = sample;
	threaded.threads = {sample.thread_like_leader(4243), sample.thread_like_leader(4244)};
	write("sample-threads.cr", threaded.build());
	auto min_threaded = minimal();
	min_threaded.threads = {min_threaded.thread_like_leader(min_threaded.task.pid + 1)};
	write("minimal-threads.cr", min_threaded.build());

	// The sample without each section it needs: refused by the completeness check.
	const std::uint32_t needed[] = {CRMOD_SEC_TASK, CRMOD_SEC_VMAS, CRMOD_SEC_SIGNALS, CRMOD_SEC_PENDING,
					CRMOD_SEC_CREDS, CRMOD_SEC_TIMERS, CRMOD_SEC_CGROUP, CRMOD_SEC_OFDS,
					CRMOD_SEC_FDS, CRMOD_SEC_LOCKS, CRMOD_SEC_REGS_X86};
	for (auto type : needed)
		write("sample-without-" + std::to_string(type) + ".cr", sample.build(type));

	// One section of each kind alone, as the sample has it, then END.
	sample.sections([&, n = 0](std::uint32_t type, const std::string &payload) mutable {
		if (type == CRMOD_SEC_FILE_DATA || type == CRMOD_SEC_PAGES)
			return;	// need their FILE, their VMAS
		write("one-" + std::to_string(n++) + "-type-" + std::to_string(type) + ".cr",
		      ImageBuilder(machine()).section(type, payload).finish());
	});

	// A run of pages and file content after what they need.
	auto files = sample;
	files.vmas.clear();
	write("files-and-data.cr", ImageBuilder(machine())
					   .file(sample.files[4].first, sample.files[4].second)
					   .section(CRMOD_SEC_FILE_DATA, raw(crmod_file_data{5, 0, 0, 4096}) +
										 std::string(4096, 'm'))
					   .finish());

	// The header alone, format 1, another arch: refused at once.
	write("header-only.cr", ImageBuilder(machine()).finish());
	write("format1.cr", ImageBuilder(machine(), 1).finish());
	write("ppc64.cr", ImageBuilder(ppc_machine()).finish());
	return 0;
}
