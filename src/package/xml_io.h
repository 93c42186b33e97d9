// Reading and writing the package's two small XML files (config.xml and the .exp): written with
// O_EXCL and fsynced before the package is published; read with a size limit and parse flags
// that keep every character of the text (carriage returns, whitespace-only values) so that a
// definition round-trips exactly. Internal to the package layer.
#pragma once

#include <filesystem>
#include <pugixml.hpp>

#include "core/result.h"

namespace vsm::package {

// The largest config.xml or .exp a reader accepts (they are a few KiB).
inline constexpr uint64_t kMaxXmlFileBytes = 16 * 1024 * 1024;

// Writes `document` (UTF-8) to `file`, which must not exist, and fsyncs it.
Result<void> SaveXmlFile(const pugi::xml_document& document, const std::filesystem::path& file);

// Parses `file` into `document`. Errors name the file (and the byte offset for malformed XML).
Result<void> LoadXmlFile(const std::filesystem::path& file, pugi::xml_document& document);

}  // namespace vsm::package
