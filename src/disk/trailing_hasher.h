// TrailingHasher: hashes a file on its own thread by reading it back, trailing a writer that
// says how far the content is final. The copy engine uses it for every copy it writes (by
// copy_file_range, whose bytes never pass through user space, or through a buffer): the
// destination's pages are read back from the page cache and hashed while the copy runs ahead
// and, at the end, while fsync waits for the device. So the digest is that of the bytes the
// destination holds, and a verified copy costs about max(copy + fsync, hash) instead of their sum.
// Advance, MarkComplete and FinishHex must be called from one thread (the writer's).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/result.h"
#include "core/thread_annotations.h"
#include "disk/content_digest.h"
#include "disk/data_extents.h"
#include "disk/file_streamer.h"

namespace vsm::disk {

// How far the writer may run ahead of the hasher. Bounded so that what is still to be hashed
// is recent enough to be in the page cache, not read back from the device.
inline constexpr uint64_t kTrailingHasherMaxLeadBytes = 1ull << 30;

class TrailingHasher {
 public:
  // Hashes the first `size_bytes` of `fd` (open for reading on `path`; it must outlive the
  // hasher), whose data lies in `extents` (sorted, not overlapping): what lies between them is
  // hashed as zeros and never read. Errors: kFailed if the thread cannot start.
  static Result<std::unique_ptr<TrailingHasher>> Start(
      int fd, std::filesystem::path path, uint64_t size_bytes, std::vector<DataExtent> extents,
      DigestAlgorithm algorithm, uint64_t max_lead_bytes = kTrailingHasherMaxLeadBytes);

  TrailingHasher(const TrailingHasher&) = delete;
  TrailingHasher& operator=(const TrailingHasher&) = delete;
  // Stops the thread, abandoning what is not hashed yet.
  ~TrailingHasher();

  // The content before `offset` is final. Blocks while the hasher is more than max_lead_bytes
  // behind `offset`. Errors: the read error the hasher met, if any (it then stopped).
  Result<void> Advance(uint64_t offset);
  // All of the content is final; does not wait.
  void MarkComplete();
  // Waits until the whole content is hashed (MarkComplete first) and returns the digest as 64
  // lower-case hex digits. Errors: the hasher's read error; kFailed "'<path>' became shorter
  // ..." if the file shrank; OpenSSL's failure.
  Result<std::string> FinishHex();

 private:
  TrailingHasher(int fd, std::filesystem::path path, uint64_t size_bytes,
                 std::vector<DataExtent> extents, DigestAlgorithm algorithm,
                 uint64_t max_lead_bytes, ChunkBuffer buffer);
  void Run();
  // Hashes the content of [position, end), all of it final; returns the first read error.
  Result<void> HashFinalRange(uint64_t& position, uint64_t end);
  // Waits until the content before `end` is final, or the hasher is told to stop (false).
  bool WaitUntilFinal(uint64_t end);

  const int fd_;
  const std::filesystem::path path_;
  const uint64_t size_bytes_;
  const std::vector<DataExtent> extents_;
  const uint64_t max_lead_bytes_;
  const ChunkBuffer buffer_;  // kStreamChunkBytes, for the thread's reads
  ContentDigest digest_;      // used by the thread only, then by FinishHex after it ended

  std::mutex mutex_;
  std::condition_variable changed_;
  uint64_t final_until_ GUARDED_BY(mutex_) = 0;   // the writer's promise
  uint64_t hashed_until_ GUARDED_BY(mutex_) = 0;  // the hasher's progress
  uint64_t waiting_for_ GUARDED_BY(mutex_) = 0;   // what the idle hasher waits to be final
  bool stopping_ GUARDED_BY(mutex_) = false;
  bool finished_ GUARDED_BY(mutex_) = false;
  std::optional<Error> error_ GUARDED_BY(mutex_);
  std::thread worker_;
};

}  // namespace vsm::disk
