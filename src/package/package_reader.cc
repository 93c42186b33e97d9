// ReadPackage: the structure of a package, checked before anything is read through it.
#include <fmt/format.h>

#include <algorithm>
#include <map>

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
    if (entry.is_directory(ec) && !entry.is_symlink(ec) && fs::exists(entry.path() / "config.xml", ec)) {
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

}  // namespace

Result<Package> ReadPackage(const fs::path& import_directory) {
  if (!import_directory.is_absolute()) {
    return Error::InvalidParameter(fmt::format("'{}' is not an absolute path", import_directory.string()));
  }
  fs::path directory = import_directory.lexically_normal();
  if (directory.has_filename() == false && directory != "/") directory = directory.parent_path();
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(directory / "config.xml", ec))) return NotAPackage(directory);
  VSM_ASSIGN_OR_RETURN(fs::path config_path, ResolveInside(directory, "config.xml", true));
  VSM_ASSIGN_OR_RETURN(Config config, ReadConfigXml(config_path));

  Package package;
  package.directory = directory;
  package.format_version = config.format_version;
  package.contains_disks = config.contains_disks;
  std::string expected_exp = "Virtual Machines/" + config.system_id.ToString() + ".exp";
  const ConfigFile* definition = nullptr;
  std::map<std::string, std::string> packaged_disks;  // original path -> path in the package
  for (const ConfigFile& entry : config.files) {
    VSM_ASSIGN_OR_RETURN(fs::path resolved, ResolveInside(directory, entry.file.relative_path, false));
    package.files.push_back(entry.file);
    if (entry.role == "definition") {
      if (entry.file.relative_path != expected_exp) {
        return Error::InvalidParameter(fmt::format(
            "'{}/config.xml' names the definition '{}', but the system {} needs '{}'",
            directory.string(), entry.file.relative_path, config.system_id.ToString(), expected_exp));
      }
      definition = &entry;
    } else {
      packaged_disks[entry.original_path] = resolved.string();
    }
  }
  if (!definition) {
    return Error::InvalidParameter(fmt::format("'{}/config.xml' lists no definition ('{}')",
                                               directory.string(), expected_exp));
  }
  VSM_ASSIGN_OR_RETURN(fs::path exp_path, ResolveInside(directory, expected_exp, true));
  VSM_ASSIGN_OR_RETURN(package.system, ReadExpFile(exp_path));
  if (package.system.id != config.system_id) {
    return Error::InvalidParameter(fmt::format(
        "'{}' defines system {}, but config.xml says {}: the package is inconsistent",
        exp_path.string(), package.system.id.ToString(), config.system_id.ToString()));
  }
  for (Drive& drive : package.system.drives) {
    auto packaged = packaged_disks.find(drive.path);
    if (packaged != packaged_disks.end()) {
      drive.path = packaged->second;
    } else if (package.contains_disks && drive.kind == DriveKind::kHardDisk) {
      return Error::InvalidParameter(fmt::format(
          "'{}' names disk '{}', which config.xml does not list: the package is inconsistent",
          exp_path.string(), drive.path));
    }
  }
  return package;
}

}  // namespace vsm::package
