// The `vsm snapshot` commands (create, list, apply, remove): Hyper-V's snapshots (checkpoints)
// through CreateVirtualSystemSnapshot, ApplyVirtualSystemSnapshot and
// RemoveVirtualSystemSnapshot, each followed as a job, and the snapshot tree read from the
// Msvm_VirtualSystemSettingData that Msvm_PreviousSettingData links to the system. Each talks to
// vsmd through the context's Session and returns the process exit code.
#pragma once

#include <optional>
#include <string>

#include "app/vsm/command_context.h"

namespace vsm::cli {

struct SnapshotCreateOptions {
  std::string system;               // GUID or unique name
  std::optional<std::string> name;  // --name; unset: vsmd's "<system> - (<local time>)"
};

// apply and remove: a snapshot of a system.
struct SnapshotTargetOptions {
  std::string system;    // GUID or unique name
  std::string snapshot;  // GUID (or "Microsoft:<GUID>") or a name unique among its snapshots
};

// Prints "created snapshot '<name>' (<GUID>) of '<system>'" (--json: the final job, with the
// snapshot under "snapshot", null if the job failed).
int RunSnapshotCreate(CommandContext& context, const SnapshotCreateOptions& options);
// Prints the system's snapshots in tree order (--json: an array of snapshot objects).
int RunSnapshotList(CommandContext& context, const std::string& system);
// Makes the snapshot the system's current state (--json: the final job).
int RunSnapshotApply(CommandContext& context, const SnapshotTargetOptions& options);
// Removes the snapshot, merging its disks where vsmd can (--json: the final job).
int RunSnapshotRemove(CommandContext& context, const SnapshotTargetOptions& options);

}  // namespace vsm::cli
