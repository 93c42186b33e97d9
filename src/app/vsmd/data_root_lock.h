// DataRootLock: the exclusive hold one vsmd has on its data root (an flock on
// <data_root>/vsmd.lock), so that a second vsmd on the same root refuses to start.
#pragma once

#include <filesystem>
#include <memory>

#include "core/result.h"

namespace vsm::app {

class DataRootLock {
 public:
  // Creates the data root if missing and takes the lock. kSystemInUse naming the root and the
  // holder's pid if another process holds it.
  static Result<std::unique_ptr<DataRootLock>> Acquire(const std::filesystem::path& data_root);
  ~DataRootLock();

 private:
  explicit DataRootLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace vsm::app
