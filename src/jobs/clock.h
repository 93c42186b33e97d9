// Clock: where jobs read the time, so tests can control it.
#pragma once

#include <chrono>

namespace vsm::jobs {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::system_clock::time_point Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  std::chrono::system_clock::time_point Now() const override {
    // Kept to microseconds: the precision the catalogue stores.
    return std::chrono::time_point_cast<std::chrono::microseconds>(
        std::chrono::system_clock::now());
  }
};

}  // namespace vsm::jobs
