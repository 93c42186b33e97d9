// Msvm_ConcreteJob: the service's jobs (imports, exports) as clients poll them, with
// RequestStateChange (Terminate) and GetError. Thread-safe.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "cim/provider.h"
#include "core/job_record.h"
#include "core/thread_annotations.h"

namespace vsm::service {
class VirtualSystemManagementService;
}

namespace vsm::cim {

inline constexpr std::string_view kConcreteJobClass = "Msvm_ConcreteJob";

// root/virtualization:Msvm_ConcreteJob.InstanceID="<job id>", the out-parameter Job of methods
// that answer 4096.
ObjectPath ConcreteJobPath(const std::string& job_id);

// The instance for `job`; ElapsedTime runs to the job's end, or to `now` while it runs.
Instance MakeConcreteJob(const JobRecord& job, std::chrono::system_clock::time_point now);

class MsvmConcreteJobProvider final : public Provider {
 public:
  explicit MsvmConcreteJobProvider(service::VirtualSystemManagementService& service);

  std::string_view class_name() const override { return kConcreteJobClass; }
  CimResult<std::vector<Instance>> EnumerateInstances(const RequestContext& context) override;
  // By InstanceID through the service; CIM_ERR_NOT_FOUND once the job is gone.
  CimResult<Instance> GetInstance(const RequestContext& context, const ObjectPath& path) override;
  // RequestStateChange(RequestedState): 0, or the service's code. GetError: Error = the job's
  // error description if it failed (omitted otherwise); 0.
  CimResult<MethodResult> InvokeMethod(const RequestContext& context, const ObjectPath& target,
                                       const MethodDecl& method,
                                       const std::vector<NamedValue>& parameters) override;

 private:
  struct FinishedInstance {
    JobState state;
    std::chrono::system_clock::time_point time_of_last_state_change;
    std::shared_ptr<const Instance> instance;
  };

  CimResult<JobRecord> FindJob(const ObjectPath& path);
  // A finished job's instance no longer changes, and clients poll it until they notice: it is
  // built once and copied for each poll.
  Instance FinishedJobInstance(const JobRecord& job);

  service::VirtualSystemManagementService& service_;
  std::mutex mutex_;
  std::unordered_map<std::string, FinishedInstance> finished_ GUARDED_BY(mutex_);
};

}  // namespace vsm::cim
