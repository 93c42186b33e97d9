// Export packages written and read back, on disks made by qemu-img; damaged packages each with
// the error they must give; failed exports leave nothing behind.
#include "package/package.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "support/qemu_disks.h"
#include "support/temp_dir.h"

namespace vsm::package {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::QemuDiskKind;

class CancelAfterFirstChunk final : public Progress {
 public:
  void AddTotalBytes(uint64_t) override {}
  void AddDoneBytes(uint64_t) override { cancelled_ = true; }
  bool IsCancelled() const override { return cancelled_; }

 private:
  bool cancelled_ = false;
};

class PackageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(temp_ / "disks");
    fs::create_directories(temp_ / "exports");
    ASSERT_TRUE(testing::MakeQemuDisk(temp_ / "disks/boot.vhd", QemuDiskKind::kVhdDynamic, 16, 0x5a));
    ASSERT_TRUE(testing::MakeQemuDisk(temp_ / "disks/data.vhdx", QemuDiskKind::kVhdxDynamic, 16, 0xa5));
    system_.id = Guid::Generate();
    system_.name = "web01";
    system_.memory_mb = 2048;
    system_.processor_count = 2;
    system_.scsi_controller_count = 1;
    system_.drives = {{DriveKind::kHardDisk, ControllerKind::kIde, 0, 0, (temp_ / "disks/boot.vhd").string()},
                      {DriveKind::kHardDisk, ControllerKind::kScsi, 0, 5, (temp_ / "disks/data.vhdx").string()},
                      {DriveKind::kDvd, ControllerKind::kIde, 1, 0, "/isos/setup <&> \"x\".iso"}};
    system_.network_adapters = {{"External", "00155D0A0B0C", true}, {"", "00155D0A0B0D", false}};
    system_.notes = "notes with <xml> & \"quotes\"";
    system_.bios_guid = Guid::Generate();
    system_.creation_time =
        std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
  }

  Result<fs::path> Export(bool copy_vm_state = true) {
    NullProgress progress;
    return WritePackage(system_, temp_ / "exports",
                        {.copy_vm_state = copy_vm_state,
                         .staging_directory = StagingDirectoryFor(temp_ / "exports", system_.name, "job1")},
                        progress);
  }

  Result<void> ReadAndVerify(const fs::path& directory) {
    VSM_ASSIGN_OR_RETURN(Package package, ReadPackage(directory));
    NullProgress progress;
    return VerifyPackage(package, progress);
  }

  void Corrupt(const fs::path& file, std::streamoff offset) {
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(offset, offset < 0 ? std::ios::end : std::ios::beg);
    char c;
    f.get(c);
    f.seekp(offset, offset < 0 ? std::ios::end : std::ios::beg);
    f.put(static_cast<char>(c ^ 0x55));
  }

  testing::TempDir temp_;
  SystemDefinition system_;
};

TEST_F(PackageTest, RoundTripKeepsDefinitionAndDisks) {
  std::string boot_sha = testing::Sha256Sum(temp_ / "disks/boot.vhd");
  Result<fs::path> written = Export();
  ASSERT_TRUE(written.ok()) << written.error().ToString();
  EXPECT_EQ(*written, temp_ / "exports/web01");
  EXPECT_THAT(testing::ListDirectory(temp_ / "exports"), ElementsAre("web01"));
  EXPECT_THAT(testing::ListDirectory(*written),
              ElementsAre("Virtual Hard Disks", "Virtual Machines", "config.xml"));

  Result<Package> package = ReadPackage(*written);
  ASSERT_TRUE(package.ok()) << package.error().ToString();
  EXPECT_TRUE(package->contains_disks);
  EXPECT_EQ(package->files.size(), 3u);
  SystemDefinition expected = system_;
  expected.drives[0].path = (*written / "Virtual Hard Disks/boot.vhd").string();
  expected.drives[1].path = (*written / "Virtual Hard Disks/data.vhdx").string();
  EXPECT_EQ(package->system, expected);
  NullProgress progress;
  Result<void> verified = VerifyPackage(*package, progress);
  EXPECT_TRUE(verified.ok()) << verified.error().ToString();
  EXPECT_TRUE(testing::QemuCompare(temp_ / "disks/boot.vhd", expected.drives[0].path, QemuDiskKind::kVhdDynamic));
  EXPECT_TRUE(testing::QemuCompare(temp_ / "disks/data.vhdx", expected.drives[1].path, QemuDiskKind::kVhdxDynamic));
  EXPECT_EQ(testing::Sha256Sum(temp_ / "disks/boot.vhd"), boot_sha);
}

TEST_F(PackageTest, DisksSharingAFileNameGetDistinctNames) {
  fs::create_directories(temp_ / "disks/other");
  ASSERT_TRUE(testing::MakeQemuDisk(temp_ / "disks/other/boot.vhd", QemuDiskKind::kVhdDynamic, 8));
  system_.drives.push_back({DriveKind::kHardDisk, ControllerKind::kIde, 0, 1, (temp_ / "disks/other/boot.vhd").string()});
  ASSERT_TRUE(Export().ok());
  EXPECT_THAT(testing::ListDirectory(temp_ / "exports/web01/Virtual Hard Disks"),
              ElementsAre("boot (2).vhd", "boot.vhd", "data.vhdx"));
  EXPECT_TRUE(ReadAndVerify(temp_ / "exports/web01").ok());
}

TEST_F(PackageTest, ConfigurationOnlyExportNamesMissingDisks) {
  ASSERT_TRUE(Export(false).ok());
  EXPECT_THAT(testing::ListDirectory(temp_ / "exports/web01"), ElementsAre("Virtual Machines", "config.xml"));
  Result<Package> package = ReadPackage(temp_ / "exports/web01");
  ASSERT_TRUE(package.ok());
  EXPECT_EQ(package->system.drives[0].path, system_.drives[0].path);
  EXPECT_TRUE(ReadAndVerify(temp_ / "exports/web01").ok());
  fs::remove(temp_ / "disks/boot.vhd");
  fs::remove(temp_ / "disks/data.vhdx");
  Result<void> verified = ReadAndVerify(temp_ / "exports/web01");
  ASSERT_FALSE(verified.ok());
  EXPECT_THAT(verified.error().message(), HasSubstr("boot.vhd"));
  EXPECT_THAT(verified.error().message(), HasSubstr("data.vhdx"));
}

TEST_F(PackageTest, ExistingTargetIsNeverTouched) {
  fs::create_directories(temp_ / "exports/web01");
  std::ofstream(temp_ / "exports/web01/mine") << "x";
  Result<fs::path> written = Export();
  ASSERT_FALSE(written.ok());
  EXPECT_EQ(written.error().code(), ReturnCode::kInvalidParameter);
  EXPECT_THAT(written.error().message(), HasSubstr("already exists"));
  EXPECT_THAT(testing::ListDirectory(temp_ / "exports"), ElementsAre("web01"));
  EXPECT_THAT(testing::ListDirectory(temp_ / "exports/web01"), ElementsAre("mine"));
}

TEST_F(PackageTest, CancelledOrFailedExportLeavesNothing) {
  CancelAfterFirstChunk cancel;
  Result<fs::path> cancelled = WritePackage(
      system_, temp_ / "exports",
      {.staging_directory = StagingDirectoryFor(temp_ / "exports", system_.name, "job2")}, cancel);
  ASSERT_FALSE(cancelled.ok());
  EXPECT_THAT(testing::ListDirectory(temp_ / "exports"), IsEmpty());

  system_.drives[1].path = (temp_ / "disks/missing.vhdx").string();
  Result<fs::path> failed = Export();
  ASSERT_FALSE(failed.ok());
  EXPECT_THAT(failed.error().message(), HasSubstr("missing.vhdx"));
  EXPECT_THAT(testing::ListDirectory(temp_ / "exports"), IsEmpty());
}

TEST_F(PackageTest, ExportDirectoryInsteadOfPackageNamesTheSubdirectory) {
  ASSERT_TRUE(Export().ok());
  Result<Package> package = ReadPackage(temp_ / "exports");
  ASSERT_FALSE(package.ok());
  EXPECT_THAT(package.error().message(),
              HasSubstr("pass the package subdirectory instead: '" + (temp_ / "exports/web01").string() + "'"));
  Result<Package> empty = ReadPackage(temp_ / "disks");
  EXPECT_THAT(empty.error().message(), HasSubstr("holds no config.xml"));
}

TEST_F(PackageTest, DamagedPackagesGiveTheirErrors) {
  ASSERT_TRUE(Export().ok());
  fs::path package = temp_ / "exports/web01";
  fs::path disk = package / "Virtual Hard Disks/data.vhdx";

  Corrupt(disk, 1024 * 1024 + 100);  // data, not headers: only the hash sees it
  Result<void> tampered = ReadAndVerify(package);
  ASSERT_FALSE(tampered.ok());
  EXPECT_THAT(tampered.error().message(), HasSubstr("data.vhdx' does not match its SHA-256"));
  Corrupt(disk, 1024 * 1024 + 100);  // restore
  ASSERT_TRUE(ReadAndVerify(package).ok());

  Corrupt(package / "Virtual Hard Disks/boot.vhd", -512 + 70);  // the footer's checksum
  EXPECT_THAT(ReadAndVerify(package).error().message(), HasSubstr("boot.vhd"));
  Corrupt(package / "Virtual Hard Disks/boot.vhd", -512 + 70);

  fs::resize_file(disk, fs::file_size(disk) - 4096);
  EXPECT_THAT(ReadAndVerify(package).error().message(), HasSubstr("config.xml says"));
}

TEST_F(PackageTest, ManifestProblemsGiveTheirErrors) {
  ASSERT_TRUE(Export().ok());
  fs::path package = temp_ / "exports/web01";
  std::ifstream in(package / "config.xml");
  std::string config((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto with_config = [&](const std::string& text) {
    std::ofstream(package / "config.xml") << text;
    return ReadPackage(package);
  };
  auto replace = [&](std::string from, std::string to) {
    std::string text = config;
    size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return at == std::string::npos ? text : text.replace(at, from.size(), to);
  };
  EXPECT_THAT(with_config("<vsm-export").error().message(), HasSubstr("is not valid XML"));
  EXPECT_THAT(with_config(replace("format-version=\"1\"", "format-version=\"7\"")).error().message(),
              HasSubstr("format version 7"));
  EXPECT_THAT(with_config(replace("Virtual Hard Disks/boot.vhd", "../boot.vhd")).error().message(),
              HasSubstr("'..'"));
  EXPECT_THAT(with_config(replace("Virtual Hard Disks/boot.vhd", "/etc/passwd")).error().message(),
              HasSubstr("absolute path"));
  EXPECT_THAT(with_config(replace(system_.id.ToString() + ".exp", Guid::Generate().ToString() + ".exp"))
                  .error().message(),
              HasSubstr("needs"));
  std::ofstream(package / "config.xml") << config;

  fs::path boot = package / "Virtual Hard Disks/boot.vhd";
  fs::rename(boot, temp_ / "outside.vhd");
  fs::create_symlink(temp_ / "outside.vhd", boot);
  EXPECT_THAT(ReadPackage(package).error().message(), HasSubstr("symbolic link"));
  fs::remove(boot);
  fs::create_hard_link(temp_ / "outside.vhd", boot);
  EXPECT_THAT(ReadPackage(package).error().message(), HasSubstr("hard links"));
}

}  // namespace
}  // namespace vsm::package
