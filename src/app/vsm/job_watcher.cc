#include "app/vsm/job_watcher.h"

#include <algorithm>
#include <thread>

namespace vsm::cli {

Result<JobView> WatchJob(const JobReader& read, ProgressDisplay& display,
                         std::chrono::milliseconds interval, const Sleeper& sleep) {
  std::chrono::milliseconds wait = std::min(kFirstJobPollInterval, interval);
  while (true) {
    VSM_ASSIGN_OR_RETURN(JobView job, read());
    if (job.IsFinished()) {
      display.Finish(job);
      return job;
    }
    display.Update(job);
    if (sleep) {
      sleep(wait);
    } else {
      std::this_thread::sleep_for(wait);
    }
    wait = std::min(wait * 2, interval);
  }
}

}  // namespace vsm::cli
