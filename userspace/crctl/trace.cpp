#include "trace.hpp"

#include <fmt/format.h>

#include <charconv>
#include <sstream>
#include <filesystem>
#include <fstream>
#include <system_error>

#include <elf.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>

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

std::set<pid_t> child_ids(pid_t pid)
{
	std::set<pid_t> children;
	for (pid_t tid : thread_ids(pid)) {
		std::ifstream list(fmt::format("/proc/{}/task/{}/children", pid, tid));
		for (pid_t child; list >> child;)
			children.insert(child);
	}
	return children;
}

std::optional<AddressRange> vdso_range(pid_t pid)
{
	std::ifstream maps(fmt::format("/proc/{}/maps", pid));
	for (std::string line; std::getline(maps, line);) {
		if (!line.ends_with(" [vdso]"))
			continue;
		AddressRange r;
		char dash = 0;
		std::istringstream in(line);
		in >> std::hex >> r.start >> dash >> r.end;
		if (in && dash == '-' && r.start < r.end)
			return r;
	}
	return std::nullopt;
}

std::optional<std::uint64_t> stopped_ip(pid_t tid)
{
#if defined(__x86_64__)
	user_regs_struct regs{};
#else
	// powerpc: struct pt_regs, gpr[32] then nip
	std::uint64_t regs[48]{};
#endif
	iovec io{&regs, sizeof(regs)};
	if (::ptrace(PTRACE_GETREGSET, tid, NT_PRSTATUS, &io) != 0)
		return std::nullopt;
#if defined(__x86_64__)
	return regs.rip;
#else
	return regs[32];
#endif
}

} // namespace crctl::cli
