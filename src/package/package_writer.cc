// WritePackage: builds the package in a hidden staging directory, then publishes it with one
// rename that never replaces an existing directory.
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <set>

#include "core/cim_datetime.h"
#include "disk/file_copier.h"
#include "disk/posix_error.h"
#include "package/config_xml.h"
#include "package/exp_file.h"
#include "package/package.h"

namespace vsm::package {
namespace {

namespace fs = std::filesystem;

constexpr char kDefinitionsDirectory[] = "Virtual Machines";
constexpr char kDisksDirectory[] = "Virtual Hard Disks";

// "a.vhdx", then "a (2).vhdx", "a (3).vhdx", ... for disks that share a file name.
std::string UniqueName(const fs::path& original, std::set<std::string>& taken) {
  std::string name = original.filename().string();
  for (int n = 2; !taken.insert(name).second; ++n) {
    name = fmt::format("{} ({}){}", original.stem().string(), n, original.extension().string());
  }
  return name;
}

Result<void> CheckName(const std::string& name) {
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos) {
    return Error::InvalidParameter(fmt::format(
        "ElementName '{}' cannot name the export directory; rename the system first", name));
  }
  return Ok();
}

Result<void> RenameNoReplace(const fs::path& from, const fs::path& to) {
  if (syscall(SYS_renameat2, AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) != 0) {
    if (errno == EEXIST) {
      return Error::InvalidParameter(fmt::format(
          "'{}' already exists; export to another directory or remove it first", to.string()));
    }
    return disk::ErrorFromErrno("cannot publish the package as", to, errno);
  }
  return Ok();
}

Result<void> HashInto(const fs::path& file, const std::string& relative, std::string role,
                      Config& config, Progress& progress) {
  VSM_ASSIGN_OR_RETURN(std::string sha256, disk::HashFile(file, progress));
  std::error_code ec;
  uint64_t size = fs::file_size(file, ec);
  config.files.push_back({PackageFile{relative, size, sha256}, std::move(role), ""});
  return Ok();
}

Result<fs::path> Build(const SystemDefinition& system, const fs::path& export_directory,
                       const ExportOptions& options, Progress& progress) {
  const fs::path& staging = options.staging_directory;
  fs::path target = export_directory / system.name;
  if (fs::exists(fs::symlink_status(target))) {
    return Error::InvalidParameter(fmt::format(
        "'{}' already exists; export to another directory or remove it first", target.string()));
  }
  if (::mkdir(staging.c_str(), 0755) != 0) {
    return disk::ErrorFromErrno("cannot create the staging directory", staging, errno);
  }
  for (const char* sub : {kDefinitionsDirectory, kDisksDirectory}) {
    if (!options.copy_vm_state && std::string_view(sub) == kDisksDirectory) continue;
    if (::mkdir((staging / sub).c_str(), 0755) != 0) {
      return disk::ErrorFromErrno("cannot create", staging / sub, errno);
    }
  }

  Config config;
  config.system_id = system.id;
  config.system_name = system.name;
  config.created = FormatDatetime(std::chrono::system_clock::now());
  config.contains_disks = options.copy_vm_state;

  if (options.copy_vm_state) {
    std::set<std::string> taken;
    for (const Drive& drive : system.drives) {
      if (drive.kind != DriveKind::kHardDisk || drive.path.empty()) continue;
      if (progress.IsCancelled()) break;
      std::string relative = std::string(kDisksDirectory) + "/" + UniqueName(drive.path, taken);
      VSM_ASSIGN_OR_RETURN(disk::CopyResult copied,
                           disk::CopyFileHashed(drive.path, staging / relative, progress));
      config.files.push_back(
          {PackageFile{relative, copied.bytes_hashed, copied.sha256_hex}, "disk", drive.path});
    }
  }
  if (progress.IsCancelled()) {
    return Error::Failed(fmt::format("export of '{}' was cancelled", system.name));
  }
  std::string exp = fmt::format("{}/{}.exp", kDefinitionsDirectory, system.id.ToString());
  VSM_RETURN_IF_ERROR(WriteExpFile(system, staging / exp));
  NullProgress quiet;  // the definition is tiny; progress follows the disks
  VSM_RETURN_IF_ERROR(HashInto(staging / exp, exp, "definition", config, quiet));
  VSM_RETURN_IF_ERROR(WriteConfigXml(config, staging / "config.xml"));

  // Durable before visible: the files' data (the copier fsyncs disks), then the directories.
  for (const char* file : {"config.xml"}) {
    int fd = ::open((staging / file).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
      ::fsync(fd);
      ::close(fd);
    }
  }
  int fd = ::open((staging / exp).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  VSM_RETURN_IF_ERROR(disk::SyncDirectory(staging / kDefinitionsDirectory));
  if (options.copy_vm_state) VSM_RETURN_IF_ERROR(disk::SyncDirectory(staging / kDisksDirectory));
  VSM_RETURN_IF_ERROR(disk::SyncDirectory(staging));
  if (progress.IsCancelled()) {
    return Error::Failed(fmt::format("export of '{}' was cancelled", system.name));
  }
  VSM_RETURN_IF_ERROR(RenameNoReplace(staging, target));
  VSM_RETURN_IF_ERROR(disk::SyncDirectory(export_directory));
  return target;
}

}  // namespace

fs::path StagingDirectoryFor(const fs::path& export_directory, const std::string& name,
                             const std::string& job_id) {
  return export_directory / ("." + name + ".vsm-export-" + job_id);
}

Result<fs::path> WritePackage(const SystemDefinition& system, const fs::path& export_directory,
                              const ExportOptions& options, Progress& progress) {
  VSM_RETURN_IF_ERROR(CheckName(system.name));
  if (options.staging_directory.empty() || fs::exists(fs::symlink_status(options.staging_directory))) {
    return Error::Failed(fmt::format("staging directory '{}' is unusable (empty or already present)",
                                     options.staging_directory.string()));
  }
  Result<fs::path> built = Build(system, export_directory, options, progress);
  if (!built.ok()) {
    std::error_code ec;
    fs::remove_all(options.staging_directory, ec);
  }
  return built;
}

}  // namespace vsm::package
