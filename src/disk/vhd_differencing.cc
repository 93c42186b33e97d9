#include "disk/vhd_differencing.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/guid.h"
#include "disk/byte_order.h"
#include "disk/disk_file.h"
#include "disk/disk_image.h"
#include "disk/posix_error.h"
#include "disk/vhd_dynamic_header.h"
#include "disk/vhd_footer.h"
#include "disk/vhd_image.h"
#include "disk/vhd_layer.h"

namespace vsm::disk {
namespace {

using vhd_internal::kSectorBytes;
using vhd_internal::kUnallocatedBlock;
using vhd_internal::SectorBitmapBytes;
using vhd_internal::WriteFully;

constexpr std::string_view kVhd = "VHD";
constexpr uint32_t kDefaultBlockBytes = 2u << 20;
constexpr uint64_t kDynamicHeaderOffset = 512;
constexpr uint64_t kBatOffset = kDynamicHeaderOffset + kVhdDynamicHeaderSize;
constexpr size_t kParentNameOffset = 64;
constexpr size_t kParentNameBytes = 512;
constexpr size_t kParentLocatorsOffset = 576;
constexpr size_t kParentLocatorEntrySize = 24;
constexpr uint32_t kVhdVersion = 0x00010000;
constexpr uint32_t kFeaturesReserved = 0x00000002;

uint64_t AlignUp(uint64_t value, uint64_t alignment) {
  return (value + alignment - 1) / alignment * alignment;
}

void StoreBigEndian64(uint8_t* p, uint64_t value) {
  StoreBigEndian32(p, static_cast<uint32_t>(value >> 32));
  StoreBigEndian32(p + 4, static_cast<uint32_t>(value));
}

void StoreGuidInStoredOrder(uint8_t* p, const Guid& guid) {
  std::memcpy(p, guid.bytes().data(), 16);
}

// UTF-8 to UTF-16 code units; nullopt if `text` is not valid UTF-8.
std::optional<std::u16string> Utf8ToUtf16(std::string_view text) {
  std::u16string out;
  for (size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    uint32_t code_point = 0;
    size_t length = 0;
    if (byte < 0x80) {
      code_point = byte;
      length = 1;
    } else if ((byte & 0xE0) == 0xC0) {
      code_point = byte & 0x1F;
      length = 2;
    } else if ((byte & 0xF0) == 0xE0) {
      code_point = byte & 0x0F;
      length = 3;
    } else if ((byte & 0xF8) == 0xF0) {
      code_point = byte & 0x07;
      length = 4;
    } else {
      return std::nullopt;
    }
    if (i + length > text.size()) return std::nullopt;
    for (size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return std::nullopt;
      code_point = code_point << 6 | (next & 0x3F);
    }
    static constexpr uint32_t kMinimum[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code_point < kMinimum[length] || code_point > 0x10FFFF ||
        (code_point >= 0xD800 && code_point <= 0xDFFF)) {
      return std::nullopt;
    }
    if (code_point >= 0x10000) {
      code_point -= 0x10000;
      out.push_back(static_cast<char16_t>(0xD800 + (code_point >> 10)));
      out.push_back(static_cast<char16_t>(0xDC00 + (code_point & 0x3FF)));
    } else {
      out.push_back(static_cast<char16_t>(code_point));
    }
    i += length;
  }
  return out;
}

std::vector<uint8_t> EncodeUtf16(const std::u16string& units, bool big_endian) {
  std::vector<uint8_t> out;
  out.reserve(units.size() * 2);
  for (char16_t unit : units) {
    const auto high = static_cast<uint8_t>(unit >> 8);
    const auto low = static_cast<uint8_t>(unit & 0xFF);
    out.push_back(big_endian ? high : low);
    out.push_back(big_endian ? low : high);
  }
  return out;
}

// How a child names its parent: W2ru, W2ku and the Parent Unicode Name, encoded.
struct ParentNames {
  std::string relative;   // ".\\base.vhd", "..\\base\\base.vhd"
  std::string absolute;   // "/vms/base/base.vhd"
  std::vector<uint8_t> relative_utf16le;
  std::vector<uint8_t> absolute_utf16le;
  std::vector<uint8_t> name_utf16be;  // at most kParentNameBytes
};

Result<ParentNames> NameParent(const std::filesystem::path& child,
                               const std::filesystem::path& parent) {
  std::error_code error;
  const std::filesystem::path parent_path =
      std::filesystem::weakly_canonical(std::filesystem::absolute(parent), error);
  if (error) return ErrorFromErrno("resolve", parent, error.value());
  const std::filesystem::path child_dir =
      std::filesystem::weakly_canonical(std::filesystem::absolute(child).parent_path(), error);
  if (error) return ErrorFromErrno("resolve", child.parent_path(), error.value());

  ParentNames names;
  names.absolute = parent_path.string();
  std::string relative = parent_path.lexically_relative(child_dir).string();
  if (relative.empty()) relative = names.absolute;  // no relative way (cannot happen on POSIX)
  if (!relative.starts_with("../") && !relative.starts_with("/")) relative = "./" + relative;
  std::replace(relative.begin(), relative.end(), '/', '\\');
  names.relative = relative;

  const std::string file_name = parent_path.filename().string();
  std::optional<std::u16string> relative16 = Utf8ToUtf16(names.relative);
  std::optional<std::u16string> absolute16 = Utf8ToUtf16(names.absolute);
  std::optional<std::u16string> name16 = Utf8ToUtf16(file_name);
  if (!relative16 || !absolute16 || !name16) {
    return Error::InvalidParameter(fmt::format(
        "the path '{}' is not valid UTF-8, so a VHD cannot name it; rename the parent",
        names.absolute));
  }
  // One unit is kept for the terminating U+0000.
  if (name16->size() * 2 > kParentNameBytes - 2) {
    return Error::InvalidParameter(fmt::format(
        "the parent's file name '{}' is {} UTF-16 units long, more than the 255 a VHD's Parent "
        "Unicode Name holds; rename the parent",
        file_name, name16->size()));
  }
  names.relative_utf16le = EncodeUtf16(*relative16, false);
  names.absolute_utf16le = EncodeUtf16(*absolute16, false);
  names.name_utf16be = EncodeUtf16(*name16, true);
  return names;
}

// What a child needs of its parent.
struct ParentFacts {
  std::vector<uint8_t> footer_bytes;
  VhdFooter footer;
  uint32_t timestamp = 0;
  uint32_t block_size_bytes = kDefaultBlockBytes;
};

Result<ParentFacts> ReadParentFacts(const std::filesystem::path& parent) {
  VSM_ASSIGN_OR_RETURN(DiskInfo info, InspectDisk(parent));
  if (info.format != DiskFormat::kVhdFixed && info.format != DiskFormat::kVhdDynamic &&
      info.format != DiskFormat::kVhdDifferencing) {
    return Error::InvalidParameter(fmt::format("'{}' is a {} disk, not a VHD", parent.string(),
                                               DiskFormatName(info.format)));
  }
  VSM_ASSIGN_OR_RETURN(DiskFile file, DiskFile::Open(parent));
  const uint64_t footer_offset = file.size_bytes() - kVhdFooterSize;
  ParentFacts facts;
  VSM_ASSIGN_OR_RETURN(facts.footer_bytes,
                       file.Read(footer_offset, kVhdFooterSize, kVhd, "footer"));
  VSM_ASSIGN_OR_RETURN(facts.footer, ParseVhdFooter(facts.footer_bytes, parent, footer_offset));
  facts.timestamp =
      LoadBigEndian32(facts.footer_bytes.data() + vhd_internal::kFooterTimestampOffset);
  if (facts.footer.disk_type != VhdDiskType::kFixed) {
    VSM_ASSIGN_OR_RETURN(
        std::vector<uint8_t> header_bytes,
        file.Read(facts.footer.data_offset, kVhdDynamicHeaderSize, kVhd, "dynamic header"));
    VSM_ASSIGN_OR_RETURN(VhdDynamicHeader header,
                         ParseVhdDynamicHeader(header_bytes, parent, facts.footer.data_offset));
    facts.block_size_bytes = header.block_size_bytes;
  }
  return facts;
}

uint32_t VhdTimestampNow() {
  const int64_t seconds = static_cast<int64_t>(std::time(nullptr)) -
                          vhd_internal::kVhdEpochUnixSeconds;
  return seconds < 0 ? 0 : static_cast<uint32_t>(seconds);
}

void StoreLocatorEntry(uint8_t* header, size_t index, uint32_t code, uint32_t space_sectors,
                       uint32_t length, uint64_t offset) {
  uint8_t* entry = header + kParentLocatorsOffset + index * kParentLocatorEntrySize;
  StoreBigEndian32(entry, code);
  StoreBigEndian32(entry + 4, space_sectors);
  StoreBigEndian32(entry + 8, length);
  StoreBigEndian32(entry + 12, 0);
  StoreBigEndian64(entry + 16, offset);
}

void StoreParentName(uint8_t* header, const std::vector<uint8_t>& name_utf16be) {
  std::memset(header + kParentNameOffset, 0, kParentNameBytes);
  std::copy(name_utf16be.begin(), name_utf16be.end(), header + kParentNameOffset);
}

// The whole child file but its blocks (there are none yet).
std::vector<uint8_t> BuildChild(const ParentFacts& parent, const ParentNames& names) {
  const uint64_t entries =
      (parent.footer.current_size_bytes + parent.block_size_bytes - 1) / parent.block_size_bytes;
  const uint64_t bat_bytes = AlignUp(std::max<uint64_t>(entries, 1) * 4, kSectorBytes);
  const uint64_t relative_offset = kBatOffset + bat_bytes;
  const uint64_t absolute_offset = relative_offset + kVhdLocatorReservedBytes;
  const uint64_t footer_offset = absolute_offset + kVhdLocatorReservedBytes;
  std::vector<uint8_t> file(footer_offset + kVhdFooterSize, 0);

  uint8_t* footer = file.data() + footer_offset;
  std::memcpy(footer, "conectix", 8);
  StoreBigEndian32(footer + 8, kFeaturesReserved);
  StoreBigEndian32(footer + 12, kVhdVersion);
  StoreBigEndian64(footer + 16, kDynamicHeaderOffset);
  StoreBigEndian32(footer + 24, VhdTimestampNow());
  std::memcpy(footer + 28, "vsm ", 4);  // creator application: four characters
  StoreBigEndian32(footer + 32, kVhdVersion);
  std::memcpy(footer + 36, "Wi2k", 4);  // creator host OS, as Hyper-V writes it
  // Original size, current size and disk geometry, as the parent has them.
  std::memcpy(footer + 40, parent.footer_bytes.data() + 40, 20);
  StoreBigEndian32(footer + 60, static_cast<uint32_t>(VhdDiskType::kDifferencing));
  StoreGuidInStoredOrder(footer + 68, Guid::Generate());
  StoreBigEndian32(footer + kVhdFooterChecksumOffset,
                   VhdChecksum(std::span<const uint8_t>(footer, kVhdFooterSize),
                               kVhdFooterChecksumOffset));
  std::memcpy(file.data(), footer, kVhdFooterSize);

  uint8_t* header = file.data() + kDynamicHeaderOffset;
  std::memcpy(header, "cxsparse", 8);
  std::memset(header + 8, 0xFF, 8);  // data offset: unused
  StoreBigEndian64(header + 16, kBatOffset);
  StoreBigEndian32(header + 24, kVhdVersion);
  StoreBigEndian32(header + 28, static_cast<uint32_t>(entries));
  StoreBigEndian32(header + 32, parent.block_size_bytes);
  StoreGuidInStoredOrder(header + 40, parent.footer.unique_id);
  StoreBigEndian32(header + 56, parent.timestamp);
  StoreParentName(header, names.name_utf16be);
  // Platform Data Space in sectors, as the spec says; blktap's reading (VhdLocatorSpaceBytes)
  // gives the same 4096 bytes.
  constexpr uint32_t kSpaceSectors = kVhdLocatorReservedBytes / kSectorBytes;
  StoreLocatorEntry(header, 0, kVhdLocatorW2ru, kSpaceSectors,
                    static_cast<uint32_t>(names.relative_utf16le.size()), relative_offset);
  StoreLocatorEntry(header, 1, kVhdLocatorW2ku, kSpaceSectors,
                    static_cast<uint32_t>(names.absolute_utf16le.size()), absolute_offset);
  StoreBigEndian32(header + kVhdDynamicHeaderChecksumOffset,
                   VhdChecksum(std::span<const uint8_t>(header, kVhdDynamicHeaderSize),
                               kVhdDynamicHeaderChecksumOffset));

  std::memset(file.data() + kBatOffset, 0xFF, bat_bytes);
  std::copy(names.relative_utf16le.begin(), names.relative_utf16le.end(),
            file.begin() + static_cast<ptrdiff_t>(relative_offset));
  std::copy(names.absolute_utf16le.begin(), names.absolute_utf16le.end(),
            file.begin() + static_cast<ptrdiff_t>(absolute_offset));
  return file;
}

bool HasVhdExtension(const std::filesystem::path& path) {
  std::string extension = path.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return extension == ".vhd" || extension == ".avhd";
}

Result<void> SyncDirectory(const std::filesystem::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrorFromErrno("open", dir, errno);
  const int result = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (result != 0) return ErrorFromErrno("fsync", dir, err);
  return Ok();
}

Result<void> WriteNewFile(const std::filesystem::path& path, std::span<const uint8_t> bytes) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    if (errno == EEXIST) {
      return Error::InvalidParameter(fmt::format(
          "'{}' already exists; remove it or choose another name for the differencing disk",
          path.string()));
    }
    return ErrorFromErrno("create", path, errno);
  }
  Result<void> written = WriteFully(fd, path, 0, bytes);
  if (written.ok() && ::fsync(fd) != 0) written = ErrorFromErrno("fsync", path, errno);
  ::close(fd);
  if (written.ok()) {
    const std::filesystem::path dir = std::filesystem::absolute(path).parent_path();
    written = SyncDirectory(dir);
  }
  if (!written.ok()) ::unlink(path.c_str());
  return written;
}

// Checks that locator `index`'s data at [offset, offset + length) stays clear of the footer
// copy, the dynamic header, the BAT and every allocated block, inside the data.
Result<void> CheckLocatorRegion(const DiskFile& file, const VhdFooter& footer,
                                const VhdDynamicHeader& header, size_t index, uint64_t offset,
                                uint64_t length) {
  auto overlaps = [&](uint64_t start, uint64_t size) {
    return offset < start + size && start < offset + length;
  };
  const uint64_t data_end = file.size_bytes() - kVhdFooterSize;
  const uint64_t bat_bytes = AlignUp(uint64_t{header.max_table_entries} * 4, kSectorBytes);
  std::string clash;
  if (offset > data_end || length > data_end - offset) {
    clash = fmt::format("passes the end of the data ({} bytes before the footer)", data_end);
  } else if (overlaps(0, kVhdFooterSize) ||
             overlaps(footer.data_offset, kVhdDynamicHeaderSize)) {
    clash = "overlaps the footer copy or the dynamic header";
  } else if (overlaps(header.table_offset, bat_bytes)) {
    clash = "overlaps the BAT";
  } else {
    const uint64_t entries =
        (footer.current_size_bytes + header.block_size_bytes - 1) / header.block_size_bytes;
    const uint64_t span = SectorBitmapBytes(header.block_size_bytes) + header.block_size_bytes;
    VSM_ASSIGN_OR_RETURN(std::vector<uint8_t> bat,
                         file.Read(header.table_offset, entries * 4, kVhd, "BAT"));
    for (uint64_t i = 0; i < entries && clash.empty(); ++i) {
      const uint32_t sector = LoadBigEndian32(bat.data() + i * 4);
      if (sector != kUnallocatedBlock && overlaps(uint64_t{sector} * kSectorBytes, span)) {
        clash = fmt::format("overlaps block {}", i);
      }
    }
  }
  if (clash.empty()) return Ok();
  return file.Invalid(kVhd, fmt::format("parent locator {} data at offset {} ({} bytes) {}",
                                        index, offset, length, clash));
}

}  // namespace

Result<void> CreateVhdDifferencing(const std::filesystem::path& child,
                                   const std::filesystem::path& parent) {
  if (!HasVhdExtension(child)) {
    return Error::InvalidParameter(fmt::format(
        "'{}' does not end in .vhd or .avhd; a differencing disk of the VHD '{}' must",
        child.string(), parent.string()));
  }
  VSM_ASSIGN_OR_RETURN(ParentFacts facts, ReadParentFacts(parent));
  VSM_ASSIGN_OR_RETURN(ParentNames names, NameParent(child, parent));
  for (const auto* data : {&names.relative_utf16le, &names.absolute_utf16le}) {
    if (data->size() > kVhdLocatorReservedBytes) {
      return Error::InvalidParameter(fmt::format(
          "the path of parent '{}' needs {} bytes of UTF-16, more than the {} a VHD parent "
          "locator of vsm reserves; move the parent closer to the root",
          names.absolute, data->size(), kVhdLocatorReservedBytes));
    }
  }
  const std::vector<uint8_t> bytes = BuildChild(facts, names);
  return WriteNewFile(child, bytes);
}

Result<void> RepointVhdParent(const std::filesystem::path& child,
                              const std::filesystem::path& new_parent, ParentPathStyle style) {
  VSM_ASSIGN_OR_RETURN(DiskFile file, DiskFile::Open(child));
  VSM_ASSIGN_OR_RETURN(DiskInfo info, InspectVhd(file));
  if (info.format != DiskFormat::kVhdDifferencing) {
    return Error::InvalidParameter(fmt::format(
        "'{}' is a {} disk, not a differencing disk: it has no parent to re-point",
        child.string(), DiskFormatName(info.format)));
  }
  const uint64_t footer_offset = file.size_bytes() - kVhdFooterSize;
  VSM_ASSIGN_OR_RETURN(std::vector<uint8_t> footer_bytes,
                       file.Read(footer_offset, kVhdFooterSize, kVhd, "footer"));
  VSM_ASSIGN_OR_RETURN(VhdFooter footer, ParseVhdFooter(footer_bytes, child, footer_offset));
  VSM_ASSIGN_OR_RETURN(
      std::vector<uint8_t> header_bytes,
      file.Read(footer.data_offset, kVhdDynamicHeaderSize, kVhd, "dynamic header"));
  VSM_ASSIGN_OR_RETURN(VhdDynamicHeader header,
                       ParseVhdDynamicHeader(header_bytes, child, footer.data_offset));

  VSM_ASSIGN_OR_RETURN(ParentFacts parent, ReadParentFacts(new_parent));
  if (parent.footer.unique_id != header.parent_unique_id ||
      parent.timestamp != header.parent_timestamp) {
    return Error::InvalidParameter(fmt::format(
        "'{}' was made from parent {} (time stamp {}), but '{}' is {} (time stamp {}): it is "
        "not the disk the child was made from, or it was changed since; pass the child's own "
        "parent",
        child.string(), header.parent_unique_id.ToString(), header.parent_timestamp,
        new_parent.string(), parent.footer.unique_id.ToString(), parent.timestamp));
  }
  VSM_ASSIGN_OR_RETURN(ParentNames names, NameParent(child, new_parent));

  struct LocatorUpdate {
    uint64_t offset = 0;
    std::vector<uint8_t> data;  // zero-padded over the old data
  };
  std::vector<LocatorUpdate> updates;
  for (size_t i = 0; i < header.parent_locators.size(); ++i) {
    const VhdParentLocator& locator = header.parent_locators[i];
    const bool relative = locator.platform_code == kVhdLocatorW2ru;
    if (!relative && locator.platform_code != kVhdLocatorW2ku) continue;
    static const std::vector<uint8_t> kCleared;
    const std::vector<uint8_t>& data =
        relative ? names.relative_utf16le
                 : (style == ParentPathStyle::kRelativeOnly ? kCleared : names.absolute_utf16le);
    const uint64_t space = VhdLocatorSpaceBytes(locator);
    if (data.size() > space) {
      return Error::InvalidParameter(fmt::format(
          "cannot re-point '{}' to '{}': the {} parent locator (entry {}) reserves {} bytes, "
          "but the path '{}' needs {} bytes of UTF-16",
          child.string(), new_parent.string(), relative ? "W2ru" : "W2ku", i, space,
          relative ? names.relative : names.absolute, data.size()));
    }
    LocatorUpdate update;
    update.offset = locator.data_offset;
    update.data = data;
    update.data.resize(std::max<uint64_t>(data.size(), locator.data_length_bytes), 0);
    VSM_RETURN_IF_ERROR(
        CheckLocatorRegion(file, footer, header, i, update.offset, update.data.size()));
    updates.push_back(std::move(update));
    uint8_t* entry = header_bytes.data() + kParentLocatorsOffset + i * kParentLocatorEntrySize;
    StoreBigEndian32(entry + 8, static_cast<uint32_t>(data.size()));
  }
  StoreParentName(header_bytes.data(), names.name_utf16be);
  StoreBigEndian32(header_bytes.data() + kVhdDynamicHeaderChecksumOffset,
                   VhdChecksum(header_bytes, kVhdDynamicHeaderChecksumOffset));

  int fd = ::open(child.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return ErrorFromErrno("open", child, errno);
  // The locator data first, the header that gives its length last.
  Result<void> written = Ok();
  for (const LocatorUpdate& update : updates) {
    written = WriteFully(fd, child, update.offset, update.data);
    if (!written.ok()) break;
  }
  if (written.ok()) written = WriteFully(fd, child, footer.data_offset, header_bytes);
  if (written.ok() && ::fsync(fd) != 0) written = ErrorFromErrno("fsync", child, errno);
  ::close(fd);
  return written;
}

}  // namespace vsm::disk
