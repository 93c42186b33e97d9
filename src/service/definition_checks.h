// Checks that a SystemDefinition is one vsm can register: its name, sizes, drive positions and
// files. Each failure is kInvalidParameter naming the offending value and what would be valid.
#pragma once

#include <string_view>

#include "core/result.h"
#include "core/system_definition.h"

namespace vsm::service {

inline constexpr size_t kMaxNameLength = 100;
inline constexpr uint64_t kMaxMemoryMb = 1024 * 1024;
inline constexpr uint32_t kMaxProcessors = 64;
inline constexpr uint32_t kIdeControllers = 2;
inline constexpr uint32_t kIdeSlots = 2;
inline constexpr uint32_t kMaxScsiControllers = 4;
inline constexpr uint32_t kScsiSlots = 64;

// ElementName: 1..100 characters, no control characters, no '/' (it names the export
// directory), not "." or "..".
Result<void> CheckSystemName(std::string_view name);

// Memory, processors, controller counts, drive positions (in range, no two drives on one slot)
// and network adapters (valid MACs). Does not touch the filesystem.
Result<void> CheckSystemSettings(const SystemDefinition& system);

// Every hard disk exists and is a valid VHD or VHDX, with the whole chain of a differencing disk
// proven (disk::DiskChain); every ISO exists and is a regular file.
// Paths must be absolute.
Result<void> CheckSystemFiles(const SystemDefinition& system);

}  // namespace vsm::service
