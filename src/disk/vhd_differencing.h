// Creating VHD differencing disks and re-pointing them at a moved parent: the VHD half of
// CreateDifferencingDisk / RepointParent (differencing_disk.h), which check the format and call
// these. Thread-compatible (one writer per file).
#pragma once

#include <filesystem>

#include "core/result.h"
#include "disk/differencing_disk.h"

namespace vsm::disk {

// The bytes reserved for each of the W2ru and W2ku locators of a child we create: 8 sectors,
// room for a path of 2048 UTF-16 code units, so that a re-point to a longer path still fits.
inline constexpr uint32_t kVhdLocatorReservedBytes = 8 * 512;

// Creates `child` (O_EXCL) as a differencing VHD of the VHD `parent`: footer (copy at 0 and at
// the end) of type 4 with a new unique id, the time stamp now, creator application "vsm ", and
// the parent's current size, original size and geometry; the dynamic header at 512 with the
// parent's block size (2 MiB for a fixed parent), the parent's footer unique id and time stamp,
// the parent's file name as Parent Unicode Name (UTF-16BE), locator 0 W2ru (the path from the
// child's directory, ".\\name.vhd" or "..\\dir\\name.vhd") and locator 1 W2ku (the parent's
// absolute path, as POSIX spells it), each with kVhdLocatorReservedBytes of space; a BAT with
// every block unallocated. The file and its directory are fsynced; on failure `child` is removed.
// Errors: kInvalidParameter if `parent` is not a valid VHD, `child` does not end in .vhd/.avhd,
// or "'<child>' already exists", or the parent's name does not fit (256 UTF-16 units);
// ErrorFromErrno's for I/O.
Result<void> CreateVhdDifferencing(const std::filesystem::path& child,
                                   const std::filesystem::path& parent);

// Rewrites the Parent Unicode Name and the W2ru and W2ku locator data of differencing VHD
// `child` to name `new_parent`, after checking that `new_parent`'s footer unique id and time
// stamp are the Parent Unique ID and Parent Time Stamp `child` records; recomputes the dynamic
// header checksum and fsyncs. The child's data, identity and parent identity are unchanged.
// Errors (kInvalidParameter): "'<child>' was made from parent <id> (time stamp <t>), but
// '<new_parent>' is <id> (time stamp <t>): ..."; a path longer than its locator's reserved space
// ("... the W2ku parent locator (entry 1) reserves <n> bytes ..."); `child` not a valid
// differencing VHD; ErrorFromErrno's for I/O.
// kRelativeOnly keeps the W2ku locator's slot and space but stores an empty path in it.
Result<void> RepointVhdParent(const std::filesystem::path& child,
                              const std::filesystem::path& new_parent,
                              ParentPathStyle style = ParentPathStyle::kRelativeAndAbsolute);

}  // namespace vsm::disk
