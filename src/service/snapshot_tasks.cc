#include "service/snapshot_tasks.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <ctime>
#include <map>
#include <set>
#include <vector>

#include "core/snapshot.h"
#include "disk/differencing_disk.h"
#include "disk/disk_chain.h"
#include "disk/disk_image.h"
#include "disk/disk_layer.h"
#include "store/repository.h"

namespace vsm::service {
namespace {

namespace fs = std::filesystem;

constexpr size_t kMergeChunkBytes = 1 << 20;

bool IsHardDisk(const Drive& drive) {
  return drive.kind == DriveKind::kHardDisk && !drive.path.empty();
}

Result<SystemDefinition> LoadSystem(store::Repository& repository, const Guid& id) {
  VSM_ASSIGN_OR_RETURN(auto system, repository.FindSystem(id));
  if (!system) {
    return Error::InvalidParameter(fmt::format("virtual system {} does not exist", id.ToString()));
  }
  if (system->enabled_state != EnabledState::kDisabled) {
    return Error::InvalidState(fmt::format(
        "virtual system '{}' is not off; turn it off first", system->name));
  }
  return *system;
}

Result<SnapshotRecord> LoadSnapshot(store::Repository& repository, const Guid& id) {
  VSM_ASSIGN_OR_RETURN(auto snapshot, repository.FindSnapshot(id));
  if (!snapshot) {
    return Error::InvalidParameter(fmt::format("snapshot {} does not exist", id.ToString()));
  }
  return *snapshot;
}

Error CancelledError(std::string_view operation) {
  return Error::Failed(fmt::format("{} was cancelled; nothing was changed", operation));
}

// Removes files made by a job that is failing; the job's own error is what it reports.
void RemoveFiles(const std::vector<fs::path>& files) {
  for (const fs::path& file : files) {
    std::error_code ec;
    fs::remove(file, ec);
    if (ec) spdlog::warn("could not remove '{}' while rolling back: {}", file.string(), ec.message());
  }
}

// Deletes disks the catalogue no longer records. The catalogue has committed, so a failure here
// leaves an orphan file, not a wrong state: it is logged, naming the file to remove by hand.
void DeleteForgottenDisks(const std::vector<std::string>& paths) {
  for (const std::string& path : paths) {
    std::error_code ec;
    fs::remove(path, ec);
    if (ec) {
      spdlog::warn("disk '{}' is no longer used by vsm but could not be deleted ({}); remove it by hand",
                   path, ec.message());
    }
  }
}

// Makes a differencing child of each hard disk in `drives`, named with `id`; returns the
// drives moved onto the children. On error, removes the children made so far.
Result<std::vector<Drive>> MakeChildren(const std::vector<Drive>& drives, const Guid& id,
                                        Progress& progress, std::vector<fs::path>& made) {
  std::vector<Drive> moved = drives;
  for (Drive& drive : moved) {
    if (!IsHardDisk(drive)) continue;
    if (progress.IsCancelled()) {
      RemoveFiles(made);
      return CancelledError("the snapshot job");
    }
    Result<disk::DiskInfo> info = disk::InspectDisk(drive.path);
    if (!info.ok()) {
      RemoveFiles(made);
      return info.error();
    }
    fs::path child = SnapshotChildPath(drive.path, id, disk::IsVhdxFormat(info->format));
    Result<void> created = disk::CreateDifferencingDisk(child, drive.path);
    if (!created.ok()) {
      RemoveFiles(made);
      return created.error();
    }
    made.push_back(child);
    drive.path = child.string();
    progress.AddDoneBytes(1);
  }
  return moved;
}

// The created disks that nothing in `used` names and that no remaining created disk was made
// from, found leaf first (deleting one can free its parent).
std::vector<std::string> UnusedCreatedDisks(const std::vector<CreatedDisk>& created,
                                            const std::set<std::string>& used) {
  std::map<std::string, std::string> remaining;  // path -> parent path
  for (const CreatedDisk& disk : created) remaining[disk.path] = disk.parent_path;
  std::vector<std::string> unused;
  bool changed = true;
  while (changed) {
    changed = false;
    for (auto it = remaining.begin(); it != remaining.end();) {
      bool is_parent = false;
      for (const auto& [path, parent] : remaining) is_parent = is_parent || parent == it->first;
      if (!used.contains(it->first) && !is_parent) {
        unused.push_back(it->first);
        it = remaining.erase(it);
        changed = true;
      } else {
        ++it;
      }
    }
  }
  return unused;
}

void AddHardDisks(const SystemDefinition& system, std::set<std::string>& paths) {
  for (const Drive& drive : system.drives) {
    if (IsHardDisk(drive)) paths.insert(drive.path);
  }
}

// Writes every block `child` stores into `parent` (the chain below the child), as the guest sees
// it through the child, then flushes. The child's link to the parent is proven first.
Result<void> MergeChildIntoParent(const fs::path& child, const fs::path& parent, Progress& progress) {
  VSM_ASSIGN_OR_RETURN(disk::DiskChain proof, disk::DiskChain::Open(child));
  std::error_code ec;
  if (proof.depth() < 2 || !fs::equivalent(proof.layer(1).path(), parent, ec)) {
    return Error::InvalidParameter(fmt::format(
        "'{}' is not a differencing disk of '{}' as the catalogue records; it cannot be merged",
        child.string(), parent.string()));
  }
  VSM_ASSIGN_OR_RETURN(auto source, disk::DiskLayer::Open(child, disk::DiskLayer::Access::kReadOnly));
  VSM_ASSIGN_OR_RETURN(auto runs, source->Map(0, source->info().virtual_size_bytes));
  for (const disk::LayerRun& run : runs) {
    if (run.source == disk::RunSource::kThisLayer) progress.AddTotalBytes(run.length);
  }
  VSM_ASSIGN_OR_RETURN(disk::DiskChain target,
                       disk::DiskChain::Open(parent, {.leaf_access = disk::DiskLayer::Access::kReadWrite}));
  const disk::ParentReader* below = target.depth() > 1 ? &target.Below(0) : nullptr;
  std::vector<uint8_t> buffer(kMergeChunkBytes);
  for (const disk::LayerRun& run : runs) {
    if (run.source != disk::RunSource::kThisLayer) continue;
    for (uint64_t offset = run.offset; offset < run.offset + run.length;) {
      size_t length = static_cast<size_t>(std::min<uint64_t>(kMergeChunkBytes, run.offset + run.length - offset));
      std::span<uint8_t> chunk(buffer.data(), length);
      VSM_RETURN_IF_ERROR(source->Read(offset, chunk));
      VSM_RETURN_IF_ERROR(target.layer(0).Write(offset, chunk, below));
      progress.AddDoneBytes(length);
      offset += length;
    }
  }
  return target.layer(0).Flush();
}

}  // namespace

std::string DefaultSnapshotName(std::string_view system_name,
                                std::chrono::system_clock::time_point time) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm local{};
  localtime_r(&seconds, &local);
  int hour = local.tm_hour % 12 == 0 ? 12 : local.tm_hour % 12;
  return fmt::format("{} - ({}/{}/{} - {}:{:02}:{:02} {})", system_name, local.tm_mon + 1,
                     local.tm_mday, local.tm_year + 1900, hour, local.tm_min, local.tm_sec,
                     local.tm_hour < 12 ? "AM" : "PM");
}

fs::path SnapshotChildPath(const fs::path& current_disk, const Guid& id, bool vhdx) {
  std::string stem = current_disk.stem().string();
  // "<base>_<GUID>" (36 characters after the underscore) is a child vsm or Hyper-V named.
  constexpr size_t kGuidLength = 36;
  if (stem.size() > kGuidLength + 1 && stem[stem.size() - kGuidLength - 1] == '_' &&
      Guid::Parse(std::string_view(stem).substr(stem.size() - kGuidLength))) {
    stem.resize(stem.size() - kGuidLength - 1);
  }
  return current_disk.parent_path() / fmt::format("{}_{}{}", stem, id.ToString(), vhdx ? ".avhdx" : ".avhd");
}

Result<void> RunCreateSnapshot(store::Repository& repository, const Guid& system_id,
                               const Guid& snapshot_id, const std::string& name,
                               Progress& progress) {
  VSM_ASSIGN_OR_RETURN(SystemDefinition system, LoadSystem(repository, system_id));
  for (const Drive& drive : system.drives) {
    if (IsHardDisk(drive)) progress.AddTotalBytes(1);
  }
  std::vector<fs::path> made;
  VSM_ASSIGN_OR_RETURN(std::vector<Drive> moved, MakeChildren(system.drives, snapshot_id, progress, made));

  SnapshotRecord snapshot;
  snapshot.id = snapshot_id;
  snapshot.system = system.id;
  snapshot.parent = system.parent_snapshot;
  snapshot.creation_time =
      std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
  snapshot.name = name.empty() ? DefaultSnapshotName(system.name, snapshot.creation_time) : name;
  snapshot.configuration = system;

  store::SnapshotChange change;
  change.add_snapshot = snapshot;
  change.system = system;
  change.system->drives = moved;
  change.system->parent_snapshot = snapshot_id;
  for (size_t i = 0; i < moved.size(); ++i) {
    if (moved[i].path != system.drives[i].path) {
      change.add_disks.push_back({moved[i].path, system.drives[i].path, system.id});
    }
  }
  if (progress.IsCancelled()) {
    RemoveFiles(made);
    return CancelledError("the snapshot job");
  }
  Result<void> committed = repository.CommitSnapshotChange(change);
  if (!committed.ok()) {
    RemoveFiles(made);
    return committed.error();
  }
  return Ok();
}

Result<void> RunApplySnapshot(store::Repository& repository, const Guid& snapshot_id,
                              Progress& progress) {
  VSM_ASSIGN_OR_RETURN(SnapshotRecord snapshot, LoadSnapshot(repository, snapshot_id));
  VSM_ASSIGN_OR_RETURN(SystemDefinition system, LoadSystem(repository, snapshot.system));
  VSM_ASSIGN_OR_RETURN(auto snapshots, repository.ListSnapshots(system.id));
  VSM_ASSIGN_OR_RETURN(auto created, repository.ListCreatedDisks(system.id));
  for (const Drive& drive : snapshot.configuration.drives) {
    if (IsHardDisk(drive)) progress.AddTotalBytes(1);
  }

  std::vector<fs::path> made;
  VSM_ASSIGN_OR_RETURN(std::vector<Drive> moved,
                       MakeChildren(snapshot.configuration.drives, Guid::Generate(), progress, made));
  SystemDefinition applied = snapshot.configuration;
  applied.id = system.id;
  applied.name = system.name;
  applied.enabled_state = system.enabled_state;
  applied.creation_time = system.creation_time;
  applied.package_directory = system.package_directory;
  applied.drives = moved;
  applied.parent_snapshot = snapshot.id;

  // What stays in use: the new current disks and every snapshot's; the old current disks that
  // vsm made and nothing else needs go.
  std::set<std::string> used;
  AddHardDisks(applied, used);
  for (const SnapshotRecord& s : snapshots) AddHardDisks(s.configuration, used);
  store::SnapshotChange change;
  change.system = applied;
  for (size_t i = 0; i < moved.size(); ++i) {
    if (IsHardDisk(moved[i])) {
      change.add_disks.push_back({moved[i].path, snapshot.configuration.drives[i].path, system.id});
    }
  }
  std::vector<CreatedDisk> after = created;
  after.insert(after.end(), change.add_disks.begin(), change.add_disks.end());
  change.remove_disks = UnusedCreatedDisks(after, used);

  if (progress.IsCancelled()) {
    RemoveFiles(made);
    return CancelledError("the apply-snapshot job");
  }
  Result<void> committed = repository.CommitSnapshotChange(change);
  if (!committed.ok()) {
    RemoveFiles(made);
    return committed.error();
  }
  DeleteForgottenDisks(change.remove_disks);
  return Ok();
}

Result<void> RunRemoveSnapshot(store::Repository& repository, const Guid& snapshot_id,
                               Progress& progress) {
  VSM_ASSIGN_OR_RETURN(SnapshotRecord removed, LoadSnapshot(repository, snapshot_id));
  VSM_ASSIGN_OR_RETURN(SystemDefinition system, LoadSystem(repository, removed.system));
  VSM_ASSIGN_OR_RETURN(auto snapshots, repository.ListSnapshots(system.id));
  VSM_ASSIGN_OR_RETURN(auto created, repository.ListCreatedDisks(system.id));

  std::set<std::string> kept_by_snapshots;  // the disks the remaining snapshots froze
  for (const SnapshotRecord& s : snapshots) {
    if (s.id != removed.id) AddHardDisks(s.configuration, kept_by_snapshots);
  }
  std::map<std::string, std::vector<std::string>> children;  // parent path -> created children
  for (const CreatedDisk& disk : created) children[disk.parent_path].push_back(disk.path);

  // A frozen disk whose one child is the current disk, itself a leaf: merge that child down.
  struct Merge {
    size_t drive;
    std::string child;
    std::string parent;
  };
  std::vector<Merge> merges;
  for (const Drive& frozen : removed.configuration.drives) {
    if (!IsHardDisk(frozen) || kept_by_snapshots.contains(frozen.path)) continue;
    auto found = children.find(frozen.path);
    if (found == children.end() || found->second.size() != 1) continue;
    const std::string& child = found->second.front();
    if (children.contains(child) || kept_by_snapshots.contains(child)) continue;
    for (size_t i = 0; i < system.drives.size(); ++i) {
      if (IsHardDisk(system.drives[i]) && system.drives[i].path == child) {
        merges.push_back({i, child, frozen.path});
      }
    }
  }

  SystemDefinition updated = system;
  if (updated.parent_snapshot == removed.id) updated.parent_snapshot = removed.parent;
  for (const Merge& merge : merges) updated.drives[merge.drive].path = merge.parent;
  std::set<std::string> used = kept_by_snapshots;
  AddHardDisks(updated, used);
  store::SnapshotChange change;
  change.remove_snapshot = removed.id;
  change.system = updated;
  change.remove_disks = UnusedCreatedDisks(created, used);

  if (progress.IsCancelled()) return CancelledError("the remove-snapshot job");
  // From the first merge on, the job runs to its end: a half-merged disk cannot be rolled back.
  for (const Merge& merge : merges) {
    Result<void> merged = MergeChildIntoParent(merge.child, merge.parent, progress);
    if (!merged.ok()) {
      return Error(merged.error().code(), fmt::format(
          "merging '{}' into '{}' failed: {}; the snapshot was not removed and the system still "
          "uses '{}', which holds every block written since the snapshot, but '{}' may be partly "
          "merged; fix the cause and remove the snapshot again",
          merge.child, merge.parent, merged.error().message(), merge.child, merge.parent));
    }
  }
  Result<void> committed = repository.CommitSnapshotChange(change);
  if (!committed.ok()) {
    if (merges.empty()) return committed.error();
    return Error(committed.error().code(), fmt::format(
        "the disks were merged, but the catalogue could not be updated: {}; the system's drives "
        "must now use the merged disk{} '{}'",
        committed.error().message(), merges.size() > 1 ? "s, the first" : "", merges.front().parent));
  }
  DeleteForgottenDisks(change.remove_disks);
  return Ok();
}

}  // namespace vsm::service
