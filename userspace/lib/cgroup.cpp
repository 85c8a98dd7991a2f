#include "crctl/cgroup.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace crctl {

namespace {

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescape(std::string_view field)
{
	std::string out;
	for (std::size_t i = 0; i < field.size(); i++) {
		auto octal = [&](std::size_t at) { return at < field.size() && field[at] >= '0' && field[at] <= '7'; };
		if (field[i] == '\\' && octal(i + 1) && octal(i + 2) && octal(i + 3)) {
			out += static_cast<char>((field[i + 1] - '0') * 64 + (field[i + 2] - '0') * 8 + (field[i + 3] - '0'));
			i += 3;
		} else {
			out += field[i];
		}
	}
	return out;
}

std::vector<std::string_view> words(std::string_view line)
{
	std::vector<std::string_view> out;
	std::size_t at = 0;
	while (at < line.size()) {
		auto start = line.find_first_not_of(' ', at);
		if (start == std::string_view::npos)
			break;
		auto end = std::min(line.find(' ', start), line.size());
		out.push_back(line.substr(start, end - start));
		at = end;
	}
	return out;
}

// Is path at or below root, on a component boundary? What is below, if so.
std::optional<std::string_view> below(std::string_view path, std::string_view root)
{
	if (root == "/")
		return path;
	if (!path.starts_with(root) || (path.size() > root.size() && path[root.size()] != '/'))
		return std::nullopt;
	return path.substr(root.size());
}

std::string read_file(const char *path)
{
	std::ifstream in(path);
	std::ostringstream text;
	text << in.rdbuf();
	return text.str();
}

} // namespace

std::vector<MountInfo> parse_mountinfo(std::string_view text)
{
	std::vector<MountInfo> mounts;
	while (!text.empty()) {
		auto end = std::min(text.find('\n'), text.size());
		auto w = words(text.substr(0, end));
		text.remove_prefix(std::min(end + 1, text.size()));
		// id parent major:minor root mount-point options [optional...] - fstype source super-options
		auto dash = std::find(w.begin(), w.end(), "-");
		if (w.size() < 6 || dash == w.end() || dash - w.begin() < 6 || dash + 1 == w.end())
			continue;
		mounts.push_back({unescape(w[3]), unescape(w[4]), std::string(*(dash + 1))});
	}
	return mounts;
}

std::optional<std::string> cgroup_directory(const std::vector<MountInfo> &mounts, std::string_view path)
{
	const MountInfo *best = nullptr;
	std::string_view rest;
	for (const auto &m : mounts) {
		if (m.fstype != "cgroup2")
			continue;
		auto under = below(path, m.root);
		if (under && (!best || m.root.size() > best->root.size())) {
			best = &m;
			rest = *under;
		}
	}
	if (!best)
		return std::nullopt;
	std::string dir = best->mount_point;
	if (rest != "/")
		dir += dir.ends_with('/') && rest.starts_with('/') ? std::string(rest.substr(1)) : std::string(rest);
	return dir;
}

std::optional<std::string> cgroup_v2_path(std::string_view proc_cgroup)
{
	while (!proc_cgroup.empty()) {
		auto end = std::min(proc_cgroup.find('\n'), proc_cgroup.size());
		auto line = proc_cgroup.substr(0, end);
		proc_cgroup.remove_prefix(std::min(end + 1, proc_cgroup.size()));
		if (line.starts_with("0::"))
			return std::string(line.substr(3));
	}
	return std::nullopt;
}

std::optional<std::string> enter_cgroup(const std::string &path, pid_t pid, bool check_only)
{
	const auto advice = "; or restart in crctl's own cgroup with --any-cgroup";
	if (cgroup_v2_path(read_file("/proc/self/cgroup")) == path)
		return std::nullopt;
	auto dir = cgroup_directory(parse_mountinfo(read_file("/proc/self/mountinfo")), path);
	if (!dir)
		return fmt::format("the image was in cgroup {}, which no cgroup2 filesystem mounted here shows{}", path,
				   advice);
	struct stat st {};
	if (::stat(dir->c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
		return fmt::format("the image was in cgroup {}, which does not exist here ({}): create it{}", path, *dir,
				   advice);
	if (check_only)
		return std::nullopt;
	auto procs = *dir + "/cgroup.procs";
	int fd = ::open(procs.c_str(), O_WRONLY | O_CLOEXEC);
	int err = fd < 0 ? errno : 0;
	if (fd >= 0) {
		auto text = std::to_string(pid);
		if (::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size()))
			err = errno;
		::close(fd);
	}
	if (err)
		return fmt::format("cannot enter the image's cgroup {} (writing to {}: {}){}", path, procs,
				   std::strerror(err), advice);
	return std::nullopt;
}

} // namespace crctl
