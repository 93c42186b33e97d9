#include "cim/msvm_concrete_job_provider.h"

#include <fmt/format.h>

#include <algorithm>

#include "cim/msvm_base_provider.h"
#include "core/return_code.h"
#include "core/states.h"
#include "service/virtual_system_management_service.h"

namespace vsm::cim {
namespace {

constexpr uint16_t kOperationalStatusOk = 2;
constexpr uint16_t kOperationalStatusError = 6;
constexpr uint16_t kHealthOk = 5;
constexpr uint16_t kHealthCriticalFailure = 25;

// "ImportVirtualSystem" -> "Import Virtual System".
std::string SpacedName(std::string_view name) {
  std::string spaced;
  for (size_t i = 0; i < name.size(); ++i) {
    if (i > 0 && name[i] >= 'A' && name[i] <= 'Z') spaced += ' ';
    spaced += name[i];
  }
  return spaced;
}

Value OptionalString(const std::string& text) {
  return text.empty() ? Value::Null(CimType::kString) : Value::String(text);
}

// CIM_ManagedSystemElement.Status.
std::string_view StatusText(JobState state) {
  switch (state) {
    case JobState::kException:
      return "Error";
    case JobState::kTerminated:
    case JobState::kKilled:
      return "Stopped";
    default:
      return "OK";
  }
}

std::string ErrorSummary(const JobRecord& job) {
  if (!job.error_summary_description.empty()) return job.error_summary_description;
  if (job.error_code == 0) return "";
  return std::string(ReturnCodeDescription(static_cast<ReturnCode>(job.error_code)));
}

bool HasFailed(const JobRecord& job) {
  return job.state == JobState::kException || job.error_code != 0;
}

}  // namespace

ObjectPath ConcreteJobPath(const std::string& job_id) {
  return msvm::MakePath(kConcreteJobClass, {{"InstanceID", Value::String(job_id)}});
}

Instance MakeConcreteJob(const JobRecord& job, std::chrono::system_clock::time_point now) {
  using std::chrono::microseconds;
  std::string name(JobTypeName(job.type));
  bool failed = job.state == JobState::kException;

  Instance instance{std::string(kConcreteJobClass)};
  instance.Reserve(26);
  instance.Set("InstanceID", Value::String(job.id));
  instance.Set("Name", Value::String(name));
  instance.Set("Caption", Value::String(SpacedName(name)));
  instance.Set("Description", Value::String(job.description));
  instance.Set("ElementName", Value::String(SpacedName(name)));
  instance.Set("JobState", Value::Uint16(static_cast<uint16_t>(job.state)));
  instance.Set("PercentComplete", Value::Uint16(job.percent_complete));
  instance.Set("ErrorCode", Value::Uint16(static_cast<uint16_t>(job.error_code)));
  instance.Set("ErrorDescription", OptionalString(job.error_description));
  instance.Set("ErrorSummaryDescription", OptionalString(ErrorSummary(job)));
  instance.Set("JobStatus", Value::String(std::string(JobStateName(job.state))));
  instance.Set("Status", Value::String(std::string(StatusText(job.state))));
  instance.Set("TimeSubmitted", msvm::TimestampValue(job.time_submitted));
  instance.Set("StartTime", job.start_time ? msvm::TimestampValue(*job.start_time)
                                           : Value::Null(CimType::kDatetime));
  microseconds elapsed{0};
  if (job.start_time) {
    auto end = job.end_time.value_or(now);
    elapsed =
        std::max(microseconds{0}, std::chrono::duration_cast<microseconds>(end - *job.start_time));
  }
  instance.Set("ElapsedTime", msvm::IntervalValue(elapsed));
  instance.Set("TimeOfLastStateChange", msvm::TimestampValue(job.time_of_last_state_change));
  instance.Set(
      "TimeBeforeRemoval",
      msvm::IntervalValue(std::chrono::duration_cast<microseconds>(job.time_before_removal)));
  instance.Set("DeleteOnCompletion", Value::Boolean(false));
  instance.Set("Cancellable", Value::Boolean(job.cancellable));
  instance.Set("Owner", Value::String(job.owner));
  instance.Set("JobType", Value::Uint16(static_cast<uint16_t>(job.type)));
  instance.Set("OperationalStatus",
               Value::Uint16Array({failed ? kOperationalStatusError : kOperationalStatusOk}));
  instance.Set("HealthState", Value::Uint16(failed ? kHealthCriticalFailure : kHealthOk));
  instance.set_path(ConcreteJobPath(job.id));
  return instance;
}

MsvmConcreteJobProvider::MsvmConcreteJobProvider(service::VirtualSystemManagementService& service)
    : service_(service) {}

CimResult<std::vector<Instance>> MsvmConcreteJobProvider::EnumerateInstances(
    const RequestContext& context) {
  Result<std::vector<JobRecord>> jobs = service_.ListJobs();
  if (!jobs.ok()) return msvm::CimErrorFromServiceError(jobs.error());
  auto now = std::chrono::system_clock::now();
  std::vector<Instance> instances;
  instances.reserve(jobs->size());
  for (const JobRecord& job : *jobs) instances.push_back(MakeConcreteJob(job, now));
  return instances;
}

CimResult<JobRecord> MsvmConcreteJobProvider::FindJob(const ObjectPath& path) {
  std::optional<std::string> id = msvm::ValueAsString(path.FindKey("InstanceID"));
  if (id) {
    Result<std::optional<JobRecord>> job = service_.FindJob(*id);
    if (!job.ok()) return msvm::CimErrorFromServiceError(job.error());
    if (*job) return std::move(**job);
  }
  return CimError{CimStatus::kNotFound,
                  fmt::format("No such Msvm_ConcreteJob: {}; a finished job is removed after its "
                              "TimeBeforeRemoval",
                              path.ToString())};
}

CimResult<Instance> MsvmConcreteJobProvider::GetInstance(const RequestContext& context,
                                                         const ObjectPath& path) {
  CimResult<JobRecord> job = FindJob(path);
  if (IsError(job)) return std::get<CimError>(std::move(job));
  const JobRecord& record = std::get<JobRecord>(job);
  if (IsFinished(record.state)) return FinishedJobInstance(record);
  return MakeConcreteJob(record, std::chrono::system_clock::now());
}

Instance MsvmConcreteJobProvider::FinishedJobInstance(const JobRecord& job) {
  {
    std::lock_guard lock(mutex_);
    auto found = finished_.find(job.id);
    if (found != finished_.end() && found->second.state == job.state &&
        found->second.time_of_last_state_change == job.time_of_last_state_change) {
      return *found->second.instance;
    }
  }
  // The time does not matter: a finished job's ElapsedTime runs to its end.
  auto built =
      std::make_shared<const Instance>(MakeConcreteJob(job, std::chrono::system_clock::now()));
  std::lock_guard lock(mutex_);
  // Jobs are removed after TimeBeforeRemoval; forgetting them all now and then bounds the map.
  if (finished_.size() >= 4096) finished_.clear();
  finished_[job.id] = FinishedInstance{job.state, job.time_of_last_state_change, built};
  return *built;
}

CimResult<MethodResult> MsvmConcreteJobProvider::InvokeMethod(
    const RequestContext& context, const ObjectPath& target, const MethodDecl& method,
    const std::vector<NamedValue>& parameters) {
  CimResult<JobRecord> found = FindJob(target);
  if (IsError(found)) return std::get<CimError>(std::move(found));
  const JobRecord& job = std::get<JobRecord>(found);
  if (auto denied = msvm::RequireAdministrator(context, kConcreteJobClass, method.name)) {
    return *denied;
  }

  if (EqualsIgnoreCase(method.name, "RequestStateChange")) {
    std::optional<uint64_t> requested = msvm::UnsignedParameter(parameters, "RequestedState");
    if (!requested || *requested > UINT16_MAX) {
      return msvm::MethodFailure(
          kConcreteJobClass, method.name,
          Error::InvalidParameter(
              "RequestedState is missing or not a uint16; pass 4 (Terminate) to cancel the job"));
    }
    Result<void> changed = service_.RequestJobStateChange(context.principal, job.id,
                                                          static_cast<uint16_t>(*requested));
    if (!changed.ok()) return msvm::MethodFailure(kConcreteJobClass, method.name, changed.error());
    return msvm::MethodReturn(ReturnCode::kCompleted);
  }

  if (EqualsIgnoreCase(method.name, "GetError")) {
    std::vector<NamedValue> out;
    if (HasFailed(job)) {
      std::string error = job.error_description.empty() ? ErrorSummary(job) : job.error_description;
      out.push_back({"Error", Value::String(std::move(error))});
    }
    return msvm::MethodReturn(ReturnCode::kCompleted, std::move(out));
  }

  return msvm::MethodFailure(
      kConcreteJobClass, method.name,
      Error::NotSupported(fmt::format("Msvm_ConcreteJob has no method '{}'", method.name)));
}

}  // namespace vsm::cim
