#include "trace.hpp"

#include <fmt/format.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <system_error>

namespace crctl::cli {

// The state letter of /proc/PID/stat (R, S, Z, ...), or 0 if unreadable.
char process_state(pid_t pid)
{
	std::ifstream stat(fmt::format("/proc/{}/stat", pid));
	std::string text;
	std::getline(stat, text);
	auto close = text.rfind(')');
	if (close == std::string::npos || close + 2 >= text.size())
		return 0;
	return text[close + 2];
}

// The tids /proc/PID/task lists now.
std::set<pid_t> thread_ids(pid_t pid)
{
	std::set<pid_t> tids;
	std::error_code ec;
	for (const auto &entry : std::filesystem::directory_iterator(fmt::format("/proc/{}/task", pid), ec)) {
		const auto name = entry.path().filename().string();
		pid_t tid = 0;
		if (std::from_chars(name.data(), name.data() + name.size(), tid).ec == std::errc{})
			tids.insert(tid);
	}
	return tids;
}

} // namespace crctl::cli
