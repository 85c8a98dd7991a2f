// Writes small images for the CLI tests:
//   make_test_image x86|ppc FILE          two sections of unknown types
//   make_test_image x86|ppc FILE process  a whole process (tests/image_builder.hpp)
//   make_test_image x86|ppc FILE threads  the same with threads 4243 and 4244
//   make_test_image x86|ppc FILE format1  a header of format 1, then END
#include "image_builder.hpp"
#include "machines.hpp"

#include <fstream>
#include <iostream>
#include <string>

int main(int argc, char **argv)
{
	const std::string mode = argc == 4 ? argv[3] : "";
	bool usage_ok = (argc == 3 || (argc == 4 && (mode == "process" || mode == "threads" || mode == "format1"))) &&
			(std::string(argv[1]) == "x86" || std::string(argv[1]) == "ppc");
	if (!usage_ok) {
		std::cerr << "usage: make_test_image x86|ppc FILE [process|threads|format1]\n";
		return 2;
	}
	auto machine = std::string(argv[1]) == "x86" ? crctl::test::x86_machine() : crctl::test::ppc_machine();
	std::string image;
	if (mode == "process") {
		image = crctl::test::sample_process(machine).build();
	} else if (mode == "threads") {
		auto spec = crctl::test::sample_process(machine);
		spec.threads = {spec.thread_like_leader(4243), spec.thread_like_leader(4244)};
		image = spec.build();
	} else if (mode == "format1") {
		image = crctl::test::ImageBuilder(machine, 1).finish();
	} else {
		image = crctl::test::ImageBuilder(machine)
				.section(0x100, "task")
				.section(0x200, std::string(8192, 'p'))
				.finish();
	}
	std::ofstream(argv[2], std::ios::binary) << image;
	return 0;
}
