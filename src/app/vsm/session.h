// Session: the CIM conversations the commands share, in the CLI's terms — the virtual systems
// (Msvm_ComputerSystem and their setting data), the service's methods, the jobs — over one
// CimClient. Not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/vsm/snapshot_view.h"
#include "app/vsm/system_view.h"
#include "cim/instance.h"
#include "cim/object_path.h"
#include "cim/operation.h"
#include "client/cim_client.h"
#include "core/result.h"

namespace vsm::cli {

struct SystemEntry {
  cim::ObjectPath path;
  SystemView view;
};

// What a method answered: its return value and out-parameters.
struct MethodOutcome {
  uint32_t return_value = 0;
  std::vector<cim::NamedValue> out_parameters;

  bool Completed() const { return return_value == 0; }
  bool JobStarted() const { return return_value == 4096; }
  // The REF out-parameter `name` (or a string holding a path), if present.
  std::optional<cim::ObjectPath> Reference(std::string_view name) const;
};

// "<CodeName> (<number>): <description> (<what>)" for a method that answered a failure code,
// e.g. "InvalidParameter (32773): Invalid parameter (ImportVirtualSystem of '/x')".
std::string MethodFailureText(uint32_t return_value, std::string_view what);

class Session {
 public:
  explicit Session(client::CimClient& client) : client_(client) {}

  client::CimClient& client() { return client_; }

  // The virtual machines (not the host), in vsmd's order.
  Result<std::vector<SystemEntry>> ListSystems();
  // The system `argument` names (a GUID or a unique name); kInvalidParameter listing the
  // candidates when none or several match.
  Result<SystemEntry> ResolveSystem(std::string_view argument);
  // Fills `view` from the setting data of the system at `path`: its
  // Msvm_VirtualSystemSettingData (through Msvm_SettingsDefineState) and the resources of that
  // (through Msvm_VirtualSystemSettingDataComponent).
  Result<void> LoadSettings(const cim::ObjectPath& path, SystemView& view);
  // A system by its path (a method's DefinedSystem, a job's affected element).
  Result<SystemView> GetSystem(const cim::ObjectPath& path);

  // The snapshots of the system at `path` (its Msvm_VirtualSystemSettingData with SettingType 5,
  // through Msvm_PreviousSettingData), in vsmd's order.
  Result<std::vector<SnapshotView>> ListSnapshots(const cim::ObjectPath& path);

  // Calls `method` on the Msvm_VirtualSystemManagementService instance.
  Result<MethodOutcome> CallService(std::string_view method,
                                    std::vector<cim::NamedValue> parameters);
  // Calls `method` on `target`.
  Result<MethodOutcome> Call(const cim::ObjectPath& target, std::string_view method,
                             std::vector<cim::NamedValue> parameters);

  // The job at `path`, without its affected system.
  Result<JobView> ReadJob(const cim::ObjectPath& path);
  // The job with its affected system (Msvm_AffectedJobElement), when vsmd tells it.
  Result<JobView> ReadJobWithAffectedSystem(const cim::ObjectPath& path);
  // The system the job worked on, or nullopt when vsmd does not associate one.
  Result<std::optional<SystemView>> AffectedSystem(const cim::ObjectPath& job_path);
  // Every job vsmd still keeps, with their affected systems.
  Result<std::vector<JobView>> ListJobs();

 private:
  Result<cim::ObjectPath> ManagementServicePath();

  client::CimClient& client_;
  std::optional<cim::ObjectPath> service_path_;
};

}  // namespace vsm::cli
