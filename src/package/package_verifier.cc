// VerifyPackage: every byte an import relies on, read once.
#include <fmt/format.h>
#include <sys/stat.h>

#include <set>

#include "disk/disk_image.h"
#include "disk/file_copier.h"
#include "disk/posix_error.h"
#include "package/package.h"
#include "package/package_paths.h"

namespace vsm::package {
namespace {

namespace fs = std::filesystem;

// Forwards bytes done and cancellation; drops AddTotalBytes, since VerifyPackage reports the
// total of all files up front and HashFile would count each file a second time.
class DoneOnly final : public Progress {
 public:
  explicit DoneOnly(Progress& inner) : inner_(inner) {}
  void AddTotalBytes(uint64_t) override {}
  void AddDoneBytes(uint64_t bytes) override { inner_.AddDoneBytes(bytes); }
  bool IsCancelled() const override { return inner_.IsCancelled(); }

 private:
  Progress& inner_;
};

Error Cancelled(const Package& package) {
  return Error::Failed(
      fmt::format("verification of '{}' was cancelled", package.directory.string()));
}

bool IsPackagedDisk(const PackageFile& file) {
  const std::string prefix = std::string(kDisksDirectory) + "/";
  return file.relative_path.compare(0, prefix.size(), prefix) == 0;
}

Result<void> VerifyFile(const Package& package, const PackageFile& file, Progress& progress) {
  bool is_disk = IsPackagedDisk(file);
  VSM_ASSIGN_OR_RETURN(fs::path path, ResolveInside(package.directory, file.relative_path,
                                                    /*must_exist=*/true, is_disk));
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) return disk::ErrorFromErrno("cannot examine", path, errno);
  if (!S_ISREG(st.st_mode)) {
    return Error::InvalidParameter(fmt::format(
        "'{}' is not a regular file: the package was modified", path.string()));
  }
  if (static_cast<uint64_t>(st.st_size) != file.size_bytes) {
    return Error::InvalidParameter(fmt::format(
        "'{}' is {} bytes; config.xml says {}: the package is incomplete or was modified",
        path.string(), st.st_size, file.size_bytes));
  }
  if (is_disk) {
    // Headers first: a damaged disk is named by what is wrong with it, and before its hash.
    VSM_RETURN_IF_ERROR(disk::InspectDisk(path));
  }
  Result<std::string> sha256 = disk::HashFile(path, progress);
  if (progress.IsCancelled()) return Cancelled(package);
  if (!sha256.ok()) return sha256.error();
  if (*sha256 != file.sha256_hex) {
    return Error::InvalidParameter(fmt::format(
        "'{}' does not match its SHA-256 in config.xml (expected {}, found {}): the file is "
        "damaged or was modified",
        path.string(), file.sha256_hex, *sha256));
  }
  return Ok();
}

// A configuration-only package: the disks stay where the definition names them.
Result<void> VerifyExternalDisks(const Package& package, Progress& progress) {
  std::vector<std::string> present;
  std::string missing;
  std::set<std::string> seen;
  for (const Drive& drive : package.system.drives) {
    if (drive.kind != DriveKind::kHardDisk || drive.path.empty()) continue;
    if (!seen.insert(drive.path).second) continue;
    struct stat st;
    if (::stat(drive.path.c_str(), &st) != 0 && (errno == ENOENT || errno == ENOTDIR)) {
      missing += (missing.empty() ? "'" : ", '") + drive.path + "'";
    } else {
      present.push_back(drive.path);
    }
  }
  if (!missing.empty()) {
    return Error::InvalidParameter(fmt::format(
        "the package at '{}' was exported without its disks, and these disks it names do not "
        "exist: {}; put them back where they were, or export the system with its disks",
        package.directory.string(), missing));
  }
  for (const std::string& path : present) {
    if (progress.IsCancelled()) return Cancelled(package);
    VSM_RETURN_IF_ERROR(disk::InspectDisk(path));
  }
  return Ok();
}

}  // namespace

Result<void> VerifyPackage(const Package& package, Progress& progress) {
  uint64_t total = 0;
  for (const PackageFile& file : package.files) total += file.size_bytes;
  progress.AddTotalBytes(total);
  DoneOnly done_only(progress);
  for (const PackageFile& file : package.files) {
    if (progress.IsCancelled()) return Cancelled(package);
    VSM_RETURN_IF_ERROR(VerifyFile(package, file, done_only));
  }
  if (!package.contains_disks) VSM_RETURN_IF_ERROR(VerifyExternalDisks(package, progress));
  if (progress.IsCancelled()) return Cancelled(package);
  return Ok();
}

}  // namespace vsm::package
