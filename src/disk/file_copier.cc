#include "disk/file_copier.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <utility>

#include "disk/data_extents.h"
#include "disk/file_streamer.h"
#include "disk/posix_error.h"
#include "disk/trailing_hasher.h"
#include "disk/used_file_ranges.h"

namespace vsm::disk {
namespace {

constexpr uint64_t kWritebackBatchBytes = 32ull << 20;
// Small enough that cancellation and progress stay prompt, large enough to cost nothing.
constexpr uint64_t kKernelCopyChunkBytes = 8ull << 20;

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

// Starts write-back of what was just written every kWritebackBatchBytes, so that the device
// works during the copy instead of during the final fsync, and the kernel does not throttle
// the copy for a pile of dirty pages. Advisory: an error here shows again at fsync.
class WritebackStarter {
 public:
  explicit WritebackStarter(int fd) : fd_(fd) {}
  void Written(uint64_t offset, uint64_t length) {
    if (end_ == start_) start_ = offset;
    end_ = offset + length;
    if (end_ - start_ < kWritebackBatchBytes) return;
    (void)::sync_file_range(fd_, static_cast<off_t>(start_), static_cast<off_t>(end_ - start_),
                            SYNC_FILE_RANGE_WRITE);
    start_ = end_;
  }

 private:
  int fd_;
  uint64_t start_ = 0;
  uint64_t end_ = 0;
};

Error Cancelled(const std::filesystem::path& source) {
  return Error::Failed(fmt::format("copy of '{}' was cancelled", source.string()));
}

// copy_file_range cannot copy between these two files here (another file system, a file system
// without it): the bytes must pass through user space instead.
bool KernelCopyUnsupported(int error) {
  return error == EXDEV || error == EOPNOTSUPP || error == ENOSYS || error == EINVAL;
}

// How the bytes of a data extent move from the source to the destination.
enum class CopyMethod {
  kKernel,  // copy_file_range: one copy, page cache to page cache
  kBuffer,  // pread into a buffer, then pwrite
};

// Copies the data extents with `method` while a TrailingHasher reads the destination back on a
// second thread, then fsyncs while the hashing finishes: a verified copy costs about
// max(copy + fsync, hash). Sets `gave_way` and returns an empty result, having written nothing,
// when `method` is kKernel and the kernel cannot copy between these files.
Result<CopyResult> CopyDataHashedBehind(CopyMethod method, int source_fd,
                                        const std::filesystem::path& source, uint64_t size_bytes,
                                        ScopedFd& destination_fd,
                                        const std::filesystem::path& destination,
                                        const CopyOptions& options, Progress& progress,
                                        bool& gave_way) {
  gave_way = false;
  VSM_ASSIGN_OR_RETURN(std::vector<DataExtent> extents,
                       FindDataExtents(source_fd, source, size_bytes));
  if (options.only_within) extents = IntersectExtents(extents, *options.only_within);
  const uint64_t data_bytes = TotalLength(extents);
  ChunkBuffer buffer;
  if (method == CopyMethod::kBuffer) {
    VSM_ASSIGN_OR_RETURN(buffer, AllocateChunk("copy"));
  }
  const uint64_t piece_bytes =
      method == CopyMethod::kKernel ? kKernelCopyChunkBytes : kStreamChunkBytes;
  VSM_ASSIGN_OR_RETURN(std::unique_ptr<TrailingHasher> hasher,
                       TrailingHasher::Start(destination_fd.get(), destination, size_bytes, extents,
                                             options.digest));
  CopyResult result;
  WritebackStarter writeback(destination_fd.get());
  for (const DataExtent& extent : extents) {
    const uint64_t extent_end = extent.offset + extent.length;
    uint64_t position = extent.offset;
    while (position < extent_end) {
      if (progress.IsCancelled()) return Cancelled(source);
      const uint64_t want = std::min(piece_bytes, extent_end - position);
      ssize_t n;
      if (method == CopyMethod::kKernel) {
        auto in = static_cast<loff_t>(position);
        auto out = static_cast<loff_t>(position);
        n = ::copy_file_range(source_fd, &in, destination_fd.get(), &out, want, 0);
        if (n < 0) {
          if (errno == EINTR) continue;
          if (result.bytes_written == 0 && KernelCopyUnsupported(errno)) {
            gave_way = true;
            return CopyResult{};
          }
          return ErrorFromErrno("copy into", destination, errno);
        }
      } else {
        n = ::pread(source_fd, buffer.get(), want, static_cast<off_t>(position));
        if (n < 0) {
          if (errno == EINTR) continue;
          return ErrorFromErrno("read", source, errno);
        }
        VSM_RETURN_IF_ERROR(WriteFully(destination_fd.get(), destination, position,
                                       {buffer.get(), static_cast<size_t>(n)}));
      }
      if (n == 0) {
        return Error::Failed(
            fmt::format("'{}' became shorter while it was being copied (no data at offset {}); "
                        "make sure no other program writes to it",
                        source.string(), position));
      }
      // Progress counts from the first byte copied, so that a kernel copy that gives way to a
      // buffered one does not count its bytes twice.
      if (result.bytes_written == 0) progress.AddTotalBytes(data_bytes);
      const auto copied = static_cast<uint64_t>(n);
      writeback.Written(position, copied);
      position += copied;
      result.bytes_written += copied;
      progress.AddDoneBytes(copied);
      VSM_RETURN_IF_ERROR(hasher->Advance(position));
    }
  }
  if (result.bytes_written == 0) progress.AddTotalBytes(0);
  if (progress.IsCancelled()) return Cancelled(source);
  hasher->MarkComplete();
  // The device flushes while the last pieces are hashed from the page cache.
  if (::fsync(destination_fd.get()) != 0) return ErrorFromErrno("fsync", destination, errno);
  VSM_ASSIGN_OR_RETURN(result.digest_hex, hasher->FinishHex());
  hasher.reset();
  if (destination_fd.Close() != 0) return ErrorFromErrno("close", destination, errno);
  result.kernel_copied = method == CopyMethod::kKernel;
  result.bytes_hashed = size_bytes;
  result.data_bytes = data_bytes;
  return result;
}

// Writes the copy into `destination_fd` and makes it durable.
Result<CopyResult> CopyInto(int source_fd, const std::filesystem::path& source, uint64_t size_bytes,
                            ScopedFd& destination_fd, const std::filesystem::path& destination,
                            const CopyOptions& options, Progress& progress) {
  bool cloned = false;
  if (options.allow_clone) {
    VSM_ASSIGN_OR_RETURN(cloned, TryClone(source_fd, destination_fd.get(), destination));
  }
  if (cloned) {
    // The data is shared, not moved: only the digest reads it (the source's page cache serves
    // the destination's blocks too).
    VSM_ASSIGN_OR_RETURN(StreamSummary summary, StreamFileHashed(source_fd, source, size_bytes,
                                                                 options.digest, "copy", progress));
    if (::fsync(destination_fd.get()) != 0) return ErrorFromErrno("fsync", destination, errno);
    if (destination_fd.Close() != 0) return ErrorFromErrno("close", destination, errno);
    if (progress.IsCancelled()) return Cancelled(source);
    CopyResult result;
    result.cloned = true;
    result.bytes_hashed = summary.bytes_hashed;
    result.data_bytes = summary.data_bytes;
    result.digest_hex = std::move(summary.digest_hex);
    return result;
  }
  // The destination's holes are left by ftruncate: only data extents are written.
  if (::ftruncate(destination_fd.get(), static_cast<off_t>(size_bytes)) != 0) {
    return ErrorFromErrno("set the size of", destination, errno);
  }
  bool gave_way = true;
  if (options.allow_kernel_copy) {
    VSM_ASSIGN_OR_RETURN(
        CopyResult copied,
        CopyDataHashedBehind(CopyMethod::kKernel, source_fd, source, size_bytes, destination_fd,
                             destination, options, progress, gave_way));
    if (!gave_way) return copied;
  }
  return CopyDataHashedBehind(CopyMethod::kBuffer, source_fd, source, size_bytes, destination_fd,
                              destination, options, progress, gave_way);
}

}  // namespace

Result<CopyResult> CopyFileHashed(const std::filesystem::path& source,
                                  const std::filesystem::path& destination,
                                  const CopyOptions& options, Progress& progress) {
  int raw_source_fd = -1;
  Result<uint64_t> size_bytes = OpenSource(source, raw_source_fd);
  ScopedFd source_fd(raw_source_fd);
  if (!size_bytes.ok()) return size_bytes.error();

  ScopedFd destination_fd(::open(destination.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  // (Read and write: the copy is hashed by reading the destination back.)
  // The destination existed or could not be made: it is not ours, so it is left alone.
  if (destination_fd.get() < 0) return ErrorFromErrno("create", destination, errno);
  // The mode is 0644 whatever the umask.
  if (::fchmod(destination_fd.get(), 0644) != 0) {
    Error error = ErrorFromErrno("set the mode of", destination, errno);
    ::unlink(destination.c_str());
    return error;
  }
  Result<CopyResult> result = CopyInto(source_fd.get(), source, *size_bytes, destination_fd,
                                       destination, options, progress);
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
  VSM_ASSIGN_OR_RETURN(StreamSummary summary, StreamFileHashed(fd.get(), path, *size_bytes,
                                                               algorithm, "hashing", progress));
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
