// ReadPackage: the structure of a package, checked before anything is read through it.
#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <map>
#include <set>

#include "package/config_xml.h"
#include "package/exp_file.h"
#include "package/package.h"
#include "package/package_paths.h"

namespace vsm::package {
namespace {

namespace fs = std::filesystem;

// An export directory holds packages in its subdirectories: name them so the caller can retry.
Error NotAPackage(const fs::path& directory) {
  std::vector<std::string> packages;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(directory, ec)) {
    std::error_code entry_ec;
    if (entry.is_directory(entry_ec) && !entry.is_symlink(entry_ec) &&
        fs::exists(fs::symlink_status(entry.path() / kConfigFile, entry_ec))) {
      packages.push_back("'" + entry.path().string() + "'");
    }
  }
  std::sort(packages.begin(), packages.end());
  if (!packages.empty()) {
    std::string list;
    for (const auto& p : packages) list += (list.empty() ? "" : ", ") + p;
    return Error::InvalidParameter(fmt::format(
        "'{}' is an export directory, not a package; pass the package subdirectory instead: {}",
        directory.string(), list));
  }
  return Error::InvalidParameter(fmt::format(
      "'{}' holds no config.xml; pass the directory that ExportVirtualSystem created "
      "(<ExportDirectory>/<ElementName>)",
      directory.string()));
}

// Puts `snapshots` parents first, proving the tree: each parent is a snapshot of the package,
// no snapshot is its own ancestor, and the current state derives from one of them (or none).
Result<std::vector<SnapshotRecord>> OrderSnapshotTree(const Package& package,
                                                      std::vector<SnapshotRecord> snapshots) {
  std::set<Guid> ids;
  for (const SnapshotRecord& snapshot : snapshots) ids.insert(snapshot.id);
  for (const SnapshotRecord& snapshot : snapshots) {
    if (!snapshot.parent.IsNull() && !ids.contains(snapshot.parent)) {
      return Error::InvalidParameter(fmt::format(
          "snapshot '{}' ({}) has parent {}, which '{}' does not hold: the package is incomplete",
          snapshot.name, snapshot.id.ToString(), snapshot.parent.ToString(),
          package.directory.string()));
    }
  }
  if (!package.system.parent_snapshot.IsNull() && !ids.contains(package.system.parent_snapshot)) {
    return Error::InvalidParameter(fmt::format(
        "the system's current state derives from snapshot {}, which '{}' does not hold: the "
        "package is incomplete",
        package.system.parent_snapshot.ToString(), package.directory.string()));
  }
  std::vector<SnapshotRecord> ordered;
  std::set<Guid> placed;
  while (!snapshots.empty()) {
    size_t before = snapshots.size();
    for (auto it = snapshots.begin(); it != snapshots.end();) {
      if (it->parent.IsNull() || placed.contains(it->parent)) {
        placed.insert(it->id);
        ordered.push_back(std::move(*it));
        it = snapshots.erase(it);
      } else {
        ++it;
      }
    }
    if (snapshots.size() == before) {
      return Error::InvalidParameter(fmt::format(
          "the snapshots of '{}' form a loop (snapshot {} is its own ancestor): the package is "
          "inconsistent",
          package.directory.string(), snapshots.front().id.ToString()));
    }
  }
  return ordered;
}

}  // namespace

Result<Package> ReadPackage(const fs::path& import_directory) {
  if (!import_directory.is_absolute()) {
    return Error::InvalidParameter(fmt::format(
        "ImportDirectory '{}' is not an absolute path; pass the package's full path",
        import_directory.string()));
  }
  fs::path directory = import_directory.lexically_normal();
  if (!directory.has_filename() && directory != directory.root_path()) {
    directory = directory.parent_path();
  }
  struct stat st;
  if (::stat(directory.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return Error::InvalidParameter(fmt::format(
        "'{}' is not a directory; pass the directory that ExportVirtualSystem created "
        "(<ExportDirectory>/<ElementName>)",
        directory.string()));
  }
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(directory / kConfigFile, ec))) return NotAPackage(directory);
  VSM_ASSIGN_OR_RETURN(fs::path config_path, ResolveInside(directory, kConfigFile, true));
  VSM_ASSIGN_OR_RETURN(Config config, ReadConfigXml(config_path));
  auto inconsistent = [&](const std::string& what) {
    return Error::InvalidParameter(
        fmt::format("'{}' {}: the package is inconsistent", config_path.string(), what));
  };

  Package package;
  package.directory = directory;
  package.format_version = config.format_version;
  package.contains_disks = config.contains_disks;
  const std::string expected_exp = DefinitionPathFor(config.system_id);
  const std::string disks_prefix = std::string(kDisksDirectory) + "/";
  const std::string snapshots_prefix = std::string(kSnapshotsDirectory) + "/";
  bool have_definition = false;
  std::vector<std::pair<std::string, fs::path>> snapshot_files;  // relative, resolved
  std::set<std::string> listed;
  std::map<std::string, std::string> packaged_disks;  // original path -> path in the package
  for (const ConfigFile& entry : config.files) {
    const std::string& relative = entry.file.relative_path;
    bool is_disk = entry.role == "disk";
    VSM_ASSIGN_OR_RETURN(fs::path resolved,
                         ResolveInside(directory, relative, /*must_exist=*/false,
                                       /*refuse_hard_links=*/is_disk));
    if (!listed.insert(relative).second) return inconsistent(fmt::format("lists '{}' twice", relative));
    package.files.push_back(entry.file);
    if (entry.role == "snapshot") {
      if (!config.contains_disks) {
        return inconsistent(fmt::format("lists snapshot '{}' but says it contains no disks", relative));
      }
      if (relative.compare(0, snapshots_prefix.size(), snapshots_prefix) != 0 ||
          relative.find('/', snapshots_prefix.size()) != std::string::npos) {
        return inconsistent(fmt::format("lists snapshot '{}' outside '{}'", relative, kSnapshotsDirectory));
      }
      snapshot_files.emplace_back(relative, resolved);
      continue;
    }
    if (!is_disk) {
      if (relative != expected_exp) {
        return Error::InvalidParameter(fmt::format(
            "'{}' names the definition '{}', but the system {} needs '{}': the package is "
            "inconsistent",
            config_path.string(), relative, config.system_id.ToString(), expected_exp));
      }
      have_definition = true;
      continue;
    }
    if (!config.contains_disks) {
      return inconsistent(fmt::format("lists disk '{}' but says it contains no disks", relative));
    }
    if (relative.compare(0, disks_prefix.size(), disks_prefix) != 0 ||
        relative.find('/', disks_prefix.size()) != std::string::npos) {
      return inconsistent(fmt::format("lists disk '{}' outside '{}'", relative, kDisksDirectory));
    }
    if (entry.original_path.empty() || entry.original_path.front() != '/') {
      return inconsistent(fmt::format("gives disk '{}' no absolute original-path", relative));
    }
    if (!packaged_disks.emplace(entry.original_path, resolved.string()).second) {
      return inconsistent(
          fmt::format("lists original-path '{}' for two disks", entry.original_path));
    }
  }
  if (!have_definition) {
    return inconsistent(fmt::format("lists no definition ('{}')", expected_exp));
  }
  VSM_ASSIGN_OR_RETURN(fs::path exp_path, ResolveInside(directory, expected_exp, true));
  VSM_ASSIGN_OR_RETURN(package.system, ReadExpFile(exp_path));
  if (package.system.id != config.system_id) {
    return Error::InvalidParameter(fmt::format(
        "'{}' defines system {} (its SystemName), but config.xml says {}: the package is "
        "inconsistent",
        exp_path.string(), package.system.id.ToString(), config.system_id.ToString()));
  }
  if (package.system.name != config.system_name) {
    return Error::InvalidParameter(fmt::format(
        "'{}' names the system '{}', but config.xml says '{}': the package is inconsistent",
        exp_path.string(), package.system.name, config.system_name));
  }
  auto place_disks = [&](SystemDefinition& definition, const fs::path& exp) -> Result<void> {
    for (Drive& drive : definition.drives) {
      if (drive.kind != DriveKind::kHardDisk || drive.path.empty()) continue;
      auto packaged = packaged_disks.find(drive.path);
      if (packaged != packaged_disks.end()) {
        drive.path = packaged->second;
      } else if (package.contains_disks) {
        return Error::InvalidParameter(fmt::format(
            "'{}' names disk '{}', which config.xml does not list: the package is inconsistent",
            exp.string(), drive.path));
      }
    }
    return Ok();
  };
  VSM_RETURN_IF_ERROR(place_disks(package.system, exp_path));
  std::vector<SnapshotRecord> snapshots;
  for (const auto& [relative, resolved] : snapshot_files) {
    VSM_ASSIGN_OR_RETURN(fs::path file, ResolveInside(directory, relative, true));
    VSM_ASSIGN_OR_RETURN(SnapshotRecord snapshot, ReadSnapshotExpFile(file));
    if (relative != SnapshotPathFor(snapshot.id)) {
      return Error::InvalidParameter(fmt::format(
          "'{}' holds snapshot {}, so its name must be '{}': the package is inconsistent",
          file.string(), snapshot.id.ToString(), SnapshotPathFor(snapshot.id)));
    }
    if (snapshot.system != package.system.id) {
      return Error::InvalidParameter(fmt::format(
          "'{}' is a snapshot of system {}, not of {}: the package is inconsistent",
          file.string(), snapshot.system.ToString(), package.system.id.ToString()));
    }
    VSM_RETURN_IF_ERROR(place_disks(snapshot.configuration, file));
    snapshot.configuration.name = package.system.name;
    snapshot.configuration.creation_time = package.system.creation_time;
    snapshots.push_back(std::move(snapshot));
  }
  VSM_ASSIGN_OR_RETURN(package.snapshots, OrderSnapshotTree(package, std::move(snapshots)));
  return package;
}

}  // namespace vsm::package
