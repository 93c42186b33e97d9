#include "service/import_task.h"

#include <fmt/format.h>

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
  if (generate_new_id) {
    VSM_RETURN_IF_ERROR(GiveNewIdentity(repository, system));
  } else {
    VSM_ASSIGN_OR_RETURN(auto existing, repository.FindSystem(system.id));
    if (existing) {
      return Error::SystemInUse(fmt::format(
          "a virtual system with Guid {} already exists ('{}'); import with GenerateNewID TRUE "
          "to give the imported system a new identity, or destroy the existing one first",
          system.id.ToString(), existing->name));
    }
  }
  context.SetAffectedSystem(system.id);
  VSM_RETURN_IF_ERROR(CheckSystemSettings(system));
  if (!package.contains_disks) VSM_RETURN_IF_ERROR(CheckDisksAreFree(repository, system));

  // Every byte the system will rely on, before it becomes visible.
  VSM_RETURN_IF_ERROR(package::VerifyPackage(package, context, max_parallel_files));
  if (context.IsCancelled()) return Cancelled(package_directory);

  system.package_directory = package_directory.string();
  system.enabled_state = EnabledState::kDisabled;
  return repository.AddSystem(system);
}

}  // namespace vsm::service
