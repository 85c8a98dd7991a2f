#include "crctl/device.hpp"

#include <gtest/gtest.h>

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
	if (::geteuid() == 0)
		GTEST_SKIP() << "root opens a mode 000 file anyway";
	std::ofstream(dir_ / "locked") << "x";
	fs::permissions(dir_ / "locked", fs::perms::none);
	EXPECT_EQ(open_error(dir_ / "locked", dir_), crctl::DeviceErrorKind::permission_denied);
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
