// The copy engine: copies a file while hashing every byte it reads (SHA-256 through OpenSSL, in
// the same pass), keeping holes as holes, reporting bytes to a Progress and stopping promptly
// when it is cancelled. Thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "core/progress.h"
#include "core/result.h"

namespace vsm::disk {

struct CopyResult {
  uint64_t bytes_hashed = 0;   // the source's logical size (holes hash as zeros)
  uint64_t bytes_written = 0;  // data actually written (holes are not written)
  std::string sha256_hex;      // lower-case hex of the source's content
};

// Copies `source` to `destination`, which must not exist (created with O_EXCL, mode 0644),
// and fsyncs it. Reports progress.AddTotalBytes(source size) first, then AddDoneBytes as it
// goes. On any error, or when progress.IsCancelled(), removes `destination` and returns an
// Error (cancel: kFailed "copy of '<source>' was cancelled").
Result<CopyResult> CopyFileHashed(const std::filesystem::path& source,
                                  const std::filesystem::path& destination, Progress& progress);

// SHA-256 (lower-case hex) of the whole content of `path`, reading each byte once. Reports
// progress as CopyFileHashed does.
Result<std::string> HashFile(const std::filesystem::path& path, Progress& progress);

// fsyncs a directory, so that the entries created or renamed in it are durable.
Result<void> SyncDirectory(const std::filesystem::path& directory);

}  // namespace vsm::disk
