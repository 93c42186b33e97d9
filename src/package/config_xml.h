// config.xml, the package's manifest: format version, the system's Guid and name, and every file
// of the package with its size and digest (and, for disks, where the disk was exported from).
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "core/guid.h"
#include "core/result.h"
#include "package/package.h"

namespace vsm::package {

struct ConfigFile {
  PackageFile file;
  std::string role;           // "definition", "snapshot" (format version 3) or "disk"
  std::string original_path;  // disks: the path the system used when it was exported
};

struct Config {
  int format_version = kFormatVersion;
  Guid system_id;
  std::string system_name;
  std::string created;        // ISO 8601 UTC, e.g. "2026-11-25T08:45:19.123456Z"; informational
  bool contains_disks = false;
  std::vector<ConfigFile> files;
};

// "2026-11-25T08:45:19.123456Z": the <created> element's form.
std::string FormatIsoTime(std::chrono::system_clock::time_point time);

Result<void> WriteConfigXml(const Config& config, const std::filesystem::path& file);
// kInvalidParameter naming the file and the offset for malformed XML, missing attributes or an
// unknown format version.
Result<Config> ReadConfigXml(const std::filesystem::path& file);

}  // namespace vsm::package
