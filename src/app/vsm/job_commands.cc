#include "app/vsm/job_commands.h"

#include <fmt/format.h>

#include "app/vsm/job_watcher.h"
#include "app/vsm/output.h"
#include "app/vsm/requests.h"

namespace vsm::cli {

Session* ConnectOrReport(CommandContext& context, int* exit_code) {
  Result<Session*> session = context.Connect();
  if (!session.ok()) {
    // A malformed endpoint is the user's to fix, like any other bad argument.
    *exit_code = session.error().code() == ReturnCode::kInvalidParameter
                     ? context.FailUsage(session.error().message())
                     : context.FailClient(session.error());
    return nullptr;
  }
  return *session;
}

std::string DescribeCompletedJob(const JobView& job, const std::optional<SystemView>& affected) {
  if (affected && job.type == "ImportVirtualSystem") {
    return fmt::format("imported '{}' as {}", affected->name, affected->id);
  }
  if (affected && job.type == "ExportVirtualSystem") {
    return fmt::format("exported '{}' ({})", affected->name, affected->id);
  }
  if (affected) return fmt::format("job {} completed ('{}' {})", job.id, affected->name, affected->id);
  return fmt::format("job {} completed", job.id);
}

int FollowJob(CommandContext& context, Session& session, const cim::ObjectPath& job_path,
              bool no_wait, const JobSuccessPrinter& on_success,
              const JobJsonExtender& extend_json) {
  if (no_wait) {
    Result<JobView> job = session.ReadJob(job_path);
    if (!job.ok()) return context.FailClient(job.error());
    if (context.json()) {
      PrintJson(context.out(), JobToJson(*job));
    } else {
      context.out() << job->id << '\n';
    }
    return kExitSuccess;
  }

  std::unique_ptr<ProgressDisplay> display = context.NewProgressDisplay();
  Result<JobView> finished =
      WatchJob([&]() { return session.ReadJob(job_path); }, *display);
  if (!finished.ok()) return context.FailClient(finished.error());
  JobView job = std::move(*finished);
  Result<std::optional<SystemView>> affected = session.AffectedSystem(job_path);
  if (!affected.ok()) return context.FailClient(affected.error());
  if (*affected) job.affected_system = (*affected)->id;

  if (context.json()) {
    Json json = JobToJson(job);
    if (extend_json) extend_json(job, json);
    PrintJson(context.out(), json);
  }
  if (!job.Succeeded()) return context.FailOperation(JobFailureText(job));
  if (!context.json()) on_success(job, *affected);
  return kExitSuccess;
}

int RunJobList(CommandContext& context) {
  int exit_code = 0;
  Session* session = ConnectOrReport(context, &exit_code);
  if (session == nullptr) return exit_code;
  Result<std::vector<JobView>> jobs = session->ListJobs();
  if (!jobs.ok()) return context.FailClient(jobs.error());
  if (context.json()) {
    Json array = Json::array();
    for (const JobView& job : *jobs) array.push_back(JobToJson(job));
    PrintJson(context.out(), array);
  } else if (jobs->empty()) {
    context.out() << "no jobs (vsmd keeps a finished job for its TimeBeforeRemoval)\n";
  } else {
    context.out() << JobsTable(*jobs);
  }
  return kExitSuccess;
}

int RunJobShow(CommandContext& context, const std::string& job_id) {
  int exit_code = 0;
  Session* session = ConnectOrReport(context, &exit_code);
  if (session == nullptr) return exit_code;
  Result<JobView> job = session->ReadJobWithAffectedSystem(JobPath(job_id));
  if (!job.ok()) return context.FailClient(job.error());
  if (context.json()) {
    PrintJson(context.out(), JobToJson(*job));
  } else {
    context.out() << JobDetails(*job);
  }
  return kExitSuccess;
}

int RunJobWatch(CommandContext& context, const std::string& job_id) {
  int exit_code = 0;
  Session* session = ConnectOrReport(context, &exit_code);
  if (session == nullptr) return exit_code;
  return FollowJob(context, *session, JobPath(job_id), /*no_wait=*/false,
                   [&](const JobView& job, const std::optional<SystemView>& affected) {
                     context.out() << DescribeCompletedJob(job, affected) << '\n';
                   });
}

int RunJobCancel(CommandContext& context, const std::string& job_id) {
  int exit_code = 0;
  Session* session = ConnectOrReport(context, &exit_code);
  if (session == nullptr) return exit_code;
  cim::ObjectPath path = JobPath(job_id);
  Result<MethodOutcome> outcome = session->Call(path, "RequestStateChange", CancelJobParameters());
  if (!outcome.ok()) return context.FailClient(outcome.error());
  if (!outcome->Completed() && !outcome->JobStarted()) {
    return context.FailOperation(MethodFailureText(
        outcome->return_value, fmt::format("RequestStateChange Terminate of job {}", job_id)));
  }
  if (context.json()) {
    Result<JobView> job = session->ReadJob(path);
    if (!job.ok()) return context.FailClient(job.error());
    PrintJson(context.out(), JobToJson(*job));
  } else {
    context.out() << fmt::format(
        "cancelling job {}; it rolls back and ends Terminated ('vsm job watch {}' follows it)\n",
        job_id, job_id);
  }
  return kExitSuccess;
}

}  // namespace vsm::cli
