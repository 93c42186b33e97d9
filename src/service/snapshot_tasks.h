// The work of the snapshot jobs (CreateVirtualSystemSnapshot, ApplyVirtualSystemSnapshot,
// RemoveVirtualSystemSnapshot): differencing disks made, merged and deleted, and the catalogue
// changed in one transaction. vsm deletes only disks it created (store::CreatedDisk) and never
// one that a snapshot or the current state still uses.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/guid.h"
#include "core/progress.h"
#include "core/result.h"

namespace vsm::store {
class Repository;
}

namespace vsm::service {

// Hyper-V allows 50 snapshots per virtual machine.
inline constexpr size_t kMaxSnapshotsPerSystem = 50;

// Hyper-V's default snapshot name: "<system name> - (<M/D/YYYY - h:mm:ss AM>)", local time.
std::string DefaultSnapshotName(std::string_view system_name,
                                std::chrono::system_clock::time_point time);

// Where a new differencing child of `current_disk` is made, as Hyper-V names it:
// "<dir of current_disk>/<stem of the base name>_<ID>.avhd" (".avhdx" when `vhdx`). The stem of
// the base name drops a "_<GUID>" that an earlier child's name carries, so children of children
// stay "web01_<ID>.avhdx", not "web01_<A>_<B>.avhdx".
std::filesystem::path SnapshotChildPath(const std::filesystem::path& current_disk, const Guid& id,
                                        bool vhdx);

// Takes snapshot `snapshot_id` of `system`: every hard disk gets a differencing child (the
// current disk is frozen into the snapshot), the snapshot is recorded with the system's
// definition as it was, and the system moves onto the children, all in one transaction. On any
// error or cancellation every child made is removed and the catalogue is unchanged.
Result<void> RunCreateSnapshot(store::Repository& repository, const Guid& system,
                               const Guid& snapshot_id, const std::string& name,
                               Progress& progress);

// Makes the snapshot's configuration the system's current state (its name and Guid stay): new
// differencing children of the snapshot's disks become the current disks, and the disks vsm made
// for the old current state that nothing else uses are deleted (after the catalogue commits). On
// any error before the commit the new children are removed and nothing has changed.
Result<void> RunApplySnapshot(store::Repository& repository, const Guid& snapshot,
                              Progress& progress);

// Forgets a snapshot; its children take its parent. A frozen disk with exactly one child that is
// the system's current disk (a leaf) has that child merged into it, and the drive moves back to
// it; a frozen disk vsm created that nothing uses any more is deleted; any other stays, as a layer
// of the chains above it. Cancellation is honoured until a merge starts; a merge that fails part
// way leaves the child whole and says so.
Result<void> RunRemoveSnapshot(store::Repository& repository, const Guid& snapshot,
                               Progress& progress);

}  // namespace vsm::service
