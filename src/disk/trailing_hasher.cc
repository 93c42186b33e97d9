#include "disk/trailing_hasher.h"

#include <algorithm>
#include <span>

#include "disk/file_streamer.h"
#include "disk/hashing_thread.h"

namespace vsm::disk {

Result<std::unique_ptr<TrailingHasher>> TrailingHasher::Start(int fd, std::filesystem::path path,
                                                              uint64_t size_bytes,
                                                              std::vector<DataExtent> extents,
                                                              DigestAlgorithm algorithm,
                                                              uint64_t max_lead_bytes) {
  VSM_ASSIGN_OR_RETURN(ChunkBuffer buffer, AllocateChunk("hashing"));
  std::unique_ptr<TrailingHasher> hasher(new TrailingHasher(fd, std::move(path), size_bytes,
                                                            std::move(extents), algorithm,
                                                            max_lead_bytes, std::move(buffer)));
  VSM_ASSIGN_OR_RETURN(hasher->worker_, StartHashingThread([raw = hasher.get()] { raw->Run(); }));
  return hasher;
}

TrailingHasher::TrailingHasher(int fd, std::filesystem::path path, uint64_t size_bytes,
                               std::vector<DataExtent> extents, DigestAlgorithm algorithm,
                               uint64_t max_lead_bytes, ChunkBuffer buffer)
    : fd_(fd),
      path_(std::move(path)),
      size_bytes_(size_bytes),
      extents_(std::move(extents)),
      max_lead_bytes_(std::max<uint64_t>(max_lead_bytes, 1)),
      buffer_(std::move(buffer)),
      digest_(algorithm) {}

TrailingHasher::~TrailingHasher() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (worker_.joinable()) worker_.join();
}

Result<void> TrailingHasher::Advance(uint64_t offset) {
  std::unique_lock<std::mutex> lock(mutex_);
  final_until_ = std::max(final_until_, std::min(offset, size_bytes_));
  changed_.notify_all();
  changed_.wait(lock, [&] {
    // The hasher waiting for content not final yet is never held up by the bound.
    return finished_ || error_.has_value() || final_until_ <= hashed_until_ + max_lead_bytes_ ||
           final_until_ < waiting_for_;
  });
  if (error_) return *error_;
  return Ok();
}

void TrailingHasher::MarkComplete() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    final_until_ = size_bytes_;
  }
  changed_.notify_all();
}

Result<std::string> TrailingHasher::FinishHex() {
  MarkComplete();
  {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] { return finished_; });
    if (error_) return *error_;
  }
  // The thread has ended its work on digest_: it is ours now.
  return digest_.FinishHex();
}

bool TrailingHasher::WaitUntilFinal(uint64_t end) {
  std::unique_lock<std::mutex> lock(mutex_);
  waiting_for_ = end;
  changed_.notify_all();
  changed_.wait(lock, [&] { return stopping_ || final_until_ >= end; });
  waiting_for_ = 0;
  return !stopping_;
}

Result<void> TrailingHasher::HashFinalRange(uint64_t& position, uint64_t end) {
  while (position < end) {
    const uint64_t length = std::min(kStreamChunkBytes, end - position);
    std::span<uint8_t> chunk(buffer_.get(), length);
    VSM_RETURN_IF_ERROR(ReadFully(fd_, path_, position, chunk, "read back", "hashed"));
    digest_.Update(chunk);
    position += length;
    std::lock_guard<std::mutex> lock(mutex_);
    hashed_until_ = position;
    changed_.notify_all();
  }
  return Ok();
}

void TrailingHasher::Run() {
  uint64_t position = 0;
  Result<void> outcome = Ok();
  auto hole_until = [&](uint64_t end) {
    // A hole is zeros whatever the writer does (it writes data extents only): never read.
    if (end <= position) return;
    digest_.UpdateZeros(end - position);
    position = end;
    std::lock_guard<std::mutex> lock(mutex_);
    hashed_until_ = position;
  };
  for (const DataExtent& extent : extents_) {
    hole_until(std::min(extent.offset, size_bytes_));
    const uint64_t extent_end = std::min(extent.offset + extent.length, size_bytes_);
    while (position < extent_end) {
      // Reads as soon as a chunk is final, not only when the whole extent is.
      const uint64_t chunk_end = std::min(extent_end, position + kStreamChunkBytes);
      if (!WaitUntilFinal(chunk_end)) return;  // stopped: the result is abandoned
      outcome = HashFinalRange(position, chunk_end);
      if (!outcome.ok()) break;
    }
    if (!outcome.ok()) break;
  }
  if (outcome.ok()) hole_until(size_bytes_);
  std::lock_guard<std::mutex> lock(mutex_);
  if (!outcome.ok()) error_ = outcome.error();
  hashed_until_ = size_bytes_;
  finished_ = true;
  changed_.notify_all();
}

}  // namespace vsm::disk
