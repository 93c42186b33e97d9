#include "disk/file_streamer.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <memory>

#include "disk/background_hasher.h"
#include "disk/posix_error.h"

namespace vsm::disk {
namespace {

// Holes are hashed from here. Never written, so it stays in .bss and costs no memory until
// read (then the kernel maps its shared zero page).
alignas(4096) uint8_t zero_chunk[kStreamChunkBytes];

struct FreeDeleter {
  void operator()(uint8_t* p) const { std::free(p); }
};
using ChunkBuffer = std::unique_ptr<uint8_t, FreeDeleter>;

Result<ChunkBuffer> AllocateChunk() {
  ChunkBuffer buffer(static_cast<uint8_t*>(std::aligned_alloc(4096, kStreamChunkBytes)));
  if (!buffer) {
    return Error::OutOfMemory(
        fmt::format("cannot allocate a {}-byte copy buffer; free some "
                    "memory and retry",
                    kStreamChunkBytes));
  }
  return buffer;
}

// The next data extent at or after `position`: [start, end), or start == size_bytes when only
// a hole remains. Falls back to "all data" where the file system cannot tell.
struct Extent {
  uint64_t start = 0;
  uint64_t end = 0;
};

Result<Extent> NextDataExtent(int fd, const std::filesystem::path& path, uint64_t position,
                              uint64_t size_bytes, bool& seek_supported) {
  if (!seek_supported) return Extent{position, size_bytes};
  off_t data = ::lseek(fd, static_cast<off_t>(position), SEEK_DATA);
  if (data < 0) {
    if (errno == ENXIO) return Extent{size_bytes, size_bytes};
    if (errno == EINVAL || errno == EOPNOTSUPP) {
      seek_supported = false;
      return Extent{position, size_bytes};
    }
    return ErrorFromErrno("find data in", path, errno);
  }
  const uint64_t start = std::min(static_cast<uint64_t>(data), size_bytes);
  if (start >= size_bytes) return Extent{size_bytes, size_bytes};
  off_t hole = ::lseek(fd, data, SEEK_HOLE);
  if (hole < 0) {
    if (errno != ENXIO) return ErrorFromErrno("find holes in", path, errno);
    hole = static_cast<off_t>(size_bytes);
  }
  uint64_t end = std::min(static_cast<uint64_t>(hole), size_bytes);
  // SEEK_HOLE always moves past data; guard anyway so the walk always advances.
  if (end <= start) end = std::min(size_bytes, start + kStreamChunkBytes);
  return Extent{start, end};
}

Result<void> ReadFully(int fd, const std::filesystem::path& path, uint64_t offset,
                       std::span<uint8_t> buffer) {
  size_t done = 0;
  while (done < buffer.size()) {
    ssize_t n =
        ::pread(fd, buffer.data() + done, buffer.size() - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrorFromErrno("read", path, errno);
    }
    if (n == 0) {
      return Error::Failed(
          fmt::format("'{}' became shorter while it was being read (no data at "
                      "offset {}); make sure no other program writes to it",
                      path.string(), offset + done));
    }
    done += static_cast<size_t>(n);
  }
  return Ok();
}

}  // namespace

Result<StreamSummary> StreamFileHashed(int fd, const std::filesystem::path& path,
                                       uint64_t size_bytes, std::string_view operation,
                                       Progress& progress, const DataChunkSink& sink) {
  progress.AddTotalBytes(size_bytes);
  // Advisory only: a failure changes nothing but read-ahead.
  (void)::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);

  // The buffers outlive the hasher, which may still be hashing one when an error returns.
  VSM_ASSIGN_OR_RETURN(ChunkBuffer first_buffer, AllocateChunk());
  VSM_ASSIGN_OR_RETURN(ChunkBuffer second_buffer, AllocateChunk());
  uint8_t* const buffers[2] = {first_buffer.get(), second_buffer.get()};
  VSM_ASSIGN_OR_RETURN(std::unique_ptr<BackgroundHasher> hasher, BackgroundHasher::Start());

  auto cancelled = [&]() -> Result<void> {
    if (!progress.IsCancelled()) return Ok();
    return Error::Failed(fmt::format("{} of '{}' was cancelled", operation, path.string()));
  };

  StreamSummary summary;
  uint64_t chunks_read = 0;
  bool seek_supported = true;
  uint64_t position = 0;
  while (position < size_bytes) {
    VSM_ASSIGN_OR_RETURN(Extent extent,
                         NextDataExtent(fd, path, position, size_bytes, seek_supported));
    while (position < extent.start) {  // a hole: hashed as zeros, never read
      VSM_RETURN_IF_ERROR(cancelled());
      const uint64_t length = std::min(kStreamChunkBytes, extent.start - position);
      hasher->Submit({zero_chunk, length});
      position += length;
      progress.AddDoneBytes(length);
    }
    while (position < extent.end) {
      VSM_RETURN_IF_ERROR(cancelled());
      const uint64_t length = std::min(kStreamChunkBytes, extent.end - position);
      // Submit() below waited for the chunk before the previous one, which used this buffer.
      std::span<uint8_t> chunk(buffers[chunks_read % 2], length);
      VSM_RETURN_IF_ERROR(ReadFully(fd, path, position, chunk));
      if (sink) VSM_RETURN_IF_ERROR(sink(position, chunk));
      hasher->Submit(chunk);
      ++chunks_read;
      position += length;
      summary.data_bytes += length;
      progress.AddDoneBytes(length);
    }
  }
  VSM_RETURN_IF_ERROR(cancelled());
  VSM_ASSIGN_OR_RETURN(summary.sha256_hex, hasher->FinishHex());
  summary.bytes_hashed = size_bytes;
  return summary;
}

}  // namespace vsm::disk
