#include "disk/vhdx_differencing.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/guid.h"
#include "disk/byte_order.h"
#include "disk/crc32c.h"
#include "disk/disk_file.h"
#include "disk/posix_error.h"
#include "disk/vhdx_header.h"
#include "disk/vhdx_image.h"
#include "disk/vhdx_layer.h"
#include "disk/vhdx_metadata.h"
#include "disk/vhdx_region_table.h"

namespace vsm::disk {
namespace {

using vhdx_internal::kOneMiB;
using vhdx_internal::StoreLittleEndian16;
using vhdx_internal::StoreLittleEndian64;
using vhdx_internal::SyncData;
using vhdx_internal::WriteFully;

constexpr std::string_view kVhdx = "VHDX";
constexpr uint64_t kLogOffset = kOneMiB;
constexpr uint32_t kLogLength = kOneMiB;
constexpr uint64_t kMetadataOffset = 2 * kOneMiB;
constexpr uint32_t kMetadataLength = kOneMiB;
constexpr uint64_t kBatOffset = 3 * kOneMiB;
constexpr size_t kMetadataTableEntryOffset = 32;
constexpr size_t kMetadataTableEntrySize = 32;
constexpr size_t kLocatorHeaderSize = 20;
constexpr size_t kLocatorEntrySize = 12;
// Metadata table entry flags (MS-VHDX 2.6.1.2).
constexpr uint32_t kIsVirtualDisk = 2;
constexpr uint32_t kIsRequired = 4;

uint64_t AlignUp(uint64_t value, uint64_t alignment) {
  return (value + alignment - 1) / alignment * alignment;
}

std::string LowerExtension(const std::filesystem::path& path) {
  std::string extension = path.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return extension;
}

// UTF-16LE of UTF-8 `text`; nullopt if `text` is not valid UTF-8.
std::optional<std::vector<uint8_t>> Utf8ToUtf16Le(std::string_view text) {
  std::vector<uint8_t> out;
  auto put = [&out](uint32_t unit) {
    out.push_back(static_cast<uint8_t>(unit));
    out.push_back(static_cast<uint8_t>(unit >> 8));
  };
  for (size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    size_t length = lead < 0x80         ? 1
                    : (lead >> 5) == 6  ? 2
                    : (lead >> 4) == 14 ? 3
                    : (lead >> 3) == 30 ? 4
                                        : 0;
    if (length == 0 || i + length > text.size()) return std::nullopt;
    uint32_t code = length == 1 ? lead : lead & (0x7F >> length);
    for (size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next >> 6) != 2) return std::nullopt;
      code = code << 6 | (next & 0x3F);
    }
    if (code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return std::nullopt;
    if (code >= 0x10000) {
      put(0xD800 + ((code - 0x10000) >> 10));
      put(0xDC00 + ((code - 0x10000) & 0x3FF));
    } else {
      put(code);
    }
    i += length;
  }
  return out;
}

// A parent locator item (MS-VHDX 2.6.2.6) of the VHDX type holding `entries` in their order.
Result<std::vector<uint8_t>> SerializeParentLocator(
    const std::vector<std::pair<std::string, std::string>>& entries) {
  std::vector<uint8_t> item(kLocatorHeaderSize + kLocatorEntrySize * entries.size(), 0);
  StoreGuidMixedEndian(item.data(), VhdxParentLocatorTypeGuid());
  StoreLittleEndian16(item.data() + 18, static_cast<uint16_t>(entries.size()));
  for (size_t i = 0; i < entries.size(); ++i) {
    std::optional<std::vector<uint8_t>> key = Utf8ToUtf16Le(entries[i].first);
    std::optional<std::vector<uint8_t>> value = Utf8ToUtf16Le(entries[i].second);
    if (!key || !value) {
      return Error::InvalidParameter(fmt::format(
          "parent locator entry '{}' = '{}' is not valid UTF-8; rename the file so that its "
          "path is",
          entries[i].first, entries[i].second));
    }
    if (key->empty() || value->empty() || key->size() > 0xFFFF || value->size() > 0xFFFF) {
      return Error::InvalidParameter(fmt::format(
          "parent locator entry '{}' = '{}' has an empty or over-long (more than 65535 bytes) "
          "key or value",
          entries[i].first, entries[i].second));
    }
    uint8_t* entry = item.data() + kLocatorHeaderSize + kLocatorEntrySize * i;
    StoreLittleEndian32(entry, static_cast<uint32_t>(item.size()));
    StoreLittleEndian32(entry + 4, static_cast<uint32_t>(item.size() + key->size()));
    StoreLittleEndian16(entry + 8, static_cast<uint16_t>(key->size()));
    StoreLittleEndian16(entry + 10, static_cast<uint16_t>(value->size()));
    item.insert(item.end(), key->begin(), key->end());
    item.insert(item.end(), value->begin(), value->end());
  }
  return item;
}

struct ParentPaths {
  std::string relative;  // Windows separators, ".\\" or "..\\" first
  std::string absolute;  // POSIX, symbolic links resolved
};

ParentPaths DescribeParentPaths(const std::filesystem::path& child,
                                const std::filesystem::path& parent) {
  const std::filesystem::path parent_path =
      std::filesystem::weakly_canonical(std::filesystem::absolute(parent));
  const std::filesystem::path child_directory =
      std::filesystem::weakly_canonical(std::filesystem::absolute(child)).parent_path();
  std::string relative = parent_path.lexically_relative(child_directory).string();
  if (!relative.starts_with("../")) relative = "./" + relative;
  std::replace(relative.begin(), relative.end(), '/', '\\');
  return {relative, parent_path.string()};
}

// The parent_linkage of `locator` as a GUID, read as leniently as its writers vary: braces or
// none, any case, surrounding blanks.
Result<Guid> ParentLinkage(const std::filesystem::path& path, const VhdxParentLocator& locator) {
  const std::string linkage = locator.Find("parent_linkage").value_or("");
  std::string_view text = linkage;
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  std::optional<Guid> guid = Guid::Parse(text);
  if (!guid) {
    return InvalidDiskError(
        path, kVhdx, fmt::format("parent locator: parent_linkage '{}' is not a GUID", linkage));
  }
  return *guid;
}

// "{83ed0ec3-24c8-49a6-a959-5e4bf1288bfb}": lower case in braces, as MS-VHDX 2.6.2.6.3 says the
// value is encoded (its example shows upper case, but libvhdi reads only lower case and reports a
// null parent identifier otherwise).
std::string ParentLinkageText(const Guid& guid) {
  std::string text = "{" + guid.ToString() + "}";
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// Sets `key` to `value`, in place if present, else at the end.
void SetEntry(std::vector<std::pair<std::string, std::string>>& entries, std::string_view key,
              std::string value) {
  for (auto& [entry_key, entry_value] : entries) {
    if (entry_key == key) {
      entry_value = std::move(value);
      return;
    }
  }
  entries.emplace_back(std::string(key), std::move(value));
}

void StoreMetadataEntry(std::vector<uint8_t>& region, size_t index, const Guid& item_id,
                        uint32_t offset, uint32_t length, uint32_t flags) {
  uint8_t* entry = region.data() + kMetadataTableEntryOffset + index * kMetadataTableEntrySize;
  StoreGuidMixedEndian(entry, item_id);
  StoreLittleEndian32(entry + 16, offset);
  StoreLittleEndian32(entry + 20, length);
  StoreLittleEndian32(entry + 24, flags);
}

// The metadata region of a new child of `parent` (see CreateVhdxDifferencing).
std::vector<uint8_t> BuildMetadataRegion(const VhdxMetadata& parent,
                                         std::span<const uint8_t> locator) {
  std::vector<uint8_t> region(kMetadataLength, 0);
  std::memcpy(region.data(), "metadata", 8);
  uint32_t next = kVhdxMetadataTableSize;
  size_t index = 0;
  auto add = [&](const Guid& id, std::span<const uint8_t> item, uint32_t flags) {
    std::copy(item.begin(), item.end(), region.begin() + next);
    StoreMetadataEntry(region, index++, id, next, static_cast<uint32_t>(item.size()), flags);
    next += static_cast<uint32_t>(AlignUp(item.size(), 8));
  };
  uint8_t parameters[8] = {};
  StoreLittleEndian32(parameters, parent.block_size_bytes);
  StoreLittleEndian32(parameters + 4, 2);  // HasParent
  add(VhdxFileParametersGuid(), parameters, kIsRequired);
  uint8_t size[8];
  StoreLittleEndian64(size, parent.virtual_disk_size_bytes);
  add(VhdxVirtualDiskSizeGuid(), size, kIsVirtualDisk | kIsRequired);
  uint8_t id[16];
  StoreGuidMixedEndian(id, Guid::Generate());
  add(VhdxVirtualDiskIdGuid(), id, kIsVirtualDisk | kIsRequired);
  uint8_t logical[4];
  StoreLittleEndian32(logical, parent.logical_sector_size_bytes);
  add(VhdxLogicalSectorSizeGuid(), logical, kIsVirtualDisk | kIsRequired);
  uint8_t physical[4];
  StoreLittleEndian32(physical, parent.physical_sector_size_bytes);
  add(VhdxPhysicalSectorSizeGuid(), physical, kIsVirtualDisk | kIsRequired);
  add(VhdxParentLocatorGuid(), locator, kIsRequired);
  StoreLittleEndian16(region.data() + 10, static_cast<uint16_t>(index));
  return region;
}

std::vector<uint8_t> BuildRegionTable(uint64_t bat_length) {
  std::vector<uint8_t> table(kVhdxRegionTableSize, 0);
  std::memcpy(table.data(), "regi", 4);
  StoreLittleEndian32(table.data() + 8, 2);
  auto store = [&](size_t index, const Guid& guid, uint64_t offset, uint64_t length) {
    uint8_t* entry = table.data() + 16 + index * 32;
    StoreGuidMixedEndian(entry, guid);
    StoreLittleEndian64(entry + 16, offset);
    StoreLittleEndian32(entry + 24, static_cast<uint32_t>(length));
    StoreLittleEndian32(entry + 28, 1);  // required
  };
  store(0, VhdxBatRegionGuid(), kBatOffset, bat_length);
  store(1, VhdxMetadataRegionGuid(), kMetadataOffset, kMetadataLength);
  StoreLittleEndian32(table.data() + kVhdxRegionTableChecksumOffset, Crc32c(table));
  return table;
}

std::vector<uint8_t> BuildFileTypeIdentifier() {
  std::vector<uint8_t> identifier(64 * 1024, 0);
  std::memcpy(identifier.data(), "vhdxfile", 8);
  const std::vector<uint8_t> creator = *Utf8ToUtf16Le("vsm");
  std::copy(creator.begin(), creator.end(), identifier.begin() + 8);
  return identifier;
}

Result<void> WriteChild(int fd, const std::filesystem::path& child, const VhdxFileLayout& parent,
                        const ParentPaths& paths) {
  VSM_ASSIGN_OR_RETURN(std::vector<uint8_t> locator,
                       SerializeParentLocator({
                           {"parent_linkage", ParentLinkageText(parent.header.data_write_guid)},
                           {"relative_path", paths.relative},
                           {"absolute_win32_path", paths.absolute},
                       }));
  if (kVhdxMetadataTableSize + 64 + locator.size() > kMetadataLength) {
    return Error::InvalidParameter(
        fmt::format("the parent locator naming '{}' ({} bytes) does not fit in a metadata region",
                    paths.absolute, locator.size()));
  }
  VhdxMetadata child_metadata = parent.metadata;
  child_metadata.has_parent = true;
  const VhdxBatLayout bat = ComputeVhdxBatLayout(child_metadata);
  const uint64_t bat_length = AlignUp(bat.entry_count * 8, kOneMiB);

  VhdxHeader header;
  header.file_write_guid = Guid::Generate();
  header.data_write_guid = Guid::Generate();
  header.version = 1;
  header.log_length_bytes = kLogLength;
  header.log_offset = kLogOffset;

  VSM_RETURN_IF_ERROR(WriteFully(fd, child, 0, BuildFileTypeIdentifier()));
  header.sequence_number = 0;
  VSM_RETURN_IF_ERROR(
      WriteFully(fd, child, kVhdxHeader1Offset, vhdx_internal::SerializeVhdxHeader(header)));
  header.sequence_number = 1;
  VSM_RETURN_IF_ERROR(
      WriteFully(fd, child, kVhdxHeader2Offset, vhdx_internal::SerializeVhdxHeader(header)));
  const std::vector<uint8_t> regions = BuildRegionTable(bat_length);
  VSM_RETURN_IF_ERROR(WriteFully(fd, child, kVhdxRegionTable1Offset, regions));
  VSM_RETURN_IF_ERROR(WriteFully(fd, child, kVhdxRegionTable2Offset, regions));
  VSM_RETURN_IF_ERROR(
      WriteFully(fd, child, kMetadataOffset, BuildMetadataRegion(parent.metadata, locator)));
  // Every chunk gets a sector bitmap block that is present and all zeros (every sector from the
  // parent), stored as a hole: MS-VHDX allows it, and libvhdi (libyal/libvhdi#17) reads the
  // bitmap of a chunk whose bitmap entry is NOT_PRESENT from offset 0 of the file, so without
  // one it would read the file's own headers as the bitmap. It costs 1 MiB of apparent size
  // (no space) per chunk (4 GiB of virtual disk with 512-byte sectors).
  const uint64_t chunks = (bat.data_blocks + bat.chunk_ratio - 1) / bat.chunk_ratio;
  const uint64_t bitmaps_offset = kBatOffset + bat_length;
  for (uint64_t chunk = 0; chunk < chunks; ++chunk) {
    uint8_t entry[8];
    const uint64_t bitmap_offset = bitmaps_offset + chunk * kOneMiB;
    const uint64_t value = bitmap_offset | kVhdxSectorBitmapBlockPresent;  // offset is MiB-aligned
    for (int i = 0; i < 8; ++i) entry[i] = static_cast<uint8_t>(value >> (8 * i));
    const uint64_t index = bat.BitmapIndex(chunk * bat.chunk_ratio);
    VSM_RETURN_IF_ERROR(WriteFully(fd, child, kBatOffset + index * 8, entry));
  }
  // The log, the rest of the BAT and the bitmaps are zeros (an empty log; every payload entry
  // NOT_PRESENT): a hole will do.
  if (::ftruncate(fd, static_cast<off_t>(bitmaps_offset + chunks * kOneMiB)) != 0) {
    return ErrorFromErrno("extend", child, errno);
  }
  if (::fsync(fd) != 0) return ErrorFromErrno("flush", child, errno);
  return Ok();
}

Result<void> SyncDirectory(const std::filesystem::path& directory) {
  int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrorFromErrno("open directory", directory, errno);
  const int result = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  if (result != 0) return ErrorFromErrno("flush directory", directory, error);
  return Ok();
}

// Where an item of `length` bytes fits in the metadata region without touching any item in
// `entries` (the one it replaces included): the first gap after the table, or nullopt.
std::optional<uint32_t> FindFreeSpace(const std::vector<VhdxMetadataEntry>& entries,
                                      uint64_t region_length, uint64_t length) {
  std::vector<std::pair<uint64_t, uint64_t>> used;
  for (const VhdxMetadataEntry& entry : entries) {
    if (entry.length_bytes != 0) used.emplace_back(entry.offset, entry.offset + entry.length_bytes);
  }
  std::sort(used.begin(), used.end());
  uint64_t candidate = kVhdxMetadataTableSize;
  for (const auto& [start, end] : used) {
    if (candidate + length <= start) break;
    candidate = std::max(candidate, AlignUp(end, 8));
  }
  if (candidate + length > region_length) return std::nullopt;
  return static_cast<uint32_t>(candidate);
}

}  // namespace

Result<void> CreateVhdxDifferencing(const std::filesystem::path& child,
                                    const std::filesystem::path& parent) {
  VSM_ASSIGN_OR_RETURN(DiskFile parent_file, DiskFile::Open(parent));
  VSM_ASSIGN_OR_RETURN(VhdxFileLayout parent_layout,
                       ReadVhdxLayout(parent_file, /*keep_bat=*/false));
  const std::string extension = LowerExtension(child);
  if (extension != ".vhdx" && extension != ".avhdx") {
    return Error::InvalidParameter(fmt::format(
        "'{}' cannot be a differencing disk of '{}': the parent is a {} disk, so the child's "
        "name must end in .vhdx or .avhdx",
        child.string(), parent.string(), DiskFormatName(parent_layout.info.format)));
  }
  const ParentPaths paths = DescribeParentPaths(child, parent);
  int fd = ::open(child.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    if (errno == EEXIST) {
      return Error::InvalidParameter(fmt::format("'{}' already exists", child.string()));
    }
    return ErrorFromErrno("create", child, errno);
  }
  Result<void> written = WriteChild(fd, child, parent_layout, paths);
  if (::close(fd) != 0 && written.ok()) written = ErrorFromErrno("close", child, errno);
  if (written.ok()) {
    const std::filesystem::path directory = std::filesystem::absolute(child).parent_path();
    written = SyncDirectory(directory);
  }
  if (!written.ok()) {
    ::unlink(child.c_str());
    return written.error();
  }
  return Ok();
}

Result<void> RepointVhdxParent(const std::filesystem::path& child,
                               const std::filesystem::path& new_parent, ParentPathStyle style) {
  VSM_ASSIGN_OR_RETURN(DiskFile child_file, DiskFile::Open(child));
  VSM_ASSIGN_OR_RETURN(VhdxFileLayout layout, ReadVhdxLayout(child_file, /*keep_bat=*/false));
  if (!layout.metadata.has_parent) {
    return Error::InvalidParameter(
        fmt::format("'{}' is a {} disk, not a differencing disk: it has no parent to re-point",
                    child.string(), DiskFormatName(layout.info.format)));
  }
  const VhdxParentLocator& locator = *layout.metadata.parent_locator;
  VSM_ASSIGN_OR_RETURN(Guid wanted, ParentLinkage(child, locator));
  VSM_ASSIGN_OR_RETURN(DiskFile parent_file, DiskFile::Open(new_parent));
  VSM_ASSIGN_OR_RETURN(VhdxFileLayout parent_layout,
                       ReadVhdxLayout(parent_file, /*keep_bat=*/false));
  const Guid found = parent_layout.header.data_write_guid;
  if (found != wanted) {
    return Error::InvalidParameter(fmt::format(
        "cannot re-point '{}' at '{}': the child was made from the disk whose DataWriteGuid is "
        "{}, but '{}' has DataWriteGuid {}; it is another disk, or it was written to after the "
        "child was made",
        child.string(), new_parent.string(), wanted.ToString(), new_parent.string(),
        found.ToString()));
  }

  const VhdxRegion& region = layout.metadata_region;
  VSM_ASSIGN_OR_RETURN(
      std::vector<uint8_t> table,
      child_file.Read(region.file_offset, kVhdxMetadataTableSize, kVhdx, "metadata table"));
  Result<std::vector<VhdxMetadataEntry>> entries =
      ParseVhdxMetadataTable(table, region.length_bytes);
  if (!entries.ok()) return child_file.Invalid(kVhdx, entries.error().message());
  size_t locator_index = entries->size();
  for (size_t i = 0; i < entries->size(); ++i) {
    if ((*entries)[i].item_id == VhdxParentLocatorGuid()) locator_index = i;
  }
  const VhdxMetadataEntry old_entry = (*entries)[locator_index];  // ReadVhdxLayout found it

  std::vector<std::pair<std::string, std::string>> new_entries = locator.entries;
  const ParentPaths paths = DescribeParentPaths(child, new_parent);
  SetEntry(new_entries, "relative_path", paths.relative);
  if (style == ParentPathStyle::kRelativeAndAbsolute) {
    SetEntry(new_entries, "absolute_win32_path", paths.absolute);
  } else {
    std::erase_if(new_entries,
                  [](const auto& entry) { return entry.first == "absolute_win32_path"; });
  }
  VSM_ASSIGN_OR_RETURN(std::vector<uint8_t> item, SerializeParentLocator(new_entries));
  std::optional<uint32_t> item_offset = FindFreeSpace(*entries, region.length_bytes, item.size());
  if (!item_offset && item.size() <= old_entry.length_bytes) item_offset = old_entry.offset;
  if (!item_offset) {
    return Error::InvalidParameter(fmt::format(
        "cannot re-point '{}' at '{}': its metadata region ({} bytes) has no room for the "
        "{}-byte parent locator; choose a shorter path",
        child.string(), new_parent.string(), region.length_bytes, item.size()));
  }

  int fd = ::open(child.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return ErrorFromErrno("open", child, errno);
  // MS-VHDX 2.2.2.1: the headers first. The data is unchanged, so the DataWriteGuid stays and
  // the child's own children still match it.
  Result<VhdxHeader> headers = vhdx_internal::RewriteVhdxHeaders(
      fd, child, layout.header, layout.header_offset, /*new_data_write_guid=*/false);
  Result<void> result = headers.ok() ? Result<void>() : Result<void>(headers.error());
  // The item and the table entry are written in place, not through the log (MS-VHDX 2.3): the
  // file is offline, the new item goes to free space (the old one stays valid until the entry
  // points away from it), and the 32-byte table entry lies inside one sector, so a crash leaves
  // the old locator or the new one, never a mix.
  if (result.ok()) {
    result = WriteFully(fd, child, region.file_offset + *item_offset, item);
  }
  if (result.ok()) result = SyncData(fd, child);
  if (result.ok()) {
    std::vector<uint8_t> entry(
        table.begin() + kMetadataTableEntryOffset + locator_index * kMetadataTableEntrySize,
        table.begin() + kMetadataTableEntryOffset + (locator_index + 1) * kMetadataTableEntrySize);
    StoreLittleEndian32(entry.data() + 16, *item_offset);
    StoreLittleEndian32(entry.data() + 20, static_cast<uint32_t>(item.size()));
    result = WriteFully(
        fd, child,
        region.file_offset + kMetadataTableEntryOffset + locator_index * kMetadataTableEntrySize,
        entry);
  }
  if (result.ok()) result = SyncData(fd, child);
  // The old item is unreferenced now but still holds the old paths (often absolute ones from
  // the source host); zero it so a packaged child does not carry them away.
  if (result.ok() && *item_offset != old_entry.offset) {
    result = WriteFully(fd, child, region.file_offset + old_entry.offset,
                        std::vector<uint8_t>(old_entry.length_bytes, 0));
    if (result.ok()) result = SyncData(fd, child);
  }
  ::close(fd);
  return result;
}

}  // namespace vsm::disk
