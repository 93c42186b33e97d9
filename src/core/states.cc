#include "core/states.h"

namespace vsm {

std::string_view JobStateName(JobState state) {
  switch (state) {
    case JobState::kNew: return "New";
    case JobState::kStarting: return "Starting";
    case JobState::kRunning: return "Running";
    case JobState::kSuspended: return "Suspended";
    case JobState::kShuttingDown: return "Shutting Down";
    case JobState::kCompleted: return "Completed";
    case JobState::kTerminated: return "Terminated";
    case JobState::kKilled: return "Killed";
    case JobState::kException: return "Exception";
  }
  return "Unknown";
}

std::string_view JobTypeName(JobType type) {
  switch (type) {
    case JobType::kImportVirtualSystem: return "ImportVirtualSystem";
    case JobType::kExportVirtualSystem: return "ExportVirtualSystem";
    case JobType::kCreateSnapshot: return "CreateVirtualSystemSnapshot";
    case JobType::kApplySnapshot: return "ApplyVirtualSystemSnapshot";
    case JobType::kRemoveSnapshot: return "RemoveVirtualSystemSnapshot";
  }
  return "Unknown";
}

}  // namespace vsm
