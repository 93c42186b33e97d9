#include "disk/copy_batch.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <optional>
#include <system_error>
#include <thread>

#include "disk/data_extents.h"
#include "disk/used_file_ranges.h"

namespace vsm::disk {
namespace {

// Forwards bytes done to the operation's Progress (the batch reported the total of all files up
// front, so that PercentComplete does not stall when a later file starts), and also reports
// cancellation once any file of the batch has failed, so that the others stop promptly.
class BatchProgress final : public Progress {
 public:
  BatchProgress(Progress& inner, const std::atomic<bool>& failed)
      : inner_(inner), failed_(failed) {}
  void AddTotalBytes(uint64_t) override {}
  void AddDoneBytes(uint64_t bytes) override { inner_.AddDoneBytes(bytes); }
  bool IsCancelled() const override { return failed_.load() || inner_.IsCancelled(); }

 private:
  Progress& inner_;
  const std::atomic<bool>& failed_;
};

// Runs task(i) for every i < count on up to max_parallel threads. Once one fails, no new task
// starts and the running ones see IsCancelled(). Returns the error of the task that failed
// first (the others merely stopped because of it).
Result<void> RunConcurrently(size_t count, size_t max_parallel, Progress& progress,
                             const std::function<Result<void>(size_t, Progress&)>& task) {
  std::atomic<bool> failed = false;
  BatchProgress batch_progress(progress, failed);
  std::vector<std::optional<Error>> errors(count);
  std::atomic<size_t> first_failure = count;
  std::atomic<size_t> next = 0;
  auto work = [&] {
    for (size_t i = next++; i < count && !failed.load(); i = next++) {
      Result<void> done = task(i, batch_progress);
      if (!done.ok()) {
        errors[i] = done.error();
        size_t none = count;
        first_failure.compare_exchange_strong(none, i);
        failed = true;
      }
    }
  };
  const size_t threads = std::min(std::max<size_t>(max_parallel, 1), count);
  std::vector<std::thread> workers;
  try {
    for (size_t t = 1; t < threads; ++t) workers.emplace_back(work);
  } catch (const std::system_error&) {
    // Fewer threads than asked for: the ones we have (and this one) do all the work.
  }
  work();
  for (std::thread& worker : workers) worker.join();
  if (first_failure.load() < count) return std::move(*errors[first_failure.load()]);
  return Ok();
}

// The bytes in the data extents of every file (inside its only_within ranges, if set), which is
// what the batch will move. A file that cannot be examined counts nothing here; its task
// reports the error.
uint64_t PlannedDataBytes(const std::vector<std::filesystem::path>& paths,
                          const std::vector<const std::vector<DataExtent>*>& within = {}) {
  uint64_t total = 0;
  for (size_t i = 0; i < paths.size(); ++i) {
    const std::filesystem::path& path = paths[i];
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    struct stat st;
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
      Result<std::vector<DataExtent>> extents =
          FindDataExtents(fd, path, static_cast<uint64_t>(st.st_size));
      if (extents.ok()) {
        const bool limited = i < within.size() && within[i] != nullptr;
        total += TotalLength(limited ? IntersectExtents(*extents, *within[i]) : *extents);
      }
    }
    ::close(fd);
  }
  return total;
}

}  // namespace

Result<std::vector<CopyResult>> CopyFilesHashed(const std::vector<CopyRequest>& requests,
                                                const CopyOptions& options, size_t max_parallel,
                                                Progress& progress) {
  std::vector<std::filesystem::path> sources;
  std::vector<const std::vector<DataExtent>*> within;
  for (const CopyRequest& request : requests) {
    sources.push_back(request.source);
    within.push_back(request.only_within ? &*request.only_within : nullptr);
  }
  progress.AddTotalBytes(PlannedDataBytes(sources, within));
  std::vector<CopyResult> results(requests.size());
  std::vector<std::atomic<bool>> made(requests.size());
  Result<void> all = RunConcurrently(
      requests.size(), max_parallel, progress,
      [&](size_t i, Progress& file_progress) -> Result<void> {
        CopyOptions file_options = options;
        if (requests[i].only_within) file_options.only_within = requests[i].only_within;
        VSM_ASSIGN_OR_RETURN(results[i], CopyFileHashed(requests[i].source, requests[i].destination,
                                                        file_options, file_progress));
        made[i] = true;
        return Ok();
      });
  if (!all.ok()) {
    // Nothing of a failed batch is left: the copies that finished are removed too.
    for (size_t i = 0; i < requests.size(); ++i) {
      if (made[i]) ::unlink(requests[i].destination.c_str());
    }
    return all.error();
  }
  return results;
}

Result<std::vector<std::string>> HashFiles(const std::vector<std::filesystem::path>& paths,
                                           DigestAlgorithm algorithm, size_t max_parallel,
                                           Progress& progress) {
  progress.AddTotalBytes(PlannedDataBytes(paths));
  std::vector<std::string> digests(paths.size());
  VSM_RETURN_IF_ERROR(RunConcurrently(
      paths.size(), max_parallel, progress, [&](size_t i, Progress& file_progress) -> Result<void> {
        VSM_ASSIGN_OR_RETURN(digests[i], HashFile(paths[i], algorithm, file_progress));
        return Ok();
      }));
  return digests;
}

}  // namespace vsm::disk
