// Daemon: vsmd's parts, built bottom up and torn down top down: the data-root lock, the
// catalogue, the job manager (recovered from the last run), the service, the CIM class registry,
// dispatcher and providers, and the servers.
#pragma once

#include <memory>

#include "app/vsmd/config.h"
#include "core/result.h"

namespace vsm::app {

class Daemon {
 public:
  // Starts everything, or returns why it could not (nothing is left running then).
  static Result<std::unique_ptr<Daemon>> Start(const DaemonConfig& config);
  ~Daemon();

  // Stops accepting requests, finishes the ones in flight, rolls back running jobs.
  void Stop();

 private:
  struct Parts;
  explicit Daemon(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace vsm::app
