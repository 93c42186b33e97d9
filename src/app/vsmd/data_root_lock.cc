#include "app/vsmd/data_root_lock.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <string>

#include "disk/posix_error.h"

namespace vsm::app {

Result<std::unique_ptr<DataRootLock>> DataRootLock::Acquire(const std::filesystem::path& data_root) {
  std::error_code ec;
  std::filesystem::create_directories(data_root, ec);
  if (ec) {
    return Error::Failed(fmt::format("cannot create data root '{}': {}", data_root.string(),
                                     ec.message()));
  }
  std::filesystem::path lock_path = data_root / "vsmd.lock";
  int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return disk::ErrorFromErrno("cannot open lock file", lock_path, errno);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    char pid[32] = {};
    ssize_t n = ::pread(fd, pid, sizeof(pid) - 1, 0);
    ::close(fd);
    std::string holder = n > 0 ? std::string(pid, static_cast<size_t>(n)) : "unknown";
    while (!holder.empty() && (holder.back() == '\n')) holder.pop_back();
    return Error::SystemInUse(fmt::format(
        "data root '{}' is held by another vsmd (pid {}); stop it first or start this one with "
        "--data-root on another directory",
        data_root.string(), holder));
  }
  std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
    // The pid is only informative; the lock is what matters.
  }
  return std::unique_ptr<DataRootLock>(new DataRootLock(fd));
}

DataRootLock::~DataRootLock() { ::close(fd_); }

}  // namespace vsm::app
