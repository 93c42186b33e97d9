#include "disk/file_streamer.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <memory>
#include <span>

#include "disk/background_hasher.h"
#include "disk/data_extents.h"
#include "disk/posix_error.h"

namespace vsm::disk {

Result<ChunkBuffer> AllocateChunk(std::string_view purpose) {
  ChunkBuffer buffer(static_cast<uint8_t*>(std::aligned_alloc(4096, kStreamChunkBytes)));
  if (!buffer) {
    return Error::OutOfMemory(
        fmt::format("cannot allocate a {}-byte {} buffer; free some memory and retry",
                    kStreamChunkBytes, purpose));
  }
  return buffer;
}

Result<void> ReadFully(int fd, const std::filesystem::path& path, uint64_t offset,
                       std::span<uint8_t> buffer, std::string_view reading,
                       std::string_view being) {
  size_t done = 0;
  while (done < buffer.size()) {
    ssize_t n =
        ::pread(fd, buffer.data() + done, buffer.size() - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrorFromErrno(reading, path, errno);
    }
    if (n == 0) {
      return Error::Failed(
          fmt::format("'{}' became shorter while it was being {} (no data at offset {}); make "
                      "sure no other program writes to it",
                      path.string(), being, offset + done));
    }
    done += static_cast<size_t>(n);
  }
  return Ok();
}

Result<StreamSummary> StreamFileHashed(int fd, const std::filesystem::path& path,
                                       uint64_t size_bytes, DigestAlgorithm algorithm,
                                       std::string_view operation, Progress& progress) {
  // The extents first, so that progress counts the bytes really moved, not the holes.
  VSM_ASSIGN_OR_RETURN(std::vector<DataExtent> extents, FindDataExtents(fd, path, size_bytes));
  progress.AddTotalBytes(TotalLength(extents));
  // Advisory only: a failure changes nothing but read-ahead.
  (void)::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);

  // The buffers outlive the hasher, which may still be hashing one when an error returns.
  VSM_ASSIGN_OR_RETURN(ChunkBuffer first_buffer, AllocateChunk("copy"));
  VSM_ASSIGN_OR_RETURN(ChunkBuffer second_buffer, AllocateChunk("copy"));
  uint8_t* const buffers[2] = {first_buffer.get(), second_buffer.get()};
  VSM_ASSIGN_OR_RETURN(std::unique_ptr<BackgroundHasher> hasher,
                       BackgroundHasher::Start(algorithm));

  auto cancelled = [&]() -> Result<void> {
    if (!progress.IsCancelled()) return Ok();
    return Error::Failed(fmt::format("{} of '{}' was cancelled", operation, path.string()));
  };

  StreamSummary summary;
  uint64_t chunks_read = 0;
  uint64_t position = 0;
  auto hole_until = [&](uint64_t end) {
    // A hole: hashed as zeros (for kSha256Blocks whole blocks cost nothing), never read.
    if (end > position) hasher->SubmitZeros(end - position);
    position = end;
  };
  for (const DataExtent& extent : extents) {
    VSM_RETURN_IF_ERROR(cancelled());
    hole_until(extent.offset);
    const uint64_t extent_end = extent.offset + extent.length;
    while (position < extent_end) {
      VSM_RETURN_IF_ERROR(cancelled());
      const uint64_t length = std::min(kStreamChunkBytes, extent_end - position);
      // Submit() below waited for the chunk before the previous one, which used this buffer.
      std::span<uint8_t> chunk(buffers[chunks_read % 2], length);
      VSM_RETURN_IF_ERROR(ReadFully(fd, path, position, chunk));
      hasher->Submit(chunk);
      ++chunks_read;
      position += length;
      summary.data_bytes += length;
      progress.AddDoneBytes(length);
    }
  }
  hole_until(size_bytes);
  VSM_RETURN_IF_ERROR(cancelled());
  VSM_ASSIGN_OR_RETURN(summary.digest_hex, hasher->FinishHex());
  summary.bytes_hashed = size_bytes;
  return summary;
}

}  // namespace vsm::disk
