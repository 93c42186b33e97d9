#include "disk/file_copier.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "disk/file_streamer.h"
#include "disk/posix_error.h"

namespace vsm::disk {
namespace {

constexpr uint64_t kWritebackBatchBytes = 32ull << 20;

// A file descriptor closed on scope exit.
class ScopedFd {
 public:
  explicit ScopedFd(int fd) : fd_(fd) {}
  ScopedFd(const ScopedFd&) = delete;
  ScopedFd& operator=(const ScopedFd&) = delete;
  ~ScopedFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  // Closes now, reporting the error close gives (a delayed write error on some file systems).
  int Close() {
    if (fd_ < 0) return 0;
    return ::close(std::exchange(fd_, -1));
  }

 private:
  int fd_;
};

// Opens `path` for reading and returns its size; it must be a regular file.
Result<uint64_t> OpenSource(const std::filesystem::path& path, int& fd) {
  fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrorFromErrno("open", path, errno);
  struct stat st;
  if (::fstat(fd, &st) != 0) return ErrorFromErrno("stat", path, errno);
  if (!S_ISREG(st.st_mode)) {
    return Error::InvalidParameter(fmt::format(
        "'{}' is not a regular file; only regular files can be copied or hashed", path.string()));
  }
  return static_cast<uint64_t>(st.st_size);
}

Result<void> WriteFully(int fd, const std::filesystem::path& path, uint64_t offset,
                        std::span<const uint8_t> data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n =
        ::pwrite(fd, data.data() + done, data.size() - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrorFromErrno("write", path, errno);
    }
    done += static_cast<size_t>(n);
  }
  return Ok();
}

// True when `destination_fd` now shares all of `source_fd`'s extents. False when the file
// system cannot share them here (another file system, no reflink support): then nothing was
// done and the caller copies the bytes.
Result<bool> TryClone(int source_fd, int destination_fd, const std::filesystem::path& destination) {
  if (::ioctl(destination_fd, FICLONE, source_fd) == 0) return true;
  switch (errno) {
    case EXDEV:
    case EOPNOTSUPP:
    case EINVAL:
    case ENOTTY:
    case EPERM:
    case ETXTBSY:
      return false;
    default:
      return ErrorFromErrno("clone into", destination, errno);
  }
}

// Writes the copy into `destination_fd` and makes it durable.
Result<CopyResult> CopyInto(int source_fd, const std::filesystem::path& source, uint64_t size_bytes,
                            ScopedFd& destination_fd, const std::filesystem::path& destination,
                            const CopyOptions& options, Progress& progress) {
  CopyResult result;
  if (options.allow_clone) {
    VSM_ASSIGN_OR_RETURN(result.cloned, TryClone(source_fd, destination_fd.get(), destination));
  }
  if (result.cloned) {
    // The data is shared, not moved: only the digest reads it (the source's page cache serves
    // the destination's blocks too).
    VSM_ASSIGN_OR_RETURN(StreamSummary summary,
                         StreamFileHashed(source_fd, source, size_bytes, options.digest,
                                          "copy", progress, {}));
    if (::fsync(destination_fd.get()) != 0) return ErrorFromErrno("fsync", destination, errno);
    if (destination_fd.Close() != 0) return ErrorFromErrno("close", destination, errno);
    if (progress.IsCancelled()) {
      return Error::Failed(fmt::format("copy of '{}' was cancelled", source.string()));
    }
    result.bytes_hashed = summary.bytes_hashed;
    result.data_bytes = summary.data_bytes;
    result.digest_hex = std::move(summary.digest_hex);
    return result;
  }
  // The destination's holes are left by ftruncate: only data extents are written.
  if (::ftruncate(destination_fd.get(), static_cast<off_t>(size_bytes)) != 0) {
    return ErrorFromErrno("set the size of", destination, errno);
  }
  uint64_t unflushed_start = 0;
  uint64_t unflushed_end = 0;
  auto write_chunk = [&](uint64_t offset, std::span<const uint8_t> data) -> Result<void> {
    VSM_RETURN_IF_ERROR(WriteFully(destination_fd.get(), destination, offset, data));
    result.bytes_written += data.size();
    if (unflushed_end == unflushed_start) unflushed_start = offset;
    unflushed_end = offset + data.size();
    if (unflushed_end - unflushed_start >= kWritebackBatchBytes) {
      // Starts write-back now, so the disk works during the copy instead of during the final
      // fsync, and the kernel does not throttle us for a pile of dirty pages. Advisory: an
      // error here shows again at fsync.
      (void)::sync_file_range(destination_fd.get(), static_cast<off_t>(unflushed_start),
                              static_cast<off_t>(unflushed_end - unflushed_start),
                              SYNC_FILE_RANGE_WRITE);
      unflushed_start = unflushed_end;
    }
    return Ok();
  };
  VSM_ASSIGN_OR_RETURN(StreamSummary summary,
                       StreamFileHashed(source_fd, source, size_bytes, options.digest, "copy",
                                        progress, write_chunk));
  if (::fsync(destination_fd.get()) != 0) return ErrorFromErrno("fsync", destination, errno);
  if (destination_fd.Close() != 0) return ErrorFromErrno("close", destination, errno);
  if (progress.IsCancelled()) {
    return Error::Failed(fmt::format("copy of '{}' was cancelled", source.string()));
  }
  result.bytes_hashed = summary.bytes_hashed;
  result.data_bytes = summary.data_bytes;
  result.digest_hex = std::move(summary.digest_hex);
  return result;
}

}  // namespace

Result<CopyResult> CopyFileHashed(const std::filesystem::path& source,
                                  const std::filesystem::path& destination,
                                  const CopyOptions& options, Progress& progress) {
  int raw_source_fd = -1;
  Result<uint64_t> size_bytes = OpenSource(source, raw_source_fd);
  ScopedFd source_fd(raw_source_fd);
  if (!size_bytes.ok()) return size_bytes.error();

  ScopedFd destination_fd(
      ::open(destination.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  // The destination existed or could not be made: it is not ours, so it is left alone.
  if (destination_fd.get() < 0) return ErrorFromErrno("create", destination, errno);
  // The mode is 0644 whatever the umask.
  if (::fchmod(destination_fd.get(), 0644) != 0) {
    Error error = ErrorFromErrno("set the mode of", destination, errno);
    ::unlink(destination.c_str());
    return error;
  }
  Result<CopyResult> result =
      CopyInto(source_fd.get(), source, *size_bytes, destination_fd, destination, options,
               progress);
  if (!result.ok()) {
    // Nothing of a failed or cancelled copy is left behind.
    destination_fd.Close();
    ::unlink(destination.c_str());
  }
  return result;
}

Result<std::string> HashFile(const std::filesystem::path& path, DigestAlgorithm algorithm,
                             Progress& progress) {
  int raw_fd = -1;
  Result<uint64_t> size_bytes = OpenSource(path, raw_fd);
  ScopedFd fd(raw_fd);
  if (!size_bytes.ok()) return size_bytes.error();
  VSM_ASSIGN_OR_RETURN(StreamSummary summary,
                       StreamFileHashed(fd.get(), path, *size_bytes, algorithm, "hashing",
                                        progress, {}));
  return std::move(summary.digest_hex);
}

Result<void> SyncDirectory(const std::filesystem::path& directory) {
  ScopedFd fd(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return ErrorFromErrno("open directory", directory, errno);
  if (::fsync(fd.get()) != 0) return ErrorFromErrno("fsync directory", directory, errno);
  if (fd.Close() != 0) return ErrorFromErrno("close directory", directory, errno);
  return Ok();
}

}  // namespace vsm::disk
