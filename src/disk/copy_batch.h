// CopyFilesHashed and HashFiles: the copy engine over several files at once. One operation
// (an export, an import's verification) moves several disks; they are processed concurrently,
// up to a limit, because one stream rarely uses the whole machine (a hash thread, a device
// queue). Progress is the sum of the bytes each file really moves (its data extents), all
// reported up front, so PercentComplete is weighted by the work each file is. The first failure
// stops the rest promptly. Thread-safe (no shared state).
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/progress.h"
#include "core/result.h"
#include "disk/content_digest.h"
#include "disk/file_copier.h"

namespace vsm::disk {

inline constexpr size_t kDefaultMaxParallelFiles = 2;

struct CopyRequest {
  std::filesystem::path source;
  std::filesystem::path destination;  // must not exist
  // CopyOptions::only_within for this file (UsedFileRanges of a disk), if set.
  std::optional<std::vector<DataExtent>> only_within = std::nullopt;
};

// Copies every request (CopyFileHashed with `options`), up to `max_parallel` at a time
// (0 counts as 1). Results are in request order. On the first error (or cancellation) the
// copies in flight stop, every destination made so far is removed, and that error is returned:
// the one of the lowest-numbered failed request when several fail together.
Result<std::vector<CopyResult>> CopyFilesHashed(const std::vector<CopyRequest>& requests,
                                                const CopyOptions& options, size_t max_parallel,
                                                Progress& progress);

// The digest of each file (HashFile), up to `max_parallel` at a time; in order. The first
// error (lowest-numbered) is returned.
Result<std::vector<std::string>> HashFiles(const std::vector<std::filesystem::path>& paths,
                                           DigestAlgorithm algorithm, size_t max_parallel,
                                           Progress& progress);

}  // namespace vsm::disk
