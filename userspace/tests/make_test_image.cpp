// Writes small format-2 images for the CLI tests:
//   make_test_image x86|ppc FILE          two sections of unknown types
//   make_test_image x86|ppc FILE process  a whole process (tests/image_builder.hpp)
#include "image_builder.hpp"
#include "machines.hpp"

#include <fstream>
#include <iostream>
#include <string>

int main(int argc, char **argv)
{
	bool usage_ok = (argc == 3 || (argc == 4 && std::string(argv[3]) == "process")) &&
			(std::string(argv[1]) == "x86" || std::string(argv[1]) == "ppc");
	if (!usage_ok) {
		std::cerr << "usage: make_test_image x86|ppc FILE [process]\n";
		return 2;
	}
	auto machine = std::string(argv[1]) == "x86" ? crctl::test::x86_machine() : crctl::test::ppc_machine();
	auto image = argc == 4 ? crctl::test::sample_process(machine).build()
			       : crctl::test::ImageBuilder(machine)
					 .section(0x100, "task")
					 .section(0x200, std::string(8192, 'p'))
					 .finish();
	std::ofstream(argv[2], std::ios::binary) << image;
	return 0;
}
