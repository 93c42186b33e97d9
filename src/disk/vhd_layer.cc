#include "disk/vhd_layer.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "disk/block_overlap.h"
#include "disk/byte_order.h"
#include "disk/disk_file.h"
#include "disk/posix_error.h"
#include "disk/utf16.h"
#include "disk/vhd_dynamic_header.h"
#include "disk/vhd_footer.h"
#include "disk/vhd_image.h"

namespace vsm::disk {

namespace vhd_internal {

uint64_t SectorBitmapBytes(uint32_t block_size_bytes) {
  const uint64_t bitmap_bytes = (block_size_bytes / kSectorBytes + 7) / 8;
  return (bitmap_bytes + kSectorBytes - 1) / kSectorBytes * kSectorBytes;
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

}  // namespace vhd_internal

namespace {

using vhd_internal::kSectorBytes;
using vhd_internal::kUnallocatedBlock;
using vhd_internal::ReadFully;
using vhd_internal::SectorBitmapBytes;
using vhd_internal::WriteFully;

constexpr std::string_view kVhd = "VHD";
constexpr uint32_t kMaxLocatorBytes = 64 * 1024;
// 2 TiB of 32 KiB blocks; Hyper-V's 2 TiB of 2 MiB blocks is 1 Mi entries.
constexpr uint64_t kMaxBatEntries = 64ull << 20;
constexpr uint64_t kBatEntriesPerRead = 256 * 1024;

uint64_t AlignUp(uint64_t value, uint64_t alignment) {
  return (value + alignment - 1) / alignment * alignment;
}

bool BitmapBitSet(const std::vector<uint8_t>& bitmap, uint64_t sector) {
  return (bitmap[sector / 8] >> (7 - sector % 8)) & 1;
}

bool Overlaps(uint64_t a, uint64_t a_length, uint64_t b, uint64_t b_length) {
  return a < b + b_length && b < a + a_length;
}

// One stretch of virtual bytes inside one block (or of a fixed disk), before merging.
struct Piece {
  uint64_t offset = 0;
  uint64_t length = 0;
  RunSource source = RunSource::kZero;
  uint64_t file_offset = 0;  // for kThisLayer
};

class VhdLayer final : public DiskLayer {
 public:
  static Result<std::unique_ptr<DiskLayer>> Open(const std::filesystem::path& path, Access access);

  VhdLayer(const VhdLayer&) = delete;
  VhdLayer& operator=(const VhdLayer&) = delete;
  ~VhdLayer() override {
    if (fd_ >= 0) ::close(fd_);
  }

  const DiskInfo& info() const override { return info_; }
  const std::filesystem::path& path() const override { return path_; }
  LayerIdentity identity() const override { return identity_; }
  const std::optional<ParentReference>& parent() const override { return parent_; }

  Result<std::vector<LayerRun>> Map(uint64_t offset, uint64_t length) const override;
  Result<void> Read(uint64_t offset, std::span<uint8_t> out) const override;
  Result<void> Write(uint64_t offset, std::span<const uint8_t> data,
                     const ParentReader* parent) override;
  Result<void> Flush() override;

 private:
  VhdLayer(std::filesystem::path path, int fd, Access access)
      : path_(std::move(path)), fd_(fd), access_(access) {}

  Result<void> Load(const DiskInfo& info, const DiskFile& file);
  Result<void> LoadBat(const DiskFile& file);
  Result<void> LoadParent(const DiskFile& file);

  bool is_fixed() const { return info_.format == DiskFormat::kVhdFixed; }
  bool is_differencing() const { return info_.format == DiskFormat::kVhdDifferencing; }
  uint64_t block_bytes() const { return header_.block_size_bytes; }
  uint64_t block_span_bytes() const { return bitmap_bytes_ + header_.block_size_bytes; }
  // The virtual bytes of block `index` that lie inside the virtual size.
  uint64_t BlockValidBytes(uint64_t index) const {
    return std::min(block_bytes(), info_.virtual_size_bytes - index * block_bytes());
  }

  Result<void> CheckRange(uint64_t offset, uint64_t length, std::string_view what) const;
  Result<void> CheckBlockInFile(uint64_t index) const;
  Result<std::vector<uint8_t>> ReadBitmap(uint64_t index) const;
  // The pieces of [offset, offset + length), in order, one block at a time.
  Result<std::vector<Piece>> ListPieces(uint64_t offset, uint64_t length) const;

  // Writes `data` at block-relative `start` of allocated block `index`, first copying from
  // `parent` the sectors its bitmap lacks (differencing only).
  Result<void> WriteAllocatedBlock(uint64_t index, uint64_t start, std::span<const uint8_t> data,
                                   const ParentReader* parent);
  // The content of a new block `index`: `data` at `start`, the rest from `parent` or zeros.
  Result<std::vector<uint8_t>> BuildNewBlock(uint64_t index, uint64_t start,
                                             std::span<const uint8_t> data,
                                             const ParentReader* parent) const;

  std::filesystem::path path_;
  int fd_ = -1;
  Access access_;
  DiskInfo info_;
  LayerIdentity identity_;
  std::optional<ParentReference> parent_;
  std::vector<uint8_t> footer_bytes_;  // as stored at the end of the file
  VhdFooter footer_;
  VhdDynamicHeader header_;    // dynamic and differencing only
  uint64_t bitmap_bytes_ = 0;  // dynamic and differencing only
  std::vector<uint32_t> bat_;  // the entries that map the virtual size
  uint64_t data_end_ = 0;      // where the footer at the end starts
};

Result<std::unique_ptr<DiskLayer>> VhdLayer::Open(const std::filesystem::path& path,
                                                  Access access) {
  const int flags = (access == Access::kReadWrite ? O_RDWR : O_RDONLY) | O_CLOEXEC;
  int fd = ::open(path.c_str(), flags);
  if (fd < 0) return ErrorFromErrno("open", path, errno);
  std::unique_ptr<VhdLayer> layer(new VhdLayer(path, fd, access));
  VSM_ASSIGN_OR_RETURN(DiskFile file, DiskFile::Open(path));
  VSM_ASSIGN_OR_RETURN(DiskInfo info, InspectVhd(file));
  VSM_RETURN_IF_ERROR(layer->Load(info, file));
  return std::unique_ptr<DiskLayer>(std::move(layer));
}

Result<void> VhdLayer::Load(const DiskInfo& info, const DiskFile& file) {
  info_ = info;
  data_end_ = file.size_bytes() - kVhdFooterSize;
  VSM_ASSIGN_OR_RETURN(footer_bytes_, file.Read(data_end_, kVhdFooterSize, kVhd, "footer"));
  VSM_ASSIGN_OR_RETURN(footer_, ParseVhdFooter(footer_bytes_, path_, data_end_));
  identity_.id = footer_.unique_id;
  identity_.vhd_timestamp =
      LoadBigEndian32(footer_bytes_.data() + vhd_internal::kFooterTimestampOffset);
  if (is_fixed()) return Ok();

  VSM_ASSIGN_OR_RETURN(
      std::vector<uint8_t> header_bytes,
      file.Read(footer_.data_offset, kVhdDynamicHeaderSize, kVhd, "dynamic header"));
  VSM_ASSIGN_OR_RETURN(header_, ParseVhdDynamicHeader(header_bytes, path_, footer_.data_offset));
  bitmap_bytes_ = SectorBitmapBytes(header_.block_size_bytes);
  VSM_RETURN_IF_ERROR(LoadBat(file));
  if (is_differencing()) VSM_RETURN_IF_ERROR(LoadParent(file));
  return Ok();
}

// InspectVhd has checked that the BAT and every allocated block lie inside the file; this keeps
// the BAT and checks that no block overlaps the structures a write must not clobber.
Result<void> VhdLayer::LoadBat(const DiskFile& file) {
  const uint64_t used_entries = (info_.virtual_size_bytes + block_bytes() - 1) / block_bytes();
  if (used_entries > kMaxBatEntries) {
    return file.Invalid(kVhd, fmt::format("BAT has {} entries of {}-byte blocks, more than the {} "
                                          "vsm maps",
                                          used_entries, block_bytes(), kMaxBatEntries));
  }
  const uint64_t bat_bytes = AlignUp(uint64_t{header_.max_table_entries} * 4, kSectorBytes);
  bat_.reserve(used_entries);
  std::vector<PlacedBlock> placed;  // to prove below that no two blocks share bytes
  for (uint64_t first = 0; first < used_entries; first += kBatEntriesPerRead) {
    const uint64_t count = std::min(kBatEntriesPerRead, used_entries - first);
    VSM_ASSIGN_OR_RETURN(std::vector<uint8_t> entries,
                         file.Read(header_.table_offset + first * 4, count * 4, kVhd, "BAT"));
    for (uint64_t i = 0; i < count; ++i) {
      const uint32_t sector = LoadBigEndian32(entries.data() + i * 4);
      bat_.push_back(sector);
      if (sector == kUnallocatedBlock) continue;
      const uint64_t block_offset = uint64_t{sector} * kSectorBytes;
      std::string_view clobbered;
      uint64_t clobbered_offset = 0;
      if (Overlaps(block_offset, block_span_bytes(), 0, kVhdFooterSize)) {
        clobbered = "footer copy";
      } else if (Overlaps(block_offset, block_span_bytes(), footer_.data_offset,
                          kVhdDynamicHeaderSize)) {
        clobbered = "dynamic header";
        clobbered_offset = footer_.data_offset;
      } else if (Overlaps(block_offset, block_span_bytes(), header_.table_offset, bat_bytes)) {
        clobbered = "BAT";
        clobbered_offset = header_.table_offset;
      }
      if (!clobbered.empty()) {
        return file.Invalid(kVhd, fmt::format("BAT entry {} points to a block at offset {} ({} "
                                              "bytes with its bitmap) that overlaps the {} at "
                                              "offset {}; the BAT is damaged",
                                              first + i, block_offset, block_span_bytes(),
                                              clobbered, clobbered_offset));
      }
      placed.push_back({block_offset, block_span_bytes(), first + i});
    }
  }
  if (const auto overlap = FindOverlappingBlocks(placed)) {
    const auto& [low, high] = *overlap;
    return file.Invalid(kVhd, fmt::format("BAT entries {} and {} point to overlapping blocks at "
                                          "offsets {} and {}; the BAT is damaged",
                                          low.entry, high.entry, low.offset, high.offset));
  }
  return Ok();
}

Result<void> VhdLayer::LoadParent(const DiskFile& file) {
  ParentReference reference;
  reference.expected.id = header_.parent_unique_id;
  reference.expected.vhd_timestamp = header_.parent_timestamp;
  for (uint32_t wanted : {kVhdLocatorW2ru, kVhdLocatorW2ku}) {
    for (size_t i = 0; i < header_.parent_locators.size(); ++i) {
      const VhdParentLocator& locator = header_.parent_locators[i];
      if (locator.platform_code != wanted || locator.data_length_bytes == 0) continue;
      const std::string what = fmt::format("parent locator {} data", i);
      if (locator.data_length_bytes > kMaxLocatorBytes) {
        return file.Invalid(kVhd, fmt::format("{} is {} bytes, more than the {} a path can take",
                                              what, locator.data_length_bytes, kMaxLocatorBytes));
      }
      VSM_ASSIGN_OR_RETURN(std::vector<uint8_t> data,
                           file.Read(locator.data_offset, locator.data_length_bytes, kVhd, what));
      std::optional<std::string> location = Utf16ToUtf8(data, Utf16Order::kLittleEndian);
      if (!location) return file.Invalid(kVhd, what + " is not valid UTF-16LE");
      if (!location->empty()) reference.locations.push_back(std::move(*location));
    }
  }
  if (!header_.parent_name.empty()) reference.locations.push_back(header_.parent_name);
  parent_ = std::move(reference);
  return Ok();
}

Result<void> VhdLayer::CheckRange(uint64_t offset, uint64_t length, std::string_view what) const {
  if (offset > info_.virtual_size_bytes || length > info_.virtual_size_bytes - offset) {
    return Error::InvalidParameter(fmt::format(
        "cannot {} {} bytes at offset {} of '{}': the range passes its virtual size of {} bytes",
        what, length, offset, path_.string(), info_.virtual_size_bytes));
  }
  return Ok();
}

Result<void> VhdLayer::CheckBlockInFile(uint64_t index) const {
  const uint64_t block_offset = uint64_t{bat_[index]} * kSectorBytes;
  if (block_offset > data_end_ || block_span_bytes() > data_end_ - block_offset) {
    return InvalidDiskError(path_, kVhd,
                            fmt::format("BAT entry {} points to a block at offset {} ({} bytes "
                                        "with its bitmap) outside the data ({} bytes before the "
                                        "footer); the file is truncated or the BAT is damaged",
                                        index, block_offset, block_span_bytes(), data_end_));
  }
  return Ok();
}

Result<std::vector<uint8_t>> VhdLayer::ReadBitmap(uint64_t index) const {
  VSM_RETURN_IF_ERROR(CheckBlockInFile(index));
  std::vector<uint8_t> bitmap(bitmap_bytes_);
  VSM_RETURN_IF_ERROR(ReadFully(fd_, path_, uint64_t{bat_[index]} * kSectorBytes, bitmap));
  return bitmap;
}

Result<std::vector<Piece>> VhdLayer::ListPieces(uint64_t offset, uint64_t length) const {
  std::vector<Piece> pieces;
  if (length == 0) return pieces;
  if (is_fixed()) {
    pieces.push_back({offset, length, RunSource::kThisLayer, offset});
    return pieces;
  }
  const uint64_t end = offset + length;
  for (uint64_t position = offset; position < end;) {
    const uint64_t index = position / block_bytes();
    const uint64_t block_start = index * block_bytes();
    const uint64_t piece_end = std::min(end, block_start + block_bytes());
    if (bat_[index] == kUnallocatedBlock) {
      pieces.push_back({position, piece_end - position,
                        is_differencing() ? RunSource::kParent : RunSource::kZero, 0});
      position = piece_end;
      continue;
    }
    VSM_RETURN_IF_ERROR(CheckBlockInFile(index));
    const uint64_t data_offset = uint64_t{bat_[index]} * kSectorBytes + bitmap_bytes_;
    if (!is_differencing()) {
      pieces.push_back({position, piece_end - position, RunSource::kThisLayer,
                        data_offset + (position - block_start)});
      position = piece_end;
      continue;
    }
    VSM_ASSIGN_OR_RETURN(std::vector<uint8_t> bitmap, ReadBitmap(index));
    while (position < piece_end) {
      const uint64_t sector = (position - block_start) / kSectorBytes;
      const bool present = BitmapBitSet(bitmap, sector);
      uint64_t next_sector = sector + 1;
      while (block_start + next_sector * kSectorBytes < piece_end &&
             BitmapBitSet(bitmap, next_sector) == present) {
        ++next_sector;
      }
      const uint64_t run_end = std::min(piece_end, block_start + next_sector * kSectorBytes);
      pieces.push_back({position, run_end - position,
                        present ? RunSource::kThisLayer : RunSource::kParent,
                        data_offset + (position - block_start)});
      position = run_end;
    }
  }
  return pieces;
}

Result<std::vector<LayerRun>> VhdLayer::Map(uint64_t offset, uint64_t length) const {
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

Result<void> VhdLayer::Read(uint64_t offset, std::span<uint8_t> out) const {
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

Result<std::vector<uint8_t>> VhdLayer::BuildNewBlock(uint64_t index, uint64_t start,
                                                     std::span<const uint8_t> data,
                                                     const ParentReader* parent) const {
  std::vector<uint8_t> block(block_bytes(), 0);
  const uint64_t valid = BlockValidBytes(index);
  const bool covered = start == 0 && data.size() >= valid;
  if (is_differencing() && !covered) {
    VSM_RETURN_IF_ERROR(
        parent->ReadVirtual(index * block_bytes(), std::span<uint8_t>(block.data(), valid)));
  }
  std::copy(data.begin(), data.end(), block.begin() + static_cast<ptrdiff_t>(start));
  return block;
}

Result<void> VhdLayer::WriteAllocatedBlock(uint64_t index, uint64_t start,
                                           std::span<const uint8_t> data,
                                           const ParentReader* parent) {
  VSM_RETURN_IF_ERROR(CheckBlockInFile(index));
  const uint64_t bitmap_offset = uint64_t{bat_[index]} * kSectorBytes;
  const uint64_t data_offset = bitmap_offset + bitmap_bytes_;
  if (is_differencing()) {
    VSM_ASSIGN_OR_RETURN(std::vector<uint8_t> bitmap, ReadBitmap(index));
    const uint64_t sectors = (BlockValidBytes(index) + kSectorBytes - 1) / kSectorBytes;
    bool complete = true;
    const uint64_t write_end = start + data.size();
    std::vector<uint8_t> fill;
    for (uint64_t sector = 0; sector < sectors; ++sector) {
      if (BitmapBitSet(bitmap, sector)) continue;
      complete = false;
      const uint64_t from = sector * kSectorBytes;
      const uint64_t to = std::min(from + kSectorBytes, BlockValidBytes(index));
      if (from >= start && to <= write_end) continue;  // the write covers it
      // A sector the write covers only in part, or not at all: copy it from the parent first.
      fill.resize(to - from);
      VSM_RETURN_IF_ERROR(parent->ReadVirtual(index * block_bytes() + from, fill));
      VSM_RETURN_IF_ERROR(WriteFully(fd_, path_, data_offset + from, fill));
    }
    VSM_RETURN_IF_ERROR(WriteFully(fd_, path_, data_offset + start, data));
    if (!complete) {
      // The sectors hold their bytes before the bits say so: a crash in between leaves bits
      // clear over a copy of the parent's bytes, which reads the same.
      const std::vector<uint8_t> all_present(bitmap_bytes_, 0xFF);
      VSM_RETURN_IF_ERROR(WriteFully(fd_, path_, bitmap_offset, all_present));
    }
    return Ok();
  }
  return WriteFully(fd_, path_, data_offset + start, data);
}

Result<void> VhdLayer::Write(uint64_t offset, std::span<const uint8_t> data,
                             const ParentReader* parent) {
  if (access_ != Access::kReadWrite) {
    return Error::InvalidState(fmt::format(
        "cannot write to '{}': it was opened read-only; open it with Access::kReadWrite",
        path_.string()));
  }
  VSM_RETURN_IF_ERROR(CheckRange(offset, data.size(), "write"));
  if (data.empty()) return Ok();
  if (is_fixed()) return WriteFully(fd_, path_, offset, data);
  if (is_differencing() && parent == nullptr) {
    return Error::InvalidParameter(fmt::format(
        "cannot write to differencing disk '{}' without a reader of its parent", path_.string()));
  }

  const uint64_t end = offset + data.size();
  const uint64_t first_block = offset / block_bytes();
  const uint64_t last_block = (end - 1) / block_bytes();
  uint64_t new_blocks = 0;
  for (uint64_t index = first_block; index <= last_block; ++index) {
    if (bat_[index] == kUnallocatedBlock) ++new_blocks;
  }
  // New blocks go where the footer is, from a sector boundary; the footer moves past them first
  // so that the file ends in a valid footer whenever a write stops.
  uint64_t next_block_offset = AlignUp(data_end_, kSectorBytes);
  const uint64_t new_data_end = next_block_offset + new_blocks * block_span_bytes();
  if (new_blocks > 0) {
    if (new_data_end / kSectorBytes >= kUnallocatedBlock) {
      return Error::InvalidParameter(fmt::format(
          "cannot grow '{}' past {} bytes: a VHD BAT addresses blocks by 32-bit sector numbers",
          path_.string(), new_data_end));
    }
    VSM_RETURN_IF_ERROR(WriteFully(fd_, path_, new_data_end, footer_bytes_));
    data_end_ = new_data_end;
    info_.file_size_bytes = new_data_end + kVhdFooterSize;
  }

  std::vector<std::pair<uint64_t, uint32_t>> new_entries;
  const std::vector<uint8_t> all_present(bitmap_bytes_, 0xFF);
  for (uint64_t index = first_block; index <= last_block; ++index) {
    const uint64_t block_start = index * block_bytes();
    const uint64_t from = std::max(offset, block_start);
    const uint64_t to = std::min(end, block_start + block_bytes());
    std::span<const uint8_t> part = data.subspan(from - offset, to - from);
    if (bat_[index] != kUnallocatedBlock) {
      VSM_RETURN_IF_ERROR(WriteAllocatedBlock(index, from - block_start, part, parent));
      continue;
    }
    VSM_ASSIGN_OR_RETURN(std::vector<uint8_t> block,
                         BuildNewBlock(index, from - block_start, part, parent));
    VSM_RETURN_IF_ERROR(WriteFully(fd_, path_, next_block_offset, all_present));
    VSM_RETURN_IF_ERROR(WriteFully(fd_, path_, next_block_offset + bitmap_bytes_, block));
    new_entries.emplace_back(index, static_cast<uint32_t>(next_block_offset / kSectorBytes));
    next_block_offset += block_span_bytes();
  }
  if (new_entries.empty()) return Ok();

  // The blocks must be durable before a BAT entry points at them.
  if (::fdatasync(fd_) != 0) return ErrorFromErrno("fdatasync", path_, errno);
  for (const auto& [index, sector] : new_entries) {
    uint8_t entry[4];
    StoreBigEndian32(entry, sector);
    VSM_RETURN_IF_ERROR(WriteFully(fd_, path_, header_.table_offset + index * 4, entry));
    bat_[index] = sector;
  }
  return Ok();
}

Result<void> VhdLayer::Flush() {
  if (::fdatasync(fd_) != 0) return ErrorFromErrno("fdatasync", path_, errno);
  return Ok();
}

}  // namespace

Result<std::unique_ptr<DiskLayer>> OpenVhdLayer(const std::filesystem::path& path,
                                                DiskLayer::Access access) {
  return VhdLayer::Open(path, access);
}

}  // namespace vsm::disk
