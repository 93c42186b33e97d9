// WritePackage: builds the package in a hidden staging directory, then publishes it with one
// rename that never replaces an existing directory.
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <map>
#include <optional>
#include <set>

#include "disk/copy_batch.h"
#include "disk/used_file_ranges.h"
#include "disk/differencing_disk.h"
#include "disk/disk_chain.h"
#include "disk/file_copier.h"
#include "disk/posix_error.h"
#include "package/config_xml.h"
#include "package/exp_file.h"
#include "package/package.h"
#include "package/package_paths.h"

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif

namespace vsm::package {
namespace {

namespace fs = std::filesystem;

// "a.vhdx", then "a (2).vhdx", "a (3).vhdx", ... for disks that share a file name.
std::string UniqueName(const fs::path& original, std::set<std::string>& taken) {
  std::string name = original.filename().string();
  for (int n = 2; !taken.insert(name).second; ++n) {
    name = fmt::format("{} ({}){}", original.stem().string(), n, original.extension().string());
  }
  return name;
}

Result<void> CheckName(const std::string& name) {
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos ||
      name.find('\0') != std::string::npos) {
    return Error::InvalidParameter(fmt::format(
        "ElementName '{}' cannot name the export directory (it is empty, '.', '..' or contains "
        "'/'); rename the system first",
        name));
  }
  return Ok();
}

Error TargetExists(const fs::path& target) {
  return Error::InvalidParameter(fmt::format(
      "'{}' already exists; export to another directory or remove it first", target.string()));
}

// The files a package must hold for the hard disks of the system and its snapshots: every layer
// of every drive's chain (each chain proven at export time, so that a broken source fails the
// export instead of producing a package that cannot be imported), each file once even when
// chains share layers. The drives' own paths come first, so that config.xml's original-path of
// each is the very text the .exp files name it by.
struct ChainFile {
  fs::path source;
  std::optional<size_t> parent;  // index of the parent's ChainFile
};

std::vector<std::string> HardDiskPaths(const SystemDefinition& system,
                                       const std::vector<SnapshotRecord>& snapshots) {
  std::vector<std::string> paths;
  auto add = [&](const SystemDefinition& definition) {
    for (const Drive& drive : definition.drives) {
      if (drive.kind == DriveKind::kHardDisk && !drive.path.empty()) paths.push_back(drive.path);
    }
  };
  add(system);
  for (const SnapshotRecord& snapshot : snapshots) add(snapshot.configuration);
  return paths;
}

Result<std::vector<ChainFile>> CollectChainFiles(const std::vector<std::string>& drive_paths) {
  std::vector<ChainFile> files;
  std::map<fs::path, size_t> index_of;  // canonical source -> index
  auto index = [&](const fs::path& path) {
    std::error_code ec;
    fs::path key = fs::weakly_canonical(path, ec);
    if (ec) key = path;
    auto [it, inserted] = index_of.emplace(key, files.size());
    if (inserted) files.push_back({path, std::nullopt});
    return it->second;
  };
  for (const std::string& path : drive_paths) index(path);
  for (const std::string& path : drive_paths) {
    VSM_ASSIGN_OR_RETURN(disk::DiskChain chain, disk::DiskChain::Open(path));
    size_t child = index(chain.layer(0).path());
    for (size_t i = 1; i < chain.depth(); ++i) {
      size_t parent = index(chain.layer(i).path());
      files[child].parent = parent;
      child = parent;
    }
  }
  return files;
}

// Writes one small file of the package and lists it in `config`.
Result<void> AddListedFile(const fs::path& staging, const std::string& relative,
                           const std::string& role, Config& config) {
  NullProgress quiet;
  const disk::DigestAlgorithm digest = DigestAlgorithmFor(kFormatVersion);
  VSM_ASSIGN_OR_RETURN(std::string digest_hex, disk::HashFile(staging / relative, digest, quiet));
  std::error_code ec;
  uint64_t size = fs::file_size(staging / relative, ec);
  if (ec) return disk::ErrorFromErrno("cannot examine", staging / relative, ec.value());
  config.files.push_back({PackageFile{relative, size, digest_hex}, role, ""});
  return Ok();
}

Error Cancelled(const SystemDefinition& system) {
  return Error::Failed(fmt::format("export of '{}' was cancelled", system.name));
}

Result<void> RenameNoReplace(const fs::path& from, const fs::path& to) {
  if (::syscall(SYS_renameat2, AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) !=
      0) {
    int err = errno;
    if (err == EEXIST || err == ENOTEMPTY) return TargetExists(to);
    return disk::ErrorFromErrno("cannot publish the package as", to, err);
  }
  return Ok();
}

Result<void> MakeDirectory(const fs::path& directory) {
  if (::mkdir(directory.c_str(), 0755) != 0) {
    return disk::ErrorFromErrno("cannot create directory", directory, errno);
  }
  return Ok();
}

// Builds the whole package in `staging` and publishes it as `target`. The caller removes
// `staging` if this fails.
Result<fs::path> Build(const SystemDefinition& system, const std::vector<SnapshotRecord>& snapshots,
                       const fs::path& export_directory,
                       const fs::path& target, const ExportOptions& options, Progress& progress) {
  const fs::path& staging = options.staging_directory;
  VSM_RETURN_IF_ERROR(MakeDirectory(staging / kDefinitionsDirectory));
  if (options.copy_vm_state) VSM_RETURN_IF_ERROR(MakeDirectory(staging / kDisksDirectory));

  Config config;
  config.system_id = system.id;
  config.system_name = system.name;
  config.created = FormatIsoTime(std::chrono::system_clock::now());
  config.contains_disks = options.copy_vm_state;

  // The definitions first: they are tiny, and a bad one fails before any disk is copied.
  std::string exp = DefinitionPathFor(system.id);
  // A configuration-only package holds no snapshots, so its system derives from none of them:
  // naming one would make the package unimportable.
  SystemDefinition exported = system;
  if (!options.copy_vm_state) exported.parent_snapshot = Guid{};
  VSM_RETURN_IF_ERROR(WriteExpFile(exported, staging / exp));
  VSM_RETURN_IF_ERROR(AddListedFile(staging, exp, "definition", config));
  if (options.copy_vm_state && !snapshots.empty()) {
    VSM_RETURN_IF_ERROR(MakeDirectory(staging / kSnapshotsDirectory));
    for (const SnapshotRecord& snapshot : snapshots) {
      std::string snapshot_exp = SnapshotPathFor(snapshot.id);
      VSM_RETURN_IF_ERROR(WriteSnapshotExpFile(snapshot, staging / snapshot_exp));
      VSM_RETURN_IF_ERROR(AddListedFile(staging, snapshot_exp, "snapshot", config));
    }
  }
  NullProgress quiet;  // progress follows the disks
  const disk::DigestAlgorithm digest = DigestAlgorithmFor(kFormatVersion);

  if (options.copy_vm_state) {
    VSM_ASSIGN_OR_RETURN(std::vector<ChainFile> chain_files,
                         CollectChainFiles(HardDiskPaths(system, snapshots)));
    std::set<std::string> taken;
    std::vector<disk::CopyRequest> copies;
    std::vector<std::string> relatives;
    for (const ChainFile& file : chain_files) {
      relatives.push_back(std::string(kDisksDirectory) + "/" + UniqueName(file.source, taken));
      // Only what the disk's format refers to is copied (a trimmed block stays behind).
      VSM_ASSIGN_OR_RETURN(std::optional<std::vector<disk::DataExtent>> used,
                           disk::UsedFileRanges(file.source));
      copies.push_back({file.source, staging / relatives.back(), std::move(used)});
    }
    if (progress.IsCancelled()) return Cancelled(system);
    Result<std::vector<disk::CopyResult>> copied = disk::CopyFilesHashed(
        copies, disk::CopyOptions{digest, /*allow_clone=*/true}, options.max_parallel_copies,
        progress);
    if (!copied.ok()) {
      if (progress.IsCancelled()) return Cancelled(system);
      return copied.error();
    }
    // Each copied child names its parent's copy by a path inside the package. This rewrites a
    // few header bytes of the copy (never of the source), so the child is hashed again.
    for (size_t i = 0; i < chain_files.size(); ++i) {
      if (!chain_files[i].parent) continue;
      const fs::path& child = copies[i].destination;
      VSM_RETURN_IF_ERROR(disk::RepointParent(child, copies[*chain_files[i].parent].destination,
                                              disk::ParentPathStyle::kRelativeOnly));
      VSM_ASSIGN_OR_RETURN((*copied)[i].digest_hex, disk::HashFile(child, digest, quiet));
      std::error_code size_ec;
      (*copied)[i].bytes_hashed = fs::file_size(child, size_ec);
      if (size_ec) return disk::ErrorFromErrno("cannot examine", child, size_ec.value());
    }
    for (size_t i = 0; i < copies.size(); ++i) {
      config.files.push_back({PackageFile{relatives[i], (*copied)[i].bytes_hashed,
                                          (*copied)[i].digest_hex},
                              "disk", copies[i].source.string()});
    }
  }
  if (progress.IsCancelled()) return Cancelled(system);

  // config.xml last: a package with a config.xml is complete. Then the directories, so that
  // everything is durable before the rename makes it visible (the files fsync themselves).
  VSM_RETURN_IF_ERROR(WriteConfigXml(config, staging / kConfigFile));
  VSM_RETURN_IF_ERROR(disk::SyncDirectory(staging / kDefinitionsDirectory));
  if (options.copy_vm_state && !snapshots.empty()) {
    VSM_RETURN_IF_ERROR(disk::SyncDirectory(staging / kSnapshotsDirectory));
  }
  if (options.copy_vm_state) VSM_RETURN_IF_ERROR(disk::SyncDirectory(staging / kDisksDirectory));
  VSM_RETURN_IF_ERROR(disk::SyncDirectory(staging));
  if (progress.IsCancelled()) return Cancelled(system);
  VSM_RETURN_IF_ERROR(RenameNoReplace(staging, target));
  Result<void> synced = disk::SyncDirectory(export_directory);
  if (!synced.ok()) {
    // Published but not durable: take it back, so that a failed export leaves nothing.
    std::error_code ec;
    fs::remove_all(target, ec);
    return synced.error();
  }
  return target;
}

}  // namespace

fs::path StagingDirectoryFor(const fs::path& export_directory, const std::string& name,
                             const std::string& job_id) {
  return export_directory / ("." + name + ".vsm-export-" + job_id);
}

Result<fs::path> WritePackage(const SystemDefinition& system,
                              const std::vector<SnapshotRecord>& snapshots,
                              const fs::path& export_directory,
                              const ExportOptions& options, Progress& progress) {
  VSM_RETURN_IF_ERROR(CheckName(system.name));
  const fs::path target = export_directory / system.name;
  const fs::path& staging = options.staging_directory;
  if (staging.empty()) return Error::Failed("no staging directory was given for the export");
  std::error_code ec;
  if (fs::exists(fs::symlink_status(target, ec))) return TargetExists(target);
  if (progress.IsCancelled()) return Cancelled(system);
  // Created fresh: an existing staging directory is not ours to fill or remove.
  if (::mkdir(staging.c_str(), 0755) != 0) {
    int err = errno;
    if (err == EEXIST) {
      return Error::Failed(fmt::format(
          "staging directory '{}' already exists; another export may be using it",
          staging.string()));
    }
    return disk::ErrorFromErrno("cannot create the staging directory", staging, err);
  }
  Result<fs::path> built = Build(system, snapshots, export_directory, target, options, progress);
  if (!built.ok()) {
    // If the rename happened, `staging` no longer exists and this removes nothing.
    fs::remove_all(staging, ec);
  }
  return built;
}

}  // namespace vsm::package
