#include "jobs/job_manager.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <filesystem>

#include "core/guid.h"
#include "store/repository.h"

namespace vsm::jobs {
namespace {

constexpr char kStoppedDescription[] =
    "vsmd stopped while the job was running; its work was rolled back. Run the operation again.";
constexpr char kCancelledDescription[] =
    "The job was cancelled at a client's request; its work was rolled back.";
// A snapshot removal merges disks in place, and a merge that has begun cannot be undone.
constexpr char kStoppedMergeDescription[] =
    "vsmd stopped while the job was running. If the snapshot is still listed, the system still "
    "uses its differencing disks, which hold every block written since the snapshot, and the "
    "snapshot's own disks may be partly merged: remove the snapshot again to finish. If it is "
    "no longer listed, the removal was complete.";

// What an interrupted job left behind, for its ErrorDescription.
const char* StoppedDescription(JobType type) {
  return type == JobType::kRemoveSnapshot ? kStoppedMergeDescription : kStoppedDescription;
}

}  // namespace

// A queued or running job: its record, its task, and the Progress the task reports to.
class JobManager::LiveJob final : public JobContext {
 public:
  enum class StopReason { kNone, kClientCancel, kShutdown };

  LiveJob(JobRecord record, JobTask task, std::vector<std::string> keys)
      : record(std::move(record)), task(std::move(task)), keys(std::move(keys)) {}

  void AddTotalBytes(uint64_t bytes) override { total_bytes_ += bytes; }
  void AddDoneBytes(uint64_t bytes) override { done_bytes_ += bytes; }
  bool IsCancelled() const override { return stop_reason_.load() != StopReason::kNone; }
  void SetAffectedSystem(const Guid& system) override {
    std::lock_guard lock(affected_mutex_);
    affected_system_ = system;
  }
  std::optional<Guid> affected_system() const {
    std::lock_guard lock(affected_mutex_);
    return affected_system_;
  }

  void RequestStop(StopReason reason) {
    StopReason expected = StopReason::kNone;
    stop_reason_.compare_exchange_strong(expected, reason);
  }
  StopReason stop_reason() const { return stop_reason_.load(); }

  // 0..99 from the bytes moved; 100 is reserved for completion.
  uint16_t PercentFromBytes() const {
    uint64_t total = total_bytes_.load();
    if (total == 0) return 0;
    uint64_t done = std::min(done_bytes_.load(), total);
    return static_cast<uint16_t>(std::min<uint64_t>(99, done * 100 / total));
  }

  JobRecord record;  // guarded by JobManager::mutex_
  JobTask task;
  std::vector<std::string> keys;

 private:
  std::atomic<uint64_t> total_bytes_{0};
  std::atomic<uint64_t> done_bytes_{0};
  std::atomic<StopReason> stop_reason_{StopReason::kNone};
  mutable std::mutex affected_mutex_;
  std::optional<Guid> affected_system_;
};

JobManager::JobManager(store::Repository& repository, JobManagerOptions options,
                       std::shared_ptr<Clock> clock)
    : repository_(repository), options_(options), clock_(std::move(clock)) {}

JobManager::~JobManager() { Shutdown(); }

void JobManager::Start() {
  std::lock_guard lock(mutex_);
  if (started_ || stopping_) return;
  started_ = true;
  for (size_t i = 0; i < std::max<size_t>(1, options_.worker_count); ++i) {
    workers_.emplace_back([this] { WorkerLoop(); });
  }
  expiry_thread_ = std::thread([this] { ExpiryLoop(); });
}

JobRecord JobManager::Snapshot(const LiveJob& job) const {
  JobRecord record = job.record;
  if (auto affected = job.affected_system()) record.affected_system = affected;
  if (record.state == JobState::kRunning) {
    record.percent_complete = std::max(record.percent_complete, job.PercentFromBytes());
  }
  return record;
}

void JobManager::Persist(const JobRecord& record) {
  Result<void> saved = repository_.SaveJob(record);
  if (!saved.ok()) {
    spdlog::error("cannot persist job {}: {}", record.id, saved.error().ToString());
  }
}

Result<JobRecord> JobManager::Submit(JobSpec spec, JobTask task) {
  JobRecord record;
  record.id = Guid::Generate().ToString();
  record.type = spec.type;
  record.description = std::move(spec.description);
  record.owner = std::move(spec.owner);
  record.state = JobState::kNew;
  record.cancellable = true;
  record.time_submitted = clock_->Now();
  record.time_of_last_state_change = record.time_submitted;
  record.time_before_removal = options_.time_before_removal;
  record.affected_system = spec.affected_system;
  record.cleanup_path = std::move(spec.cleanup_path);

  auto job = std::make_shared<LiveJob>(record, std::move(task), std::move(spec.resource_keys));
  std::unique_lock lock(mutex_);
  if (stopping_) {
    return Error::SystemNotAvailable(
        "vsmd is shutting down and takes no new jobs; retry once it has restarted");
  }
  for (const std::string& key : job->keys) {
    auto held = held_keys_.find(key);
    if (held == held_keys_.end()) continue;
    // The job exists, so that the client can read why it failed, but never runs.
    std::string what = key.substr(key.find(':') + 1);
    record.state = JobState::kException;
    record.error_code = static_cast<uint32_t>(ReturnCode::kSystemInUse);
    record.error_description = fmt::format(
        "'{}' is in use by job {}; wait for that job to finish (or cancel it) and try again", what,
        held->second);
    record.error_summary_description = std::string(ReturnCodeDescription(ReturnCode::kSystemInUse));
    record.end_time = record.time_submitted;
    record.cancellable = false;
    expiries_.emplace(record.time_submitted + record.time_before_removal, record.id);
    lock.unlock();
    VSM_RETURN_IF_ERROR(repository_.SaveJob(record));
    return record;
  }
  VSM_RETURN_IF_ERROR(repository_.SaveJob(record));
  for (const std::string& key : job->keys) held_keys_[key] = record.id;
  live_[record.id] = job;
  queue_.push_back(job);
  work_available_.notify_one();
  return record;
}

Result<std::optional<JobRecord>> JobManager::Find(const std::string& id) {
  {
    std::lock_guard lock(mutex_);
    auto live = live_.find(id);
    if (live != live_.end()) return std::optional<JobRecord>(Snapshot(*live->second));
    auto finished = finished_.find(id);
    if (finished != finished_.end()) return std::optional<JobRecord>(finished->second);
  }
  return repository_.FindJob(id);
}

Result<std::vector<JobRecord>> JobManager::List() {
  VSM_ASSIGN_OR_RETURN(std::vector<JobRecord> jobs, repository_.ListJobs());
  std::lock_guard lock(mutex_);
  for (JobRecord& job : jobs) {
    auto live = live_.find(job.id);
    if (live != live_.end()) job = Snapshot(*live->second);
  }
  return jobs;
}

Result<void> JobManager::Cancel(const std::string& id) {
  std::shared_ptr<LiveJob> job;
  {
    std::lock_guard lock(mutex_);
    auto live = live_.find(id);
    if (live != live_.end()) job = live->second;
  }
  if (!job) {
    VSM_ASSIGN_OR_RETURN(std::optional<JobRecord> stored, repository_.FindJob(id));
    if (!stored) return Error::InvalidParameter(fmt::format("job '{}' does not exist", id));
    return Error::InvalidState(
        fmt::format("job '{}' has already finished ({}); there is nothing to cancel", id,
                    JobStateName(stored->state)));
  }
  job->RequestStop(LiveJob::StopReason::kClientCancel);
  bool was_queued = false;
  {
    std::lock_guard lock(mutex_);
    auto queued = std::find(queue_.begin(), queue_.end(), job);
    if (queued != queue_.end()) {
      queue_.erase(queued);
      was_queued = true;
    }
  }
  if (was_queued) Finish(job, JobState::kTerminated, 0, kCancelledDescription);
  return Ok();
}

std::optional<std::string> JobManager::FindHolder(const std::string& key) {
  std::lock_guard lock(mutex_);
  auto held = held_keys_.find(key);
  if (held == held_keys_.end()) return std::nullopt;
  return held->second;
}

Result<JobRecord> JobManager::WaitForCompletion(const std::string& id,
                                                std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock lock(mutex_);
  job_finished_.wait_until(lock, deadline, [&] { return live_.find(id) == live_.end(); });
  lock.unlock();
  VSM_ASSIGN_OR_RETURN(std::optional<JobRecord> record, Find(id));
  if (!record) return Error::InvalidParameter(fmt::format("job '{}' does not exist", id));
  return *record;
}

void JobManager::WorkerLoop() {
  for (;;) {
    std::shared_ptr<LiveJob> job;
    {
      std::unique_lock lock(mutex_);
      work_available_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      job = queue_.front();
      queue_.pop_front();
    }
    RunJob(job);
  }
}

void JobManager::RunJob(const std::shared_ptr<LiveJob>& job) {
  JobRecord starting;
  {
    std::lock_guard lock(mutex_);
    auto now = clock_->Now();
    job->record.state = JobState::kRunning;
    job->record.start_time = now;
    job->record.time_of_last_state_change = now;
    starting = job->record;
  }
  Persist(starting);

  // Persists progress as it crosses whole percents, so that a restarted vsmd and other readers
  // see it move, without a write per chunk.
  // The writer wakes every 200 ms, and at once when the task ends (a job is never held up by
  // it).
  std::mutex done_mutex;
  std::condition_variable done_changed;
  bool task_done = false;
  std::thread progress_writer([&] {
    uint16_t last = 0;
    while (true) {
      {
        std::unique_lock done_lock(done_mutex);
        if (done_changed.wait_for(done_lock, std::chrono::milliseconds(200),
                                  [&] { return task_done; })) {
          return;
        }
      }
      uint16_t percent = job->PercentFromBytes();
      if (percent <= last) continue;
      last = percent;
      JobRecord snapshot;
      {
        std::lock_guard lock(mutex_);
        job->record.percent_complete = std::max(job->record.percent_complete, percent);
        snapshot = Snapshot(*job);
      }
      Persist(snapshot);
    }
  });

  Result<void> outcome = job->IsCancelled()
                             ? Result<void>(Error::Failed("cancelled before it started"))
                             : job->task(*job);
  {
    std::lock_guard done_lock(done_mutex);
    task_done = true;
  }
  done_changed.notify_all();
  progress_writer.join();

  switch (job->stop_reason()) {
    case LiveJob::StopReason::kShutdown:
      Finish(job, JobState::kException, static_cast<uint32_t>(ReturnCode::kSystemNotAvailable),
             kStoppedDescription);
      return;
    case LiveJob::StopReason::kClientCancel:
      // A task that finished its last step before noticing the cancel has succeeded.
      if (!outcome.ok()) {
        Finish(job, JobState::kTerminated, 0, kCancelledDescription);
        return;
      }
      break;
    case LiveJob::StopReason::kNone:
      break;
  }
  if (outcome.ok()) {
    Finish(job, JobState::kCompleted, 0, "");
  } else {
    Finish(job, JobState::kException, static_cast<uint32_t>(outcome.error().code()),
           outcome.error().message());
  }
}

void JobManager::Finish(const std::shared_ptr<LiveJob>& job, JobState state, uint32_t error_code,
                        std::string description) {
  JobRecord finished;
  {
    std::lock_guard lock(mutex_);
    auto now = clock_->Now();
    JobRecord& record = job->record;
    if (auto affected = job->affected_system()) record.affected_system = affected;
    record.state = state;
    if (state == JobState::kCompleted) record.percent_complete = 100;
    record.error_code = error_code;
    record.error_description = std::move(description);
    record.error_summary_description =
        error_code == 0 ? std::string()
                        : std::string(ReturnCodeDescription(static_cast<ReturnCode>(error_code)));
    record.end_time = now;
    record.time_of_last_state_change = now;
    record.cancellable = false;
    finished = record;
    // Written while holding the lock so that a reader never sees the job neither live nor stored.
    Persist(finished);
    for (const std::string& key : job->keys) {
      auto held = held_keys_.find(key);
      if (held != held_keys_.end() && held->second == record.id) held_keys_.erase(held);
    }
    live_.erase(record.id);
    finished_[record.id] = record;
    expiries_.emplace(now + record.time_before_removal, record.id);
  }
  job_finished_.notify_all();
  if (finished.state == JobState::kCompleted) {
    spdlog::info("job {} ({}) completed", finished.id, JobTypeName(finished.type));
  } else {
    spdlog::warn("job {} ({}) ended {}: {}", finished.id, JobTypeName(finished.type),
                 JobStateName(finished.state), finished.error_description);
  }
}

Result<void> JobManager::Recover() {
  VSM_ASSIGN_OR_RETURN(std::vector<JobRecord> jobs, repository_.ListJobs());
  auto now = clock_->Now();
  std::lock_guard lock(mutex_);
  for (JobRecord& job : jobs) {
    if (!IsFinished(job.state)) {
      if (!job.cleanup_path.empty()) {
        std::error_code ec;
        std::filesystem::remove_all(job.cleanup_path, ec);
        if (ec) {
          spdlog::error("recovering job {}: cannot remove '{}': {}", job.id, job.cleanup_path,
                        ec.message());
        }
      }
      job.state = JobState::kException;
      job.error_code = static_cast<uint32_t>(ReturnCode::kSystemNotAvailable);
      job.error_description = StoppedDescription(job.type);
      job.error_summary_description =
          std::string(ReturnCodeDescription(ReturnCode::kSystemNotAvailable));
      job.end_time = now;
      job.time_of_last_state_change = now;
      job.cancellable = false;
      VSM_RETURN_IF_ERROR(repository_.SaveJob(job));
      spdlog::warn("job {} ({}) was running when vsmd stopped; marked Exception: {}", job.id,
                   JobTypeName(job.type), job.error_description);
    }
    auto ended = job.end_time.value_or(job.time_of_last_state_change);
    expiries_.emplace(ended + job.time_before_removal, job.id);
    finished_[job.id] = job;
  }
  return Ok();
}

void JobManager::ExpireFinishedJobs() {
  std::vector<std::string> due;
  {
    std::lock_guard lock(mutex_);
    auto now = clock_->Now();
    while (!expiries_.empty() && expiries_.begin()->first <= now) {
      due.push_back(expiries_.begin()->second);
      finished_.erase(expiries_.begin()->second);
      expiries_.erase(expiries_.begin());
    }
  }
  for (const std::string& id : due) {
    Result<void> removed = repository_.RemoveJob(id);
    if (!removed.ok() && removed.error().code() != ReturnCode::kInvalidParameter) {
      spdlog::error("cannot remove expired job {}: {}", id, removed.error().ToString());
    }
  }
}

void JobManager::ExpiryLoop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    shutdown_requested_.wait_for(lock, options_.expiry_interval, [&] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    ExpireFinishedJobs();
    lock.lock();
  }
}

void JobManager::Shutdown() {
  std::vector<std::shared_ptr<LiveJob>> queued;
  std::vector<std::shared_ptr<LiveJob>> running;
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && workers_.empty() && !expiry_thread_.joinable()) return;
    stopping_ = true;
    queued.assign(queue_.begin(), queue_.end());
    queue_.clear();
    for (auto& [id, job] : live_) job->RequestStop(LiveJob::StopReason::kShutdown);
  }
  work_available_.notify_all();
  shutdown_requested_.notify_all();
  for (auto& job : queued) {
    Finish(job, JobState::kException, static_cast<uint32_t>(ReturnCode::kSystemNotAvailable),
           kStoppedDescription);
  }
  // Workers finish the running jobs (which see the stop and roll back) before they exit.
  for (std::thread& worker : workers_) worker.join();
  workers_.clear();
  if (expiry_thread_.joinable()) expiry_thread_.join();
}

}  // namespace vsm::jobs
