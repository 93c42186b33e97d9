#include "disk/vhdx_layer.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "disk/block_overlap.h"
#include "disk/byte_order.h"
#include "disk/crc32c.h"
#include "disk/disk_file.h"
#include "disk/posix_error.h"
#include "disk/vhdx_image.h"

namespace vsm::disk {

namespace vhdx_internal {

std::vector<uint8_t> SerializeVhdxHeader(const VhdxHeader& header) {
  std::vector<uint8_t> bytes(kVhdxHeaderSize, 0);
  uint8_t* p = bytes.data();
  std::memcpy(p, "head", 4);
  StoreLittleEndian64(p + 8, header.sequence_number);
  StoreGuidMixedEndian(p + 16, header.file_write_guid);
  StoreGuidMixedEndian(p + 32, header.data_write_guid);
  StoreGuidMixedEndian(p + 48, header.log_guid);
  StoreLittleEndian16(p + 64, header.log_version);
  StoreLittleEndian16(p + 66, header.version);
  StoreLittleEndian32(p + 68, header.log_length_bytes);
  StoreLittleEndian64(p + 72, header.log_offset);
  // The checksum field is still zero here, as the CRC-32C definition wants it.
  StoreLittleEndian32(p + kVhdxHeaderChecksumOffset, Crc32c(bytes));
  return bytes;
}

Result<VhdxHeader> RewriteVhdxHeaders(int fd, const std::filesystem::path& path,
                                      const VhdxHeader& current, uint64_t current_offset,
                                      bool new_data_write_guid) {
  const uint64_t other_offset =
      current_offset == kVhdxHeader1Offset ? kVhdxHeader2Offset : kVhdxHeader1Offset;
  VhdxHeader next = current;
  next.sequence_number = current.sequence_number + 1;
  next.file_write_guid = Guid::Generate();
  if (new_data_write_guid) next.data_write_guid = Guid::Generate();
  VSM_RETURN_IF_ERROR(WriteFully(fd, path, other_offset, SerializeVhdxHeader(next)));
  VSM_RETURN_IF_ERROR(SyncData(fd, path));
  // The second pass makes the old copy current again, so that both copies are up to date and a
  // later damage to either leaves a valid header.
  next.sequence_number += 1;
  VSM_RETURN_IF_ERROR(WriteFully(fd, path, current_offset, SerializeVhdxHeader(next)));
  VSM_RETURN_IF_ERROR(SyncData(fd, path));
  return next;
}

Result<void> ReadFully(int fd, const std::filesystem::path& path, uint64_t offset,
                       std::span<uint8_t> out) {
  size_t done = 0;
  while (done < out.size()) {
    ssize_t n =
        ::pread(fd, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrorFromErrno("read", path, errno);
    }
    if (n == 0) {
      return Error::Failed(fmt::format(
          "'{}' ended at offset {} while {} bytes at offset {} were being read; make sure no "
          "other program is writing to it",
          path.string(), offset + done, out.size(), offset));
    }
    done += static_cast<size_t>(n);
  }
  return Ok();
}

Result<void> WriteFully(int fd, const std::filesystem::path& path, uint64_t offset,
                        std::span<const uint8_t> data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n =
        ::pwrite(fd, data.data() + done, data.size() - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrorFromErrno("write", path, errno);
    }
    done += static_cast<size_t>(n);
  }
  return Ok();
}

Result<void> SyncData(int fd, const std::filesystem::path& path) {
  if (::fdatasync(fd) != 0) return ErrorFromErrno("flush", path, errno);
  return Ok();
}

}  // namespace vhdx_internal

namespace {

using vhdx_internal::kOneMiB;
using vhdx_internal::ReadFully;
using vhdx_internal::SyncData;
using vhdx_internal::WriteFully;

constexpr std::string_view kVhdx = "VHDX";

uint64_t AlignUp(uint64_t value, uint64_t alignment) {
  return (value + alignment - 1) / alignment * alignment;
}

uint64_t EntryState(uint64_t entry) { return entry & 7; }
uint64_t EntryFileOffset(uint64_t entry) { return (entry >> 20) * kOneMiB; }

std::string_view Trim(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n";
  const size_t first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(kSpace) - first + 1);
}

// One stretch of virtual bytes inside one block, before merging.
struct Piece {
  uint64_t offset = 0;
  uint64_t length = 0;
  RunSource source = RunSource::kZero;
  uint64_t file_offset = 0;  // for kThisLayer
};

// Appends `piece`, extending the last one if it continues it (in the file too, for kThisLayer).
void AddPiece(std::vector<Piece>& pieces, const Piece& piece) {
  if (!pieces.empty()) {
    Piece& last = pieces.back();
    if (last.source == piece.source && last.offset + last.length == piece.offset &&
        (piece.source != RunSource::kThisLayer ||
         last.file_offset + last.length == piece.file_offset)) {
      last.length += piece.length;
      return;
    }
  }
  pieces.push_back(piece);
}

class VhdxLayer final : public DiskLayer {
 public:
  static Result<std::unique_ptr<DiskLayer>> Open(const std::filesystem::path& path, Access access);

  VhdxLayer(const VhdxLayer&) = delete;
  VhdxLayer& operator=(const VhdxLayer&) = delete;
  ~VhdxLayer() override {
    if (fd_ >= 0) ::close(fd_);
  }

  const DiskInfo& info() const override { return layout_.info; }
  const std::filesystem::path& path() const override { return path_; }
  LayerIdentity identity() const override { return {layout_.header.data_write_guid, 0}; }
  const std::optional<ParentReference>& parent() const override { return parent_; }

  Result<std::vector<LayerRun>> Map(uint64_t offset, uint64_t length) const override;
  Result<void> Read(uint64_t offset, std::span<uint8_t> out) const override;
  Result<void> Write(uint64_t offset, std::span<const uint8_t> data,
                     const ParentReader* parent) override;
  Result<void> Flush() override;

 private:
  VhdxLayer(std::filesystem::path path, int fd, Access access)
      : path_(std::move(path)), fd_(fd), access_(access) {}

  Result<void> CheckBlockPlacement() const;
  Result<void> LoadParent();

  bool is_differencing() const { return layout_.metadata.has_parent; }
  const VhdxBatLayout& bat_layout() const { return layout_.bat_layout; }
  uint64_t block_bytes() const { return bat_layout().block_size_bytes; }
  uint64_t sector_bytes() const { return layout_.metadata.logical_sector_size_bytes; }
  // The virtual bytes of payload block `block` that lie inside the virtual size.
  uint64_t BlockValidBytes(uint64_t block) const {
    return std::min(block_bytes(), info().virtual_size_bytes - block * block_bytes());
  }

  Result<void> CheckRange(uint64_t offset, uint64_t length, std::string_view what) const;
  Result<void> CheckInFile(uint64_t index, std::string_view what, uint64_t offset,
                           uint64_t length) const;
  // The sector bitmap bits of payload block `block` (bit i: its logical sector i).
  Result<std::vector<uint8_t>> ReadBlockBitmap(uint64_t block) const;
  // Appends the pieces of [start, start + length) of payload block `block`.
  Result<void> AppendBlockPieces(uint64_t block, uint64_t start, uint64_t length,
                                 std::vector<Piece>& pieces) const;
  Result<std::vector<Piece>> ListPieces(uint64_t offset, uint64_t length) const;
  // Fills `out` with the virtual bytes at `offset` as the chain sees them: this layer's bytes,
  // zeros, and `parent`'s bytes where this layer defers to its parent.
  Result<void> ReadThrough(uint64_t offset, std::span<uint8_t> out,
                           const ParentReader* parent) const;
  // Writes `data` at block-relative `start` of payload block `block`, which is not
  // FULLY_PRESENT, by giving the block a new place at the end of the file.
  Result<void> WriteNewBlock(uint64_t block, uint64_t start, std::span<const uint8_t> data,
                             const ParentReader* parent);
  Result<void> BeginWriteSession();

  std::filesystem::path path_;
  int fd_ = -1;
  Access access_;
  VhdxFileLayout layout_;
  std::optional<ParentReference> parent_;
  uint64_t file_size_bytes_ = 0;
  bool session_started_ = false;  // the headers have been updated for this session's writes
};

Result<std::unique_ptr<DiskLayer>> VhdxLayer::Open(const std::filesystem::path& path,
                                                   Access access) {
  const int flags = (access == Access::kReadWrite ? O_RDWR : O_RDONLY) | O_CLOEXEC;
  int fd = ::open(path.c_str(), flags);
  if (fd < 0) return ErrorFromErrno("open", path, errno);
  std::unique_ptr<VhdxLayer> layer(new VhdxLayer(path, fd, access));
  VSM_ASSIGN_OR_RETURN(DiskFile file, DiskFile::Open(path));
  VSM_ASSIGN_OR_RETURN(layer->layout_, ReadVhdxLayout(file, /*keep_bat=*/true));
  layer->file_size_bytes_ = file.size_bytes();
  VSM_RETURN_IF_ERROR(layer->CheckBlockPlacement());
  if (layer->is_differencing()) VSM_RETURN_IF_ERROR(layer->LoadParent());
  return std::unique_ptr<DiskLayer>(std::move(layer));
}

// ReadVhdxLayout has checked that every present block lies inside the file. A write into a
// block that overlaps the log, the BAT, the metadata or another block would clobber it, so that
// is checked too, as is that every PARTIALLY_PRESENT block has the sector bitmap it needs.
Result<void> VhdxLayer::CheckBlockPlacement() const {
  struct Structure {
    std::string_view name;
    uint64_t offset;
    uint64_t length;
  };
  const Structure structures[] = {
      {"log", layout_.header.log_offset, layout_.header.log_length_bytes},
      {"BAT region", layout_.bat_region.file_offset, layout_.bat_region.length_bytes},
      {"metadata region", layout_.metadata_region.file_offset,
       layout_.metadata_region.length_bytes},
  };
  const VhdxBatLayout& bat = bat_layout();
  std::vector<PlacedBlock> placed;
  for (uint64_t index = 0; index < layout_.bat.size(); ++index) {
    const uint64_t entry = layout_.bat[index];
    const bool is_bitmap = index % (bat.chunk_ratio + 1) == bat.chunk_ratio;
    uint64_t length = 0;
    if (is_bitmap) {
      if (EntryState(entry) == kVhdxSectorBitmapBlockPresent) length = kOneMiB;
    } else {
      const uint64_t block = index - index / (bat.chunk_ratio + 1);
      if (EntryState(entry) == kVhdxPayloadBlockPartiallyPresent) {
        const uint64_t bitmap_index = bat.BitmapIndex(block);
        if (bitmap_index >= layout_.bat.size() ||
            EntryState(layout_.bat[bitmap_index]) != kVhdxSectorBitmapBlockPresent) {
          return InvalidDiskError(
              path_, kVhdx,
              fmt::format("BAT entry {} (payload block {}) is partially present, but the sector "
                          "bitmap entry {} of its chunk is not present; the BAT is damaged",
                          index, block, bitmap_index));
        }
      }
      if (EntryState(entry) == kVhdxPayloadBlockFullyPresent ||
          EntryState(entry) == kVhdxPayloadBlockPartiallyPresent) {
        length = BlockValidBytes(block);
      }
    }
    if (length == 0) continue;
    const uint64_t offset = EntryFileOffset(entry);
    for (const Structure& structure : structures) {
      if (offset < structure.offset + structure.length && structure.offset < offset + length) {
        return InvalidDiskError(
            path_, kVhdx,
            fmt::format("BAT entry {} points to a block at offset {} ({} bytes) that overlaps "
                        "the {} at offset {} ({} bytes); the BAT is damaged",
                        index, offset, length, structure.name, structure.offset, structure.length));
      }
    }
    placed.push_back({offset, length, index});
  }
  if (const auto overlap = FindOverlappingBlocks(placed)) {
    const auto& [low, high] = *overlap;
    return InvalidDiskError(
        path_, kVhdx,
        fmt::format("BAT entries {} and {} point to overlapping blocks at offsets {} and {}; "
                    "the BAT is damaged",
                    low.entry, high.entry, low.offset, high.offset));
  }
  return Ok();
}

Result<void> VhdxLayer::LoadParent() {
  const VhdxParentLocator& locator = *layout_.metadata.parent_locator;
  const std::string linkage = locator.Find("parent_linkage").value_or("");
  std::optional<Guid> expected = Guid::Parse(Trim(linkage));
  if (!expected) {
    return InvalidDiskError(path_, kVhdx,
                            fmt::format("parent locator: parent_linkage '{}' is not a GUID such as "
                                        "{{83ED0EC3-24C8-49A6-A959-5E4BF1288BFB}}",
                                        linkage));
  }
  ParentReference reference;
  reference.expected.id = *expected;
  for (std::string_view key : {"relative_path", "volume_path", "absolute_win32_path"}) {
    std::optional<std::string> value = locator.Find(key);
    if (value && !value->empty()) reference.locations.push_back(std::move(*value));
  }
  parent_ = std::move(reference);
  return Ok();
}

Result<void> VhdxLayer::CheckRange(uint64_t offset, uint64_t length, std::string_view what) const {
  const uint64_t size = info().virtual_size_bytes;
  if (offset > size || length > size - offset) {
    return Error::InvalidParameter(fmt::format(
        "cannot {} {} bytes at offset {} of '{}': the range passes its virtual size of {} bytes",
        what, length, offset, path_.string(), size));
  }
  return Ok();
}

Result<void> VhdxLayer::CheckInFile(uint64_t index, std::string_view what, uint64_t offset,
                                    uint64_t length) const {
  if (offset >= kOneMiB && offset <= file_size_bytes_ && length <= file_size_bytes_ - offset) {
    return Ok();
  }
  return InvalidDiskError(path_, kVhdx,
                          fmt::format("BAT entry {} points to a {} at offset {} ({} bytes) "
                                      "outside the file ({} bytes); the file is truncated or "
                                      "the BAT is damaged",
                                      index, what, offset, length, file_size_bytes_));
}

Result<std::vector<uint8_t>> VhdxLayer::ReadBlockBitmap(uint64_t block) const {
  const uint64_t index = bat_layout().BitmapIndex(block);
  const uint64_t entry = layout_.bat[index];
  if (EntryState(entry) != kVhdxSectorBitmapBlockPresent) {
    return InvalidDiskError(
        path_, kVhdx,
        fmt::format("payload block {} is partially present, but the sector bitmap entry {} of "
                    "its chunk is not present; the BAT is damaged",
                    block, index));
  }
  // The chunk's bitmap block holds chunk_ratio equal slices, one per payload block.
  const uint64_t slice_bytes = block_bytes() / sector_bytes() / 8;
  const uint64_t offset = EntryFileOffset(entry) + (block % bat_layout().chunk_ratio) * slice_bytes;
  VSM_RETURN_IF_ERROR(CheckInFile(index, "sector bitmap block", EntryFileOffset(entry), kOneMiB));
  std::vector<uint8_t> bitmap(slice_bytes);
  VSM_RETURN_IF_ERROR(ReadFully(fd_, path_, offset, bitmap));
  return bitmap;
}

Result<void> VhdxLayer::AppendBlockPieces(uint64_t block, uint64_t start, uint64_t length,
                                          std::vector<Piece>& pieces) const {
  const uint64_t index = bat_layout().PayloadIndex(block);
  const uint64_t entry = layout_.bat[index];
  const uint64_t virtual_start = block * block_bytes() + start;
  const uint64_t file_block = EntryFileOffset(entry);
  switch (EntryState(entry)) {
    case kVhdxPayloadBlockFullyPresent:
      VSM_RETURN_IF_ERROR(CheckInFile(index, "block", file_block, BlockValidBytes(block)));
      AddPiece(pieces, {virtual_start, length, RunSource::kThisLayer, file_block + start});
      return Ok();
    case kVhdxPayloadBlockPartiallyPresent: {
      if (!is_differencing()) {
        return InvalidDiskError(path_, kVhdx,
                                fmt::format("BAT entry {} has state 7 (partially present), "
                                            "which only a differencing disk may use",
                                            index));
      }
      VSM_RETURN_IF_ERROR(CheckInFile(index, "block", file_block, BlockValidBytes(block)));
      VSM_ASSIGN_OR_RETURN(std::vector<uint8_t> bitmap, ReadBlockBitmap(block));
      const uint64_t end = start + length;
      for (uint64_t position = start; position < end;) {
        const uint64_t sector = position / sector_bytes();
        const uint64_t piece_end = std::min(end, (sector + 1) * sector_bytes());
        const bool present = (bitmap[sector / 8] >> (sector % 8)) & 1;
        AddPiece(pieces,
                 {block * block_bytes() + position, piece_end - position,
                  present ? RunSource::kThisLayer : RunSource::kParent, file_block + position});
        position = piece_end;
      }
      return Ok();
    }
    case kVhdxPayloadBlockNotPresent:
      AddPiece(pieces, {virtual_start, length,
                        is_differencing() ? RunSource::kParent : RunSource::kZero, 0});
      return Ok();
    default:  // UNDEFINED, ZERO, UNMAPPED: zeros (see the header)
      AddPiece(pieces, {virtual_start, length, RunSource::kZero, 0});
      return Ok();
  }
}

Result<std::vector<Piece>> VhdxLayer::ListPieces(uint64_t offset, uint64_t length) const {
  std::vector<Piece> pieces;
  const uint64_t end = offset + length;
  for (uint64_t position = offset; position < end;) {
    const uint64_t block = position / block_bytes();
    const uint64_t start = position - block * block_bytes();
    const uint64_t piece_length = std::min(block_bytes() - start, end - position);
    VSM_RETURN_IF_ERROR(AppendBlockPieces(block, start, piece_length, pieces));
    position += piece_length;
  }
  return pieces;
}

Result<std::vector<LayerRun>> VhdxLayer::Map(uint64_t offset, uint64_t length) const {
  VSM_RETURN_IF_ERROR(CheckRange(offset, length, "map"));
  VSM_ASSIGN_OR_RETURN(std::vector<Piece> pieces, ListPieces(offset, length));
  std::vector<LayerRun> runs;
  for (const Piece& piece : pieces) {
    if (!runs.empty() && runs.back().source == piece.source) {
      runs.back().length += piece.length;
    } else {
      runs.push_back({piece.offset, piece.length, piece.source});
    }
  }
  return runs;
}

Result<void> VhdxLayer::Read(uint64_t offset, std::span<uint8_t> out) const {
  VSM_RETURN_IF_ERROR(CheckRange(offset, out.size(), "read"));
  VSM_ASSIGN_OR_RETURN(std::vector<Piece> pieces, ListPieces(offset, out.size()));
  for (const Piece& piece : pieces) {
    std::span<uint8_t> target = out.subspan(piece.offset - offset, piece.length);
    switch (piece.source) {
      case RunSource::kThisLayer:
        VSM_RETURN_IF_ERROR(ReadFully(fd_, path_, piece.file_offset, target));
        break;
      case RunSource::kZero:
        std::fill(target.begin(), target.end(), uint8_t{0});
        break;
      case RunSource::kParent:
        break;
    }
  }
  return Ok();
}

Result<void> VhdxLayer::ReadThrough(uint64_t offset, std::span<uint8_t> out,
                                    const ParentReader* parent) const {
  VSM_ASSIGN_OR_RETURN(std::vector<Piece> pieces, ListPieces(offset, out.size()));
  for (const Piece& piece : pieces) {
    std::span<uint8_t> target = out.subspan(piece.offset - offset, piece.length);
    switch (piece.source) {
      case RunSource::kThisLayer:
        VSM_RETURN_IF_ERROR(ReadFully(fd_, path_, piece.file_offset, target));
        break;
      case RunSource::kZero:
        std::fill(target.begin(), target.end(), uint8_t{0});
        break;
      case RunSource::kParent:
        if (parent == nullptr) {
          return Error::InvalidParameter(fmt::format(
              "cannot write to '{}' at offset {}: it is a differencing disk, and the block "
              "must first be filled from its parent, but no parent reader was given",
              path_.string(), offset));
        }
        VSM_RETURN_IF_ERROR(parent->ReadVirtual(piece.offset, target));
        break;
    }
  }
  return Ok();
}

Result<void> VhdxLayer::BeginWriteSession() {
  VSM_ASSIGN_OR_RETURN(layout_.header, vhdx_internal::RewriteVhdxHeaders(
                                           fd_, path_, layout_.header, layout_.header_offset,
                                           /*new_data_write_guid=*/true));
  session_started_ = true;
  return Ok();
}

Result<void> VhdxLayer::WriteNewBlock(uint64_t block, uint64_t start, std::span<const uint8_t> data,
                                      const ParentReader* parent) {
  const uint64_t block_start = block * block_bytes();
  const uint64_t valid_bytes = BlockValidBytes(block);
  // Written whole, past the virtual size too, so that the block lies wholly inside the file.
  std::vector<uint8_t> content(block_bytes(), 0);
  std::span<uint8_t> whole(content);
  VSM_RETURN_IF_ERROR(ReadThrough(block_start, whole.first(start), parent));
  std::copy(data.begin(), data.end(), content.begin() + static_cast<ptrdiff_t>(start));
  const uint64_t tail = start + data.size();
  VSM_RETURN_IF_ERROR(
      ReadThrough(block_start + tail, whole.subspan(tail, valid_bytes - tail), parent));

  const uint64_t file_offset = AlignUp(file_size_bytes_, kOneMiB);
  VSM_RETURN_IF_ERROR(WriteFully(fd_, path_, file_offset, content));
  file_size_bytes_ = file_offset + block_bytes();
  // The block must be stable before the BAT points at it: a crash in between leaves an unused
  // block at the end of the file, never a BAT entry that names unwritten data.
  VSM_RETURN_IF_ERROR(SyncData(fd_, path_));

  // The BAT entry is written in place, not through the log (MS-VHDX 2.3 wants metadata updates
  // logged). That is safe here: the file is offline (vsm holds the only open for writing), an
  // entry is 8 aligned bytes inside one sector, so it is written whole or not at all, and the
  // fdatasync above orders it after the data it points to. A log entry would buy nothing a
  // reader could observe.
  const uint64_t index = bat_layout().PayloadIndex(block);
  const uint64_t entry = (file_offset / kOneMiB) << 20 | kVhdxPayloadBlockFullyPresent;
  uint8_t entry_bytes[8];
  vhdx_internal::StoreLittleEndian64(entry_bytes, entry);
  VSM_RETURN_IF_ERROR(
      WriteFully(fd_, path_, layout_.bat_region.file_offset + index * 8, entry_bytes));
  layout_.bat[index] = entry;
  return Ok();
}

Result<void> VhdxLayer::Write(uint64_t offset, std::span<const uint8_t> data,
                              const ParentReader* parent) {
  if (access_ != Access::kReadWrite) {
    return Error::InvalidState(fmt::format(
        "cannot write to '{}': it was opened read-only; open it with Access::kReadWrite",
        path_.string()));
  }
  VSM_RETURN_IF_ERROR(CheckRange(offset, data.size(), "write"));
  if (data.empty()) return Ok();
  if (!session_started_) VSM_RETURN_IF_ERROR(BeginWriteSession());
  for (uint64_t done = 0; done < data.size();) {
    const uint64_t position = offset + done;
    const uint64_t block = position / block_bytes();
    const uint64_t start = position - block * block_bytes();
    const uint64_t length = std::min(block_bytes() - start, data.size() - done);
    std::span<const uint8_t> piece = data.subspan(done, length);
    const uint64_t index = bat_layout().PayloadIndex(block);
    const uint64_t entry = layout_.bat[index];
    if (EntryState(entry) == kVhdxPayloadBlockFullyPresent) {
      VSM_RETURN_IF_ERROR(
          CheckInFile(index, "block", EntryFileOffset(entry), BlockValidBytes(block)));
      VSM_RETURN_IF_ERROR(WriteFully(fd_, path_, EntryFileOffset(entry) + start, piece));
    } else {
      VSM_RETURN_IF_ERROR(WriteNewBlock(block, start, piece, parent));
    }
    done += length;
  }
  return Ok();
}

Result<void> VhdxLayer::Flush() {
  if (access_ != Access::kReadWrite) return Ok();
  return SyncData(fd_, path_);
}

}  // namespace

Result<std::unique_ptr<DiskLayer>> OpenVhdxLayer(const std::filesystem::path& path,
                                                 DiskLayer::Access access) {
  return VhdxLayer::Open(path, access);
}

}  // namespace vsm::disk
