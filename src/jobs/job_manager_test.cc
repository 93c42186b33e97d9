#include "jobs/job_manager.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <future>

#include "store/repository.h"

namespace vsm::jobs {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

// A clock the test moves by hand.
class ManualClock final : public Clock {
 public:
  std::chrono::system_clock::time_point Now() const override { return now_; }
  void Advance(std::chrono::seconds by) { now_ += by; }

 private:
  std::chrono::system_clock::time_point now_ =
      std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
};

class JobManagerTest : public ::testing::Test {
 protected:
  JobManagerTest() : repository_(store::NewInMemoryRepository()) {}

  std::unique_ptr<JobManager> MakeManager(JobManagerOptions options = {}) {
    auto manager = std::make_unique<JobManager>(*repository_, options, clock_);
    EXPECT_TRUE(manager->Recover().ok());
    manager->Start();
    return manager;
  }

  // A job of `type` the catalogue says is running, as a vsmd that died would leave it.
  JobRecord SaveRunningJob(JobType type, std::string cleanup_path) {
    JobRecord job;
    job.id = Guid::Generate().ToString();
    job.type = type;
    job.state = JobState::kRunning;
    job.cleanup_path = std::move(cleanup_path);
    job.time_submitted = clock_->Now();
    job.time_of_last_state_change = clock_->Now();
    EXPECT_TRUE(repository_->SaveJob(job).ok());
    return job;
  }

  std::unique_ptr<store::Repository> repository_;
  std::shared_ptr<ManualClock> clock_ = std::make_shared<ManualClock>();
};

TEST_F(JobManagerTest, CompletedJobReaches100PercentAndIsPersisted) {
  auto manager = MakeManager();
  Result<JobRecord> job = manager->Submit({.description = "copy"}, [](JobContext& progress) {
    progress.AddTotalBytes(100);
    progress.AddDoneBytes(100);
    return Ok();
  });
  ASSERT_TRUE(job.ok()) << job.error().ToString();
  EXPECT_EQ(job->state, JobState::kNew);
  Result<JobRecord> done = manager->WaitForCompletion(job->id, 10s);
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->state, JobState::kCompleted);
  EXPECT_EQ(done->percent_complete, 100);
  EXPECT_EQ(done->error_code, 0u);
  ASSERT_TRUE(done->start_time && done->end_time);
  auto stored = repository_->FindJob(job->id);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->state, JobState::kCompleted);
}

TEST_F(JobManagerTest, FailedTaskEndsInExceptionWithItsCodeAndMessage) {
  auto manager = MakeManager();
  auto job = manager->Submit({}, [](JobContext&) -> Result<void> {
    return Error::InvalidParameter("'/x/disk.vhd' is not a valid VHD");
  });
  ASSERT_TRUE(job.ok());
  auto done = manager->WaitForCompletion(job->id, 10s);
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->state, JobState::kException);
  EXPECT_EQ(done->error_code, 32773u);
  EXPECT_EQ(done->error_description, "'/x/disk.vhd' is not a valid VHD");
  EXPECT_EQ(done->error_summary_description, "Invalid parameter");
}

TEST_F(JobManagerTest, PercentCompleteFollowsBytesAndNeverGoesBack) {
  auto manager = MakeManager();
  std::promise<void> half_done;
  std::promise<void> release;
  auto release_future = release.get_future().share();
  auto job = manager->Submit({}, [&](JobContext& progress) {
    progress.AddTotalBytes(1000);
    progress.AddDoneBytes(500);
    half_done.set_value();
    release_future.wait();
    return Ok();
  });
  ASSERT_TRUE(job.ok());
  half_done.get_future().wait();
  auto running = manager->Find(job->id);
  ASSERT_TRUE(running.ok() && running->has_value());
  EXPECT_EQ((*running)->state, JobState::kRunning);
  EXPECT_EQ((*running)->percent_complete, 50);
  release.set_value();
  auto done = manager->WaitForCompletion(job->id, 10s);
  EXPECT_EQ(done->percent_complete, 100);
}

TEST_F(JobManagerTest, CancelRunningJobEndsTerminated) {
  auto manager = MakeManager();
  std::promise<void> started;
  auto job = manager->Submit({}, [&](JobContext& progress) -> Result<void> {
    started.set_value();
    while (!progress.IsCancelled()) std::this_thread::sleep_for(1ms);
    return Error::Failed("cancelled");
  });
  ASSERT_TRUE(job.ok());
  started.get_future().wait();
  ASSERT_TRUE(manager->Cancel(job->id).ok());
  auto done = manager->WaitForCompletion(job->id, 10s);
  EXPECT_EQ(done->state, JobState::kTerminated);
  EXPECT_THAT(done->error_description, HasSubstr("cancelled"));
  // A finished job cannot be cancelled again.
  Result<void> again = manager->Cancel(job->id);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), ReturnCode::kInvalidState);
  EXPECT_EQ(manager->Cancel("no-such-job").error().code(), ReturnCode::kInvalidParameter);
}

TEST_F(JobManagerTest, SecondJobOnTheSameResourceFailsWithSystemInUse) {
  auto manager = MakeManager();
  std::promise<void> release;
  auto release_future = release.get_future().share();
  auto first = manager->Submit({.resource_keys = {"directory:/exports/vm1"}}, [&](JobContext&) {
    release_future.wait();
    return Ok();
  });
  ASSERT_TRUE(first.ok());
  auto second = manager->Submit({.resource_keys = {"directory:/exports/vm1"}},
                                [](JobContext&) { return Ok(); });
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->state, JobState::kException);
  EXPECT_EQ(second->error_code, 32774u);
  EXPECT_THAT(second->error_description, HasSubstr("/exports/vm1"));
  EXPECT_THAT(second->error_description, HasSubstr(first->id));
  release.set_value();
  ASSERT_EQ(manager->WaitForCompletion(first->id, 10s)->state, JobState::kCompleted);
  // Released: the same resource is free again.
  auto third = manager->Submit({.resource_keys = {"directory:/exports/vm1"}},
                               [](JobContext&) { return Ok(); });
  ASSERT_EQ(manager->WaitForCompletion(third->id, 10s)->state, JobState::kCompleted);
}

TEST_F(JobManagerTest, FinishedJobsAreRemovedAfterTimeBeforeRemoval) {
  auto manager = MakeManager({.time_before_removal = 300s});
  auto job = manager->Submit({}, [](JobContext&) { return Ok(); });
  ASSERT_EQ(manager->WaitForCompletion(job->id, 10s)->state, JobState::kCompleted);
  clock_->Advance(299s);
  manager->ExpireFinishedJobs();
  EXPECT_TRUE(manager->Find(job->id)->has_value());
  clock_->Advance(2s);
  manager->ExpireFinishedJobs();
  EXPECT_FALSE(manager->Find(job->id)->has_value());
}

TEST_F(JobManagerTest, ShutdownRollsBackRunningJobAndMarksItException) {
  auto manager = MakeManager();
  std::promise<void> started;
  std::atomic<bool> rolled_back{false};
  auto job = manager->Submit({}, [&](JobContext& progress) -> Result<void> {
    started.set_value();
    while (!progress.IsCancelled()) std::this_thread::sleep_for(1ms);
    rolled_back = true;
    return Error::Failed("cancelled");
  });
  started.get_future().wait();
  manager->Shutdown();
  EXPECT_TRUE(rolled_back);
  auto stored = repository_->FindJob(job->id);
  ASSERT_TRUE(stored->has_value());
  EXPECT_EQ((*stored)->state, JobState::kException);
  EXPECT_THAT((*stored)->error_description, HasSubstr("vsmd stopped"));
}

TEST_F(JobManagerTest, RecoverMarksInterruptedJobsAndRemovesTheirWork) {
  auto staging = std::filesystem::temp_directory_path() / ("vsm-jobs-test-" + Guid::Generate().ToString());
  std::filesystem::create_directories(staging / "partial");
  const JobRecord interrupted = SaveRunningJob(JobType::kImportVirtualSystem, staging.string());

  auto manager = MakeManager();  // runs Recover()
  auto stored = manager->Find(interrupted.id);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->state, JobState::kException);
  EXPECT_THAT((*stored)->error_description, HasSubstr("vsmd stopped"));
  EXPECT_THAT((*stored)->error_description, HasSubstr("rolled back"));
  EXPECT_FALSE(std::filesystem::exists(staging));
}

// A snapshot removal merges in place: its interruption is not described as a roll-back.
TEST_F(JobManagerTest, RecoveredSnapshotRemovalSaysWhatAMergeLeaves) {
  const JobRecord interrupted = SaveRunningJob(JobType::kRemoveSnapshot, "");

  auto manager = MakeManager();  // runs Recover()
  auto stored = manager->Find(interrupted.id);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->state, JobState::kException);
  EXPECT_EQ((*stored)->error_code, static_cast<uint32_t>(ReturnCode::kSystemNotAvailable));
  const std::string& description = (*stored)->error_description;
  EXPECT_THAT(description, HasSubstr("vsmd stopped"));
  EXPECT_THAT(description, HasSubstr("may be partly merged"));
  EXPECT_THAT(description, HasSubstr("remove the snapshot again to finish"));
  EXPECT_THAT(description, Not(HasSubstr("rolled back")));
}

}  // namespace
}  // namespace vsm::jobs
