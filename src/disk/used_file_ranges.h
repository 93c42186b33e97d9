// UsedFileRanges: the byte ranges of a disk file that its format refers to, so that a copy can
// leave the rest as holes. For a VHDX: the header section, the log, the BAT and metadata
// regions, and the payload and sector bitmap blocks the BAT marks present. A block the BAT
// marks not present, zero or unmapped is skipped even where the file still stores its old
// bytes (a trimmed block): reading the copy gives the same virtual disk. Other formats, and a
// VHDX whose region table lists regions beyond the BAT and metadata, are used whole (nullopt).
// Meant for disks already validated (an export opens each chain first): only a VHDX is read.
// Thread-safe (no state).
#pragma once

#include <filesystem>
#include <optional>
#include <vector>

#include "core/result.h"
#include "disk/data_extents.h"

namespace vsm::disk {

// The ranges, sorted and merged, clipped to the file's size; nullopt when every byte counts.
// Errors: DiskFile::Open's; ReadVhdxLayout's for a damaged VHDX.
Result<std::optional<std::vector<DataExtent>>> UsedFileRanges(const std::filesystem::path& path);

// The parts of `extents` that lie inside `ranges` (both sorted, neither overlapping itself).
std::vector<DataExtent> IntersectExtents(const std::vector<DataExtent>& extents,
                                         const std::vector<DataExtent>& ranges);

}  // namespace vsm::disk
