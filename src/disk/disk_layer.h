// DiskLayer: one file of a virtual disk (a VHD or VHDX, fixed, dynamic or differencing) read and
// written by virtual offset. A differencing layer says which ranges it holds and which it leaves
// to its parent; DiskChain (disk_chain.h) stacks layers into the disk a guest sees.
// Thread-compatible: concurrent reads are safe, a write needs exclusive access.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/guid.h"
#include "core/result.h"
#include "disk/disk_image.h"

namespace vsm::disk {

// True for the three VHDX formats.
bool IsVhdxFormat(DiskFormat format);

// What a child records of its parent, so that a parent can be proven to be the one the child was
// made from. VHD: the parent footer's unique id and time stamp (seconds since 2000-01-01 UTC).
// VHDX: the parent header's DataWriteGuid (the child's parent_linkage).
struct LayerIdentity {
  Guid id;                     // VHD unique id / VHDX DataWriteGuid
  uint32_t vhd_timestamp = 0;  // VHD only; 0 for VHDX
  bool operator==(const LayerIdentity&) const = default;
};

// How a differencing child names its parent, as stored in the file.
struct ParentReference {
  LayerIdentity expected;  // the identity the parent must have
  // The locations, most preferred first, exactly as stored (Windows separators included):
  // VHD: W2ru, W2ku, then the parent Unicode name; VHDX: relative_path, volume_path,
  // absolute_win32_path.
  std::vector<std::string> locations;
};

// Where a run of virtual bytes comes from in this layer.
enum class RunSource {
  kThisLayer,  // stored in this file
  kParent,     // not stored here; a differencing layer's parent holds it
  kZero,       // not stored anywhere: reads as zeros (dynamic disk, unallocated block)
};

struct LayerRun {
  uint64_t offset = 0;  // virtual offset
  uint64_t length = 0;
  RunSource source = RunSource::kZero;
};

// A source of the bytes below a differencing layer (the rest of the chain), for writes that must
// fill the part of a block they do not cover.
class ParentReader {
 public:
  virtual ~ParentReader() = default;
  // Fills `out` with the virtual bytes at `offset` as the parent chain sees them.
  virtual Result<void> ReadVirtual(uint64_t offset, std::span<uint8_t> out) const = 0;
};

class DiskLayer {
 public:
  enum class Access { kReadOnly, kReadWrite };

  // Opens and validates (InspectDisk's checks, plus every BAT entry) the VHD or VHDX at `path`.
  // kReadWrite opens the file O_RDWR; fixed disks are written in place.
  // Errors: InspectDisk's; ErrorFromErrno's for open.
  static Result<std::unique_ptr<DiskLayer>> Open(const std::filesystem::path& path, Access access);

  virtual ~DiskLayer() = default;

  virtual const DiskInfo& info() const = 0;
  virtual const std::filesystem::path& path() const = 0;
  // The identity a child of this layer records (see LayerIdentity).
  virtual LayerIdentity identity() const = 0;
  // The parent this layer names; nullopt unless info().has_parent.
  virtual const std::optional<ParentReference>& parent() const = 0;

  // Describes [offset, offset + length) as consecutive runs, merged where adjacent runs share a
  // source. Errors: kInvalidParameter if the range passes the virtual size; a BAT entry or
  // sector bitmap that lies outside the file gives the InvalidDiskError naming the file.
  virtual Result<std::vector<LayerRun>> Map(uint64_t offset, uint64_t length) const = 0;

  // Reads virtual bytes that this layer stores or reads as zeros. Bytes whose source is kParent
  // are left as they are in `out` (the caller fills them from the parent first or after).
  virtual Result<void> Read(uint64_t offset, std::span<uint8_t> out) const = 0;

  // Writes virtual bytes. Allocates blocks at the end of the file as needed. In a differencing
  // layer, a newly allocated block is first filled from `parent` over the part the write does
  // not cover, then marked wholly present (block-granular copy on write: no partial bitmaps are
  // written). `parent` may be null only for layers without a parent.
  // Errors: kInvalidState if opened read-only; kInvalidParameter past the virtual size;
  // ErrorFromErrno's for I/O.
  virtual Result<void> Write(uint64_t offset, std::span<const uint8_t> data,
                             const ParentReader* parent) = 0;

  // Makes every write durable (fdatasync of the file). A VHDX layer's first Write of a session
  // first gives the headers a new FileWriteGuid and DataWriteGuid (MS-VHDX 2.2.2), so a child
  // linked to the old DataWriteGuid no longer matches: writing to a parent breaks its children,
  // as it must.
  virtual Result<void> Flush() = 0;
};

}  // namespace vsm::disk
