// Export packages written and read back, on disks made by qemu-img; damaged packages each with
// the error they must give; failed exports leave nothing behind.
#include "package/package.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <sys/stat.h>

#include <fstream>
#include <memory>
#include <iterator>
#include <map>
#include <optional>

#include "package/exp_file.h"
#include "disk/differencing_disk.h"
#include "disk/disk_chain.h"
#include "disk/disk_file.h"
#include "disk/vhdx_image.h"

#include "support/qemu_disks.h"
#include "support/temp_dir.h"

namespace vsm::package {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using testing::QemuDiskKind;


// Counts bytes; optionally cancels once `cancel_after` bytes are done.
class CountingProgress final : public Progress {
 public:
  explicit CountingProgress(uint64_t cancel_after = UINT64_MAX) : cancel_after_(cancel_after) {}
  void AddTotalBytes(uint64_t bytes) override { total += bytes; }
  void AddDoneBytes(uint64_t bytes) override { done += bytes; }
  bool IsCancelled() const override { return done >= cancel_after_ && done > 0; }
  uint64_t total = 0;
  uint64_t done = 0;

 private:
  uint64_t cancel_after_;
};

std::string ReadText(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void WriteText(const fs::path& file, const std::string& text) {
  std::ofstream(file, std::ios::binary | std::ios::trunc) << text;
}

std::string Replaced(std::string text, const std::string& from, const std::string& to) {
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return at == std::string::npos ? text : text.replace(at, from.size(), to);
}

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
                      {DriveKind::kDvd, ControllerKind::kIde, 1, 0, "/isos/setup <&> \"x\".iso"},
                      {DriveKind::kDvd, ControllerKind::kIde, 1, 1, ""}};
    system_.network_adapters = {{"External", "00155D0A0B0C", true}, {"", "00155D0A0B0D", false}};
    system_.notes = "  notes with <xml> & \"quotes\" 'apos'\r\nline two\ttab ]]> \u00e9\u65e5  ";
    system_.bios_guid = Guid::Generate();
    system_.creation_time =
        std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
  }

  Result<fs::path> Export(bool copy_vm_state = true) {
    NullProgress progress;
    return WritePackage(system_, {}, temp_ / "exports",
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
  std::string data_sha = testing::Sha256Sum(temp_ / "disks/data.vhdx");
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
  CountingProgress progress;
  Result<void> verified = VerifyPackage(*package, progress);
  EXPECT_TRUE(verified.ok()) << verified.error().ToString();
  // Progress counts the data the verification reads, not the holes of thin disks.
  uint64_t sizes = 0;
  for (const PackageFile& file : package->files) sizes += file.size_bytes;
  EXPECT_GT(progress.total, 0u);
  EXPECT_LE(progress.total, sizes);
  EXPECT_EQ(progress.done, progress.total);
  EXPECT_TRUE(testing::QemuCompare(temp_ / "disks/boot.vhd", expected.drives[0].path, QemuDiskKind::kVhdDynamic));
  EXPECT_TRUE(testing::QemuCompare(temp_ / "disks/data.vhdx", expected.drives[1].path, QemuDiskKind::kVhdxDynamic));
  EXPECT_TRUE(testing::QemuCheck(expected.drives[1].path, QemuDiskKind::kVhdxDynamic));
  EXPECT_EQ(testing::Sha256Sum(temp_ / "disks/boot.vhd"), boot_sha);
  EXPECT_EQ(testing::Sha256Sum(temp_ / "disks/data.vhdx"), data_sha);
  EXPECT_EQ(testing::Sha256Sum(expected.drives[0].path), boot_sha);

  std::string config = ReadText(*written / "config.xml");
  EXPECT_THAT(config, HasSubstr("<vsm-export format-version=\"3\">"));
  // The digest is the one docs/export-format.md tells users to check with standard tools.
  std::string tools_digest;
  ASSERT_EQ(testing::RunCommand("split -b 1M --filter='openssl dgst -sha256 -binary' " +
                                    testing::ShellQuote(expected.drives[1].path) + " | sha256sum",
                                &tools_digest),
            0);
  EXPECT_THAT(config, HasSubstr("sha256-1m-blocks=\"" + tools_digest.substr(0, 64) + "\""));
  EXPECT_THAT(config, HasSubstr("<contains-disks>true</contains-disks>"));
  EXPECT_THAT(config, HasSubstr("role=\"definition\""));
  EXPECT_THAT(config, HasSubstr("original-path=\"" + (temp_ / "disks/data.vhdx").string() + "\""));
}

// A block the BAT marks zero (as a trim leaves it) still holds its old bytes in the file; the
// export copies only what the format refers to, and the disk arrives the same.
TEST_F(PackageTest, TrimmedVhdxBlockIsNotCopiedAndTheDiskArrivesTheSame) {
  const fs::path source = temp_ / "disks/trimmed.vhdx";
  ASSERT_EQ(testing::RunCommand("qemu-img create -q -f vhdx -o block_size=2M " + testing::ShellQuote(source) +
                                " 64M && qemu-io -f vhdx -c 'write -P 0x11 0 2M' -c 'write -P 0x22 10M 2M' "
                                "-c 'write -P 0x33 40M 2M' " + testing::ShellQuote(source)),
            0);
  {
    Result<disk::DiskFile> file = disk::DiskFile::Open(source);
    ASSERT_TRUE(file.ok());
    Result<disk::VhdxFileLayout> layout = disk::ReadVhdxLayout(*file, /*keep_bat=*/true);
    ASSERT_TRUE(layout.ok()) << layout.error().ToString();
    const uint64_t index = layout->bat_layout.PayloadIndex(5);  // the block written at 10 MiB
    ASSERT_EQ(layout->bat[index] & 7, disk::kVhdxPayloadBlockFullyPresent);
    std::fstream f(source, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(layout->bat_region.file_offset + index * 8));
    const char zero_state[8] = {static_cast<char>(disk::kVhdxPayloadBlockZero)};  // little-endian
    f.write(zero_state, 8);
  }
  const std::string source_sha = testing::Sha256Sum(source);
  system_.drives[1].path = source.string();
  Result<fs::path> written = Export();
  ASSERT_TRUE(written.ok()) << written.error().ToString();
  const fs::path packaged = *written / "Virtual Hard Disks/trimmed.vhdx";
  EXPECT_LE(fs::file_size(packaged), fs::file_size(source));
  struct stat source_stat, packaged_stat;
  ASSERT_EQ(::stat(source.c_str(), &source_stat), 0);
  ASSERT_EQ(::stat(packaged.c_str(), &packaged_stat), 0);
  EXPECT_LE((packaged_stat.st_blocks + 4096) * 512, source_stat.st_blocks * 512)
      << "the trimmed block's 2 MiB were copied";
  EXPECT_TRUE(testing::QemuCompare(source, packaged, QemuDiskKind::kVhdxDynamic));
  EXPECT_TRUE(testing::QemuCheck(packaged, QemuDiskKind::kVhdxDynamic));
  EXPECT_TRUE(ReadAndVerify(*written).ok());
  EXPECT_EQ(testing::Sha256Sum(source), source_sha) << "the source changed";
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

TEST_F(PackageTest, ADiskTwoDrivesShareIsCopiedOnce) {
  system_.drives.push_back({DriveKind::kHardDisk, ControllerKind::kScsi, 0, 6, system_.drives[1].path});
  Result<fs::path> written = Export();
  ASSERT_TRUE(written.ok()) << written.error().ToString();
  EXPECT_THAT(testing::ListDirectory(*written / "Virtual Hard Disks"), ElementsAre("boot.vhd", "data.vhdx"));
  Result<Package> package = ReadPackage(*written);
  ASSERT_TRUE(package.ok()) << package.error().ToString();
  EXPECT_EQ(package->system.drives[1].path, package->system.drives[4].path);
  EXPECT_TRUE(ReadAndVerify(*written).ok());
}

TEST_F(PackageTest, DefinitionRoundTripsEdgeValues) {
  SystemDefinition system;
  system.id = Guid::Generate();
  system.name = "  <a & \"b\" 'c'> \u00fc ";
  system.notes = "   ";
  system.memory_mb = 1ull << 40;
  system.processor_count = 64;
  system.creation_time = std::chrono::system_clock::time_point(std::chrono::microseconds(1));
  system.network_adapters = {{"Switch \"x\" & <y>", "00155DFFFFFF", false}};
  fs::path file = temp_ / "x.exp";
  ASSERT_TRUE(WriteExpFile(system, file).ok());
  Result<SystemDefinition> read = ReadExpFile(file);
  ASSERT_TRUE(read.ok()) << read.error().ToString();
  EXPECT_EQ(*read, system);
  EXPECT_THAT(ReadText(file), HasSubstr("<PROPERTY NAME=\"VirtualSystemType\" TYPE=\"string\">"));
  EXPECT_FALSE(WriteExpFile(system, file).ok());  // never overwrites
}

TEST_F(PackageTest, ConfigurationOnlyExportNamesMissingDisks) {
  ASSERT_TRUE(Export(false).ok());
  fs::path package_dir = temp_ / "exports/web01";
  EXPECT_THAT(testing::ListDirectory(package_dir), ElementsAre("Virtual Machines", "config.xml"));
  EXPECT_THAT(ReadText(package_dir / "config.xml"), HasSubstr("<contains-disks>false</contains-disks>"));
  Result<Package> package = ReadPackage(package_dir);
  ASSERT_TRUE(package.ok()) << package.error().ToString();
  EXPECT_FALSE(package->contains_disks);
  EXPECT_EQ(package->files.size(), 1u);
  EXPECT_EQ(package->system, system_);  // original paths kept
  Result<void> present = ReadAndVerify(package_dir);
  EXPECT_TRUE(present.ok()) << present.error().ToString();

  fs::rename(temp_ / "disks/data.vhdx", temp_ / "data.vhdx");
  Result<void> one = ReadAndVerify(package_dir);
  ASSERT_FALSE(one.ok());
  EXPECT_EQ(one.error().code(), ReturnCode::kInvalidParameter);
  EXPECT_THAT(one.error().message(), HasSubstr("do not exist: '" + system_.drives[1].path + "';"));
  EXPECT_THAT(one.error().message(), Not(HasSubstr("boot.vhd")));

  fs::remove(temp_ / "disks/boot.vhd");
  Result<void> both = ReadAndVerify(package_dir);
  ASSERT_FALSE(both.ok());
  EXPECT_THAT(both.error().message(),
              HasSubstr("'" + system_.drives[0].path + "', '" + system_.drives[1].path + "'"));
}

TEST_F(PackageTest, ExistingTargetIsNeverTouched) {
  fs::create_directories(temp_ / "exports/web01");
  std::ofstream(temp_ / "exports/web01/mine") << "x";
  Result<fs::path> written = Export();
  ASSERT_FALSE(written.ok());
  EXPECT_EQ(written.error().code(), ReturnCode::kInvalidParameter);
  EXPECT_EQ(written.error().message(),
            "'" + (temp_ / "exports/web01").string() +
                "' already exists; export to another directory or remove it first");
  EXPECT_THAT(testing::ListDirectory(temp_ / "exports"), ElementsAre("web01"));
  EXPECT_THAT(testing::ListDirectory(temp_ / "exports/web01"), ElementsAre("mine"));
  EXPECT_EQ(ReadText(temp_ / "exports/web01/mine"), "x");

  // A dangling symbolic link is an existing name too.
  fs::remove_all(temp_ / "exports/web01");
  fs::create_directory_symlink(temp_ / "nowhere", temp_ / "exports/web01");
  ASSERT_FALSE(Export().ok());
  EXPECT_THAT(testing::ListDirectory(temp_ / "exports"), ElementsAre("web01"));
}

TEST_F(PackageTest, CancelledExportLeavesNothing) {
  CountingProgress cancel(/*cancel_after=*/1);  // cancelled after the first AddDoneBytes
  Result<fs::path> cancelled = WritePackage(
      system_, {}, temp_ / "exports",
      {.staging_directory = StagingDirectoryFor(temp_ / "exports", system_.name, "job2")}, cancel);
  ASSERT_FALSE(cancelled.ok());
  EXPECT_EQ(cancelled.error().code(), ReturnCode::kFailed);
  EXPECT_EQ(cancelled.error().message(), "export of 'web01' was cancelled");
  EXPECT_GT(cancel.done, 0u);
  EXPECT_THAT(testing::ListDirectory(temp_ / "exports"), IsEmpty());
}

TEST_F(PackageTest, FailedExportsLeaveNothing) {
  system_.drives[1].path = (temp_ / "disks/missing.vhdx").string();
  Result<fs::path> failed = Export();
  ASSERT_FALSE(failed.ok());
  EXPECT_THAT(failed.error().message(), HasSubstr("missing.vhdx"));
  EXPECT_THAT(testing::ListDirectory(temp_ / "exports"), IsEmpty());

  for (std::string name : {"", ".", "..", "a/b"}) {
    system_.name = name;
    Result<fs::path> bad = Export();
    ASSERT_FALSE(bad.ok()) << name;
    EXPECT_EQ(bad.error().code(), ReturnCode::kInvalidParameter) << name;
    EXPECT_THAT(testing::ListDirectory(temp_ / "exports"), IsEmpty()) << name;
  }

  // A staging directory that exists is not ours: refused and left alone.
  system_.name = "web01";
  fs::path staging = StagingDirectoryFor(temp_ / "exports", "web01", "job1");
  fs::create_directory(staging);
  std::ofstream(staging / "theirs") << "y";
  Result<fs::path> busy = Export();
  ASSERT_FALSE(busy.ok());
  EXPECT_THAT(busy.error().message(), HasSubstr("already exists"));
  EXPECT_THAT(testing::ListDirectory(staging), ElementsAre("theirs"));
  EXPECT_THAT(testing::ListDirectory(temp_ / "exports"), ElementsAre(staging.filename().string()));
}

TEST_F(PackageTest, StagingDirectoryIsAHiddenSibling) {
  fs::path staging = StagingDirectoryFor("/e", "web01", "J1");
  EXPECT_EQ(staging.parent_path(), fs::path("/e"));
  EXPECT_EQ(staging.filename().string().front(), '.');
  EXPECT_NE(staging, StagingDirectoryFor("/e", "web01", "J2"));
}

TEST_F(PackageTest, ExportDirectoryInsteadOfPackageNamesTheSubdirectory) {
  ASSERT_TRUE(Export().ok());
  system_.name = "db01";
  ASSERT_TRUE(WritePackage(system_, {}, temp_ / "exports",
                           {.copy_vm_state = false,
                            .staging_directory = StagingDirectoryFor(temp_ / "exports", "db01", "j")},
                           *std::make_unique<NullProgress>())
                  .ok());
  Result<Package> package = ReadPackage(temp_ / "exports");
  ASSERT_FALSE(package.ok());
  EXPECT_EQ(package.error().code(), ReturnCode::kInvalidParameter);
  EXPECT_EQ(package.error().message(),
            "'" + (temp_ / "exports").string() +
                "' is an export directory, not a package; pass the package subdirectory instead: '" +
                (temp_ / "exports/db01").string() + "', '" + (temp_ / "exports/web01").string() + "'");
  Result<Package> empty = ReadPackage(temp_ / "disks");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().message(),
            "'" + (temp_ / "disks").string() +
                "' holds no config.xml; pass the directory that ExportVirtualSystem created "
                "(<ExportDirectory>/<ElementName>)");
  EXPECT_FALSE(ReadPackage("exports/web01").ok());
  EXPECT_FALSE(ReadPackage(temp_ / "nonexistent").ok());
  Result<Package> trailing = ReadPackage((temp_ / "exports/web01").string() + "/");
  ASSERT_TRUE(trailing.ok()) << trailing.error().ToString();
  EXPECT_EQ(trailing->directory, temp_ / "exports/web01");
}

TEST_F(PackageTest, DamagedPackagesGiveTheirErrors) {
  ASSERT_TRUE(Export().ok());
  fs::path package = temp_ / "exports/web01";
  fs::path disk = package / "Virtual Hard Disks/data.vhdx";

  Corrupt(disk, 1024 * 1024 + 100);  // data, not headers: only the hash sees it
  Result<void> tampered = ReadAndVerify(package);
  ASSERT_FALSE(tampered.ok());
  EXPECT_EQ(tampered.error().code(), ReturnCode::kInvalidParameter);
  EXPECT_THAT(tampered.error().message(),
              HasSubstr("'" + disk.string() +
                        "' does not match its sha256-1m-blocks digest in config.xml (expected "));
  EXPECT_THAT(tampered.error().message(), HasSubstr("): the file is damaged or was modified"));
  Corrupt(disk, 1024 * 1024 + 100);  // restore
  ASSERT_TRUE(ReadAndVerify(package).ok());

  Corrupt(package / "Virtual Hard Disks/boot.vhd", -512 + 70);  // the footer's checksum
  EXPECT_THAT(ReadAndVerify(package).error().message(), HasSubstr("boot.vhd' is not a valid VHD"));
  Corrupt(package / "Virtual Hard Disks/boot.vhd", -512 + 70);

  uint64_t size = fs::file_size(disk);
  fs::resize_file(disk, size - 4096);
  EXPECT_THAT(ReadAndVerify(package).error().message(),
              HasSubstr(fmt::format("'{}' is {} bytes; config.xml says {}: the package is incomplete "
                                    "or was modified",
                                    disk.string(), size - 4096, size)));
  fs::remove(disk);
  EXPECT_THAT(ReadAndVerify(package).error().message(), HasSubstr("data.vhdx' is missing"));
}

// Packages of format 1 (plain SHA-256 of each file) written by earlier vsm stay importable.
TEST_F(PackageTest, FormatOnePackagesStayReadableAndVerified) {
  ASSERT_TRUE(Export().ok());
  fs::path package = temp_ / "exports/web01";
  Result<Package> current = ReadPackage(package);
  ASSERT_TRUE(current.ok());
  std::string config = ReadText(package / "config.xml");
  config = Replaced(config, "format-version=\"3\"", "format-version=\"1\"");
  for (const PackageFile& file : current->files) {
    config = Replaced(config, "sha256-1m-blocks=\"" + file.digest_hex + "\"",
                      "sha256=\"" + testing::Sha256Sum(package / file.relative_path) + "\"");
  }
  WriteText(package / "config.xml", config);
  Result<Package> old = ReadPackage(package);
  ASSERT_TRUE(old.ok()) << old.error().ToString();
  EXPECT_EQ(old->format_version, 1);
  CountingProgress progress;
  Result<void> verified = VerifyPackage(*old, progress);
  EXPECT_TRUE(verified.ok()) << verified.error().ToString();

  Corrupt(package / "Virtual Hard Disks/data.vhdx", 1024 * 1024 + 100);
  Result<void> tampered = VerifyPackage(*old, progress);
  ASSERT_FALSE(tampered.ok());
  EXPECT_THAT(tampered.error().message(), HasSubstr("does not match its sha256 digest"));
}

TEST_F(PackageTest, VerificationStopsWhenCancelled) {
  ASSERT_TRUE(Export().ok());
  Result<Package> package = ReadPackage(temp_ / "exports/web01");
  ASSERT_TRUE(package.ok());
  CountingProgress cancel(/*cancel_after=*/1);
  Result<void> verified = VerifyPackage(*package, cancel);
  ASSERT_FALSE(verified.ok());
  EXPECT_EQ(verified.error().code(), ReturnCode::kFailed);
  EXPECT_THAT(verified.error().message(), HasSubstr("cancelled"));
  EXPECT_LT(cancel.done, cancel.total);
}

TEST_F(PackageTest, ManifestProblemsGiveTheirErrors) {
  ASSERT_TRUE(Export().ok());
  fs::path package = temp_ / "exports/web01";
  fs::path config_path = package / "config.xml";
  std::string config = ReadText(config_path);
  auto with_config = [&](const std::string& text) {
    WriteText(config_path, text);
    return ReadPackage(package);
  };
  auto message = [&](const std::string& from, const std::string& to) {
    Result<Package> read = with_config(Replaced(config, from, to));
    EXPECT_FALSE(read.ok()) << to;
    return read.ok() ? std::string() : read.error().message();
  };
  Result<Package> malformed = with_config(config.substr(0, config.size() / 2));
  ASSERT_FALSE(malformed.ok());
  EXPECT_THAT(malformed.error().message(), HasSubstr("'" + config_path.string() + "' is not valid XML"));
  EXPECT_THAT(malformed.error().message(), HasSubstr("at byte"));
  EXPECT_EQ(message("format-version=\"3\"", "format-version=\"7\""),
            "'" + config_path.string() +
                "' has format version 7; this vsm reads versions 1 to 3: upgrade vsm");
  EXPECT_THAT(message("sha256-1m-blocks=\"", "sha256-1m-blocks=\"X"),
              HasSubstr("has no valid sha256-1m-blocks (64 lower-case hex digits)"));
  EXPECT_THAT(message("Virtual Hard Disks/boot.vhd", "Virtual Hard Disks/../../boot.vhd"), HasSubstr("'..'"));
  EXPECT_THAT(message("Virtual Hard Disks/boot.vhd", "/etc/passwd"), HasSubstr("absolute path"));
  EXPECT_THAT(message("Virtual Hard Disks/boot.vhd", "Virtual Hard Disks\\boot.vhd"), HasSubstr("backslash"));
  EXPECT_THAT(message("Virtual Hard Disks/boot.vhd", "Virtual Hard Disks//boot.vhd"), HasSubstr("empty path segment"));
  Guid other = Guid::Generate();
  EXPECT_THAT(message(system_.id.ToString() + ".exp", other.ToString() + ".exp"),
              HasSubstr("needs 'Virtual Machines/" + system_.id.ToString() + ".exp'"));
  WriteText(config_path, config);
  ASSERT_TRUE(ReadPackage(package).ok());

  // The .exp defines another system than config.xml names.
  fs::path exp = package / ("Virtual Machines/" + system_.id.ToString() + ".exp");
  std::string definition = ReadText(exp);
  WriteText(exp, Replaced(definition, "<VALUE>" + system_.id.ToString() + "</VALUE>",
                          "<VALUE>" + other.ToString() + "</VALUE>"));
  Result<Package> mismatch = ReadPackage(package);
  ASSERT_FALSE(mismatch.ok());
  EXPECT_THAT(mismatch.error().message(), HasSubstr("defines system " + other.ToString()));
  WriteText(exp, "<vsm-definition><INSTANCE");
  EXPECT_THAT(ReadPackage(package).error().message(), HasSubstr("'" + exp.string() + "' is not valid XML"));
  WriteText(exp, definition);
  ASSERT_TRUE(ReadPackage(package).ok());

  fs::path boot = package / "Virtual Hard Disks/boot.vhd";
  fs::rename(boot, temp_ / "outside.vhd");
  fs::create_symlink(temp_ / "outside.vhd", boot);
  EXPECT_EQ(ReadPackage(package).error().message(),
            "'" + boot.string() +
                "' is a symbolic link; a package may not link outside itself, so it is refused "
                "before anything is read through it: replace the link with the file it names "
                "(cp -L), or export the system again");
  fs::remove(boot);
  fs::create_hard_link(temp_ / "outside.vhd", boot);
  EXPECT_THAT(ReadPackage(package).error().message(), HasSubstr("'" + boot.string() + "' has 2 hard links"));
  fs::remove(boot);
  fs::rename(temp_ / "outside.vhd", boot);
  ASSERT_TRUE(ReadAndVerify(package).ok());

  // A linked directory leads outside just as well.
  fs::rename(package / "Virtual Hard Disks", temp_ / "outside");
  fs::create_directory_symlink(temp_ / "outside", package / "Virtual Hard Disks");
  EXPECT_THAT(ReadPackage(package).error().message(), HasSubstr("Virtual Hard Disks' is a symbolic link"));
  fs::remove(package / "Virtual Hard Disks");
  fs::rename(temp_ / "outside", package / "Virtual Hard Disks");

  fs::rename(config_path, temp_ / "config.xml");
  fs::create_symlink(temp_ / "config.xml", config_path);
  EXPECT_THAT(ReadPackage(package).error().message(), HasSubstr("config.xml' is a symbolic link"));
}


// A differencing chain base <- snap1 <- snap2 in `dir` (the base made by qemu, the children by
// vsm), data written into each child; returns the leaf.
fs::path MakeChain(const fs::path& dir, QemuDiskKind kind, const std::string& ext) {
  const fs::path base = dir / ("base" + ext);
  EXPECT_TRUE(testing::MakeQemuDisk(base, kind, 16, 0x11));
  fs::path parent = base;
  for (int level = 1; level <= 2; ++level) {
    const fs::path child = dir / ("snap" + std::to_string(level) + (ext == ".vhd" ? ".avhd" : ".avhdx"));
    Result<void> created = disk::CreateDifferencingDisk(child, parent);
    EXPECT_TRUE(created.ok()) << created.error().ToString();
    disk::ChainOptions options;
    options.leaf_access = disk::DiskLayer::Access::kReadWrite;
    Result<disk::DiskChain> chain = disk::DiskChain::Open(child, options);
    EXPECT_TRUE(chain.ok()) << chain.error().ToString();
    if (!chain.ok()) return child;
    std::vector<uint8_t> data(3 << 20, static_cast<uint8_t>(0x40 + level));
    EXPECT_TRUE(chain->layer(0).Write(level << 20, data, &chain->Below(0)).ok());
    EXPECT_TRUE(chain->layer(0).Flush().ok());
    parent = child;
  }
  return parent;
}

std::vector<uint8_t> ReadWholeChain(const fs::path& leaf, std::optional<fs::path> confine = {}) {
  disk::ChainOptions options;
  options.confine_to = confine;
  Result<disk::DiskChain> chain = disk::DiskChain::Open(leaf, options);
  EXPECT_TRUE(chain.ok()) << chain.error().ToString();
  if (!chain.ok()) return {};
  std::vector<uint8_t> out(chain->virtual_size_bytes());
  EXPECT_TRUE(chain->ReadVirtual(0, out).ok());
  return out;
}

// Removes the line of config.xml that lists `needle`.
void DropFromConfig(const fs::path& package, const std::string& needle) {
  std::string config = ReadText(package / "config.xml");
  size_t at = config.find(needle);
  ASSERT_NE(at, std::string::npos) << needle;
  size_t line_start = config.rfind('\n', at);
  size_t line_end = config.find('\n', at);
  config.erase(line_start, line_end - line_start);
  WriteText(package / "config.xml", config);
}

class PackageChainTest : public PackageTest,
                         public ::testing::WithParamInterface<std::pair<QemuDiskKind, std::string>> {};

TEST_P(PackageChainTest, ExportCarriesTheWholeChainAndImportProvesIt) {
  const auto& [kind, ext] = GetParam();
  fs::create_directories(temp_ / "chain");
  const fs::path leaf = MakeChain(temp_ / "chain", kind, ext);
  const std::vector<uint8_t> expected = ReadWholeChain(leaf);
  std::map<std::string, std::string> before;
  for (const auto& entry : fs::directory_iterator(temp_ / "chain")) {
    before[entry.path().string()] = testing::Sha256Sum(entry.path());
  }
  system_.drives = {{DriveKind::kHardDisk, ControllerKind::kIde, 0, 0, leaf.string()}};
  Result<fs::path> written = Export();
  ASSERT_TRUE(written.ok()) << written.error().ToString();
  const std::string child_ext = ext == ".vhd" ? ".avhd" : ".avhdx";
  EXPECT_THAT(testing::ListDirectory(*written / "Virtual Hard Disks"),
              ElementsAre("base" + ext, "snap1" + child_ext, "snap2" + child_ext));
  // The source chain is untouched.
  for (const auto& [path, sha] : before) EXPECT_EQ(testing::Sha256Sum(path), sha) << path;

  Result<Package> package = ReadPackage(*written);
  ASSERT_TRUE(package.ok()) << package.error().ToString();
  EXPECT_EQ(package->files.size(), 4u);
  NullProgress progress;
  Result<void> verified = VerifyPackage(*package, progress);
  ASSERT_TRUE(verified.ok()) << verified.error().ToString();
  // The packaged chain names its parents inside the package only: moving the source away and
  // confining the chain to the package changes nothing.
  fs::rename(temp_ / "chain", temp_ / "chain-moved");
  EXPECT_EQ(ReadWholeChain(package->system.drives[0].path, *written / "Virtual Hard Disks"),
            expected);
  EXPECT_TRUE(ReadAndVerify(*written).ok());
  std::string info;
  testing::RunCommand("vhdiinfo " + testing::ShellQuote(package->system.drives[0].path), &info);
  EXPECT_THAT(info, Not(HasSubstr(temp_.path().string())));
}

TEST_P(PackageChainTest, ExportOfABrokenChainFailsAndLeavesNothing) {
  const auto& [kind, ext] = GetParam();
  fs::create_directories(temp_ / "chain");
  const fs::path leaf = MakeChain(temp_ / "chain", kind, ext);
  fs::remove(temp_ / "chain" / ("base" + ext));
  system_.drives = {{DriveKind::kHardDisk, ControllerKind::kIde, 0, 0, leaf.string()}};
  Result<fs::path> written = Export();
  ASSERT_FALSE(written.ok());
  EXPECT_THAT(written.error().message(), HasSubstr("which was not found"));
  EXPECT_THAT(testing::ListDirectory(temp_ / "exports"), IsEmpty());
}

TEST_P(PackageChainTest, PackageMissingAParentIsRefusedNamingIt) {
  const auto& [kind, ext] = GetParam();
  fs::create_directories(temp_ / "chain");
  system_.drives = {{DriveKind::kHardDisk, ControllerKind::kIde, 0, 0,
                     MakeChain(temp_ / "chain", kind, ext).string()}};
  Result<fs::path> written = Export();
  ASSERT_TRUE(written.ok()) << written.error().ToString();
  const std::string child_ext = ext == ".vhd" ? ".avhd" : ".avhdx";
  const fs::path snap1 = *written / "Virtual Hard Disks" / ("snap1" + child_ext);
  // Remove snap1 from the disk and from config.xml: the chain of snap2 is broken.
  DropFromConfig(*written, "Virtual Hard Disks/snap1");
  fs::remove(snap1);
  Result<void> verified = ReadAndVerify(*written);
  ASSERT_FALSE(verified.ok());
  EXPECT_THAT(verified.error().message(), HasSubstr("snap2" + child_ext + "' needs its parent"));
}

TEST_P(PackageChainTest, UnlistedParentInsideThePackageIsRefused) {
  const auto& [kind, ext] = GetParam();
  fs::create_directories(temp_ / "chain");
  system_.drives = {{DriveKind::kHardDisk, ControllerKind::kIde, 0, 0,
                     MakeChain(temp_ / "chain", kind, ext).string()}};
  Result<fs::path> written = Export();
  ASSERT_TRUE(written.ok()) << written.error().ToString();
  DropFromConfig(*written, "Virtual Hard Disks/base");
  Result<void> verified = ReadAndVerify(*written);
  ASSERT_FALSE(verified.ok());
  EXPECT_THAT(verified.error().message(), HasSubstr("but config.xml does not list it"));
}

TEST_P(PackageChainTest, ParentLeadingOutOfThePackageIsRefused) {
  const auto& [kind, ext] = GetParam();
  fs::create_directories(temp_ / "chain");
  const fs::path leaf = MakeChain(temp_ / "chain", kind, ext);
  system_.drives = {{DriveKind::kHardDisk, ControllerKind::kIde, 0, 0, leaf.string()}};
  Result<fs::path> written = Export();
  ASSERT_TRUE(written.ok()) << written.error().ToString();
  const std::string child_ext = ext == ".vhd" ? ".avhd" : ".avhdx";
  // Point the packaged snap2 at the source's snap1, outside the package (same identity).
  const fs::path packaged = *written / "Virtual Hard Disks" / ("snap2" + child_ext);
  fs::remove(*written / "Virtual Hard Disks" / ("snap1" + child_ext));
  DropFromConfig(*written, "Virtual Hard Disks/snap1");
  ASSERT_TRUE(disk::RepointParent(packaged, temp_ / "chain" / ("snap1" + child_ext)).ok());
  Result<Package> package = ReadPackage(*written);
  ASSERT_TRUE(package.ok()) << package.error().ToString();
  NullProgress progress;
  Result<void> verified = VerifyPackage(*package, progress);
  ASSERT_FALSE(verified.ok());
  // Refused before its digest or anything through the outside parent is read.
  EXPECT_THAT(verified.error().message(), HasSubstr("which lies outside"));
}

INSTANTIATE_TEST_SUITE_P(Formats, PackageChainTest,
                         ::testing::Values(std::make_pair(QemuDiskKind::kVhdDynamic, std::string(".vhd")),
                                           std::make_pair(QemuDiskKind::kVhdxDynamic, std::string(".vhdx"))),
                         [](const auto& info) { return info.param.second == ".vhd" ? "Vhd" : "Vhdx"; });

}  // namespace
}  // namespace vsm::package

namespace vsm::package {
namespace {

// A snapshot tree s0 <- s1 over the chain base <- snap1 <- snap2: s0 froze the base, s1 froze
// snap1, and the system's current state writes snap2 and derives from s1.
class PackageSnapshotTest : public PackageTest {
 protected:
  void SetUp() override {
    PackageTest::SetUp();
    fs::create_directories(temp_ / "chain");
    const fs::path leaf = MakeChain(temp_ / "chain", QemuDiskKind::kVhdxDynamic, ".vhdx");
    s0_ = Snapshot("s0", Guid{}, temp_ / "chain/base.vhdx");
    s1_ = Snapshot("s1", s0_.id, temp_ / "chain/snap1.avhdx");
    system_.drives = {{DriveKind::kHardDisk, ControllerKind::kIde, 0, 0, leaf.string()}};
    system_.parent_snapshot = s1_.id;
  }

  SnapshotRecord Snapshot(const std::string& name, const Guid& parent, const fs::path& disk) {
    SnapshotRecord snapshot{.id = Guid::Generate(), .system = system_.id, .parent = parent,
                            .name = name, .creation_time = system_.creation_time,
                            .configuration = system_};
    snapshot.configuration.drives = {{DriveKind::kHardDisk, ControllerKind::kIde, 0, 0, disk.string()}};
    snapshot.configuration.parent_snapshot = parent;
    return snapshot;
  }

  Result<fs::path> ExportTree(bool copy_vm_state = true) {
    NullProgress progress;
    // Newest first: the writer must not rely on the order it is given.
    return WritePackage(system_, {s1_, s0_}, temp_ / "exports",
                        {.copy_vm_state = copy_vm_state,
                         .staging_directory = StagingDirectoryFor(temp_ / "exports", system_.name, "job1")},
                        progress);
  }

  fs::path SnapshotFile(const fs::path& package, const SnapshotRecord& snapshot) {
    return package / "Snapshots" / (snapshot.id.ToString() + ".exp");
  }

  SnapshotRecord s0_;
  SnapshotRecord s1_;
};

TEST_F(PackageSnapshotTest, TreeRoundTripsParentsFirstWithEveryLayerInside) {
  Result<fs::path> written = ExportTree();
  ASSERT_TRUE(written.ok()) << written.error().ToString();
  EXPECT_TRUE(fs::is_regular_file(SnapshotFile(*written, s0_)));
  EXPECT_TRUE(fs::is_regular_file(SnapshotFile(*written, s1_)));
  EXPECT_THAT(ReadText(*written / "config.xml"), HasSubstr("role=\"snapshot\""));

  Result<Package> package = ReadPackage(*written);
  ASSERT_TRUE(package.ok()) << package.error().ToString();
  ASSERT_EQ(package->snapshots.size(), 2u);
  const SnapshotRecord& s0 = package->snapshots[0];
  const SnapshotRecord& s1 = package->snapshots[1];
  EXPECT_EQ(s0.id, s0_.id);
  EXPECT_EQ(s1.id, s1_.id);
  EXPECT_EQ(s0.name, "s0");
  EXPECT_EQ(s1.name, "s1");
  EXPECT_TRUE(s0.parent.IsNull());
  EXPECT_EQ(s1.parent, s0_.id);
  EXPECT_EQ(s1.configuration.parent_snapshot, s0_.id);
  EXPECT_EQ(s1.creation_time, s1_.creation_time);
  EXPECT_EQ(s1.system, system_.id);
  EXPECT_EQ(s1.configuration.name, system_.name);
  EXPECT_EQ(package->system.parent_snapshot, s1_.id);
  ASSERT_EQ(s0.configuration.drives.size(), 1u);
  EXPECT_EQ(s0.configuration.drives[0].path, (*written / "Virtual Hard Disks/base.vhdx").string());
  EXPECT_EQ(s1.configuration.drives[0].path, (*written / "Virtual Hard Disks/snap1.avhdx").string());
  EXPECT_EQ(package->system.drives[0].path, (*written / "Virtual Hard Disks/snap2.avhdx").string());
  NullProgress progress;
  Result<void> verified = VerifyPackage(*package, progress);
  ASSERT_TRUE(verified.ok()) << verified.error().ToString();

  // What each snapshot reads inside the package is what it read where it was taken.
  EXPECT_EQ(ReadWholeChain(s0.configuration.drives[0].path, *written),
            ReadWholeChain(temp_ / "chain/base.vhdx"));
  EXPECT_EQ(ReadWholeChain(s1.configuration.drives[0].path, *written),
            ReadWholeChain(temp_ / "chain/snap1.avhdx"));
  EXPECT_EQ(ReadWholeChain(package->system.drives[0].path, *written),
            ReadWholeChain(temp_ / "chain/snap2.avhdx"));
}

TEST_F(PackageSnapshotTest, ConfigurationOnlyExportLeavesTheTreeOut) {
  Result<fs::path> written = ExportTree(/*copy_vm_state=*/false);
  ASSERT_TRUE(written.ok()) << written.error().ToString();
  EXPECT_FALSE(fs::exists(*written / "Snapshots"));
  Result<Package> package = ReadPackage(*written);
  ASSERT_TRUE(package.ok()) << package.error().ToString();
  EXPECT_THAT(package->snapshots, IsEmpty());
  EXPECT_EQ(package->system.drives[0].path, system_.drives[0].path);
}

TEST_F(PackageSnapshotTest, BrokenTreesAreRefusedNamingTheSnapshot) {
  Result<fs::path> written = ExportTree();
  ASSERT_TRUE(written.ok()) << written.error().ToString();
  const fs::path package = *written;
  const std::string config = ReadText(package / "config.xml");
  const std::string s0_exp = ReadText(SnapshotFile(package, s0_));
  const std::string s1_exp = ReadText(SnapshotFile(package, s1_));
  auto restore = [&] {
    WriteText(package / "config.xml", config);
    WriteText(SnapshotFile(package, s0_), s0_exp);
    WriteText(SnapshotFile(package, s1_), s1_exp);
    ASSERT_TRUE(ReadAndVerify(package).ok());
  };

  // s1's parent left out of the package.
  fs::rename(SnapshotFile(package, s0_), temp_ / "s0.exp");
  DropFromConfig(package, "Snapshots/" + s0_.id.ToString());
  EXPECT_EQ(ReadPackage(package).error().message(),
            fmt::format("snapshot 's1' ({}) has parent {}, which '{}' does not hold: the package "
                        "is incomplete",
                        s1_.id.ToString(), s0_.id.ToString(), package.string()));
  fs::rename(temp_ / "s0.exp", SnapshotFile(package, s0_));
  restore();

  // s0 edited to be s1's child: s0 <- s1 <- s0.
  const std::string s0_parent_before = "Microsoft:" + s0_.id.ToString();
  ASSERT_THAT(s1_exp, HasSubstr(s0_parent_before));
  std::string looped = s0_exp;
  const size_t parent_at = looped.find("<PROPERTY NAME=\"Parent\"");
  ASSERT_NE(parent_at, std::string::npos) << looped;
  const size_t value_end = looped.find("</PROPERTY>", parent_at);
  looped.replace(parent_at, value_end - parent_at,
                 "<PROPERTY NAME=\"Parent\" TYPE=\"string\"><VALUE>Microsoft:" +
                     s1_.id.ToString() + "</VALUE>");
  WriteText(SnapshotFile(package, s0_), looped);
  Result<Package> loop = ReadPackage(package);
  ASSERT_FALSE(loop.ok());
  EXPECT_THAT(loop.error().message(), HasSubstr("form a loop"));
  EXPECT_THAT(loop.error().message(), HasSubstr("is its own ancestor"));
  restore();

  // A snapshot's .exp under another snapshot's name.
  const Guid other = Guid::Generate();
  fs::rename(SnapshotFile(package, s1_), package / "Snapshots" / (other.ToString() + ".exp"));
  WriteText(package / "config.xml", Replaced(config, s1_.id.ToString() + ".exp", other.ToString() + ".exp"));
  EXPECT_EQ(ReadPackage(package).error().message(),
            fmt::format("'{}' holds snapshot {}, so its name must be 'Snapshots/{}.exp': the "
                        "package is inconsistent",
                        (package / "Snapshots" / (other.ToString() + ".exp")).string(),
                        s1_.id.ToString(), s1_.id.ToString()));
  fs::rename(package / "Snapshots" / (other.ToString() + ".exp"), SnapshotFile(package, s1_));
  restore();

  // A snapshot's bytes changed after export: its digest catches it.
  WriteText(SnapshotFile(package, s1_), Replaced(s1_exp, ">s1<", ">s9<"));
  Result<void> tampered = ReadAndVerify(package);
  ASSERT_FALSE(tampered.ok());
  EXPECT_THAT(tampered.error().message(),
              HasSubstr("'" + SnapshotFile(package, s1_).string() + "' does not match its"));
  restore();

  // Snapshots need format version 3.
  WriteText(package / "config.xml", Replaced(config, "format-version=\"3\"", "format-version=\"2\""));
  Result<Package> old = ReadPackage(package);
  ASSERT_FALSE(old.ok());
  EXPECT_THAT(old.error().message(), HasSubstr("snapshot"));
  restore();
}

}  // namespace
}  // namespace vsm::package
