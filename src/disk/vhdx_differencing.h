// Creating VHDX differencing disks and re-pointing them at a moved parent: the VHDX half of
// CreateDifferencingDisk / RepointParent (differencing_disk.h), which check the format first.
// Thread-compatible (one writer per file).
#pragma once

#include <filesystem>

#include "core/result.h"
#include "disk/differencing_disk.h"

namespace vsm::disk {

// Creates `child` (O_EXCL) as a differencing VHDX of the VHDX `parent`, with no block allocated:
//   0        file type identifier "vhdxfile", creator "vsm"
//   64 KiB   header 1 (sequence 0), 128 KiB header 2 (sequence 1): new FileWriteGuid and
//            DataWriteGuid, LogGuid zero, a 1 MiB log at 1 MiB
//   192 KiB  region table, 256 KiB its copy: the BAT and metadata regions, both required
//   1 MiB    log (empty), 2 MiB metadata region (1 MiB), 3 MiB BAT (all NOT_PRESENT, payload and
//            sector bitmap entries), which ends the file
// The metadata copies the parent's block size, virtual size and logical and physical sector
// sizes, sets HasParent, gives the child a new virtual disk id, and holds a parent locator
// (type B04AEFB7-D19E-4A81-B789-25B8E9445913) with parent_linkage "{<parent DataWriteGuid>}"
// (lower case, in braces, as MS-VHDX 2.6.2.6.3 says and libvhdi requires), relative_path (from the
// child's directory, Windows separators:
// ".\\base.vhdx", "..\\base\\base.vhdx") and absolute_win32_path (the parent's absolute path,
// symbolic links resolved, POSIX separators kept: there is no drive letter to name here).
// The file and its directory are fsynced; on any failure nothing is left at `child`.
// Errors: kInvalidParameter if `parent` is not a valid VHDX, `child` does not end in .vhdx or
// .avhdx, or "'<child>' already exists"; ErrorFromErrno's for I/O.
Result<void> CreateVhdxDifferencing(const std::filesystem::path& child,
                                    const std::filesystem::path& parent);

// Re-points the differencing VHDX `child` at `new_parent` after checking that new_parent's
// DataWriteGuid is the child's parent_linkage. Rewrites the parent locator item (relative_path
// and absolute_win32_path, or relative_path only; parent_linkage and every other key kept as
// stored), placing it in free space of the metadata region so that the old item stays intact
// until the metadata table entry points at the new one. The headers are updated first
// (sequence number + 1, a new FileWriteGuid, the same DataWriteGuid: the child's data did not
// change, so its own children stay valid). Everything is fdatasynced.
// Errors: kInvalidParameter naming the child, the new parent, and the DataWriteGuid wanted and
// found; kInvalidParameter if the metadata region has no room; InspectDisk's; ErrorFromErrno's.
Result<void> RepointVhdxParent(const std::filesystem::path& child,
                               const std::filesystem::path& new_parent,
                               ParentPathStyle style = ParentPathStyle::kRelativeAndAbsolute);

}  // namespace vsm::disk
