// StartHashingThread: starts the thread a background hasher runs on, and turns the system's
// refusal into an error that says what to check. Thread-safe.
#pragma once

#include <functional>
#include <string>
#include <system_error>
#include <thread>

#include "core/result.h"

namespace vsm::disk {

inline Result<std::thread> StartHashingThread(std::function<void()> run) {
  try {
    return std::thread(std::move(run));
  } catch (const std::system_error& error) {
    return Error::Failed(std::string("cannot start the hashing thread: ") + error.what() +
                         "; check the process and thread limits (ulimit -u)");
  }
}

}  // namespace vsm::disk
