#include "service/virtual_system_management_service.h"

#include <fmt/format.h>

#include <filesystem>

#include "jobs/job_manager.h"
#include "package/package.h"
#include "service/definition_checks.h"
#include "service/import_task.h"
#include "service/mac_address.h"
#include "service/snapshot_tasks.h"
#include "store/repository.h"

namespace vsm::service {
namespace {

namespace fs = std::filesystem;

Result<void> RequireAdministrator(const Principal& caller, std::string_view operation) {
  if (caller.IsAdministrator()) return Ok();
  return Error::AccessDenied(fmt::format(
      "user '{}' has the reader role and may not call {}; ask an administrator to run it or to "
      "grant you the administrator role",
      caller.user, operation));
}

// ImportDirectory / ExportDirectory: absolute, existing directory. Returns it lexically normal,
// without a trailing separator.
Result<fs::path> CheckDirectoryParameter(std::string_view parameter, const std::string& value) {
  if (value.empty()) {
    return Error::InvalidParameter(fmt::format(
        "{} is empty; pass the absolute path of a directory", parameter));
  }
  fs::path path(value);
  if (!path.is_absolute()) {
    return Error::InvalidParameter(fmt::format(
        "{} '{}' is a relative path; pass an absolute path", parameter, value));
  }
  std::error_code ec;
  fs::file_status status = fs::status(path, ec);
  if (!fs::exists(status)) {
    return Error::InvalidParameter(fmt::format("{} '{}' does not exist", parameter, value));
  }
  if (!fs::is_directory(status)) {
    return Error::InvalidParameter(fmt::format(
        "{} '{}' is not a directory; pass the directory itself", parameter, value));
  }
  fs::path canonical = fs::canonical(path, ec);
  if (ec) {
    return Error::InvalidParameter(fmt::format("{} '{}' cannot be resolved: {}", parameter, value,
                                               ec.message()));
  }
  return canonical;
}

std::string SystemKey(const Guid& id) { return "system:" + id.ToString(); }
std::string DirectoryKey(const fs::path& path) { return "directory:" + path.string(); }

}  // namespace

VirtualSystemManagementService::VirtualSystemManagementService(store::Repository& repository,
                                                               jobs::JobManager& jobs,
                                                               ServiceOptions options)
    : repository_(repository), jobs_(jobs), options_(std::move(options)) {}

Result<SystemDefinition> VirtualSystemManagementService::DefineVirtualSystem(
    const Principal& caller, SystemDefinition definition) {
  VSM_RETURN_IF_ERROR(RequireAdministrator(caller, "DefineVirtualSystem"));
  VSM_RETURN_IF_ERROR(CheckSystemSettings(definition));
  VSM_RETURN_IF_ERROR(CheckSystemFiles(definition));
  for (const Drive& drive : definition.drives) {
    if (drive.kind != DriveKind::kHardDisk) continue;
    VSM_ASSIGN_OR_RETURN(auto users, repository_.FindSystemsUsingFile(drive.path));
    if (!users.empty()) {
      return Error::SystemInUse(fmt::format(
          "disk '{}' is already used by virtual system '{}' ({}); a disk belongs to one system",
          drive.path, users.front().name, users.front().id.ToString()));
    }
  }
  if (definition.id.IsNull()) definition.id = Guid::Generate();
  if (definition.bios_guid.IsNull()) definition.bios_guid = Guid::Generate();
  for (NetworkAdapter& adapter : definition.network_adapters) {
    if (adapter.mac_address.empty()) {
      adapter.mac_address = GenerateDynamicMacAddress();
      adapter.static_mac = false;
    } else {
      adapter.mac_address = *NormalizeMacAddress(adapter.mac_address);
    }
  }
  definition.enabled_state = EnabledState::kDisabled;
  definition.package_directory.clear();
  definition.creation_time = std::chrono::time_point_cast<std::chrono::microseconds>(
      std::chrono::system_clock::now());
  VSM_RETURN_IF_ERROR(repository_.AddSystem(definition));
  return definition;
}

Result<void> VirtualSystemManagementService::DestroyVirtualSystem(const Principal& caller,
                                                                  const Guid& system) {
  VSM_RETURN_IF_ERROR(RequireAdministrator(caller, "DestroyVirtualSystem"));
  VSM_ASSIGN_OR_RETURN(auto found, repository_.FindSystem(system));
  if (!found) {
    return Error::InvalidParameter(fmt::format("virtual system {} does not exist", system.ToString()));
  }
  if (auto holder = jobs_.FindHolder(SystemKey(system))) {
    return Error::SystemInUse(fmt::format(
        "virtual system '{}' ({}) is in use by job {}; wait for it to finish or cancel it",
        found->name, system.ToString(), *holder));
  }
  if (found->enabled_state != EnabledState::kDisabled) {
    return Error::InvalidState(fmt::format(
        "virtual system '{}' is not off; turn it off before destroying it", found->name));
  }
  // Only the catalogue entry goes: vsm never deletes a disk it did not create.
  return repository_.RemoveSystem(system);
}

Result<SystemDefinition> VirtualSystemManagementService::ModifyVirtualSystem(
    const Principal& caller, const SystemChanges& changes) {
  VSM_RETURN_IF_ERROR(RequireAdministrator(caller, "ModifyVirtualSystem"));
  VSM_ASSIGN_OR_RETURN(auto found, repository_.FindSystem(changes.system));
  if (!found) {
    return Error::InvalidParameter(
        fmt::format("virtual system {} does not exist", changes.system.ToString()));
  }
  if (auto holder = jobs_.FindHolder(SystemKey(changes.system))) {
    return Error::SystemInUse(fmt::format(
        "virtual system '{}' is in use by job {}; wait for it to finish or cancel it", found->name,
        *holder));
  }
  SystemDefinition modified = *found;
  if (changes.name) modified.name = *changes.name;
  if (changes.notes) modified.notes = *changes.notes;
  if (changes.memory_mb) modified.memory_mb = *changes.memory_mb;
  if (changes.processor_count) modified.processor_count = *changes.processor_count;
  VSM_RETURN_IF_ERROR(CheckSystemSettings(modified));
  VSM_RETURN_IF_ERROR(repository_.UpdateSystem(modified));
  return modified;
}

Result<void> VirtualSystemManagementService::RequestSystemStateChange(const Principal& caller,
                                                                      const Guid& system,
                                                                      uint16_t requested_state) {
  VSM_RETURN_IF_ERROR(RequireAdministrator(caller, "RequestStateChange"));
  VSM_ASSIGN_OR_RETURN(auto found, repository_.FindSystem(system));
  if (!found) {
    return Error::InvalidParameter(fmt::format("virtual system {} does not exist", system.ToString()));
  }
  return Error::NotSupported(fmt::format(
      "vsm has no hypervisor backend yet, so virtual system '{}' cannot change to state {}; it "
      "stays defined and off (EnabledState 3)",
      found->name, requested_state));
}

Result<JobRecord> VirtualSystemManagementService::ExportVirtualSystem(const Principal& caller,
                                                                      const ExportRequest& request) {
  VSM_RETURN_IF_ERROR(RequireAdministrator(caller, "ExportVirtualSystem"));
  if (request.system.IsNull()) {
    return Error::InvalidParameter("ComputerSystem is missing; pass the reference of the virtual system to export");
  }
  VSM_ASSIGN_OR_RETURN(auto found, repository_.FindSystem(request.system));
  if (!found) {
    return Error::InvalidParameter(
        fmt::format("virtual system {} does not exist", request.system.ToString()));
  }
  VSM_ASSIGN_OR_RETURN(fs::path directory,
                       CheckDirectoryParameter("ExportDirectory", request.export_directory));
  if (found->enabled_state != EnabledState::kDisabled) {
    return Error::InvalidState(fmt::format(
        "virtual system '{}' is running; turn it off before exporting it", found->name));
  }
  fs::path target = directory / found->name;
  std::error_code ec;
  if (fs::exists(fs::symlink_status(target, ec))) {
    return Error::InvalidParameter(fmt::format(
        "'{}' already exists and is never overwritten; export to another directory or remove it first",
        target.string()));
  }

  jobs::JobSpec spec;
  spec.type = JobType::kExportVirtualSystem;
  spec.description = fmt::format("Exporting virtual system '{}' ({}) to '{}'", found->name,
                                 found->id.ToString(), target.string());
  spec.owner = caller.user;
  spec.affected_system = found->id;
  spec.resource_keys = {SystemKey(found->id), DirectoryKey(target)};
  // Built under a hidden sibling of the target; a restart removes it if vsmd dies meanwhile.
  fs::path staging =
      package::StagingDirectoryFor(directory, found->name, Guid::Generate().ToString());
  spec.cleanup_path = staging.string();
  VSM_ASSIGN_OR_RETURN(std::vector<SnapshotRecord> snapshots, repository_.ListSnapshots(found->id));
  package::ExportOptions options{.copy_vm_state = request.copy_vm_state,
                                 .max_parallel_copies = options_.max_parallel_files,
                                 .staging_directory = staging};
  auto task = [system = *found, snapshots = std::move(snapshots), directory,
               options](jobs::JobContext& context) -> Result<void> {
    VSM_RETURN_IF_ERROR(package::WritePackage(system, snapshots, directory, options, context));
    return Ok();
  };
  return jobs_.Submit(std::move(spec), std::move(task));
}

Result<JobRecord> VirtualSystemManagementService::ImportVirtualSystem(const Principal& caller,
                                                                      const ImportRequest& request) {
  VSM_RETURN_IF_ERROR(RequireAdministrator(caller, "ImportVirtualSystem"));
  VSM_ASSIGN_OR_RETURN(fs::path directory,
                       CheckDirectoryParameter("ImportDirectory", request.import_directory));
  jobs::JobSpec spec;
  spec.type = JobType::kImportVirtualSystem;
  spec.description = fmt::format("Importing virtual system from '{}'{}", directory.string(),
                                 request.generate_new_id ? " with a new identity" : "");
  spec.owner = caller.user;
  spec.resource_keys = {DirectoryKey(directory)};
  store::Repository& repository = repository_;
  bool generate_new_id = request.generate_new_id;
  size_t max_parallel_files = options_.max_parallel_files;
  return jobs_.Submit(std::move(spec), [&repository, directory, generate_new_id,
                                        max_parallel_files](jobs::JobContext& context) {
    return RunImport(repository, directory, generate_new_id, max_parallel_files, context);
  });
}

Result<SnapshotJob> VirtualSystemManagementService::CreateVirtualSystemSnapshot(
    const Principal& caller, const SnapshotRequest& request) {
  VSM_RETURN_IF_ERROR(RequireAdministrator(caller, "CreateVirtualSystemSnapshot"));
  if (request.system.IsNull()) {
    return Error::InvalidParameter(
        "SourceSystem is missing; pass the reference of the virtual system to snapshot");
  }
  VSM_ASSIGN_OR_RETURN(auto found, repository_.FindSystem(request.system));
  if (!found) {
    return Error::InvalidParameter(
        fmt::format("virtual system {} does not exist", request.system.ToString()));
  }
  if (!request.name.empty()) VSM_RETURN_IF_ERROR(CheckSystemName(request.name));
  if (found->enabled_state != EnabledState::kDisabled) {
    return Error::InvalidState(fmt::format(
        "virtual system '{}' is not off; turn it off before taking a snapshot", found->name));
  }
  VSM_ASSIGN_OR_RETURN(auto snapshots, repository_.ListSnapshots(found->id));
  if (snapshots.size() >= kMaxSnapshotsPerSystem) {
    return Error::InvalidState(fmt::format(
        "virtual system '{}' has {} snapshots, the most it may have; remove one first",
        found->name, snapshots.size()));
  }
  Guid snapshot = Guid::Generate();
  jobs::JobSpec spec;
  spec.type = JobType::kCreateSnapshot;
  spec.description = fmt::format("Creating snapshot {} of virtual system '{}' ({})",
                                 snapshot.ToString(), found->name, found->id.ToString());
  spec.owner = caller.user;
  spec.affected_system = found->id;
  spec.resource_keys = {SystemKey(found->id)};
  store::Repository& repository = repository_;
  VSM_ASSIGN_OR_RETURN(
      JobRecord job,
      jobs_.Submit(std::move(spec), [&repository, system = found->id, snapshot,
                                     name = request.name](jobs::JobContext& context) {
        return RunCreateSnapshot(repository, system, snapshot, name, context);
      }));
  return SnapshotJob{std::move(job), snapshot};
}

Result<JobRecord> VirtualSystemManagementService::ApplyVirtualSystemSnapshot(
    const Principal& caller, const ApplySnapshotRequest& request) {
  VSM_RETURN_IF_ERROR(RequireAdministrator(caller, "ApplyVirtualSystemSnapshot"));
  VSM_ASSIGN_OR_RETURN(SnapshotRecord snapshot, FindSnapshotParameter(request.snapshot));
  if (!request.system.IsNull() && request.system != snapshot.system) {
    return Error::InvalidParameter(fmt::format(
        "snapshot '{}' belongs to virtual system {}, not to {}; pass the system it was taken of",
        snapshot.name, snapshot.system.ToString(), request.system.ToString()));
  }
  VSM_ASSIGN_OR_RETURN(SystemDefinition system, FindSnapshotSystem(snapshot, "applying"));
  jobs::JobSpec spec;
  spec.type = JobType::kApplySnapshot;
  spec.description = fmt::format("Applying snapshot '{}' ({}) to virtual system '{}' ({})",
                                 snapshot.name, snapshot.id.ToString(), system.name,
                                 system.id.ToString());
  spec.owner = caller.user;
  spec.affected_system = system.id;
  spec.resource_keys = {SystemKey(system.id)};
  store::Repository& repository = repository_;
  return jobs_.Submit(std::move(spec), [&repository, id = snapshot.id](jobs::JobContext& context) {
    return RunApplySnapshot(repository, id, context);
  });
}

Result<JobRecord> VirtualSystemManagementService::RemoveVirtualSystemSnapshot(
    const Principal& caller, const Guid& snapshot_id) {
  VSM_RETURN_IF_ERROR(RequireAdministrator(caller, "RemoveVirtualSystemSnapshot"));
  VSM_ASSIGN_OR_RETURN(SnapshotRecord snapshot, FindSnapshotParameter(snapshot_id));
  VSM_ASSIGN_OR_RETURN(SystemDefinition system, FindSnapshotSystem(snapshot, "removing"));
  jobs::JobSpec spec;
  spec.type = JobType::kRemoveSnapshot;
  spec.description = fmt::format("Removing snapshot '{}' ({}) of virtual system '{}' ({})",
                                 snapshot.name, snapshot.id.ToString(), system.name,
                                 system.id.ToString());
  spec.owner = caller.user;
  spec.affected_system = system.id;
  spec.resource_keys = {SystemKey(system.id)};
  store::Repository& repository = repository_;
  return jobs_.Submit(std::move(spec), [&repository, id = snapshot.id](jobs::JobContext& context) {
    return RunRemoveSnapshot(repository, id, context);
  });
}

Result<SnapshotRecord> VirtualSystemManagementService::FindSnapshotParameter(const Guid& id) {
  if (id.IsNull()) {
    return Error::InvalidParameter(
        "SnapshotSettingData is missing; pass the reference of the snapshot's "
        "Msvm_VirtualSystemSettingData (InstanceID \"Microsoft:<GUID>\")");
  }
  VSM_ASSIGN_OR_RETURN(auto found, repository_.FindSnapshot(id));
  if (!found) {
    return Error::InvalidParameter(fmt::format(
        "snapshot {} does not exist; list the system's snapshots to find its Guid", id.ToString()));
  }
  return *found;
}

Result<SystemDefinition> VirtualSystemManagementService::FindSnapshotSystem(
    const SnapshotRecord& snapshot, std::string_view action) {
  VSM_ASSIGN_OR_RETURN(auto system, repository_.FindSystem(snapshot.system));
  if (!system) {
    return Error::InvalidParameter(fmt::format("virtual system {} of snapshot '{}' does not exist",
                                               snapshot.system.ToString(), snapshot.name));
  }
  if (system->enabled_state != EnabledState::kDisabled) {
    return Error::InvalidState(fmt::format(
        "virtual system '{}' is not off; turn it off before {} its snapshot '{}'", system->name,
        action, snapshot.name));
  }
  return *system;
}

Result<std::vector<SnapshotRecord>> VirtualSystemManagementService::ListSnapshots(const Guid& system) {
  VSM_ASSIGN_OR_RETURN(auto found, repository_.FindSystem(system));
  if (!found) {
    return Error::InvalidParameter(fmt::format("virtual system {} does not exist", system.ToString()));
  }
  return repository_.ListSnapshots(system);
}

Result<std::optional<SnapshotRecord>> VirtualSystemManagementService::FindSnapshot(
    const Guid& snapshot) {
  return repository_.FindSnapshot(snapshot);
}

Result<std::vector<SystemDefinition>> VirtualSystemManagementService::ListSystems() {
  return repository_.ListSystems();
}

Result<std::optional<SystemDefinition>> VirtualSystemManagementService::FindSystem(const Guid& system) {
  return repository_.FindSystem(system);
}

Result<std::vector<JobRecord>> VirtualSystemManagementService::ListJobs() { return jobs_.List(); }

Result<std::optional<JobRecord>> VirtualSystemManagementService::FindJob(const std::string& job_id) {
  return jobs_.Find(job_id);
}

Result<void> VirtualSystemManagementService::RequestJobStateChange(const Principal& caller,
                                                                   const std::string& job_id,
                                                                   uint16_t requested_state) {
  VSM_RETURN_IF_ERROR(RequireAdministrator(caller, "RequestStateChange"));
  constexpr uint16_t kTerminate = 4;
  constexpr uint16_t kKill = 5;
  if (requested_state != kTerminate && requested_state != kKill) {
    return Error::NotSupported(fmt::format(
        "a job can only be asked to Terminate (4) or Kill (5), not to change to state {}",
        requested_state));
  }
  return jobs_.Cancel(job_id);
}

}  // namespace vsm::service
