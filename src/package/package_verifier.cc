// VerifyPackage: every byte an import relies on, read once.
#include <fmt/format.h>
#include <sys/stat.h>

#include <set>

#include "disk/copy_batch.h"
#include "disk/disk_chain.h"
#include "disk/disk_image.h"
#include "disk/posix_error.h"
#include "package/package.h"
#include "package/package_paths.h"

namespace vsm::package {
namespace {

namespace fs = std::filesystem;

Error Cancelled(const Package& package) {
  return Error::Failed(
      fmt::format("verification of '{}' was cancelled", package.directory.string()));
}

bool IsPackagedDisk(const PackageFile& file) {
  const std::string prefix = std::string(kDisksDirectory) + "/";
  return file.relative_path.compare(0, prefix.size(), prefix) == 0;
}

// Checks what can be checked without reading the data: the file is inside the package, regular,
// of the listed size, and a disk's headers are valid. Returns its path.
Result<fs::path> CheckFileShape(const Package& package, const PackageFile& file) {
  bool is_disk = IsPackagedDisk(file);
  VSM_ASSIGN_OR_RETURN(fs::path path, ResolveInside(package.directory, file.relative_path,
                                                    /*must_exist=*/true, is_disk));
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) return disk::ErrorFromErrno("cannot examine", path, errno);
  if (!S_ISREG(st.st_mode)) {
    return Error::InvalidParameter(
        fmt::format("'{}' is not a regular file: the package was modified", path.string()));
  }
  if (static_cast<uint64_t>(st.st_size) != file.size_bytes) {
    return Error::InvalidParameter(fmt::format(
        "'{}' is {} bytes; config.xml says {}: the package is incomplete or was modified; {}",
        path.string(), st.st_size, file.size_bytes, kRecopyAdvice));
  }
  if (is_disk) {
    // Headers first: a damaged disk is named by what is wrong with it, and before its hash.
    VSM_RETURN_IF_ERROR(disk::InspectDisk(path));
  }
  return path;
}

// Hashes every file (several at once) and names the first, in config.xml's order, whose digest
// differs.
Result<void> VerifyDigests(const Package& package, const std::vector<fs::path>& paths,
                           Progress& progress, size_t max_parallel) {
  const disk::DigestAlgorithm algorithm = DigestAlgorithmFor(package.format_version);
  Result<std::vector<std::string>> digests =
      disk::HashFiles(paths, algorithm, max_parallel, progress);
  if (progress.IsCancelled()) return Cancelled(package);
  if (!digests.ok()) return digests.error();
  for (size_t i = 0; i < paths.size(); ++i) {
    const PackageFile& file = package.files[i];
    if ((*digests)[i] != file.digest_hex) {
      return Error::InvalidParameter(fmt::format(
          "'{}' does not match its {} digest in config.xml (expected {}, found {}): the file is "
          "damaged or was modified; {}",
          paths[i].string(), disk::DigestAlgorithmName(algorithm), file.digest_hex, (*digests)[i],
          kRecopyAdvice));
    }
  }
  return Ok();
}

// Every drive's chain (the system's and each snapshot's), proven link by link (disk::DiskChain):
// inside the package's disk directory, each parent found, of the identity its child recorded, and
// listed in config.xml (so that its digest was checked). The first link that fails names the child
// and the parent.
Result<void> VerifyPackagedChains(const Package& package, const std::vector<fs::path>& paths) {
  std::set<fs::path> listed(paths.begin(), paths.end());
  disk::ChainOptions options;
  options.confine_to = package.directory / kDisksDirectory;
  std::vector<const Drive*> drives;
  for (const Drive& drive : package.system.drives) drives.push_back(&drive);
  for (const SnapshotRecord& snapshot : package.snapshots) {
    for (const Drive& drive : snapshot.configuration.drives) drives.push_back(&drive);
  }
  std::set<std::string> proven;
  for (const Drive* drive_ptr : drives) {
    const Drive& drive = *drive_ptr;
    if (drive.kind != DriveKind::kHardDisk || drive.path.empty()) continue;
    if (!proven.insert(drive.path).second) continue;
    VSM_ASSIGN_OR_RETURN(disk::DiskChain chain, disk::DiskChain::Open(drive.path, options));
    for (size_t i = 1; i < chain.depth(); ++i) {
      const fs::path parent = chain.layer(i).path().lexically_normal();
      if (listed.count(parent) == 0) {
        return Error::InvalidParameter(fmt::format(
            "'{}' is the parent of '{}', but config.xml does not list it, so nothing proves its "
            "content: the package is incomplete or was modified; {}",
            parent.string(), chain.layer(i - 1).path().string(), kRecopyAdvice));
      }
    }
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
    // The whole chain: a differencing disk whose parent is gone would read as zeros.
    Result<disk::DiskChain> chain = disk::DiskChain::Open(path);
    if (!chain.ok()) return chain.error();
  }
  return Ok();
}

}  // namespace

Result<void> VerifyPackage(const Package& package, Progress& progress, size_t max_parallel) {
  std::vector<fs::path> paths;
  for (const PackageFile& file : package.files) {
    if (progress.IsCancelled()) return Cancelled(package);
    VSM_ASSIGN_OR_RETURN(fs::path path, CheckFileShape(package, file));
    paths.push_back(std::move(path));
  }
  if (package.contains_disks) VSM_RETURN_IF_ERROR(VerifyPackagedChains(package, paths));
  VSM_RETURN_IF_ERROR(VerifyDigests(package, paths, progress, max_parallel));
  if (!package.contains_disks) VSM_RETURN_IF_ERROR(VerifyExternalDisks(package, progress));
  if (progress.IsCancelled()) return Cancelled(package);
  return Ok();
}

}  // namespace vsm::package
