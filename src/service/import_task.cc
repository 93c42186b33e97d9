#include "service/import_task.h"

#include <fmt/format.h>

#include <map>
#include <set>

#include "disk/disk_chain.h"
#include "package/package.h"
#include "service/definition_checks.h"
#include "service/mac_address.h"
#include "store/repository.h"

namespace vsm::service {
namespace {

Error Cancelled(const std::filesystem::path& directory) {
  return Error::Failed(fmt::format("import of '{}' was cancelled", directory.string()));
}

// Gives the system a new Guid that no registered system has, a new BIOS Guid, and new MACs for
// the adapters whose MAC is dynamic.
Result<void> GiveNewIdentity(store::Repository& repository, SystemDefinition& system) {
  for (;;) {
    Guid candidate = Guid::Generate();
    VSM_ASSIGN_OR_RETURN(auto existing, repository.FindSystem(candidate));
    if (!existing) {
      system.id = candidate;
      break;
    }
  }
  system.bios_guid = Guid::Generate();
  for (NetworkAdapter& adapter : system.network_adapters) {
    if (!adapter.static_mac) adapter.mac_address = GenerateDynamicMacAddress();
  }
  return Ok();
}

// New Guids for the snapshots of a system imported with a new identity (the same package may be
// imported many times), parents and the current state's parent_snapshot following them. The
// disk files keep their names: no chain depends on a file's name matching a snapshot's Guid.
Result<void> GiveSnapshotsNewIds(store::Repository& repository, SystemDefinition& system,
                                 std::vector<SnapshotRecord>& snapshots) {
  std::map<Guid, Guid> renamed;
  for (SnapshotRecord& snapshot : snapshots) {
    for (;;) {
      Guid candidate = Guid::Generate();
      VSM_ASSIGN_OR_RETURN(auto existing, repository.FindSnapshot(candidate));
      if (!existing) {
        renamed[snapshot.id] = candidate;
        break;
      }
    }
  }
  auto rename = [&](const Guid& id) { return id.IsNull() ? id : renamed.at(id); };
  for (SnapshotRecord& snapshot : snapshots) {
    snapshot.id = rename(snapshot.id);
    snapshot.parent = rename(snapshot.parent);
    snapshot.configuration.parent_snapshot = rename(snapshot.configuration.parent_snapshot);
  }
  system.parent_snapshot = rename(system.parent_snapshot);
  return Ok();
}

// Snapshots keep their Guids without GenerateNewID; one another system has already is refused.
Result<void> CheckSnapshotIdsAreFree(store::Repository& repository,
                                     const std::vector<SnapshotRecord>& snapshots) {
  for (const SnapshotRecord& snapshot : snapshots) {
    VSM_ASSIGN_OR_RETURN(auto existing, repository.FindSnapshot(snapshot.id));
    if (existing) {
      return Error::SystemInUse(fmt::format(
          "snapshot '{}' has Guid {}, which a snapshot of virtual system {} already has; import "
          "with GenerateNewID TRUE to give the imported system and its snapshots new identities",
          snapshot.name, snapshot.id.ToString(), existing->system.ToString()));
    }
  }
  return Ok();
}

// The differencing disks of the package's chains: the package becomes the system's, so these are
// disks vsm may merge or delete when a snapshot is applied or removed (never a base disk).
Result<std::vector<CreatedDisk>> PackagedDifferencingDisks(const SystemDefinition& system,
                                                           const std::vector<SnapshotRecord>& snapshots) {
  std::vector<std::string> drive_paths;
  for (const Drive& drive : system.drives) {
    if (drive.kind == DriveKind::kHardDisk && !drive.path.empty()) drive_paths.push_back(drive.path);
  }
  for (const SnapshotRecord& snapshot : snapshots) {
    for (const Drive& drive : snapshot.configuration.drives) {
      if (drive.kind == DriveKind::kHardDisk && !drive.path.empty()) drive_paths.push_back(drive.path);
    }
  }
  std::vector<CreatedDisk> disks;
  std::set<std::string> seen;
  for (const std::string& path : drive_paths) {
    VSM_ASSIGN_OR_RETURN(disk::DiskChain chain, disk::DiskChain::Open(path));
    for (size_t i = 0; i + 1 < chain.depth(); ++i) {
      std::string child = chain.layer(i).path().lexically_normal().string();
      if (!seen.insert(child).second) break;  // the rest of this chain is recorded
      disks.push_back({child, chain.layer(i + 1).path().lexically_normal().string(), system.id});
    }
  }
  return disks;
}

// A configuration-only package names disks outside itself; none may belong to another system.
Result<void> CheckDisksAreFree(store::Repository& repository, const SystemDefinition& system) {
  for (const Drive& drive : system.drives) {
    if (drive.path.empty()) continue;
    VSM_ASSIGN_OR_RETURN(auto users, repository.FindSystemsUsingFile(drive.path));
    if (!users.empty()) {
      return Error::SystemInUse(fmt::format(
          "disk '{}' is used by virtual system '{}' ({}); destroy that system or export it with "
          "its disks (CopyVmState TRUE) to import a copy",
          drive.path, users.front().name, users.front().id.ToString()));
    }
  }
  return Ok();
}

}  // namespace

Result<void> RunImport(store::Repository& repository, const std::filesystem::path& package_directory,
                       bool generate_new_id, size_t max_parallel_files,
                       jobs::JobContext& context) {
  VSM_ASSIGN_OR_RETURN(package::Package package, package::ReadPackage(package_directory));

  VSM_ASSIGN_OR_RETURN(auto backed, repository.FindSystemByPackageDirectory(package_directory.string()));
  if (backed) {
    return Error::SystemInUse(fmt::format(
        "package '{}' already backs virtual system '{}' ({}): an in-place import makes the "
        "package the system's files; export that system again to import another copy",
        package_directory.string(), backed->name, backed->id.ToString()));
  }

  SystemDefinition system = package.system;
  std::vector<SnapshotRecord> snapshots = package.snapshots;
  if (generate_new_id) {
    VSM_RETURN_IF_ERROR(GiveNewIdentity(repository, system));
    VSM_RETURN_IF_ERROR(GiveSnapshotsNewIds(repository, system, snapshots));
  } else {
    VSM_ASSIGN_OR_RETURN(auto existing, repository.FindSystem(system.id));
    if (existing) {
      return Error::SystemInUse(fmt::format(
          "a virtual system with Guid {} already exists ('{}'); import with GenerateNewID TRUE "
          "to give the imported system a new identity, or destroy the existing one first",
          system.id.ToString(), existing->name));
    }
    VSM_RETURN_IF_ERROR(CheckSnapshotIdsAreFree(repository, snapshots));
  }
  for (SnapshotRecord& snapshot : snapshots) {
    snapshot.system = system.id;
    snapshot.configuration.id = system.id;
    snapshot.configuration.enabled_state = EnabledState::kDisabled;
    snapshot.configuration.package_directory = package_directory.string();
  }
  context.SetAffectedSystem(system.id);
  VSM_RETURN_IF_ERROR(CheckSystemSettings(system));
  if (!package.contains_disks) VSM_RETURN_IF_ERROR(CheckDisksAreFree(repository, system));

  // Every byte the system will rely on, before it becomes visible.
  VSM_RETURN_IF_ERROR(package::VerifyPackage(package, context, max_parallel_files));
  if (context.IsCancelled()) return Cancelled(package_directory);

  system.package_directory = package_directory.string();
  system.enabled_state = EnabledState::kDisabled;
  if (snapshots.empty() && !package.contains_disks) return repository.AddSystem(system);
  VSM_ASSIGN_OR_RETURN(std::vector<CreatedDisk> disks, PackagedDifferencingDisks(system, snapshots));
  return repository.AddSystemWithSnapshots(system, snapshots, disks);
}

}  // namespace vsm::service
