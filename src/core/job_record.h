// JobRecord: everything persisted about one asynchronous job (a Msvm_ConcreteJob). Value type;
// jobs/ owns the live job, store/ persists this record, cim/ presents it.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "core/guid.h"
#include "core/states.h"

namespace vsm {

struct JobRecord {
  using TimePoint = std::chrono::system_clock::time_point;

  std::string id;  // InstanceID: a Guid string
  JobType type = JobType::kImportVirtualSystem;
  std::string description;     // e.g. "Importing virtual system from '/exports/vm1'"
  std::string owner;           // the user who started it
  JobState state = JobState::kNew;
  uint16_t percent_complete = 0;
  uint32_t error_code = 0;      // a ReturnCode number; 0 on success
  std::string error_description;
  std::string error_summary_description;
  bool cancellable = true;
  TimePoint time_submitted;
  std::optional<TimePoint> start_time;
  std::optional<TimePoint> end_time;
  TimePoint time_of_last_state_change;
  std::chrono::seconds time_before_removal{300};
  std::optional<Guid> affected_system;  // Msvm_AffectedJobElement
  // What a restart must clean up if the job was running when vsmd stopped: a staging path that
  // is removed whole. Empty when the job leaves nothing to clean.
  std::string cleanup_path;

  bool operator==(const JobRecord&) const = default;
};

}  // namespace vsm
