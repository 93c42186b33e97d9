#include "package/config_xml.h"

#include <fmt/format.h>

#include <charconv>
#include <ctime>
#include <pugixml.hpp>

#include "package/xml_io.h"

namespace vsm::package {

disk::DigestAlgorithm DigestAlgorithmFor(int format_version) {
  return format_version >= 2 ? disk::DigestAlgorithm::kSha256Blocks
                             : disk::DigestAlgorithm::kSha256;
}

std::string FormatIsoTime(std::chrono::system_clock::time_point time) {
  auto micros = std::chrono::time_point_cast<std::chrono::microseconds>(time);
  auto seconds = std::chrono::floor<std::chrono::seconds>(micros);
  std::time_t t = std::chrono::system_clock::to_time_t(seconds);
  std::tm utc{};
  gmtime_r(&t, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z", utc.tm_year + 1900,
                     utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                     (micros - seconds).count());
}

Result<void> WriteConfigXml(const Config& config, const std::filesystem::path& file) {
  pugi::xml_document document;
  pugi::xml_node root = document.append_child("vsm-export");
  root.append_attribute("format-version") = config.format_version;
  pugi::xml_node system = root.append_child("system");
  system.append_attribute("guid") = config.system_id.ToString().c_str();
  system.append_attribute("name") = config.system_name.c_str();
  root.append_child("created").text() = config.created.c_str();
  root.append_child("contains-disks").text() = config.contains_disks ? "true" : "false";
  pugi::xml_node files = root.append_child("files");
  for (const ConfigFile& entry : config.files) {
    pugi::xml_node node = files.append_child("file");
    node.append_attribute("path") = entry.file.relative_path.c_str();
    node.append_attribute("size") = std::to_string(entry.file.size_bytes).c_str();
    const std::string digest_name(
        disk::DigestAlgorithmName(DigestAlgorithmFor(config.format_version)));
    node.append_attribute(digest_name.c_str()) = entry.file.digest_hex.c_str();
    node.append_attribute("role") = entry.role.c_str();
    if (!entry.original_path.empty()) node.append_attribute("original-path") = entry.original_path.c_str();
  }
  return SaveXmlFile(document, file);
}

Result<Config> ReadConfigXml(const std::filesystem::path& file) {
  pugi::xml_document document;
  VSM_RETURN_IF_ERROR(LoadXmlFile(file, document));
  auto malformed = [&](std::string_view what) {
    return Error::InvalidParameter(fmt::format("'{}' is not a vsm package manifest: {}", file.string(), what));
  };
  pugi::xml_node root = document.child("vsm-export");
  if (!root) return malformed("its root element is not <vsm-export>");
  Config config;
  pugi::xml_attribute version = root.attribute("format-version");
  if (!version) return malformed("<vsm-export> has no format-version");
  std::string_view version_text = version.value();
  int parsed_version = 0;
  auto [version_end, version_ec] = std::from_chars(
      version_text.data(), version_text.data() + version_text.size(), parsed_version);
  if (version_ec != std::errc() || version_end != version_text.data() + version_text.size() ||
      parsed_version < kOldestReadableFormatVersion || parsed_version > kFormatVersion) {
    return Error::InvalidParameter(fmt::format(
        "'{}' has format version {}; this vsm reads versions {} to {}: upgrade vsm",
        file.string(), version_text, kOldestReadableFormatVersion, kFormatVersion));
  }
  config.format_version = parsed_version;
  pugi::xml_node system = root.child("system");
  auto id = Guid::Parse(system.attribute("guid").value());
  if (!id) return malformed("<system guid> is not a GUID");
  config.system_id = *id;
  config.system_name = system.attribute("name").value();
  config.created = root.child_value("created");
  std::string_view contains_disks = root.child_value("contains-disks");
  if (contains_disks != "true" && contains_disks != "false") {
    return malformed("<contains-disks> is neither true nor false");
  }
  config.contains_disks = contains_disks == "true";
  for (pugi::xml_node node : root.child("files").children("file")) {
    ConfigFile entry;
    entry.file.relative_path = node.attribute("path").value();
    std::string_view size = node.attribute("size").value();
    auto [end, ec] = std::from_chars(size.data(), size.data() + size.size(), entry.file.size_bytes);
    if (ec != std::errc() || end != size.data() + size.size()) {
      return malformed(fmt::format("file '{}' has no valid size", entry.file.relative_path));
    }
    const std::string digest_name(
        disk::DigestAlgorithmName(DigestAlgorithmFor(config.format_version)));
    entry.file.digest_hex = node.attribute(digest_name.c_str()).value();
    if (entry.file.digest_hex.size() != 64 ||
        entry.file.digest_hex.find_first_not_of("0123456789abcdef") != std::string::npos) {
      return malformed(fmt::format("file '{}' has no valid {} (64 lower-case hex digits)",
                                   entry.file.relative_path, digest_name));
    }
    entry.role = node.attribute("role").value();
    bool known_role = entry.role == "definition" || entry.role == "disk" ||
                      (entry.role == "snapshot" && config.format_version >= 3);
    if (!known_role) {
      return malformed(fmt::format("file '{}' has an unknown role '{}'", entry.file.relative_path, entry.role));
    }
    entry.original_path = node.attribute("original-path").value();
    config.files.push_back(std::move(entry));
  }
  return config;
}

}  // namespace vsm::package
