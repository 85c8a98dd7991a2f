#include "crctl/device.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

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
