// jsoncheck: JSON checks for the in-guest tests, which have no python or jq.
//   jsoncheck validate FILE|-          0 if FILE parses as JSON
//   jsoncheck get FILE POINTER         print the value (strings bare), 1 if absent
//   jsoncheck differ A B POINTER       0 if the values differ, 1 if equal
// Status 2: usage, an unreadable file, a malformed pointer, or (for get and
// differ) input that is not JSON or lacks POINTER.
#include <nlohmann/json.hpp>

#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>

namespace {

using nlohmann::json;

json load(const std::string &path)
{
	if (path == "-")
		return json::parse(std::cin);
	std::ifstream in(path);
	if (!in)
		throw std::runtime_error("cannot open " + path);
	return json::parse(in);
}

// A malformed pointer ("machine/arch", no leading slash) is a usage error,
// not a parse error of the input.
json::json_pointer pointer_from(const std::string &text)
{
	try {
		return json::json_pointer(text);
	} catch (const json::parse_error &e) {
		throw std::invalid_argument("bad JSON pointer '" + text + "': " + e.what());
	}
}

std::string show(const json &value)
{
	return value.is_string() ? value.get<std::string>() : value.dump();
}

int usage()
{
	std::cerr << "usage: jsoncheck validate FILE | get FILE POINTER | differ A B POINTER\n";
	return 2;
}

} // namespace

int main(int argc, char **argv)
{
	if (argc < 3)
		return usage();
	const std::string command = argv[1];
	try {
		if (command == "validate" && argc == 3) {
			load(argv[2]);
			return 0;
		}
		if (command == "get" && argc == 4) {
			json::json_pointer pointer = pointer_from(argv[3]);
			json doc = load(argv[2]);
			if (!doc.contains(pointer)) {
				std::cerr << "jsoncheck: " << argv[3] << " is absent\n";
				return 1;
			}
			std::cout << show(doc.at(pointer)) << '\n';
			return 0;
		}
		if (command == "differ" && argc == 5) {
			json::json_pointer pointer = pointer_from(argv[4]);
			json a = load(argv[2]).at(pointer);
			json b = load(argv[3]).at(pointer);
			std::cout << argv[4] << ": " << show(a) << " vs " << show(b) << '\n';
			return a != b ? 0 : 1;
		}
	} catch (const json::parse_error &e) {
		std::cerr << "jsoncheck: not JSON: " << e.what() << '\n';
		return command == "validate" ? 1 : 2;
	} catch (const std::exception &e) {
		std::cerr << "jsoncheck: " << e.what() << '\n';
		return 2;
	}
	return usage();
}
