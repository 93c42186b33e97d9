// The one test every damaged-package case runs: undamaged, the exported package passes
// ReadPackage and VerifyPackage; damaged, the entries before the case's first failing one still
// accept it and that entry gives the case's error, code and message; and neither entry, failing,
// changes a byte of any file (a failed import check must leave the package as it found it).
#include "package_corpus.h"

#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>

#include "core/progress.h"
#include "core/result.h"
#include "core/system_definition.h"
#include "package/package.h"
#include "support/temp_dir.h"

namespace vsm::corpus {
namespace {

namespace fs = std::filesystem;
using testing::QemuDiskKind;

std::string ReadText(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void WriteText(const fs::path& file, const std::string& text) {
  std::ofstream(file, std::ios::binary | std::ios::trunc) << text;
}

const char* EntryName(PackageEntry entry) {
  return entry == PackageEntry::kReadPackage ? "ReadPackage" : "VerifyPackage";
}

// Exports the system described in package_corpus.h; returns the package directory.
fs::path ExportPackage(Workspace& w) {
  const fs::path base = w.Qemu(std::string("disks/") + kPackagedBase, QemuDiskKind::kVhdxDynamic);
  SystemDefinition system;
  system.id = Guid::Generate();
  system.name = "web01";
  system.memory_mb = 2048;
  system.processor_count = 2;
  system.scsi_controller_count = 1;
  system.drives = {{DriveKind::kHardDisk, ControllerKind::kIde, 0, 0,
                    w.Qemu("disks/boot.vhd", QemuDiskKind::kVhdDynamic).string()},
                   {DriveKind::kHardDisk, ControllerKind::kScsi, 0, 0,
                    w.Qemu("disks/data.vhdx", QemuDiskKind::kVhdxDynamic, 16, 0xa5).string()},
                   {DriveKind::kHardDisk, ControllerKind::kScsi, 0, 1,
                    w.Child("disks/child.avhdx", base).string()}};
  system.creation_time =
      std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
  fs::create_directories(w.Path("exports"));
  NullProgress progress;
  Result<fs::path> written = package::WritePackage(
      system, {}, w.Path("exports"),
      {.copy_vm_state = true,
       .staging_directory = package::StagingDirectoryFor(w.Path("exports"), system.name, "corpus")},
      progress);
  EXPECT_TRUE(written.ok()) << written.error().ToString();
  const fs::path package = w.Path("exports/web01");
  const fs::path disks = package / "Virtual Hard Disks";
  const std::string exp_relative = "Virtual Machines/" + system.id.ToString() + ".exp";
  w.Set("package", package);
  w.Set("config", package / "config.xml");
  w.Set("disks", disks);
  w.Set("exp", package / exp_relative);
  w.Set("exp_relative", exp_relative);
  w.Set("boot", disks / "boot.vhd");
  w.Set("data", disks / "data.vhdx");
  w.Set("base", disks / kPackagedBase);
  w.Set("child", disks / "child.avhdx");
  return package;
}

// Runs ReadPackage, then VerifyPackage on what it read: the first error and the entry that gave it.
std::optional<std::pair<PackageEntry, Error>> Import(const fs::path& directory) {
  Result<package::Package> package = package::ReadPackage(directory);
  if (!package.ok()) return std::make_pair(PackageEntry::kReadPackage, package.error());
  NullProgress progress;
  Result<void> verified = package::VerifyPackage(*package, progress);
  if (!verified.ok()) return std::make_pair(PackageEntry::kVerifyPackage, verified.error());
  return std::nullopt;
}

// Every entry under `root` (links not followed): its kind, and for a regular file its size,
// link count and SHA-256, for a symbolic link its target.
std::map<std::string, std::string> Listing(const fs::path& root) {
  std::map<std::string, std::string> listing;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    const std::string relative = entry.path().lexically_relative(root).string();
    struct stat st;
    if (::lstat(entry.path().c_str(), &st) != 0) {
      listing[relative] = "unreadable";
    } else if (S_ISLNK(st.st_mode)) {
      listing[relative] = "symlink -> " + fs::read_symlink(entry.path()).string();
    } else if (S_ISDIR(st.st_mode)) {
      listing[relative] = "directory";
    } else {
      listing[relative] = "file " + std::to_string(st.st_size) + " bytes, " +
                          std::to_string(st.st_nlink) + " links, sha256 " +
                          testing::Sha256Sum(entry.path());
    }
  }
  return listing;
}

}  // namespace

std::string PackageCaseName(const ::testing::TestParamInfo<PackageCase>& info) {
  return info.param.name;
}

std::string ListedDigest(const fs::path& package, const std::string& relative) {
  const std::string config = ReadText(package / "config.xml");
  const size_t file = config.find("path=\"" + relative + "\"");
  const std::string attribute = "sha256-1m-blocks=\"";
  const size_t digest = config.find(attribute, file);
  if (file == std::string::npos || digest == std::string::npos) {
    ADD_FAILURE() << "config.xml lists no digest for " << relative;
    return "";
  }
  return config.substr(digest + attribute.size(), 64);
}

std::string ToolsDigest(const fs::path& file) {
  std::string output;
  EXPECT_EQ(testing::RunCommand("split -b 1M --filter='openssl dgst -sha256 -binary' " +
                                    testing::ShellQuote(file.string()) + " | sha256sum",
                                &output),
            0)
      << output;
  return output.substr(0, 64);
}

void DropFromConfig(const fs::path& package, const std::string& relative) {
  std::string config = ReadText(package / "config.xml");
  const size_t at = config.find("path=\"" + relative + "\"");
  ASSERT_NE(at, std::string::npos) << relative;
  const size_t start = config.rfind("<file ", at);
  const size_t end = config.find("/>", at);
  ASSERT_NE(start, std::string::npos);
  ASSERT_NE(end, std::string::npos);
  config.erase(start, end + 2 - start);
  WriteText(package / "config.xml", config);
}

void EditConfig(const fs::path& package, const std::string& from, const std::string& to) {
  std::string config = ReadText(package / "config.xml");
  const size_t at = config.find(from);
  ASSERT_NE(at, std::string::npos) << from;
  ASSERT_EQ(config.find(from, at + 1), std::string::npos) << from << " occurs twice";
  WriteText(package / "config.xml", config.replace(at, from.size(), to));
}

TEST_P(DamagedPackageTest, GivesItsExactErrorAndChangesNothing) {
  const PackageCase& c = GetParam();
  Workspace workspace;
  const fs::path package = ExportPackage(workspace);
  ASSERT_FALSE(HasFailure()) << "could not export the package of " << c;
  std::optional<std::pair<PackageEntry, Error>> undamaged = Import(package);
  ASSERT_FALSE(undamaged) << "undamaged, " << EntryName(undamaged->first)
                          << " refuses the package of " << c << ": "
                          << undamaged->second.ToString();

  c.damage_it(workspace, package);
  ASSERT_FALSE(HasFailure()) << "could not damage the package of " << c;

  const std::map<std::string, std::string> before = Listing(workspace.root());
  std::optional<std::pair<PackageEntry, Error>> failed = Import(package);
  const std::string context = c.name + " (" + c.damage + ")";
  if (c.ignored) {
    EXPECT_FALSE(failed) << context << " must be ignored, but " << EntryName(failed->first)
                         << " refuses it: " << failed->second.ToString();
  } else if (!failed) {
    ADD_FAILURE() << context << " is accepted by ReadPackage and VerifyPackage; expected "
                  << EntryName(c.first_to_fail) << " to give: " << workspace.Fill(c.message);
  } else {
    EXPECT_STREQ(EntryName(failed->first), EntryName(c.first_to_fail))
        << context << " is refused by another entry: " << failed->second.ToString();
    ExpectError(failed->second, c.code, workspace.Fill(c.message), c.match,
                std::string(EntryName(failed->first)) + " on " + context);
  }
  EXPECT_EQ(Listing(workspace.root()), before)
      << "the import checks changed files of the workspace on " << context;
}

}  // namespace vsm::corpus
