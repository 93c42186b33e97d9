// The copy engine: copies a file while hashing every byte it reads (SHA-256 through OpenSSL, in
// the same pass, on a second thread), keeping holes as holes, reporting bytes to a Progress and
// stopping promptly when it is cancelled. On a file system that shares extents (XFS with
// reflink, btrfs) the copy is a clone (FICLONE): its time does not depend on the file's size,
// only the hashing reads the data. Thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "core/progress.h"
#include "core/result.h"
#include "disk/content_digest.h"

namespace vsm::disk {

struct CopyOptions {
  DigestAlgorithm digest = DigestAlgorithm::kSha256Blocks;
  bool allow_clone = true;  // try FICLONE first
};

struct CopyResult {
  uint64_t bytes_hashed = 0;   // the source's logical size
  uint64_t data_bytes = 0;     // bytes in the source's data extents (what was read)
  uint64_t bytes_written = 0;  // data actually written (holes are not written; 0 when cloned)
  bool cloned = false;         // the destination shares the source's extents (FICLONE)
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
