#include "cim/msvm_computer_system_provider.h"

#include <fmt/format.h>

#include "cim/msvm_base_provider.h"
#include "service/virtual_system_management_service.h"

namespace vsm::cim {
namespace {

constexpr uint16_t kRequestedStateNoChange = 12;
constexpr uint16_t kHealthOk = 5;
constexpr uint16_t kOperationalStatusOk = 2;

CimError NoSuchSystem(const ObjectPath& path) {
  return CimError{CimStatus::kNotFound,
                  fmt::format("No such Msvm_ComputerSystem: {}", path.ToString())};
}

bool HasComputerSystemClassKey(const ObjectPath& path) {
  std::optional<std::string> creation_class = msvm::ValueAsString(path.FindKey("CreationClassName"));
  return !creation_class || EqualsIgnoreCase(*creation_class, kComputerSystemClass);
}

}  // namespace

ObjectPath ComputerSystemPath(const Guid& system) {
  return msvm::MakePath(kComputerSystemClass,
                        {{"CreationClassName", Value::String(std::string(kComputerSystemClass))},
                         {"Name", Value::String(system.ToString())}});
}

ObjectPath HostComputerSystemPath(const std::string& host_name) {
  return msvm::MakePath(kComputerSystemClass,
                        {{"CreationClassName", Value::String(std::string(kComputerSystemClass))},
                         {"Name", Value::String(host_name)}});
}

std::optional<Guid> SystemGuidFromPath(const ObjectPath& path) {
  if (!HasComputerSystemClassKey(path)) return std::nullopt;
  std::optional<std::string> name = msvm::ValueAsString(path.FindKey("Name"));
  if (!name) return std::nullopt;
  return Guid::Parse(*name);
}

Instance MakeVirtualComputerSystem(const SystemDefinition& system) {
  Instance instance{std::string(kComputerSystemClass)};
  instance.Set("CreationClassName", Value::String(std::string(kComputerSystemClass)));
  instance.Set("Name", Value::String(system.id.ToString()));
  instance.Set("ElementName", Value::String(system.name));
  instance.Set("Caption", Value::String("Virtual Machine"));
  instance.Set("Description", Value::String("Microsoft Virtual Machine"));
  instance.Set("EnabledState", Value::Uint16(static_cast<uint16_t>(system.enabled_state)));
  instance.Set("RequestedState", Value::Uint16(kRequestedStateNoChange));
  instance.Set("HealthState", Value::Uint16(kHealthOk));
  instance.Set("OperationalStatus", Value::Uint16Array({kOperationalStatusOk}));
  instance.Set("TimeOfLastStateChange", msvm::TimestampValue(system.creation_time));
  instance.Set("InstallDate", msvm::TimestampValue(system.creation_time));
  instance.set_path(ComputerSystemPath(system.id));
  return instance;
}

Instance MakeHostComputerSystem(const std::string& host_name) {
  Instance instance{std::string(kComputerSystemClass)};
  instance.Set("CreationClassName", Value::String(std::string(kComputerSystemClass)));
  instance.Set("Name", Value::String(host_name));
  instance.Set("ElementName", Value::String(host_name));
  instance.Set("Caption", Value::String("Hosting Computer System"));
  instance.Set("Description", Value::String("Microsoft Hosting Computer System"));
  instance.Set("EnabledState", Value::Uint16(static_cast<uint16_t>(EnabledState::kEnabled)));
  instance.Set("RequestedState", Value::Uint16(kRequestedStateNoChange));
  instance.Set("HealthState", Value::Uint16(kHealthOk));
  instance.Set("OperationalStatus", Value::Uint16Array({kOperationalStatusOk}));
  instance.set_path(HostComputerSystemPath(host_name));
  return instance;
}

MsvmComputerSystemProvider::MsvmComputerSystemProvider(
    service::VirtualSystemManagementService& service, std::string host_name)
    : service_(service), host_name_(std::move(host_name)) {}

CimResult<std::vector<Instance>> MsvmComputerSystemProvider::EnumerateInstances(
    const RequestContext& context) {
  Result<std::vector<SystemDefinition>> systems = service_.ListSystems();
  if (!systems.ok()) return msvm::CimErrorFromServiceError(systems.error());
  std::vector<Instance> instances;
  instances.reserve(systems->size() + 1);
  instances.push_back(MakeHostComputerSystem(host_name_));
  for (const SystemDefinition& system : *systems) {
    instances.push_back(MakeVirtualComputerSystem(system));
  }
  return instances;
}

CimResult<Instance> MsvmComputerSystemProvider::GetInstance(const RequestContext& context,
                                                            const ObjectPath& path) {
  if (!HasComputerSystemClassKey(path)) return NoSuchSystem(path);
  std::optional<std::string> name = msvm::ValueAsString(path.FindKey("Name"));
  if (!name) return NoSuchSystem(path);
  // Host names compare as DNS does, without case.
  if (EqualsIgnoreCase(*name, host_name_)) return MakeHostComputerSystem(host_name_);
  std::optional<Guid> id = Guid::Parse(*name);
  if (!id) return NoSuchSystem(path);
  Result<std::optional<SystemDefinition>> system = service_.FindSystem(*id);
  if (!system.ok()) return msvm::CimErrorFromServiceError(system.error());
  if (!*system) return NoSuchSystem(path);
  return MakeVirtualComputerSystem(**system);
}

CimResult<MethodResult> MsvmComputerSystemProvider::InvokeMethod(
    const RequestContext& context, const ObjectPath& target, const MethodDecl& method,
    const std::vector<NamedValue>& parameters) {
  if (!EqualsIgnoreCase(method.name, "RequestStateChange")) {
    return msvm::MethodFailure(
        kComputerSystemClass, method.name,
        Error::NotSupported(fmt::format("Msvm_ComputerSystem has no method '{}'", method.name)));
  }
  CimResult<Instance> system = GetInstance(context, target);
  if (IsError(system)) return std::get<CimError>(std::move(system));
  if (auto denied = msvm::RequireAdministrator(context, kComputerSystemClass, method.name)) {
    return *denied;
  }
  std::optional<uint64_t> requested = msvm::UnsignedParameter(parameters, "RequestedState");
  if (!requested || *requested > UINT16_MAX) {
    return msvm::MethodFailure(
        kComputerSystemClass, method.name,
        Error::InvalidParameter("RequestedState is missing or not a uint16; pass the state to "
                                "change to, e.g. 2 (Enabled) or 3 (Disabled)"));
  }
  std::optional<Guid> id = SystemGuidFromPath(std::get<Instance>(system).path());
  if (!id) {
    return msvm::MethodFailure(
        kComputerSystemClass, method.name,
        Error::NotSupported(fmt::format(
            "the hosting computer system '{}' cannot change state through vsm", host_name_)));
  }
  Result<void> changed = service_.RequestSystemStateChange(context.principal, *id,
                                                           static_cast<uint16_t>(*requested));
  if (!changed.ok()) return msvm::MethodFailure(kComputerSystemClass, method.name, changed.error());
  return msvm::MethodReturn(ReturnCode::kCompleted);
}

}  // namespace vsm::cim
