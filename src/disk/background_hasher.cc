#include "disk/background_hasher.h"

#include "disk/hashing_thread.h"

namespace vsm::disk {

Result<std::unique_ptr<BackgroundHasher>> BackgroundHasher::Start(DigestAlgorithm algorithm) {
  std::unique_ptr<BackgroundHasher> hasher(new BackgroundHasher(algorithm));
  VSM_ASSIGN_OR_RETURN(hasher->worker_, StartHashingThread([raw = hasher.get()] { raw->Run(); }));
  return hasher;
}

BackgroundHasher::~BackgroundHasher() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void BackgroundHasher::Submit(std::span<const uint8_t> bytes) { Hand(bytes, 0); }

void BackgroundHasher::SubmitZeros(uint64_t count) { Hand({}, count); }

void BackgroundHasher::Hand(std::span<const uint8_t> bytes, uint64_t zeros) {
  {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [this] { return !has_pending_; });
    pending_ = bytes;
    pending_zeros_ = zeros;
    has_pending_ = true;
  }
  changed_.notify_all();
}

void BackgroundHasher::Wait() {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [this] { return !has_pending_; });
}

Result<std::string> BackgroundHasher::FinishHex() {
  Wait();
  return digest_.FinishHex();
}

void BackgroundHasher::Run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    changed_.wait(lock, [this] { return has_pending_ || stopping_; });
    if (!has_pending_) return;  // stopping with nothing left to hash
    std::span<const uint8_t> bytes = pending_;
    const uint64_t zeros = pending_zeros_;
    lock.unlock();
    if (zeros > 0) {
      digest_.UpdateZeros(zeros);
    } else {
      digest_.Update(bytes);
    }
    lock.lock();
    has_pending_ = false;
    changed_.notify_all();
  }
}

}  // namespace vsm::disk
