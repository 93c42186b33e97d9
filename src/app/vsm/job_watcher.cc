#include "app/vsm/job_watcher.h"

#include <thread>

namespace vsm::cli {

Result<JobView> WatchJob(const JobReader& read, ProgressDisplay& display,
                         std::chrono::milliseconds interval, const Sleeper& sleep) {
  while (true) {
    VSM_ASSIGN_OR_RETURN(JobView job, read());
    if (job.IsFinished()) {
      display.Finish(job);
      return job;
    }
    display.Update(job);
    if (sleep) {
      sleep(interval);
    } else {
      std::this_thread::sleep_for(interval);
    }
  }
}

}  // namespace vsm::cli
