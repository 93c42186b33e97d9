#include "disk/disk_image.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "disk/disk_file.h"
#include "disk/signature.h"
#include "disk/vhd_footer.h"
#include "disk/vhd_image.h"
#include "disk/vhdx_image.h"

namespace vsm::disk {
namespace {

enum class ContainerKind { kNone, kVhd, kVhdx };

std::string LowerExtension(const std::filesystem::path& path) {
  std::string extension = path.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return extension;
}

ContainerKind KindFromExtension(const std::filesystem::path& path) {
  const std::string extension = LowerExtension(path);
  if (extension == ".vhd" || extension == ".avhd") return ContainerKind::kVhd;
  if (extension == ".vhdx" || extension == ".avhdx") return ContainerKind::kVhdx;
  return ContainerKind::kNone;
}

// What the content says: "vhdxfile" at offset 0, or "conectix" in the footer at the end (or in
// its copy at offset 0, so that a dynamic VHD with a damaged footer is still reported as a VHD).
Result<ContainerKind> KindFromContent(const DiskFile& file) {
  if (file.size_bytes() < 8) return ContainerKind::kNone;
  VSM_ASSIGN_OR_RETURN(std::vector<uint8_t> start, file.Read(0, 8, "disk", "signature"));
  if (HasSignature(start, "vhdxfile")) return ContainerKind::kVhdx;
  if (HasSignature(start, "conectix")) return ContainerKind::kVhd;
  if (file.size_bytes() < kVhdFooterSize) return ContainerKind::kNone;
  VSM_ASSIGN_OR_RETURN(std::vector<uint8_t> end,
                       file.Read(file.size_bytes() - kVhdFooterSize, 8, "disk", "footer"));
  return HasSignature(end, "conectix") ? ContainerKind::kVhd : ContainerKind::kNone;
}

Error ExtensionMismatch(const std::filesystem::path& path, ContainerKind content) {
  const std::string extension = path.extension().string();
  const std::string lower = LowerExtension(path);
  const bool checkpoint = lower.starts_with(".a");
  const char* wanted = content == ContainerKind::kVhdx ? (checkpoint ? ".avhdx" : ".vhdx")
                                                       : (checkpoint ? ".avhd" : ".vhd");
  return Error::InvalidParameter(fmt::format(
      "'{}' holds a {} disk but its name ends in '{}'; rename it to end in '{}'", path.string(),
      content == ContainerKind::kVhdx ? "VHDX" : "VHD", extension, wanted));
}

}  // namespace

std::string_view DiskFormatName(DiskFormat format) {
  switch (format) {
    case DiskFormat::kVhdFixed:
      return "VHD fixed";
    case DiskFormat::kVhdDynamic:
      return "VHD dynamic";
    case DiskFormat::kVhdDifferencing:
      return "VHD differencing";
    case DiskFormat::kVhdxFixed:
      return "VHDX fixed";
    case DiskFormat::kVhdxDynamic:
      return "VHDX dynamic";
    case DiskFormat::kVhdxDifferencing:
      return "VHDX differencing";
  }
  return "unknown";
}

bool HasDiskExtension(const std::filesystem::path& path) {
  return KindFromExtension(path) != ContainerKind::kNone;
}

Result<DiskInfo> InspectDisk(const std::filesystem::path& path) {
  VSM_ASSIGN_OR_RETURN(DiskFile file, DiskFile::Open(path));
  if (file.size_bytes() == 0) {
    return Error::InvalidParameter(fmt::format(
        "'{}' is empty (0 bytes), not a VHD or VHDX file; copy the disk again", path.string()));
  }
  VSM_ASSIGN_OR_RETURN(ContainerKind content, KindFromContent(file));
  const ContainerKind named = KindFromExtension(path);
  if (content != ContainerKind::kNone && named != ContainerKind::kNone && content != named) {
    return ExtensionMismatch(path, content);
  }
  switch (content != ContainerKind::kNone ? content : named) {
    case ContainerKind::kVhd:
      return InspectVhd(file);
    case ContainerKind::kVhdx:
      return InspectVhdx(file);
    case ContainerKind::kNone:
      break;
  }
  return Error::InvalidParameter(fmt::format(
      "'{}' is not a VHD or VHDX file: it has neither the 'vhdxfile' signature at offset 0 nor "
      "the 'conectix' footer at its end",
      path.string()));
}

}  // namespace vsm::disk
