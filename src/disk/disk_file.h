// DiskFile: a virtual hard disk file opened read-only for inspection. Every read is checked
// against the file's size, so an offset taken from the (untrusted) file can only produce an
// error naming the file and the field, never an out-of-bounds read. Thread-compatible.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/result.h"

namespace vsm::disk {

// kInvalidParameter "'<path>' is not a valid <format>: <detail>": how every malformed-disk error
// reads.
Error InvalidDiskError(const std::filesystem::path& path, std::string_view format,
                       std::string_view detail);

class DiskFile {
 public:
  // The largest single Read; callers read bigger structures (a BAT) in pieces.
  static constexpr uint64_t kMaxReadBytes = 64ull << 20;

  // Opens `path` read-only. Errors: ErrorFromErrno's for open/fstat; kInvalidParameter if the
  // path names something other than a regular file.
  static Result<DiskFile> Open(const std::filesystem::path& path);

  DiskFile(DiskFile&& other) noexcept;
  DiskFile& operator=(DiskFile&& other) noexcept;
  DiskFile(const DiskFile&) = delete;
  DiskFile& operator=(const DiskFile&) = delete;
  ~DiskFile();

  const std::filesystem::path& path() const { return path_; }
  uint64_t size_bytes() const { return size_bytes_; }

  // Reads `length` bytes at `offset`. If the range does not lie inside the file: kInvalidParameter
  // "'<path>' is not a valid <format>: <what> at offset <o> (<n> bytes) lies beyond the end of
  // the file (<size> bytes); the file is truncated or damaged".
  // REQUIRES: length <= kMaxReadBytes
  Result<std::vector<uint8_t>> Read(uint64_t offset, uint64_t length, std::string_view format,
                                    std::string_view what) const;

  // kInvalidParameter "'<path>' is not a valid <format>: <detail>".
  Error Invalid(std::string_view format, std::string_view detail) const;

 private:
  DiskFile(std::filesystem::path path, int fd, uint64_t size_bytes)
      : path_(std::move(path)), fd_(fd), size_bytes_(size_bytes) {}

  std::filesystem::path path_;
  int fd_ = -1;
  uint64_t size_bytes_ = 0;
};

}  // namespace vsm::disk
