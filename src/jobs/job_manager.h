// JobManager: runs the asynchronous work of the service (imports, exports) as Msvm_ConcreteJob
// jobs: a queue, worker threads, progress driven by bytes, cancellation, persistence of every
// state change in the Repository, expiry of finished jobs, and recovery after a restart.
// Thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/job_record.h"
#include "core/progress.h"
#include "core/result.h"
#include "core/thread_annotations.h"
#include "jobs/clock.h"

namespace vsm::store {
class Repository;
}

namespace vsm::jobs {

struct JobManagerOptions {
  size_t worker_count = 2;
  std::chrono::seconds time_before_removal{300};  // how long a finished job stays visible
  std::chrono::milliseconds expiry_interval{1000};
};

// What a running task sees of its job: a Progress (bytes, cancellation) that can also name the
// system the job affects once the task knows it (an import learns its Guid from the package).
class JobContext : public Progress {
 public:
  virtual void SetAffectedSystem(const Guid& system) = 0;
};

// The work of a job. Runs on a worker thread; reports bytes and learns of cancellation through
// `context`. Returns Ok on success. On failure or cancellation it must itself have undone
// everything it did, and returns the Error that the job reports.
using JobTask = std::function<Result<void>(JobContext& context)>;

struct JobSpec {
  JobType type = JobType::kImportVirtualSystem;
  std::string description;
  std::string owner;
  std::optional<Guid> affected_system;
  // What the job touches, e.g. "system:<GUID>" or "directory:/abs/path". While a job holds a
  // key, a later job naming the same key fails at once with kSystemInUse.
  std::vector<std::string> resource_keys;
  // Removed whole by Recover() if vsmd stopped while the job was running.
  std::string cleanup_path;
};

class JobManager {
 public:
  JobManager(store::Repository& repository, JobManagerOptions options,
             std::shared_ptr<Clock> clock = std::make_shared<SystemClock>());
  ~JobManager();  // Shutdown()

  JobManager(const JobManager&) = delete;
  JobManager& operator=(const JobManager&) = delete;

  // Starts the workers and the expiry thread. REQUIRES: Recover() has run.
  void Start();

  // Creates and persists the job (JobState New) and queues `task`. If one of spec's resource
  // keys is held by a live job, the job is created already finished: Exception, kSystemInUse,
  // naming the job that holds it. Returns the record as created. kFailed if it cannot persist.
  Result<JobRecord> Submit(JobSpec spec, JobTask task);

  // The current record of a job (live or persisted), or nullopt.
  Result<std::optional<JobRecord>> Find(const std::string& id);
  Result<std::vector<JobRecord>> List();

  // Asks a job to stop (RequestStateChange Terminate). A queued job ends at once; a running job
  // ends in Terminated when its task returns. kInvalidParameter if unknown, kInvalidState if it
  // has finished.
  Result<void> Cancel(const std::string& id);

  // The id of the live job holding resource `key`, if any.
  std::optional<std::string> FindHolder(const std::string& key);

  // Blocks until the job has finished or `timeout` passes; returns the record. For tests and
  // for the CLI-less callers.
  Result<JobRecord> WaitForCompletion(const std::string& id, std::chrono::milliseconds timeout);

  // After a restart: every persisted job that had not finished is marked Exception with a
  // description saying vsmd stopped, and its cleanup_path is removed.
  Result<void> Recover();

  // Removes the finished jobs whose time_before_removal has passed.
  void ExpireFinishedJobs();

  // Stops taking jobs, cancels the running and queued ones (each ends in Exception: "vsmd
  // stopped while the job was running; its work was rolled back"), and joins the threads.
  void Shutdown();

 private:
  class LiveJob;

  void WorkerLoop();
  void ExpiryLoop();
  void RunJob(const std::shared_ptr<LiveJob>& job);
  void Persist(const JobRecord& record);
  // Marks a job finished, persists it, releases its keys and schedules its removal.
  void Finish(const std::shared_ptr<LiveJob>& job, JobState state, uint32_t error_code,
              std::string description);
  JobRecord Snapshot(const LiveJob& job) const;

  store::Repository& repository_;
  const JobManagerOptions options_;
  const std::shared_ptr<Clock> clock_;

  std::mutex mutex_;
  std::condition_variable work_available_;
  std::condition_variable shutdown_requested_;
  std::condition_variable job_finished_;
  bool stopping_ GUARDED_BY(mutex_) = false;
  std::deque<std::shared_ptr<LiveJob>> queue_ GUARDED_BY(mutex_);
  std::map<std::string, std::shared_ptr<LiveJob>> live_ GUARDED_BY(mutex_);  // queued or running
  std::map<std::string, std::string> held_keys_ GUARDED_BY(mutex_);          // key -> job id
  // When each finished job is due for removal.
  std::multimap<std::chrono::system_clock::time_point, std::string> expiries_ GUARDED_BY(mutex_);
  // Finished jobs until they expire, as stored: clients poll them, and answering from memory
  // keeps the catalogue's connection free for the work that changes it.
  std::map<std::string, JobRecord> finished_ GUARDED_BY(mutex_);
  bool started_ = false;
  std::vector<std::thread> workers_;
  std::thread expiry_thread_;
};

}  // namespace vsm::jobs
