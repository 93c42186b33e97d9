#include "app/vsm/job_watcher.h"

#include <gtest/gtest.h>

#include <deque>
#include <sstream>

namespace vsm::cli {
namespace {

JobView Job(uint16_t state, uint16_t percent) {
  JobView job;
  job.id = "job-1";
  job.state_code = state;
  job.percent_complete = percent;
  job.description = "Exporting";
  return job;
}

TEST(WatchJobTest, PollsUntilTheJobEndsAndSleepsBetweenReads) {
  std::deque<JobView> states = {Job(3, 0),  Job(4, 10), Job(4, 20), Job(4, 30),
                                Job(4, 40), Job(4, 50), Job(4, 60), Job(7, 100)};
  int reads = 0;
  std::vector<std::chrono::milliseconds> sleeps;
  std::ostringstream out;
  auto display = NewLineProgress(out);
  Result<JobView> done = WatchJob(
      [&]() -> Result<JobView> {
        ++reads;
        JobView next = states.front();
        states.pop_front();
        return next;
      },
      *display, std::chrono::milliseconds(250),
      [&](std::chrono::milliseconds interval) { sleeps.push_back(interval); });
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->state_code, 7);
  EXPECT_EQ(reads, 8);
  // Quick at first, so that a short job is reported at once; then every 250 ms.
  using std::chrono::milliseconds;
  EXPECT_EQ(sleeps, (std::vector<milliseconds>{milliseconds(20), milliseconds(40), milliseconds(80),
                                               milliseconds(160), milliseconds(250),
                                               milliseconds(250), milliseconds(250)}));
  EXPECT_EQ(out.str(),
            "0% Exporting\n10% Exporting\n20% Exporting\n30% Exporting\n40% Exporting\n"
            "50% Exporting\n60% Exporting\n100% Exporting\n");
}

TEST(WatchJobTest, AFinishedJobIsReadOnce) {
  int reads = 0;
  auto display = NewSilentProgress();
  Result<JobView> done = WatchJob(
      [&]() -> Result<JobView> {
        ++reads;
        return Job(10, 40);
      },
      *display, std::chrono::milliseconds(250), [](std::chrono::milliseconds) { FAIL(); });
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->state_code, 10);
  EXPECT_EQ(reads, 1);
}

TEST(WatchJobTest, AReadErrorStopsTheWatch) {
  int reads = 0;
  auto display = NewSilentProgress();
  Result<JobView> done = WatchJob(
      [&]() -> Result<JobView> {
        if (++reads == 2) return Error::SystemNotAvailable("connection reset");
        return Job(4, 10);
      },
      *display, std::chrono::milliseconds(1), [](std::chrono::milliseconds) {});
  ASSERT_FALSE(done.ok());
  EXPECT_EQ(done.error().message(), "connection reset");
  EXPECT_EQ(reads, 2);
}

}  // namespace
}  // namespace vsm::cli
