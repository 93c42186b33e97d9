#include "app/vsm/system_view.h"

#include <fmt/format.h>

#include "app/vsm/property_reader.h"
#include "cim/object_path.h"
#include "core/cim_datetime.h"
#include "core/return_code.h"
#include "core/states.h"

namespace vsm::cli {
namespace {

// Msvm_ResourceAllocationSettingData.ResourceType numbers (Hyper-V v1).
constexpr uint64_t kResourceTypeEthernetAdapter = 10;
constexpr uint64_t kResourceTypeStorageExtent = 21;

constexpr std::string_view kIsoImageSubType = "Microsoft ISO Image";

bool IsClass(const cim::Instance& instance, std::string_view class_name) {
  return cim::EqualsIgnoreCase(instance.class_name(), class_name);
}

}  // namespace

std::string EnabledStateName(uint16_t state) {
  switch (state) {
    case 2: return "Running";
    case 3: return "Off";
    case 4: return "Shutting Down";
    case 10: return "Starting";
    case 32768: return "Paused";
    case 32769: return "Saved";
    case 32770: return "Starting";
    case 32771: return "Snapshotting";
    case 32773: return "Saving";
    case 32774: return "Stopping";
    case 32776: return "Pausing";
    case 32777: return "Resuming";
    default: return "Unknown";
  }
}

bool IsVirtualMachine(const cim::Instance& computer_system) {
  std::optional<std::string> caption = ReadString(computer_system.Get("Caption"));
  return !caption || cim::EqualsIgnoreCase(*caption, kVirtualMachineCaption);
}

SystemView SystemViewFromComputerSystem(const cim::Instance& computer_system) {
  SystemView view;
  view.id = StringProperty(computer_system, "Name");
  if (view.id.empty()) view.id = KeyString(computer_system.path(), "Name");
  view.name = StringProperty(computer_system, "ElementName");
  view.state_code = static_cast<uint16_t>(UnsignedProperty(computer_system, "EnabledState"));
  view.state = EnabledStateName(view.state_code);
  return view;
}

void ApplySettings(const std::vector<cim::Instance>& settings, SystemView& view) {
  for (const cim::Instance& setting : settings) {
    if (IsClass(setting, "Msvm_VirtualSystemSettingData")) {
      view.notes = StringProperty(setting, "Notes");
      std::string created = StringProperty(setting, "CreationTime");
      if (!created.empty()) view.creation_time = DatetimeToIso8601(created);
    } else if (IsClass(setting, "Msvm_MemorySettingData")) {
      view.memory_mb = ReadUnsigned(setting.Get("VirtualQuantity"));
    } else if (IsClass(setting, "Msvm_ProcessorSettingData")) {
      view.cpus = ReadUnsigned(setting.Get("VirtualQuantity"));
    } else if (IsClass(setting, "Msvm_ResourceAllocationSettingData")) {
      uint64_t resource_type = UnsignedProperty(setting, "ResourceType");
      std::vector<std::string> connection = ReadStringArray(setting.Get("Connection"));
      std::string first_connection = connection.empty() ? "" : connection.front();
      if (resource_type == kResourceTypeStorageExtent) {
        bool is_iso = cim::EqualsIgnoreCase(StringProperty(setting, "ResourceSubType"),
                                            kIsoImageSubType);
        view.drives.push_back({is_iso ? "dvd" : "disk", first_connection});
      } else if (resource_type == kResourceTypeEthernetAdapter) {
        view.network_adapters.push_back({first_connection, StringProperty(setting, "Address"),
                                         BooleanProperty(setting, "StaticMacAddress")});
      }
    }
  }
}

bool JobView::IsFinished() const {
  // New, Starting, Running, Suspended, Shutting Down, Service and Query Pending go on; every
  // other state (Completed, Terminated, Killed, Exception, or one CIM does not define) is final.
  switch (state_code) {
    case 2: case 3: case 4: case 5: case 6: case 11: case 12:
      return false;
    default:
      return true;
  }
}

std::string JobStateNameFor(uint16_t state) {
  if (state >= 2 && state <= 10) return std::string(JobStateName(static_cast<JobState>(state)));
  if (state == 11) return "Service";
  if (state == 12) return "Query Pending";
  return "Unknown";
}

JobView JobViewFromInstance(const cim::Instance& job) {
  JobView view;
  view.id = StringProperty(job, "InstanceID");
  if (view.id.empty()) view.id = KeyString(job.path(), "InstanceID");
  if (std::optional<uint64_t> type = ReadUnsigned(job.Get("JobType"))) {
    view.type = std::string(JobTypeName(static_cast<JobType>(*type)));
    if (view.type == "Unknown") view.type = fmt::format("JobType {}", *type);
  } else {
    view.type = StringProperty(job, "Name");
  }
  view.state_code = static_cast<uint16_t>(UnsignedProperty(job, "JobState"));
  view.state = JobStateNameFor(view.state_code);
  view.percent_complete = static_cast<uint16_t>(UnsignedProperty(job, "PercentComplete"));
  view.error_code = static_cast<uint32_t>(UnsignedProperty(job, "ErrorCode"));
  if (view.error_code != 0) {
    view.error_name = std::string(ReturnCodeName(static_cast<ReturnCode>(view.error_code)));
  }
  view.error_description = StringProperty(job, "ErrorDescription");
  view.description = StringProperty(job, "Description");
  if (view.description.empty()) view.description = StringProperty(job, "Caption");
  view.time_submitted = DatetimeToIso8601(StringProperty(job, "TimeSubmitted"));
  view.cancellable = BooleanProperty(job, "Cancellable");
  if (std::optional<std::chrono::microseconds> elapsed =
          ParseInterval(StringProperty(job, "ElapsedTime"))) {
    view.elapsed_seconds = std::chrono::duration<double>(*elapsed).count();
  }
  return view;
}

std::string JobFailureText(const JobView& job) {
  if (job.error_code != 0) {
    std::string description = job.error_description;
    if (description.empty()) {
      description = std::string(ReturnCodeDescription(static_cast<ReturnCode>(job.error_code)));
    }
    return fmt::format("{} ({}): {}", job.error_name, job.error_code, description);
  }
  std::string description = job.error_description;
  if (description.empty()) {
    description = (job.state_code == 8 || job.state_code == 9) ? "the job was cancelled"
                                                               : "the job did not complete";
  }
  return fmt::format("job {} ended {}: {}", job.id, job.state, description);
}

}  // namespace vsm::cli
