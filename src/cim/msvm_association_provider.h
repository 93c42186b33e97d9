// The associations that tie the Msvm_* instances together, as Hyper-V v1 clients walk them:
//   Msvm_SettingsDefineState               a virtual system -> its VSSD
//   Msvm_VirtualSystemSettingDataComponent a VSSD -> its global, memory, processor and RASDs
//   Msvm_AffectedJobElement                a virtual system -> the jobs that affected it
//   Msvm_PreviousSettingData               a virtual system -> each of its snapshots' VSSD
// Each association's keys are its two references; GetInstance reads only the system or job one
// of them names. Thread-safe (stateless over the service).
#pragma once

#include <string>
#include <vector>

#include "cim/provider.h"
#include "core/job_record.h"
#include "core/snapshot.h"
#include "core/system_definition.h"

namespace vsm::service {
class VirtualSystemManagementService;
}

namespace vsm::cim {

// The associations of one system, or of one job (none if it affected no system).
std::vector<Instance> MakeSettingsDefineStates(const SystemDefinition& system);
std::vector<Instance> MakeSettingDataComponents(const SystemDefinition& system);
std::vector<Instance> MakeAffectedJobElements(const JobRecord& job);
std::vector<Instance> MakePreviousSettingData(const std::vector<SnapshotRecord>& snapshots);

class MsvmSettingsDefineStateProvider final : public Provider {
 public:
  explicit MsvmSettingsDefineStateProvider(service::VirtualSystemManagementService& service);
  std::string_view class_name() const override { return "Msvm_SettingsDefineState"; }
  CimResult<std::vector<Instance>> EnumerateInstances(const RequestContext& context) override;
  CimResult<Instance> GetInstance(const RequestContext& context, const ObjectPath& path) override;
  CimResult<std::vector<Instance>> InstancesReferencing(const RequestContext& context,
                                                        const ObjectPath& source) override;

 private:
  service::VirtualSystemManagementService& service_;
};

class MsvmVirtualSystemSettingDataComponentProvider final : public Provider {
 public:
  explicit MsvmVirtualSystemSettingDataComponentProvider(
      service::VirtualSystemManagementService& service);
  std::string_view class_name() const override { return "Msvm_VirtualSystemSettingDataComponent"; }
  CimResult<std::vector<Instance>> EnumerateInstances(const RequestContext& context) override;
  CimResult<Instance> GetInstance(const RequestContext& context, const ObjectPath& path) override;
  CimResult<std::vector<Instance>> InstancesReferencing(const RequestContext& context,
                                                        const ObjectPath& source) override;

 private:
  service::VirtualSystemManagementService& service_;
};

// Only jobs whose system still exists: every reference an association gives must resolve.
class MsvmAffectedJobElementProvider final : public Provider {
 public:
  explicit MsvmAffectedJobElementProvider(service::VirtualSystemManagementService& service);
  std::string_view class_name() const override { return "Msvm_AffectedJobElement"; }
  CimResult<std::vector<Instance>> EnumerateInstances(const RequestContext& context) override;
  CimResult<Instance> GetInstance(const RequestContext& context, const ObjectPath& path) override;
  CimResult<std::vector<Instance>> InstancesReferencing(const RequestContext& context,
                                                        const ObjectPath& source) override;

 private:
  service::VirtualSystemManagementService& service_;
};

class MsvmPreviousSettingDataProvider final : public Provider {
 public:
  explicit MsvmPreviousSettingDataProvider(service::VirtualSystemManagementService& service);
  std::string_view class_name() const override { return "Msvm_PreviousSettingData"; }
  CimResult<std::vector<Instance>> EnumerateInstances(const RequestContext& context) override;
  CimResult<Instance> GetInstance(const RequestContext& context, const ObjectPath& path) override;
  // From a system: its snapshots' links. From a snapshot's VSSD: its one link.
  CimResult<std::vector<Instance>> InstancesReferencing(const RequestContext& context,
                                                        const ObjectPath& source) override;

 private:
  // The links of the system `id` names; none if it names none.
  CimResult<std::vector<Instance>> ForSystem(const Guid& id);

  service::VirtualSystemManagementService& service_;
};

}  // namespace vsm::cim
