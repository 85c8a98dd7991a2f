#include "crctl/device.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;

class DeviceTest : public ::testing::Test {
protected:
	void SetUp() override
	{
		dir_ = fs::temp_directory_path() /
		       ("crctl-device-test-" + std::to_string(::getpid()));
		fs::create_directories(dir_);
	}
	void TearDown() override { fs::remove_all(dir_); }

	crctl::DeviceErrorKind open_error(const fs::path &device, const fs::path &module_dir)
	{
		try {
			crctl::Device::open(device, module_dir);
		} catch (const crctl::DeviceError &e) {
			return e.kind();
		}
		ADD_FAILURE() << "open of " << device << " succeeded";
		return crctl::DeviceErrorKind::other;
	}

	fs::path dir_;
};

TEST_F(DeviceTest, NoModuleMeansNotLoaded)
{
	EXPECT_EQ(open_error(dir_ / "crctl", dir_ / "no-module"),
		  crctl::DeviceErrorKind::module_not_loaded);
}

TEST_F(DeviceTest, ModuleWithoutNodeMeansDeviceMissing)
{
	fs::create_directories(dir_ / "module");
	EXPECT_EQ(open_error(dir_ / "crctl", dir_ / "module"), crctl::DeviceErrorKind::device_missing);
}

TEST_F(DeviceTest, NotLoadedMessageSaysHowToLoad)
{
	try {
		crctl::Device::open(dir_ / "crctl", dir_ / "no-module");
		FAIL() << "open succeeded";
	} catch (const crctl::DeviceError &e) {
		EXPECT_NE(std::string(e.what()).find("modprobe crmod"), std::string::npos);
	}
}

TEST_F(DeviceTest, MissingMessageNamesTheDevice)
{
	fs::create_directories(dir_ / "module");
	try {
		crctl::Device::open(dir_ / "crctl", dir_ / "module");
		FAIL() << "open succeeded";
	} catch (const crctl::DeviceError &e) {
		std::string message = e.what();
		EXPECT_NE(message.find("loaded"), std::string::npos) << message;
		EXPECT_NE(message.find((dir_ / "crctl").string()), std::string::npos) << message;
	}
}

TEST_F(DeviceTest, UnreadableNodeMeansPermissionDenied)
{
	std::ofstream(dir_ / "locked") << "x";
	fs::permissions(dir_ / "locked", fs::perms::none);
	if (::geteuid() != 0) {
		EXPECT_EQ(open_error(dir_ / "locked", dir_), crctl::DeviceErrorKind::permission_denied);
		return;
	}
	// Root opens a mode 000 file anyway: try it as nobody, in a child.
	pid_t child = ::fork();
	ASSERT_GE(child, 0);
	if (child == 0) {
		if (::setresgid(65534, 65534, 65534) || ::setresuid(65534, 65534, 65534))
			::_exit(2);
		try {
			crctl::Device::open(dir_ / "locked", dir_);
		} catch (const crctl::DeviceError &e) {
			::_exit(e.kind() == crctl::DeviceErrorKind::permission_denied ? 0 : 3);
		}
		::_exit(4);
	}
	int status = 0;
	ASSERT_EQ(::waitpid(child, &status, 0), child);
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(WEXITSTATUS(status), 0) << "2: cannot become nobody, 3: wrong error kind, 4: opened";
}

TEST_F(DeviceTest, IoctlOnAFileThatIsNotTheDeviceFails)
{
	// A regular file opens, but the ioctls must fail cleanly, not pretend.
	std::ofstream(dir_ / "plain") << "x";
	auto device = crctl::Device::open(dir_ / "plain", dir_);
	EXPECT_THROW(device.version(), crctl::DeviceError);
	EXPECT_THROW(device.machine(), crctl::DeviceError);
}

TEST_F(DeviceTest, MovedFromDeviceKeepsOneOwner)
{
	std::ofstream(dir_ / "plain") << "x";
	auto first = crctl::Device::open(dir_ / "plain", dir_);
	auto second = std::move(first);
	EXPECT_EQ(second.path(), dir_ / "plain");
	EXPECT_THROW(second.version(), crctl::DeviceError);
}

} // namespace
