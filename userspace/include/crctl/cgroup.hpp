// Finding a cgroup v2 by the path an image's CGROUP section holds: relative
// to the root of crctl's cgroup namespace, as /proc/self/cgroup and the root
// field of /proc/self/mountinfo are. Pure functions of those files' text,
// and the moves that use them.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sys/types.h>

namespace crctl {

// One line of /proc/PID/mountinfo, its escapes (\040 and kin) undone.
struct MountInfo {
	std::string root;	// the mount's root within its filesystem
	std::string mount_point;
	std::string fstype;
};

// Every line of a mountinfo file; lines that do not parse are skipped.
std::vector<MountInfo> parse_mountinfo(std::string_view text);

// The directory of cgroup path (absolute) under a cgroup2 mount that shows
// it: mount point plus the path below the mount's root. Of several, the
// one whose root is closest; nullopt if no cgroup2 mount holds the path.
std::optional<std::string> cgroup_directory(const std::vector<MountInfo> &mounts, std::string_view path);

// The cgroup v2 path of /proc/PID/cgroup's "0::/path" line, or nullopt.
std::optional<std::string> cgroup_v2_path(std::string_view proc_cgroup);

// Why a process cannot be moved into the image's cgroup, in one line that
// names it and suggests --any-cgroup; nullopt if it is there already or
// was moved. Reads /proc/self/cgroup and /proc/self/mountinfo, writes pid to
// cgroup.procs. check_only: only find the cgroup's directory, move nobody.
std::optional<std::string> enter_cgroup(const std::string &path, pid_t pid, bool check_only);

} // namespace crctl
