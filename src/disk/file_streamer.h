// StreamFileHashed: the read side of the copy engine, shared by CopyFileHashed and HashFile.
// Walks a file's content in order: data extents (found with SEEK_DATA/SEEK_HOLE) are read with
// pread in 4 MiB chunks into two alternating buffers; holes are not read. The content is hashed
// (ContentDigest) on a second thread while the next chunk is read; holes are hashed as zeros,
// which costs nothing for whole blocks with DigestAlgorithm::kSha256Blocks.
// Thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "core/progress.h"
#include "core/result.h"
#include "disk/content_digest.h"

namespace vsm::disk {

inline constexpr uint64_t kStreamChunkBytes = 4ull << 20;

struct StreamSummary {
  uint64_t bytes_hashed = 0;  // the logical size
  uint64_t data_bytes = 0;    // bytes in data extents (handed to the sink)
  std::string digest_hex;
};

// Receives each data chunk, in order, with its offset in the file.
using DataChunkSink = std::function<Result<void>(uint64_t offset, std::span<const uint8_t> data)>;

// Streams the `size_bytes` bytes of `fd` (open for reading on `path`). Calls
// progress.AddTotalBytes(bytes in data extents) first and AddDoneBytes after each data chunk
// (holes move nothing and count nothing); checks progress.IsCancelled() before each chunk and
// at the end. `sink` may be empty.
// Errors: the sink's; ErrorFromErrno's for seek/read; kFailed "'<path>' became shorter ..." if
// the file shrinks; kFailed "<operation> of '<path>' was cancelled" on cancel.
Result<StreamSummary> StreamFileHashed(int fd, const std::filesystem::path& path,
                                       uint64_t size_bytes, DigestAlgorithm algorithm,
                                       std::string_view operation, Progress& progress,
                                       const DataChunkSink& sink);

}  // namespace vsm::disk
