// StreamFileHashed: hashes a file reading only its data, for HashFile (an import's
// verification) and for the digest of a clone. Walks the content in order: data extents (found
// with SEEK_DATA/SEEK_HOLE) are read with pread in 4 MiB chunks into two alternating buffers;
// holes are not read. The content is hashed (ContentDigest) on a second thread while the next
// chunk is read; holes are hashed as zeros, which costs nothing for whole blocks with
// DigestAlgorithm::kSha256Blocks.
// Thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "core/progress.h"
#include "core/result.h"
#include "disk/content_digest.h"

namespace vsm::disk {

inline constexpr uint64_t kStreamChunkBytes = 4ull << 20;

// A kStreamChunkBytes buffer, page-aligned. Errors: kOutOfMemory "cannot allocate a <n>-byte
// <purpose> buffer; free some memory and retry".
struct FreeDeleter {
  void operator()(uint8_t* p) const { std::free(p); }
};
using ChunkBuffer = std::unique_ptr<uint8_t, FreeDeleter>;
Result<ChunkBuffer> AllocateChunk(std::string_view purpose);

// Fills `buffer` from `fd` at `offset`. Errors: ErrorFromErrno(reading, path); kFailed "'<path>'
// became shorter while it was being <being> (no data at offset <n>); ..." at end of file.
Result<void> ReadFully(int fd, const std::filesystem::path& path, uint64_t offset,
                       std::span<uint8_t> buffer, std::string_view reading = "read",
                       std::string_view being = "read");

struct StreamSummary {
  uint64_t bytes_hashed = 0;  // the logical size
  uint64_t data_bytes = 0;    // bytes in data extents (read)
  std::string digest_hex;
};

// Streams the `size_bytes` bytes of `fd` (open for reading on `path`). Calls
// progress.AddTotalBytes(bytes in data extents) first and AddDoneBytes after each data chunk
// (holes move nothing and count nothing); checks progress.IsCancelled() before each chunk and
// at the end.
// Errors: ErrorFromErrno's for seek/read; kFailed "'<path>' became shorter ..." if
// the file shrinks; kFailed "<operation> of '<path>' was cancelled" on cancel.
Result<StreamSummary> StreamFileHashed(int fd, const std::filesystem::path& path,
                                       uint64_t size_bytes, DigestAlgorithm algorithm,
                                       std::string_view operation, Progress& progress);

}  // namespace vsm::disk
