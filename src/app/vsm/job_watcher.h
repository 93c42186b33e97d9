// WatchJob: follows an Msvm_ConcreteJob until it finishes, as Hyper-V's samples do (read the job,
// sleep, read again while it runs), showing each state on a ProgressDisplay. The reading is
// given as a function so that the loop is the same for every command and testable alone.
// Not thread-safe.
#pragma once

#include <chrono>
#include <functional>

#include "app/vsm/progress_display.h"
#include "app/vsm/system_view.h"
#include "core/result.h"

namespace vsm::cli {

// The longest wait between two reads of a job. The first waits are shorter (20 ms, doubling),
// so that a job that ends quickly is reported at once and a long one costs vsmd 4 reads a second.
inline constexpr std::chrono::milliseconds kJobPollInterval{250};
inline constexpr std::chrono::milliseconds kFirstJobPollInterval{20};

using JobReader = std::function<Result<JobView>()>;
using Sleeper = std::function<void(std::chrono::milliseconds)>;

// Reads the job with `read` until JobView::IsFinished(), sleeping between reads (from
// kFirstJobPollInterval, doubling, up to `interval`), and
// returns its final state (display->Finish has then been called). The first error of `read` is
// returned as is (the display is left as it was).
Result<JobView> WatchJob(const JobReader& read, ProgressDisplay& display,
                         std::chrono::milliseconds interval = kJobPollInterval,
                         const Sleeper& sleep = {});

}  // namespace vsm::cli
