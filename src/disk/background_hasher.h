// BackgroundHasher: runs a SHA-256 on its own thread so that hashing overlaps the caller's I/O.
// The caller submits buffers in content order; one buffer is hashed at a time, and Submit
// returns as soon as the previous buffer is done, so a caller alternating two buffers (double
// buffering) fills one while the other is hashed. Submit, Wait and FinishHex must be called from
// one thread.
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
#include "disk/sha256.h"

namespace vsm::disk {

class BackgroundHasher {
 public:
  // Starts the worker thread. Errors: kFailed if the thread cannot be created.
  static Result<std::unique_ptr<BackgroundHasher>> Start();

  BackgroundHasher(const BackgroundHasher&) = delete;
  BackgroundHasher& operator=(const BackgroundHasher&) = delete;
  // Finishes the buffer being hashed, if any, and joins the worker.
  ~BackgroundHasher();

  // Waits until the previously submitted buffer is hashed, then hands `bytes` to the worker.
  // REQUIRES: `bytes` stays valid and unchanged until the next Submit or Wait returns.
  void Submit(std::span<const uint8_t> bytes);
  // Waits until every submitted buffer is hashed.
  void Wait();
  // Waits, then returns the digest of all submitted bytes (see Sha256::FinishHex).
  Result<std::string> FinishHex();

 private:
  BackgroundHasher() = default;
  void Run();

  std::mutex mutex_;
  std::condition_variable changed_;
  std::span<const uint8_t> pending_ GUARDED_BY(mutex_);
  bool has_pending_ GUARDED_BY(mutex_) = false;
  bool stopping_ GUARDED_BY(mutex_) = false;
  // Used by the worker while a buffer is pending and by the caller only after Wait(); the
  // mutex hand-over orders the two.
  Sha256 sha_;
  std::thread worker_;
};

}  // namespace vsm::disk
