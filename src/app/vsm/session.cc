#include "app/vsm/session.h"

#include <fmt/format.h>

#include "app/vsm/property_reader.h"
#include "app/vsm/requests.h"
#include "app/vsm/vm_resolver.h"
#include "core/return_code.h"

namespace vsm::cli {
namespace {

constexpr std::string_view kSettingsDefineState = "Msvm_SettingsDefineState";
constexpr std::string_view kSettingDataComponent = "Msvm_VirtualSystemSettingDataComponent";
constexpr std::string_view kVirtualSystemSettingData = "Msvm_VirtualSystemSettingData";
constexpr std::string_view kAffectedJobElement = "Msvm_AffectedJobElement";
constexpr std::string_view kPreviousSettingData = "Msvm_PreviousSettingData";

// Association lookups that vsmd may not serve (an older vsmd, an association it does not
// implement) answer CIM errors; those mean "not known", while a lost connection is an error.
bool IsUnreachable(const Error& error) {
  return error.code() == ReturnCode::kSystemNotAvailable ||
         error.code() == ReturnCode::kAccessDenied;
}

}  // namespace

std::optional<cim::ObjectPath> MethodOutcome::Reference(std::string_view name) const {
  for (const cim::NamedValue& parameter : out_parameters) {
    if (!cim::EqualsIgnoreCase(parameter.name, name) || parameter.value.is_null()) continue;
    if (parameter.value.type() == cim::CimType::kReference && !parameter.value.is_array()) {
      return parameter.value.AsReference();
    }
    if (std::optional<std::string> text = ReadString(&parameter.value)) {
      return cim::ObjectPath::Parse(*text);
    }
  }
  return std::nullopt;
}

std::string MethodFailureText(uint32_t return_value, std::string_view what) {
  auto code = static_cast<ReturnCode>(return_value);
  return fmt::format("{} ({}): {} ({})", ReturnCodeName(code), return_value,
                     ReturnCodeDescription(code), what);
}

Result<std::vector<SystemEntry>> Session::ListSystems() {
  VSM_ASSIGN_OR_RETURN(std::vector<cim::Instance> instances,
                       client_.EnumerateInstances(kComputerSystemClass));
  std::vector<SystemEntry> systems;
  for (const cim::Instance& instance : instances) {
    if (!IsVirtualMachine(instance)) continue;
    systems.push_back({instance.path(), SystemViewFromComputerSystem(instance)});
  }
  return systems;
}

Result<SystemEntry> Session::ResolveSystem(std::string_view argument) {
  VSM_ASSIGN_OR_RETURN(std::vector<SystemEntry> systems, ListSystems());
  std::vector<SystemView> views;
  for (const SystemEntry& system : systems) views.push_back(system.view);
  VSM_ASSIGN_OR_RETURN(size_t index, cli::ResolveSystem(argument, views));
  return systems[index];
}

Result<void> Session::LoadSettings(const cim::ObjectPath& path, SystemView& view) {
  VSM_ASSIGN_OR_RETURN(
      std::vector<cim::Instance> system_settings,
      client_.Associators(path, kSettingsDefineState, kVirtualSystemSettingData));
  std::vector<cim::Instance> settings;
  for (const cim::Instance& vssd : system_settings) {
    settings.push_back(vssd);
    VSM_ASSIGN_OR_RETURN(std::vector<cim::Instance> resources,
                         client_.Associators(vssd.path(), kSettingDataComponent));
    settings.insert(settings.end(), resources.begin(), resources.end());
  }
  ApplySettings(settings, view);
  return Ok();
}

Result<SystemView> Session::GetSystem(const cim::ObjectPath& path) {
  VSM_ASSIGN_OR_RETURN(cim::Instance instance, client_.GetInstance(path));
  return SystemViewFromComputerSystem(instance);
}

Result<std::vector<SnapshotView>> Session::ListSnapshots(const cim::ObjectPath& path) {
  VSM_ASSIGN_OR_RETURN(
      std::vector<cim::Instance> settings,
      client_.Associators(path, kPreviousSettingData, kVirtualSystemSettingData));
  std::vector<SnapshotView> snapshots;
  for (const cim::Instance& vssd : settings) {
    if (IsSnapshotSettingData(vssd)) snapshots.push_back(SnapshotViewFromInstance(vssd));
  }
  return snapshots;
}

Result<cim::ObjectPath> Session::ManagementServicePath() {
  if (service_path_) return *service_path_;
  VSM_ASSIGN_OR_RETURN(std::vector<cim::ObjectPath> paths,
                       client_.EnumerateInstanceNames(kManagementServiceClass));
  if (paths.empty()) {
    return Error::SystemNotAvailable(fmt::format(
        "vsmd has no {} instance; is the endpoint a vsmd?", kManagementServiceClass));
  }
  service_path_ = paths.front();
  return *service_path_;
}

Result<MethodOutcome> Session::CallService(std::string_view method,
                                           std::vector<cim::NamedValue> parameters) {
  VSM_ASSIGN_OR_RETURN(cim::ObjectPath service, ManagementServicePath());
  return Call(service, method, std::move(parameters));
}

Result<MethodOutcome> Session::Call(const cim::ObjectPath& target, std::string_view method,
                                    std::vector<cim::NamedValue> parameters) {
  VSM_ASSIGN_OR_RETURN(cim::MethodResult result,
                       client_.InvokeMethod(target, method, std::move(parameters)));
  MethodOutcome outcome;
  std::optional<uint64_t> return_value = ReadUnsigned(&result.return_value);
  if (!return_value) {
    return Error::Failed(fmt::format("{} answered no uint32 return value", method));
  }
  outcome.return_value = static_cast<uint32_t>(*return_value);
  outcome.out_parameters = std::move(result.out_parameters);
  return outcome;
}

Result<JobView> Session::ReadJob(const cim::ObjectPath& path) {
  VSM_ASSIGN_OR_RETURN(cim::Instance instance, client_.GetInstance(path));
  JobView job = JobViewFromInstance(instance);
  if (job.id.empty()) job.id = KeyString(path, "InstanceID");
  return job;
}

Result<JobView> Session::ReadJobWithAffectedSystem(const cim::ObjectPath& path) {
  VSM_ASSIGN_OR_RETURN(JobView job, ReadJob(path));
  VSM_ASSIGN_OR_RETURN(std::optional<SystemView> system, AffectedSystem(path));
  if (system) job.affected_system = system->id;
  return job;
}

Result<std::optional<SystemView>> Session::AffectedSystem(const cim::ObjectPath& job_path) {
  Result<std::vector<cim::Instance>> affected =
      client_.Associators(job_path, kAffectedJobElement, kComputerSystemClass);
  if (!affected.ok()) {
    if (IsUnreachable(affected.error())) return affected.error();
    return std::optional<SystemView>();
  }
  for (const cim::Instance& instance : *affected) {
    if (IsVirtualMachine(instance)) return std::optional(SystemViewFromComputerSystem(instance));
  }
  return std::optional<SystemView>();
}

Result<std::vector<JobView>> Session::ListJobs() {
  VSM_ASSIGN_OR_RETURN(std::vector<cim::Instance> instances,
                       client_.EnumerateInstances(kConcreteJobClass));
  std::vector<JobView> jobs;
  for (const cim::Instance& instance : instances) {
    JobView job = JobViewFromInstance(instance);
    VSM_ASSIGN_OR_RETURN(std::optional<SystemView> system, AffectedSystem(instance.path()));
    if (system) job.affected_system = system->id;
    jobs.push_back(std::move(job));
  }
  return jobs;
}

}  // namespace vsm::cli
