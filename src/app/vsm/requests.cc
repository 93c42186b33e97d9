#include "app/vsm/requests.h"

#include <cctype>

#include <fmt/format.h>

#include "cim/value.h"

namespace vsm::cli {
namespace {

// Msvm_ResourceAllocationSettingData.ResourceType numbers (Hyper-V v1) and subtypes.
constexpr uint16_t kResourceTypeProcessor = 3;
constexpr uint16_t kResourceTypeMemory = 4;
constexpr uint16_t kResourceTypeEthernetAdapter = 10;
constexpr uint16_t kResourceTypeStorageExtent = 21;
constexpr size_t kMaxNameLength = 100;

std::string NormalizeMac(std::string_view text) {
  std::string digits;
  for (char c : text) {
    if (c == ':' || c == '-') continue;
    digits += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return digits;
}

bool IsMac(std::string_view digits) {
  if (digits.size() != 12) return false;
  for (char c : digits) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

cim::Instance StorageExtent(std::string_view sub_type, const std::string& path) {
  cim::Instance rasd("Msvm_ResourceAllocationSettingData");
  rasd.Set("ResourceType", cim::Value::Uint16(kResourceTypeStorageExtent));
  rasd.Set("ResourceSubType", cim::Value::String(std::string(sub_type)));
  rasd.Set("Connection", cim::Value::StringArray({path}));
  return rasd;
}

}  // namespace

std::filesystem::path MakeAbsolute(const std::filesystem::path& path,
                                   const std::filesystem::path& cwd) {
  if (path.is_absolute()) return path.lexically_normal();
  return (cwd / path).lexically_normal();
}

Result<NicSpec> ParseNicSpec(std::string_view text) {
  NicSpec spec;
  size_t equals = text.find('=');
  spec.switch_name = std::string(text.substr(0, equals));
  if (spec.switch_name.empty()) {
    return Error::InvalidParameter(
        fmt::format("--nic '{}' names no switch; write --nic SWITCH or --nic SWITCH=MAC", text));
  }
  if (equals != std::string_view::npos) {
    std::string_view mac = text.substr(equals + 1);
    spec.mac_address = NormalizeMac(mac);
    if (!IsMac(spec.mac_address)) {
      return Error::InvalidParameter(fmt::format(
          "--nic '{}': '{}' is not a MAC address; write 12 hex digits, e.g. 00:15:5D:0A:0B:0C",
          text, mac));
    }
  }
  return spec;
}

Result<DefineRequest> BuildDefineRequest(const DefineOptions& options,
                                         const std::filesystem::path& cwd) {
  if (options.name.empty() || options.name.size() > kMaxNameLength) {
    return Error::InvalidParameter(fmt::format(
        "--name '{}' must have 1 to {} characters", options.name, kMaxNameLength));
  }
  if (options.memory_mb && *options.memory_mb == 0) {
    return Error::InvalidParameter("--memory must be at least 1 (MB)");
  }
  if (options.cpus && *options.cpus == 0) {
    return Error::InvalidParameter("--cpus must be at least 1");
  }

  DefineRequest request;
  request.system_settings = cim::Instance("Msvm_VirtualSystemSettingData");
  request.system_settings.Set("ElementName", cim::Value::String(options.name));
  if (!options.notes.empty()) {
    request.system_settings.Set("Notes", cim::Value::String(options.notes));
  }

  if (options.memory_mb) {
    cim::Instance memory("Msvm_MemorySettingData");
    memory.Set("ResourceType", cim::Value::Uint16(kResourceTypeMemory));
    memory.Set("ResourceSubType", cim::Value::String("Microsoft Virtual Machine Memory"));
    memory.Set("AllocationUnits", cim::Value::String("MB"));
    memory.Set("VirtualQuantity", cim::Value::Uint64(*options.memory_mb));
    request.resource_settings.push_back(std::move(memory));
  }
  if (options.cpus) {
    cim::Instance processor("Msvm_ProcessorSettingData");
    processor.Set("ResourceType", cim::Value::Uint16(kResourceTypeProcessor));
    processor.Set("ResourceSubType", cim::Value::String("Microsoft Processor"));
    processor.Set("AllocationUnits", cim::Value::String("Processor Cores"));
    processor.Set("VirtualQuantity", cim::Value::Uint64(*options.cpus));
    request.resource_settings.push_back(std::move(processor));
  }
  for (const std::string& disk : options.disks) {
    request.resource_settings.push_back(
        StorageExtent("Microsoft Virtual Hard Disk", MakeAbsolute(disk, cwd).string()));
  }
  if (options.dvd) {
    request.resource_settings.push_back(
        StorageExtent("Microsoft ISO Image", MakeAbsolute(*options.dvd, cwd).string()));
  }
  for (const std::string& text : options.nics) {
    VSM_ASSIGN_OR_RETURN(NicSpec nic, ParseNicSpec(text));
    cim::Instance port("Msvm_ResourceAllocationSettingData");
    port.Set("ResourceType", cim::Value::Uint16(kResourceTypeEthernetAdapter));
    port.Set("ResourceSubType", cim::Value::String("Microsoft Synthetic Ethernet Port"));
    port.Set("Connection", cim::Value::StringArray({nic.switch_name}));
    if (!nic.mac_address.empty()) {
      port.Set("Address", cim::Value::String(nic.mac_address));
      port.Set("StaticMacAddress", cim::Value::Boolean(true));
    }
    request.resource_settings.push_back(std::move(port));
  }
  return request;
}

std::vector<cim::NamedValue> DefineParameters(const DefineRequest& request,
                                              const cim::EmbeddedInstanceCodec& codec) {
  std::vector<std::string> resources;
  for (const cim::Instance& resource : request.resource_settings) {
    resources.push_back(codec.Format(resource));
  }
  return {
      {"SystemSettingData", cim::Value::String(codec.Format(request.system_settings))},
      {"ResourceSettingData", cim::Value::StringArray(resources)},
  };
}

std::vector<cim::NamedValue> ExportParameters(const cim::ObjectPath& system,
                                              const std::filesystem::path& export_directory,
                                              bool config_only) {
  return {
      {"ComputerSystem", cim::Value::Reference(system)},
      {"CopyVmState", cim::Value::Boolean(!config_only)},
      {"ExportDirectory", cim::Value::String(export_directory.string())},
  };
}

std::vector<cim::NamedValue> ImportParameters(const std::filesystem::path& import_directory,
                                              bool generate_new_id) {
  return {
      {"ImportDirectory", cim::Value::String(import_directory.string())},
      {"GenerateNewID", cim::Value::Boolean(generate_new_id)},
  };
}

std::vector<cim::NamedValue> DestroyParameters(const cim::ObjectPath& system) {
  return {{"ComputerSystem", cim::Value::Reference(system)}};
}

Result<void> CheckSnapshotName(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameLength) {
    return Error::InvalidParameter(fmt::format(
        "--name '{}' must have 1 to {} characters; leave --name out for Hyper-V's default name",
        name, kMaxNameLength));
  }
  if (name == "." || name == "..") {
    return Error::InvalidParameter(
        fmt::format("--name '{}' is not a valid snapshot name; choose another name", name));
  }
  for (char c : name) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      return Error::InvalidParameter(
          "--name contains a control character; use printable characters only");
    }
    if (c == '/') {
      return Error::InvalidParameter(
          fmt::format("--name '{}' contains '/', which vsmd refuses in a name; remove it", name));
    }
  }
  return Ok();
}

std::vector<cim::NamedValue> CreateSnapshotParameters(const cim::ObjectPath& system,
                                                      const std::optional<std::string>& name) {
  std::vector<cim::NamedValue> parameters = {{"SourceSystem", cim::Value::Reference(system)}};
  if (name) parameters.push_back({"ElementName", cim::Value::String(*name)});
  return parameters;
}

std::vector<cim::NamedValue> ApplySnapshotParameters(const cim::ObjectPath& system,
                                                     const cim::ObjectPath& snapshot) {
  return {
      {"ComputerSystem", cim::Value::Reference(system)},
      {"SnapshotSettingData", cim::Value::Reference(snapshot)},
  };
}

std::vector<cim::NamedValue> RemoveSnapshotParameters(const cim::ObjectPath& snapshot) {
  return {{"SnapshotSettingData", cim::Value::Reference(snapshot)}};
}

std::vector<cim::NamedValue> CancelJobParameters() {
  return {{"RequestedState", cim::Value::Uint16(kJobRequestTerminate)}};
}

cim::ObjectPath JobPath(std::string_view job_id) {
  return cim::ObjectPath("root/virtualization", std::string(kConcreteJobClass),
                         {{"InstanceID", cim::Value::String(std::string(job_id))}});
}

}  // namespace vsm::cli
