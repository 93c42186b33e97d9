// VerifyPackage: every byte an import relies on, read once.
#include <fmt/format.h>
#include <sys/stat.h>

#include "disk/disk_image.h"
#include "disk/file_copier.h"
#include "disk/posix_error.h"
#include "package/package.h"
#include "package/package_paths.h"

namespace vsm::package {
namespace {

namespace fs = std::filesystem;

Result<void> VerifyFile(const Package& package, const PackageFile& file, Progress& progress) {
  VSM_ASSIGN_OR_RETURN(fs::path path, ResolveInside(package.directory, file.relative_path, true));
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return disk::ErrorFromErrno("cannot examine", path, errno);
  if (!S_ISREG(st.st_mode)) {
    return Error::InvalidParameter(fmt::format("'{}' is not a regular file", path.string()));
  }
  if (static_cast<uint64_t>(st.st_size) != file.size_bytes) {
    return Error::InvalidParameter(fmt::format(
        "'{}' is {} bytes; config.xml says {}: the package is incomplete or was modified",
        path.string(), st.st_size, file.size_bytes));
  }
  if (disk::HasDiskExtension(path)) {
    // Headers first: a damaged disk is named by what is wrong with it, before its hash.
    VSM_RETURN_IF_ERROR(disk::InspectDisk(path));
  }
  VSM_ASSIGN_OR_RETURN(std::string sha256, disk::HashFile(path, progress));
  if (progress.IsCancelled()) return Error::Failed("verification was cancelled");
  if (sha256 != file.sha256_hex) {
    return Error::InvalidParameter(fmt::format(
        "'{}' does not match its SHA-256 in config.xml (expected {}, found {}): the file is "
        "damaged or was modified",
        path.string(), file.sha256_hex, sha256));
  }
  return Ok();
}

}  // namespace

Result<void> VerifyPackage(const Package& package, Progress& progress) {
  uint64_t total = 0;
  for (const PackageFile& file : package.files) total += file.size_bytes;
  progress.AddTotalBytes(total);
  for (const PackageFile& file : package.files) {
    if (progress.IsCancelled()) return Error::Failed("verification was cancelled");
    // HashFile reports the file's size itself; the total above already counts it.
    class DoneOnly final : public Progress {
     public:
      explicit DoneOnly(Progress& inner) : inner_(inner) {}
      void AddTotalBytes(uint64_t) override {}
      void AddDoneBytes(uint64_t bytes) override { inner_.AddDoneBytes(bytes); }
      bool IsCancelled() const override { return inner_.IsCancelled(); }
     private:
      Progress& inner_;
    } done_only(progress);
    VSM_RETURN_IF_ERROR(VerifyFile(package, file, done_only));
  }
  if (!package.contains_disks) {
    std::string missing;
    for (const Drive& drive : package.system.drives) {
      if (drive.kind != DriveKind::kHardDisk || drive.path.empty()) continue;
      std::error_code ec;
      if (!fs::exists(drive.path, ec)) {
        missing += (missing.empty() ? "'" : ", '") + drive.path + "'";
        continue;
      }
      VSM_RETURN_IF_ERROR(disk::InspectDisk(drive.path));
    }
    if (!missing.empty()) {
      return Error::InvalidParameter(fmt::format(
          "the package at '{}' was exported without its disks, and these disks it names do not "
          "exist: {}; put them back where they were, or export the system with its disks",
          package.directory.string(), missing));
    }
  }
  return Ok();
}

}  // namespace vsm::package
