// Creating differencing disks and re-pointing them at a moved parent. The identity a child
// records of its parent (LayerIdentity) is never changed by a re-point: only where the parent is
// looked for. Thread-compatible (one writer per file).
#pragma once

#include <filesystem>

#include "core/result.h"

namespace vsm::disk {

// Creates `child` (which must not exist; O_EXCL) as a differencing disk of `parent`, in the
// parent's format (VHD parent: VHD child with the parent's block size; VHDX parent: VHDX child
// with the parent's block and sector sizes), with the parent's virtual size and no block
// allocated. The child names the parent by a path relative to the child's directory (VHD W2ru
// ".\\dir\\name.vhd", VHDX relative_path) and by its absolute path (VHD W2ku, VHDX
// absolute_win32_path), and records the parent's identity. The file is fsynced; on any failure
// nothing is left at `child`.
// Errors: kInvalidParameter if `parent` is not a valid disk or `child`'s ending does not match
// the parent's format (.vhd/.avhd for VHD, .vhdx/.avhdx for VHDX), or "'<child>' already
// exists"; ErrorFromErrno's for I/O.
Result<void> CreateDifferencingDisk(const std::filesystem::path& child,
                                    const std::filesystem::path& parent);

// How a re-pointed child names its parent. A package names parents only relatively: an absolute
// path would name the directory the package was built in, which means nothing where it is
// imported.
enum class ParentPathStyle {
  kRelativeAndAbsolute,  // VHD W2ru + W2ku; VHDX relative_path + absolute_win32_path
  kRelativeOnly,  // VHD W2ru (W2ku cleared); VHDX relative_path (absolute_win32_path dropped)
};

// Rewrites the parent locations of differencing disk `child` so that they name `new_parent`
// (relative to the child's directory, and absolute), after checking that `new_parent`'s identity
// is the one `child` records. The child's data, identity and parent identity are unchanged.
// VHD: parent Unicode name, W2ru and W2ku locators, dynamic header checksum (a locator whose
// reserved space is too small is an error naming it). VHDX: the parent locator item (moved
// within the metadata region when it grows) and the headers' FileWriteGuid, sequence number and
// CRC-32C. The change is written in place and fsynced.
// Errors: kInvalidParameter naming the child, the parent and the identity it wanted and found.
Result<void> RepointParent(const std::filesystem::path& child,
                           const std::filesystem::path& new_parent,
                           ParentPathStyle style = ParentPathStyle::kRelativeAndAbsolute);

}  // namespace vsm::disk
