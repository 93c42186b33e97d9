// Progress: how a long operation reports the bytes it has moved and learns it was cancelled.
// Implemented by jobs/ (which turns bytes into PercentComplete); lower layers only call it.
// Thread-safe: a copy engine may report from several threads.
#pragma once

#include <cstdint>

namespace vsm {

class Progress {
 public:
  virtual ~Progress() = default;
  // Adds to the total bytes the operation expects to move (called before moving them).
  virtual void AddTotalBytes(uint64_t bytes) = 0;
  // Reports `bytes` more moved.
  virtual void AddDoneBytes(uint64_t bytes) = 0;
  // True once the operation should stop: it then returns an Error promptly and leaves no trace.
  virtual bool IsCancelled() const = 0;
};

// A Progress that counts nothing and is never cancelled.
class NullProgress final : public Progress {
 public:
  void AddTotalBytes(uint64_t) override {}
  void AddDoneBytes(uint64_t) override {}
  bool IsCancelled() const override { return false; }
};

}  // namespace vsm
