// The state enumerations of the Hyper-V object model, with their CIM numbers.
#pragma once

#include <cstdint>
#include <string_view>

namespace vsm {

// Msvm_ComputerSystem.EnabledState. vsm has no hypervisor backend, so a virtual system is
// always kDisabled (3, "off"), which is the spec's "Defined" state.
enum class EnabledState : uint16_t {
  kUnknown = 0,
  kEnabled = 2,
  kDisabled = 3,
};

// CIM_ConcreteJob.JobState.
enum class JobState : uint16_t {
  kNew = 2,
  kStarting = 3,
  kRunning = 4,
  kSuspended = 5,
  kShuttingDown = 6,
  kCompleted = 7,
  kTerminated = 8,
  kKilled = 9,
  kException = 10,
};

// True for the states a job never leaves.
constexpr bool IsFinished(JobState state) {
  return state == JobState::kCompleted || state == JobState::kTerminated ||
         state == JobState::kKilled || state == JobState::kException;
}

std::string_view JobStateName(JobState state);

// What a job does; Hyper-V v2's JobType numbers where one exists.
enum class JobType : uint16_t {
  kImportVirtualSystem = 61,
  kExportVirtualSystem = 62,
  kCreateSnapshot = 70,
  kApplySnapshot = 71,
  kRemoveSnapshot = 72,
};

std::string_view JobTypeName(JobType type);

}  // namespace vsm
