// Finding the image's cgroup: mountinfo and /proc/PID/cgroup as text.
#include "crctl/cgroup.hpp"

#include <gtest/gtest.h>

namespace {

// A host's mountinfo: cgroup2 at /sys/fs/cgroup, a bind mount of a sub-tree
// of it (root /user.slice) elsewhere, a cgroup v1 hierarchy, and a mount
// point with a space in it.
constexpr const char *mountinfo =
	"22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
	"25 22 0:22 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate\n"
	"31 22 0:22 /user.slice /srv/my\\040cgroups rw,relatime shared:9 - cgroup2 cgroup2 rw\n"
	"33 22 0:30 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
	"garbage line\n"
	"40 22 0:40 / /proc rw,nosuid master:3 shared:4 - proc proc rw\n";

TEST(Cgroup, ParsesMountinfo)
{
	auto mounts = crctl::parse_mountinfo(mountinfo);
	ASSERT_EQ(mounts.size(), 5u);
	EXPECT_EQ(mounts[0].mount_point, "/");
	EXPECT_EQ(mounts[0].fstype, "ext4");
	EXPECT_EQ(mounts[1].fstype, "cgroup2");
	EXPECT_EQ(mounts[1].root, "/");
	EXPECT_EQ(mounts[2].root, "/user.slice");
	EXPECT_EQ(mounts[2].mount_point, "/srv/my cgroups");	// \040 undone
	EXPECT_EQ(mounts[4].fstype, "proc");	// optional fields before "-"
	EXPECT_TRUE(crctl::parse_mountinfo("").empty());
}

TEST(Cgroup, DirectoryOfAPathUnderTheMountThatShowsIt)
{
	auto mounts = crctl::parse_mountinfo(mountinfo);
	// the closest root wins: the bind mount of /user.slice
	EXPECT_EQ(crctl::cgroup_directory(mounts, "/user.slice/counter.scope"), "/srv/my cgroups/counter.scope");
	EXPECT_EQ(crctl::cgroup_directory(mounts, "/user.slice"), "/srv/my cgroups");
	// on a component boundary only
	EXPECT_EQ(crctl::cgroup_directory(mounts, "/user.slicer/x"), "/sys/fs/cgroup/user.slicer/x");
	EXPECT_EQ(crctl::cgroup_directory(mounts, "/system.slice/cron.service"),
		  "/sys/fs/cgroup/system.slice/cron.service");
	EXPECT_EQ(crctl::cgroup_directory(mounts, "/"), "/sys/fs/cgroup");
	// v1 hierarchies are not cgroup2
	auto v1_only = crctl::parse_mountinfo("33 22 0:30 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n");
	EXPECT_EQ(crctl::cgroup_directory(v1_only, "/a"), std::nullopt);
	// a mount of a sub-tree does not show what is outside it
	auto sub_only = crctl::parse_mountinfo("31 22 0:22 /user.slice /mnt rw - cgroup2 cgroup2 rw\n");
	EXPECT_EQ(crctl::cgroup_directory(sub_only, "/system.slice"), std::nullopt);
	// a mount at / of a container
	auto root = crctl::parse_mountinfo("31 22 0:22 / / rw - cgroup2 cgroup2 rw\n");
	EXPECT_EQ(crctl::cgroup_directory(root, "/a/b"), "/a/b");
}

TEST(Cgroup, V2PathOfProcCgroup)
{
	EXPECT_EQ(crctl::cgroup_v2_path("0::/user.slice/user-1000.slice/session-2.scope\n"),
		  "/user.slice/user-1000.slice/session-2.scope");
	EXPECT_EQ(crctl::cgroup_v2_path("12:cpu,cpuacct:/\n1:name=systemd:/init.scope\n0::/init.scope\n"),
		  "/init.scope");
	EXPECT_EQ(crctl::cgroup_v2_path("12:cpu,cpuacct:/\n"), std::nullopt);
	EXPECT_EQ(crctl::cgroup_v2_path(""), std::nullopt);
}

TEST(Cgroup, ACgroupThatIsNotThereIsRefusedByName)
{
	// whatever this host has mounted, this cgroup is not in it
	auto why = crctl::enter_cgroup("/crctl-test-no-such/cgroup", 0, true);
	ASSERT_TRUE(why);
	EXPECT_NE(why->find("/crctl-test-no-such/cgroup"), std::string::npos) << *why;
	EXPECT_NE(why->find("--any-cgroup"), std::string::npos) << *why;
}

} // namespace
