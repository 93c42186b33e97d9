#include "disk/disk_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "disk/posix_error.h"

namespace vsm::disk {

Error InvalidDiskError(const std::filesystem::path& path, std::string_view format,
                       std::string_view detail) {
  return Error::InvalidParameter(
      fmt::format("'{}' is not a valid {}: {}", path.string(), format, detail));
}

Result<DiskFile> DiskFile::Open(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrorFromErrno("open", path, errno);
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return ErrorFromErrno("stat", path, err);
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return Error::InvalidParameter(fmt::format(
        "'{}' is not a regular file; pass the path of a .vhd or .vhdx file", path.string()));
  }
  return DiskFile(path, fd, static_cast<uint64_t>(st.st_size));
}

DiskFile::DiskFile(DiskFile&& other) noexcept
    : path_(std::move(other.path_)),
      fd_(std::exchange(other.fd_, -1)),
      size_bytes_(other.size_bytes_) {}

DiskFile& DiskFile::operator=(DiskFile&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    path_ = std::move(other.path_);
    fd_ = std::exchange(other.fd_, -1);
    size_bytes_ = other.size_bytes_;
  }
  return *this;
}

DiskFile::~DiskFile() {
  if (fd_ >= 0) ::close(fd_);
}

Result<std::vector<uint8_t>> DiskFile::Read(uint64_t offset, uint64_t length,
                                            std::string_view format, std::string_view what) const {
  if (offset > size_bytes_ || length > size_bytes_ - offset) {
    return Invalid(format, fmt::format("{} at offset {} ({} bytes) lies beyond the end of the "
                                       "file ({} bytes); the file is truncated or damaged",
                                       what, offset, length, size_bytes_));
  }
  if (length > kMaxReadBytes) {
    return Invalid(format, fmt::format("{} at offset {} is {} bytes, more than the {} bytes vsm "
                                       "reads at once",
                                       what, offset, length, kMaxReadBytes));
  }
  std::vector<uint8_t> bytes(length);
  uint64_t done = 0;
  while (done < length) {
    ssize_t n = ::pread(fd_, bytes.data() + done, length - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrorFromErrno("read", path_, errno);
    }
    if (n == 0) {
      return Error::Failed(fmt::format(
          "'{}' became shorter while it was being inspected (no data at offset {}); make sure "
          "no other program is writing to it",
          path_.string(), offset + done));
    }
    done += static_cast<uint64_t>(n);
  }
  return bytes;
}

Error DiskFile::Invalid(std::string_view format, std::string_view detail) const {
  return InvalidDiskError(path_, format, detail);
}

}  // namespace vsm::disk
