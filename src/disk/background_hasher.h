// BackgroundHasher: runs a ContentDigest on its own thread so that hashing overlaps the caller's
// I/O. The caller submits buffers (or runs of zeros, for holes) in content order; one piece is
// hashed at a time, and Submit returns as soon as the previous piece is done, so a caller
// alternating two buffers (double buffering) fills one while the other is hashed. Submit,
// SubmitZeros, Wait and FinishHex must be called from one thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>

#include "core/result.h"
#include "core/thread_annotations.h"
#include "disk/content_digest.h"

namespace vsm::disk {

class BackgroundHasher {
 public:
  static Result<std::unique_ptr<BackgroundHasher>> Start(
      DigestAlgorithm algorithm = DigestAlgorithm::kSha256);

  BackgroundHasher(const BackgroundHasher&) = delete;
  BackgroundHasher& operator=(const BackgroundHasher&) = delete;
  ~BackgroundHasher();

  // `bytes` must stay valid until the next Submit/SubmitZeros/Wait/FinishHex returns.
  void Submit(std::span<const uint8_t> bytes);
  void SubmitZeros(uint64_t count);
  void Wait();
  Result<std::string> FinishHex();

 private:
  explicit BackgroundHasher(DigestAlgorithm algorithm) : digest_(algorithm) {}
  void Hand(std::span<const uint8_t> bytes, uint64_t zeros);
  void Run();

  std::mutex mutex_;
  std::condition_variable changed_;
  std::span<const uint8_t> pending_ GUARDED_BY(mutex_);
  uint64_t pending_zeros_ GUARDED_BY(mutex_) = 0;
  bool has_pending_ GUARDED_BY(mutex_) = false;
  bool stopping_ GUARDED_BY(mutex_) = false;
  ContentDigest digest_;
  std::thread worker_;
};

}  // namespace vsm::disk
