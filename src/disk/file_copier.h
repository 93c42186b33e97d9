// The copy engine: copies a file and hashes every byte of the copy (SHA-256 through OpenSSL, on
// a second thread, overlapped with the copy), keeping holes as holes, reporting bytes to a
// Progress and stopping promptly when it is cancelled. In order of preference:
// - a clone (FICLONE) where the file system shares extents (XFS with reflink, btrfs): its time
//   does not depend on the file's size, only the hashing reads the data;
// - a kernel copy of the data extents (copy_file_range);
// - where the kernel cannot copy between the two files (most pairs of file systems), a copy
//   through a user-space buffer.
// Either copy is hashed by a TrailingHasher reading the destination back from the page cache,
// the tail of it while fsync waits for the device.
// Thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/progress.h"
#include "core/result.h"
#include "disk/content_digest.h"
#include "disk/data_extents.h"

namespace vsm::disk {

struct CopyOptions {
  DigestAlgorithm digest = DigestAlgorithm::kSha256Blocks;
  bool allow_clone = true;        // try FICLONE first
  bool allow_kernel_copy = true;  // then copy_file_range (tests turn it off to reach the buffer)
  // When set, only data inside these ranges (sorted) is copied, the rest of the destination is
  // left as holes (UsedFileRanges: the blocks a disk's format refers to). A clone is whole.
  std::optional<std::vector<DataExtent>> only_within;
};

struct CopyResult {
  uint64_t bytes_hashed = 0;   // the source's logical size
  uint64_t data_bytes = 0;     // bytes in the source's data extents (what was copied)
  uint64_t bytes_written = 0;  // data actually written (holes are not written; 0 when cloned)
  bool cloned = false;         // the destination shares the source's extents (FICLONE)
  bool kernel_copied = false;  // the data was copied by copy_file_range, not through a buffer
  std::string digest_hex;      // lower-case hex of the content's digest (options.digest)
};

// Copies `source` to `destination`, which must not exist (created with O_EXCL, mode 0644),
// and fsyncs it. Reports progress.AddTotalBytes(bytes in the source's data extents) first,
// then AddDoneBytes as it goes. On any error, or when progress.IsCancelled(), removes
// `destination` and returns an Error (cancel: kFailed "copy of '<source>' was cancelled").
Result<CopyResult> CopyFileHashed(const std::filesystem::path& source,
                                  const std::filesystem::path& destination,
                                  const CopyOptions& options, Progress& progress);

// The digest (lower-case hex) of the whole content of `path`, reading each data byte once.
// Reports progress as CopyFileHashed does.
Result<std::string> HashFile(const std::filesystem::path& path, DigestAlgorithm algorithm,
                             Progress& progress);

// fsyncs a directory, so that the entries created or renamed in it are durable.
Result<void> SyncDirectory(const std::filesystem::path& directory);

}  // namespace vsm::disk
