#include "cim/msvm_association_provider.h"

#include <fmt/format.h>

#include <set>

#include "cim/msvm_base_provider.h"
#include "cim/msvm_computer_system_provider.h"
#include "cim/msvm_concrete_job_provider.h"
#include "cim/msvm_setting_data_provider.h"
#include "service/virtual_system_management_service.h"

namespace vsm::cim {
namespace {

constexpr std::string_view kSettingsDefineState = "Msvm_SettingsDefineState";
constexpr std::string_view kSettingDataComponent = "Msvm_VirtualSystemSettingDataComponent";
constexpr std::string_view kAffectedJobElement = "Msvm_AffectedJobElement";
constexpr std::string_view kPreviousSettingData = "Msvm_PreviousSettingData";

// An association instance: its two references are its properties and its keys.
Instance MakeAssociation(std::string_view class_name, std::string_view first_role,
                         const ObjectPath& first, std::string_view first_class,
                         std::string_view second_role, const ObjectPath& second,
                         std::string_view second_class) {
  Instance instance{std::string(class_name)};
  msvm::SetReference(instance, std::string(first_role), first, std::string(first_class));
  msvm::SetReference(instance, std::string(second_role), second, std::string(second_class));
  instance.set_path(msvm::MakePath(class_name, {{std::string(first_role), Value::Reference(first)},
                                                {std::string(second_role), Value::Reference(second)}}));
  return instance;
}

// True if every key of `candidate` is given in `requested` and names the same object.
bool SameAssociation(const ObjectPath& candidate, const ObjectPath& requested) {
  if (candidate.keys().size() != requested.keys().size()) return false;
  for (const KeyBinding& key : candidate.keys()) {
    std::optional<ObjectPath> theirs = msvm::ValueAsReference(requested.FindKey(key.name));
    if (!theirs || !(key.value.AsReference() == *theirs)) return false;
  }
  return true;
}

CimResult<Instance> FindAmong(std::vector<Instance> instances, std::string_view class_name,
                              const ObjectPath& path) {
  for (Instance& instance : instances) {
    if (SameAssociation(instance.path(), path)) return std::move(instance);
  }
  return CimError{CimStatus::kNotFound, fmt::format("No such {}: {}", class_name, path.ToString())};
}

CimError NotFound(std::string_view class_name, const ObjectPath& path) {
  return CimError{CimStatus::kNotFound, fmt::format("No such {}: {}", class_name, path.ToString())};
}

// The system a setting data reference names, through its InstanceID.
std::optional<Guid> SystemOfSettingData(const Value* reference) {
  std::optional<ObjectPath> path = msvm::ValueAsReference(reference);
  if (!path) return std::nullopt;
  std::optional<std::string> instance_id = msvm::ValueAsString(path->FindKey("InstanceID"));
  if (!instance_id) return std::nullopt;
  std::optional<SettingDataId> id = ParseSettingDataId(*instance_id);
  if (!id) return std::nullopt;
  return id->system;
}

// Reads one system and builds its associations with `make`; NOT_FOUND if it is unknown.
template <typename Make>
CimResult<Instance> GetForSystem(service::VirtualSystemManagementService& service,
                                 std::optional<Guid> id, std::string_view class_name,
                                 const ObjectPath& path, Make make) {
  if (!id) return NotFound(class_name, path);
  Result<std::optional<SystemDefinition>> system = service.FindSystem(*id);
  if (!system.ok()) return msvm::CimErrorFromServiceError(system.error());
  if (!*system) return NotFound(class_name, path);
  return FindAmong(make(**system), class_name, path);
}

// The associations of the one system `id` names (none if it names none), built with `make`.
template <typename Make>
CimResult<std::vector<Instance>> ForOneSystem(service::VirtualSystemManagementService& service,
                                              std::optional<Guid> id, Make make) {
  if (!id) return std::vector<Instance>();
  Result<std::optional<SystemDefinition>> system = service.FindSystem(*id);
  if (!system.ok()) return msvm::CimErrorFromServiceError(system.error());
  if (!*system) return std::vector<Instance>();
  return make(**system);
}

// The system an object path names: a computer system by its Name, a setting data by its
// InstanceID.
std::optional<Guid> SystemOfObject(const ObjectPath& path) {
  if (std::optional<Guid> id = SystemGuidFromPath(path)) return id;
  Value reference = Value::Reference(path);
  return SystemOfSettingData(&reference);
}

// Every system's associations, built with `make`.
template <typename Make>
CimResult<std::vector<Instance>> EnumerateForSystems(
    service::VirtualSystemManagementService& service, Make make) {
  Result<std::vector<SystemDefinition>> systems = service.ListSystems();
  if (!systems.ok()) return msvm::CimErrorFromServiceError(systems.error());
  std::vector<Instance> instances;
  for (const SystemDefinition& system : *systems) {
    for (Instance& instance : make(system)) instances.push_back(std::move(instance));
  }
  return instances;
}

}  // namespace

std::vector<Instance> MakeSettingsDefineStates(const SystemDefinition& system) {
  return {MakeAssociation(kSettingsDefineState, "ManagedElement", ComputerSystemPath(system.id),
                          "CIM_ManagedElement", "SettingData",
                          VirtualSystemSettingDataPath(system.id), "CIM_SettingData")};
}

std::vector<Instance> MakeSettingDataComponents(const SystemDefinition& system) {
  ObjectPath group = VirtualSystemSettingDataPath(system.id);
  std::vector<Instance> instances;
  for (const Instance& part : MakeSettingData(system)) {
    if (part.path() == group) continue;
    instances.push_back(MakeAssociation(kSettingDataComponent, "GroupComponent", group,
                                        "CIM_VirtualSystemSettingData", "PartComponent",
                                        part.path(), "CIM_ManagedElement"));
  }
  return instances;
}

std::vector<Instance> MakeAffectedJobElements(const JobRecord& job) {
  if (!job.affected_system) return {};
  return {MakeAssociation(kAffectedJobElement, "AffectedElement",
                          ComputerSystemPath(*job.affected_system), "CIM_ManagedElement",
                          "AffectingElement", ConcreteJobPath(job.id), "CIM_Job")};
}

std::vector<Instance> MakePreviousSettingData(const std::vector<SnapshotRecord>& snapshots) {
  std::vector<Instance> instances;
  for (const SnapshotRecord& snapshot : snapshots) {
    instances.push_back(MakeAssociation(kPreviousSettingData, "ManagedElement",
                                        ComputerSystemPath(snapshot.system), "CIM_ManagedElement",
                                        "SettingData", VirtualSystemSettingDataPath(snapshot.id),
                                        "CIM_SettingData"));
  }
  return instances;
}

MsvmSettingsDefineStateProvider::MsvmSettingsDefineStateProvider(
    service::VirtualSystemManagementService& service)
    : service_(service) {}

CimResult<std::vector<Instance>> MsvmSettingsDefineStateProvider::EnumerateInstances(
    const RequestContext& context) {
  return EnumerateForSystems(service_, &MakeSettingsDefineStates);
}

CimResult<std::vector<Instance>> MsvmSettingsDefineStateProvider::InstancesReferencing(
    const RequestContext& context, const ObjectPath& source) {
  return ForOneSystem(service_, SystemOfObject(source), &MakeSettingsDefineStates);
}

CimResult<Instance> MsvmSettingsDefineStateProvider::GetInstance(const RequestContext& context,
                                                                 const ObjectPath& path) {
  std::optional<ObjectPath> element = msvm::ValueAsReference(path.FindKey("ManagedElement"));
  std::optional<Guid> id = element ? SystemGuidFromPath(*element) : std::nullopt;
  return GetForSystem(service_, id, class_name(), path, &MakeSettingsDefineStates);
}

MsvmVirtualSystemSettingDataComponentProvider::MsvmVirtualSystemSettingDataComponentProvider(
    service::VirtualSystemManagementService& service)
    : service_(service) {}

CimResult<std::vector<Instance>> MsvmVirtualSystemSettingDataComponentProvider::EnumerateInstances(
    const RequestContext& context) {
  return EnumerateForSystems(service_, &MakeSettingDataComponents);
}

CimResult<std::vector<Instance>>
MsvmVirtualSystemSettingDataComponentProvider::InstancesReferencing(const RequestContext& context,
                                                                    const ObjectPath& source) {
  return ForOneSystem(service_, SystemOfObject(source), &MakeSettingDataComponents);
}

CimResult<Instance> MsvmVirtualSystemSettingDataComponentProvider::GetInstance(
    const RequestContext& context, const ObjectPath& path) {
  std::optional<Guid> id = SystemOfSettingData(path.FindKey("GroupComponent"));
  return GetForSystem(service_, id, class_name(), path, &MakeSettingDataComponents);
}

MsvmAffectedJobElementProvider::MsvmAffectedJobElementProvider(
    service::VirtualSystemManagementService& service)
    : service_(service) {}

CimResult<std::vector<Instance>> MsvmAffectedJobElementProvider::EnumerateInstances(
    const RequestContext& context) {
  Result<std::vector<JobRecord>> jobs = service_.ListJobs();
  if (!jobs.ok()) return msvm::CimErrorFromServiceError(jobs.error());
  Result<std::vector<SystemDefinition>> systems = service_.ListSystems();
  if (!systems.ok()) return msvm::CimErrorFromServiceError(systems.error());
  std::set<Guid> existing;
  for (const SystemDefinition& system : *systems) existing.insert(system.id);
  std::vector<Instance> instances;
  for (const JobRecord& job : *jobs) {
    if (!job.affected_system || !existing.contains(*job.affected_system)) continue;
    for (Instance& instance : MakeAffectedJobElements(job)) instances.push_back(std::move(instance));
  }
  return instances;
}

CimResult<std::vector<Instance>> MsvmAffectedJobElementProvider::InstancesReferencing(
    const RequestContext& context, const ObjectPath& source) {
  // From a job: that job's link. From a system: the links of the jobs that affected it (jobs
  // are few; systems may be many).
  std::vector<JobRecord> jobs;
  if (std::optional<std::string> job_id = msvm::ValueAsString(source.FindKey("InstanceID"));
      job_id && EqualsIgnoreCase(source.class_name(), "Msvm_ConcreteJob")) {
    Result<std::optional<JobRecord>> job = service_.FindJob(*job_id);
    if (!job.ok()) return msvm::CimErrorFromServiceError(job.error());
    if (*job) jobs.push_back(std::move(**job));
  } else if (std::optional<Guid> system = SystemGuidFromPath(source)) {
    Result<std::vector<JobRecord>> all = service_.ListJobs();
    if (!all.ok()) return msvm::CimErrorFromServiceError(all.error());
    for (JobRecord& job : *all) {
      if (job.affected_system == system) jobs.push_back(std::move(job));
    }
  }
  std::vector<Instance> instances;
  for (const JobRecord& job : jobs) {
    if (!job.affected_system) continue;
    // Only jobs whose system still exists, as EnumerateInstances gives them.
    Result<std::optional<SystemDefinition>> system = service_.FindSystem(*job.affected_system);
    if (!system.ok()) return msvm::CimErrorFromServiceError(system.error());
    if (!*system) continue;
    for (Instance& instance : MakeAffectedJobElements(job)) instances.push_back(std::move(instance));
  }
  return instances;
}

CimResult<Instance> MsvmAffectedJobElementProvider::GetInstance(const RequestContext& context,
                                                                const ObjectPath& path) {
  std::optional<ObjectPath> job_path = msvm::ValueAsReference(path.FindKey("AffectingElement"));
  std::optional<std::string> job_id =
      job_path ? msvm::ValueAsString(job_path->FindKey("InstanceID")) : std::nullopt;
  if (!job_id) return NotFound(class_name(), path);
  Result<std::optional<JobRecord>> job = service_.FindJob(*job_id);
  if (!job.ok()) return msvm::CimErrorFromServiceError(job.error());
  if (!*job || !(*job)->affected_system) return NotFound(class_name(), path);
  Result<std::optional<SystemDefinition>> system = service_.FindSystem(*(*job)->affected_system);
  if (!system.ok()) return msvm::CimErrorFromServiceError(system.error());
  if (!*system) return NotFound(class_name(), path);
  return FindAmong(MakeAffectedJobElements(**job), class_name(), path);
}

MsvmPreviousSettingDataProvider::MsvmPreviousSettingDataProvider(
    service::VirtualSystemManagementService& service)
    : service_(service) {}

CimResult<std::vector<Instance>> MsvmPreviousSettingDataProvider::ForSystem(const Guid& id) {
  Result<std::optional<SystemDefinition>> system = service_.FindSystem(id);
  if (!system.ok()) return msvm::CimErrorFromServiceError(system.error());
  if (!*system) return std::vector<Instance>();
  Result<std::vector<SnapshotRecord>> snapshots = service_.ListSnapshots(id);
  if (!snapshots.ok()) return msvm::CimErrorFromServiceError(snapshots.error());
  return MakePreviousSettingData(*snapshots);
}

CimResult<std::vector<Instance>> MsvmPreviousSettingDataProvider::EnumerateInstances(
    const RequestContext& context) {
  Result<std::vector<SystemDefinition>> systems = service_.ListSystems();
  if (!systems.ok()) return msvm::CimErrorFromServiceError(systems.error());
  std::vector<Instance> instances;
  for (const SystemDefinition& system : *systems) {
    CimResult<std::vector<Instance>> links = ForSystem(system.id);
    if (IsError(links)) return links;
    for (Instance& link : std::get<std::vector<Instance>>(links)) instances.push_back(std::move(link));
  }
  return instances;
}

CimResult<std::vector<Instance>> MsvmPreviousSettingDataProvider::InstancesReferencing(
    const RequestContext& context, const ObjectPath& source) {
  if (std::optional<Guid> system = SystemGuidFromPath(source)) return ForSystem(*system);
  if (std::optional<Guid> snapshot_id = SnapshotGuidFromPath(source)) {
    Result<std::optional<SnapshotRecord>> snapshot = service_.FindSnapshot(*snapshot_id);
    if (!snapshot.ok()) return msvm::CimErrorFromServiceError(snapshot.error());
    if (*snapshot) return MakePreviousSettingData({**snapshot});
  }
  return std::vector<Instance>();
}

CimResult<Instance> MsvmPreviousSettingDataProvider::GetInstance(const RequestContext& context,
                                                                 const ObjectPath& path) {
  std::optional<ObjectPath> element = msvm::ValueAsReference(path.FindKey("ManagedElement"));
  std::optional<Guid> id = element ? SystemGuidFromPath(*element) : std::nullopt;
  if (!id) return NotFound(class_name(), path);
  CimResult<std::vector<Instance>> links = ForSystem(*id);
  if (IsError(links)) return std::get<CimError>(std::move(links));
  return FindAmong(std::get<std::vector<Instance>>(std::move(links)), class_name(), path);
}

}  // namespace vsm::cim
