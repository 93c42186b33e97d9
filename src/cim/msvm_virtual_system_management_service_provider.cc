#include "cim/msvm_virtual_system_management_service_provider.h"

#include <fmt/format.h>

#include "cim/msvm_base_provider.h"
#include "cim/msvm_computer_system_provider.h"
#include "cim/msvm_concrete_job_provider.h"
#include "cim/msvm_define_virtual_system_provider.h"
#include "cim/msvm_setting_data_provider.h"
#include "service/virtual_system_management_service.h"

namespace vsm::cim {
namespace {

constexpr std::string_view kServiceName = "vmms";
constexpr uint16_t kEnabled = 2;
constexpr uint16_t kHealthOk = 5;
constexpr uint16_t kOperationalStatusOk = 2;

struct MethodCall {
  service::VirtualSystemManagementService& service;
  const EmbeddedInstanceCodec& codec;
  const RequestContext& context;
  const std::vector<NamedValue>& parameters;
  std::string_view method;

  MethodResult Fail(const Error& error) const {
    return msvm::MethodFailure(kManagementServiceClass, method, error);
  }
  MethodResult JobStarted(const JobRecord& job) const {
    return msvm::MethodReturn(ReturnCode::kJobStarted,
                              {{"Job", Value::Reference(ConcreteJobPath(job.id))}});
  }
};

// The virtual system a ComputerSystem REF parameter names, by its Name key.
Result<Guid> ComputerSystemParameter(const MethodCall& call) {
  std::optional<ObjectPath> path = msvm::ReferenceParameter(call.parameters, "ComputerSystem");
  if (!path) {
    return Error::InvalidParameter(
        "ComputerSystem is missing; pass the reference of a Msvm_ComputerSystem whose Name is the "
        "virtual system's GUID");
  }
  std::optional<Guid> id = SystemGuidFromPath(*path);
  if (!id) {
    return Error::InvalidParameter(fmt::format(
        "ComputerSystem '{}' does not name a virtual system; its Name key must be the virtual "
        "system's GUID",
        path->ToString()));
  }
  return *id;
}

// A boolean parameter: `fallback` when absent, kInvalidParameter when it is not a boolean.
Result<bool> BooleanParameterOr(const MethodCall& call, std::string_view name, bool fallback) {
  const Value* value = msvm::FindParameter(call.parameters, name);
  if (value == nullptr) return fallback;
  std::optional<bool> flag = msvm::ValueAsBoolean(value);
  if (!flag) {
    return Error::InvalidParameter(fmt::format(
        "{} '{}' is not a boolean; pass TRUE or FALSE", name,
        msvm::ValueAsString(value).value_or("?")));
  }
  return *flag;
}

MethodResult InvokeImportVirtualSystem(const MethodCall& call) {
  Result<bool> generate_new_id = BooleanParameterOr(call, "GenerateNewID", false);
  if (!generate_new_id.ok()) return call.Fail(generate_new_id.error());
  // A null ImportDirectory reaches the service as "", which it answers with 32773.
  service::ImportRequest request{
      .import_directory = msvm::StringParameter(call.parameters, "ImportDirectory").value_or(""),
      .generate_new_id = *generate_new_id};
  Result<JobRecord> job = call.service.ImportVirtualSystem(call.context.principal, request);
  if (!job.ok()) return call.Fail(job.error());
  return call.JobStarted(*job);
}

MethodResult InvokeExportVirtualSystem(const MethodCall& call) {
  Result<Guid> system = ComputerSystemParameter(call);
  if (!system.ok()) return call.Fail(system.error());
  Result<bool> copy_vm_state = BooleanParameterOr(call, "CopyVmState", true);
  if (!copy_vm_state.ok()) return call.Fail(copy_vm_state.error());
  service::ExportRequest request{
      .system = *system,
      .copy_vm_state = *copy_vm_state,
      .export_directory = msvm::StringParameter(call.parameters, "ExportDirectory").value_or("")};
  Result<JobRecord> job = call.service.ExportVirtualSystem(call.context.principal, request);
  if (!job.ok()) return call.Fail(job.error());
  return call.JobStarted(*job);
}

MethodResult InvokeDefineVirtualSystem(const MethodCall& call) {
  Result<SystemDefinition> definition = ReadSystemDefinition(
      call.codec, msvm::StringParameter(call.parameters, "SystemSettingData"),
      msvm::StringArrayParameter(call.parameters, "ResourceSettingData")
          .value_or(std::vector<std::string>{}));
  if (!definition.ok()) return call.Fail(definition.error());
  Result<SystemDefinition> defined =
      call.service.DefineVirtualSystem(call.context.principal, std::move(*definition));
  if (!defined.ok()) return call.Fail(defined.error());
  return msvm::MethodReturn(ReturnCode::kCompleted,
                            {{"DefinedSystem", Value::Reference(ComputerSystemPath(defined->id))}});
}

MethodResult InvokeDestroyVirtualSystem(const MethodCall& call) {
  Result<Guid> system = ComputerSystemParameter(call);
  if (!system.ok()) return call.Fail(system.error());
  Result<void> destroyed = call.service.DestroyVirtualSystem(call.context.principal, *system);
  if (!destroyed.ok()) return call.Fail(destroyed.error());
  return msvm::MethodReturn(ReturnCode::kCompleted);
}

MethodResult InvokeModifyVirtualSystem(const MethodCall& call) {
  Result<Guid> system = ComputerSystemParameter(call);
  if (!system.ok()) return call.Fail(system.error());
  std::optional<std::string> text = msvm::StringParameter(call.parameters, "SystemSettingData");
  if (!text) {
    return call.Fail(Error::InvalidParameter(
        "SystemSettingData is missing; pass an embedded Msvm_VirtualSystemSettingData with the "
        "ElementName or Notes to change"));
  }
  CimResult<Instance> settings = call.codec.Parse(*text);
  if (IsError(settings)) {
    return call.Fail(Error::InvalidParameter(fmt::format(
        "SystemSettingData is not an embedded instance: {}", std::get<CimError>(settings).description)));
  }
  const Instance& vssd = std::get<Instance>(settings);
  service::SystemChanges changes;
  changes.system = *system;
  changes.name = msvm::ValueAsString(vssd.Get("ElementName"));
  changes.notes = msvm::ValueAsString(vssd.Get("Notes"));
  Result<SystemDefinition> modified = call.service.ModifyVirtualSystem(call.context.principal, changes);
  if (!modified.ok()) return call.Fail(modified.error());
  return msvm::MethodReturn(
      ReturnCode::kCompleted,
      {{"ModifiedSettingData", Value::Reference(VirtualSystemSettingDataPath(modified->id))}});
}

// The virtual system a CIM_ComputerSystem REF parameter `name` names; kInvalidParameter naming
// the parameter if it is missing (unless `optional`) or names none.
Result<Guid> SystemReferenceParameter(const MethodCall& call, std::string_view name, bool optional) {
  std::optional<ObjectPath> path = msvm::ReferenceParameter(call.parameters, name);
  if (!path) {
    if (optional) return Guid();
    return Error::InvalidParameter(fmt::format(
        "{} is missing; pass the reference of a Msvm_ComputerSystem whose Name is the virtual "
        "system's GUID",
        name));
  }
  std::optional<Guid> id = SystemGuidFromPath(*path);
  if (!id) {
    return Error::InvalidParameter(fmt::format(
        "{} '{}' does not name a virtual system; its Name key must be the virtual system's GUID",
        name, path->ToString()));
  }
  return *id;
}

// The snapshot a SnapshotSettingData REF names, by its InstanceID "Microsoft:<GUID>". A missing
// parameter reaches the service as the null Guid, which it answers with 32773.
Result<Guid> SnapshotParameter(const MethodCall& call) {
  std::optional<ObjectPath> path = msvm::ReferenceParameter(call.parameters, "SnapshotSettingData");
  if (!path) return Guid();
  std::optional<Guid> id = SnapshotGuidFromPath(*path);
  if (!id) {
    return Error::InvalidParameter(fmt::format(
        "SnapshotSettingData '{}' does not name a snapshot; pass the reference of its "
        "Msvm_VirtualSystemSettingData, InstanceID \"Microsoft:<GUID>\"",
        path->ToString()));
  }
  return *id;
}

MethodResult InvokeCreateVirtualSystemSnapshot(const MethodCall& call) {
  Result<Guid> system = SystemReferenceParameter(call, "SourceSystem", /*optional=*/false);
  if (!system.ok()) return call.Fail(system.error());
  service::SnapshotRequest request{
      .system = *system, .name = msvm::StringParameter(call.parameters, "ElementName").value_or("")};
  Result<service::SnapshotJob> started =
      call.service.CreateVirtualSystemSnapshot(call.context.principal, request);
  if (!started.ok()) return call.Fail(started.error());
  return msvm::MethodReturn(
      ReturnCode::kJobStarted,
      {{"SnapshotSettingData", Value::Reference(VirtualSystemSettingDataPath(started->snapshot))},
       {"Job", Value::Reference(ConcreteJobPath(started->job.id))}});
}

MethodResult InvokeApplyVirtualSystemSnapshot(const MethodCall& call) {
  Result<Guid> system = SystemReferenceParameter(call, "ComputerSystem", /*optional=*/true);
  if (!system.ok()) return call.Fail(system.error());
  Result<Guid> snapshot = SnapshotParameter(call);
  if (!snapshot.ok()) return call.Fail(snapshot.error());
  Result<JobRecord> job = call.service.ApplyVirtualSystemSnapshot(
      call.context.principal, {.system = *system, .snapshot = *snapshot});
  if (!job.ok()) return call.Fail(job.error());
  return call.JobStarted(*job);
}

MethodResult InvokeRemoveVirtualSystemSnapshot(const MethodCall& call) {
  Result<Guid> snapshot = SnapshotParameter(call);
  if (!snapshot.ok()) return call.Fail(snapshot.error());
  Result<JobRecord> job = call.service.RemoveVirtualSystemSnapshot(call.context.principal, *snapshot);
  if (!job.ok()) return call.Fail(job.error());
  return call.JobStarted(*job);
}

struct MethodBinding {
  std::string_view name;
  MethodResult (*invoke)(const MethodCall&);
};

constexpr MethodBinding kManagementServiceMethods[] = {
    {"ApplyVirtualSystemSnapshot", &InvokeApplyVirtualSystemSnapshot},
    {"CreateVirtualSystemSnapshot", &InvokeCreateVirtualSystemSnapshot},
    {"DefineVirtualSystem", &InvokeDefineVirtualSystem},
    {"DestroyVirtualSystem", &InvokeDestroyVirtualSystem},
    {"ExportVirtualSystem", &InvokeExportVirtualSystem},
    {"ImportVirtualSystem", &InvokeImportVirtualSystem},
    {"ModifyVirtualSystem", &InvokeModifyVirtualSystem},
    {"RemoveVirtualSystemSnapshot", &InvokeRemoveVirtualSystemSnapshot},
};

}  // namespace

ObjectPath ManagementServicePath(const std::string& host_name) {
  return msvm::MakePath(
      kManagementServiceClass,
      {{"SystemCreationClassName", Value::String(std::string(kComputerSystemClass))},
       {"SystemName", Value::String(host_name)},
       {"CreationClassName", Value::String(std::string(kManagementServiceClass))},
       {"Name", Value::String(std::string(kServiceName))}});
}

MsvmVirtualSystemManagementServiceProvider::MsvmVirtualSystemManagementServiceProvider(
    service::VirtualSystemManagementService& service, const EmbeddedInstanceCodec& codec,
    std::string host_name)
    : service_(service), codec_(codec), host_name_(std::move(host_name)) {}

CimResult<std::vector<Instance>> MsvmVirtualSystemManagementServiceProvider::EnumerateInstances(
    const RequestContext& context) {
  Instance instance{std::string(kManagementServiceClass)};
  instance.Set("SystemCreationClassName", Value::String(std::string(kComputerSystemClass)));
  instance.Set("SystemName", Value::String(host_name_));
  instance.Set("CreationClassName", Value::String(std::string(kManagementServiceClass)));
  instance.Set("Name", Value::String(std::string(kServiceName)));
  instance.Set("ElementName", Value::String("Hyper-V Virtual System Management Service"));
  instance.Set("Caption", Value::String("Hyper-V Virtual System Management Service"));
  instance.Set("Description",
               Value::String("Defines, exports and imports the virtual systems of this host"));
  instance.Set("EnabledState", Value::Uint16(kEnabled));
  instance.Set("HealthState", Value::Uint16(kHealthOk));
  instance.Set("OperationalStatus", Value::Uint16Array({kOperationalStatusOk}));
  instance.set_path(ManagementServicePath(host_name_));
  std::vector<Instance> instances;
  instances.push_back(std::move(instance));
  return instances;
}

bool MsvmVirtualSystemManagementServiceProvider::IsThisService(const ObjectPath& path) const {
  auto key_is = [&path](std::string_view name, std::string_view expected) {
    std::optional<std::string> value = msvm::ValueAsString(path.FindKey(name));
    return value && EqualsIgnoreCase(*value, expected);
  };
  // Case-insensitive throughout: class names are, and so are host names.
  return path.keys().size() == 4 && key_is("SystemCreationClassName", kComputerSystemClass) &&
         key_is("SystemName", host_name_) &&
         key_is("CreationClassName", kManagementServiceClass) && key_is("Name", kServiceName);
}

CimResult<Instance> MsvmVirtualSystemManagementServiceProvider::GetInstance(
    const RequestContext& context, const ObjectPath& path) {
  if (!IsThisService(path)) {
    return CimError{CimStatus::kNotFound,
                    fmt::format("No such {}: {}; this host's service is {}",
                                kManagementServiceClass, path.ToString(),
                                ManagementServicePath(host_name_).ToString())};
  }
  return std::move(std::get<std::vector<Instance>>(EnumerateInstances(context)).front());
}

CimResult<MethodResult> MsvmVirtualSystemManagementServiceProvider::InvokeMethod(
    const RequestContext& context, const ObjectPath& target, const MethodDecl& method,
    const std::vector<NamedValue>& parameters) {
  if (!target.IsClassPath()) {
    CimResult<Instance> found = GetInstance(context, target);
    if (IsError(found)) return std::get<CimError>(std::move(found));
  }
  if (auto denied = msvm::RequireAdministrator(context, kManagementServiceClass, method.name)) {
    return *denied;
  }
  MethodCall call{service_, codec_, context, parameters, method.name};
  for (const MethodBinding& binding : kManagementServiceMethods) {
    if (EqualsIgnoreCase(binding.name, method.name)) return binding.invoke(call);
  }
  return call.Fail(Error::NotSupported(fmt::format(
      "{}.{} is not supported by vsm", kManagementServiceClass, method.name)));
}

}  // namespace vsm::cim
