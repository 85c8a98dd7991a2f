// Writes a small format-v1 image for the CLI tests: make_test_image x86|ppc FILE
#include "image_builder.hpp"
#include "machines.hpp"

#include <fstream>
#include <iostream>
#include <string>

int main(int argc, char **argv)
{
	if (argc != 3 || (std::string(argv[1]) != "x86" && std::string(argv[1]) != "ppc")) {
		std::cerr << "usage: make_test_image x86|ppc FILE\n";
		return 2;
	}
	auto machine = std::string(argv[1]) == "x86" ? crctl::test::x86_machine() : crctl::test::ppc_machine();
	auto image = crctl::test::ImageBuilder(machine).section(0x100, "task").section(0x200, std::string(8192, 'p')).finish();
	std::ofstream(argv[2], std::ios::binary) << image;
	return 0;
}
