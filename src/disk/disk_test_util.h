// Test helpers for disk/ tests: a temporary directory, shell commands (qemu-img, sha256sum) and
// byte-level file edits for corrupting real disk images. Test-only; not thread-safe.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "disk/byte_order.h"

namespace vsm::disk::disk_testing {

// A directory under /tmp made with mkdtemp and removed with its content at destruction.
class TempDir {
 public:
  TempDir() {
    std::string pattern = "/tmp/vsm_disk_test.XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    path_ = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

inline CommandResult RunCommand(const std::string& command) {
  CommandResult result;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) result.output.append(buffer, n);
  int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

inline std::string Quote(const std::filesystem::path& path) { return "'" + path.string() + "'"; }

// Runs `command`, failing the test (and returning false) if it exits non-zero.
inline bool RunOrFail(const std::string& command) {
  CommandResult result = RunCommand(command);
  EXPECT_EQ(result.exit_code, 0) << command << "\n" << result.output;
  return result.exit_code == 0;
}

// The "virtual-size" that `qemu-img info --output=json` reports, or nullopt.
inline std::optional<uint64_t> QemuVirtualSize(const std::filesystem::path& path,
                                               const std::string& format) {
  CommandResult result = RunCommand("qemu-img info --output=json -f " + format + " " + Quote(path));
  std::smatch match;
  static const std::regex kVirtualSize("\"virtual-size\"\\s*:\\s*([0-9]+)");
  if (result.exit_code != 0 || !std::regex_search(result.output, match, kVirtualSize)) {
    return std::nullopt;
  }
  return std::stoull(match[1].str());
}

// The lower-case hex SHA-256 `sha256sum` prints for `path`.
inline std::string Sha256Sum(const std::filesystem::path& path) {
  CommandResult result = RunCommand("sha256sum " + Quote(path));
  EXPECT_EQ(result.exit_code, 0) << result.output;
  return result.output.substr(0, 64);
}

inline std::vector<uint8_t> ReadBytes(const std::filesystem::path& path, uint64_t offset,
                                      size_t length) {
  std::vector<uint8_t> bytes(length);
  int fd = ::open(path.c_str(), O_RDONLY);
  EXPECT_GE(fd, 0) << path;
  ssize_t n = ::pread(fd, bytes.data(), length, static_cast<off_t>(offset));
  EXPECT_EQ(n, static_cast<ssize_t>(length)) << path;
  ::close(fd);
  return bytes;
}

inline std::vector<uint8_t> ReadAll(const std::filesystem::path& path) {
  return ReadBytes(path, 0, std::filesystem::file_size(path));
}

inline void WriteBytes(const std::filesystem::path& path, uint64_t offset,
                       std::span<const uint8_t> bytes) {
  int fd = ::open(path.c_str(), O_WRONLY);
  ASSERT_GE(fd, 0) << path;
  ssize_t n = ::pwrite(fd, bytes.data(), bytes.size(), static_cast<off_t>(offset));
  EXPECT_EQ(n, static_cast<ssize_t>(bytes.size())) << path;
  ::close(fd);
}

inline void WriteText(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// Copies `from` to `to` (replacing it), keeping holes.
inline void CopyDiskFile(const std::filesystem::path& from, const std::filesystem::path& to) {
  RunOrFail("cp --sparse=always " + Quote(from) + " " + Quote(to));
}

struct ByteRange {
  uint64_t offset = 0;
  uint64_t length = 0;
};

// Creates `path`: `size` bytes, all hole except `data`, which hold a pattern that differs at
// every offset (so misplaced bytes show).
inline void MakeSparseFile(const std::filesystem::path& path, uint64_t size,
                           const std::vector<ByteRange>& data) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_GE(fd, 0) << path;
  ASSERT_EQ(::ftruncate(fd, static_cast<off_t>(size)), 0);
  for (const ByteRange& range : data) {
    std::vector<uint8_t> bytes(range.length);
    for (uint64_t i = 0; i < range.length; ++i) {
      const uint64_t offset = range.offset + i;
      bytes[i] = static_cast<uint8_t>((offset * 2654435761u) >> 13 | 1);
    }
    ASSERT_EQ(::pwrite(fd, bytes.data(), bytes.size(), static_cast<off_t>(range.offset)),
              static_cast<ssize_t>(bytes.size()));
  }
  // Allocated now, so that its st_blocks counts what a copy's will (ext4 counts the extent
  // tree's blocks only once delayed allocation is done).
  ASSERT_EQ(::fsync(fd), 0);
  ::close(fd);
}

inline uint64_t AllocatedBytes(const std::filesystem::path& path) {
  struct stat st;
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return static_cast<uint64_t>(st.st_blocks) * 512;
}

// True if `path`'s file system reports holes (SEEK_HOLE before the end of a sparse file).
inline bool FileSystemReportsHoles(const std::filesystem::path& dir) {
  const std::filesystem::path probe = dir / ".hole_probe";
  MakeSparseFile(probe, 8 << 20, {{0, 4096}});
  int fd = ::open(probe.c_str(), O_RDONLY);
  off_t hole = ::lseek(fd, 0, SEEK_HOLE);
  ::close(fd);
  std::filesystem::remove(probe);
  return hole >= 0 && hole < (8 << 20);
}

// True if qemu-img and qemu-io (Debian package qemu-utils) can be run.
inline bool QemuToolsAvailable() {
  return RunCommand("qemu-img --version").exit_code == 0 &&
         RunCommand("qemu-io --version").exit_code == 0;
}

// Runs `qemu-img create -q <options> <dir/name> <size>` and returns the path.
inline std::filesystem::path CreateQemuDisk(const TempDir& dir, const std::string& name,
                                            const std::string& options, const std::string& size) {
  const std::filesystem::path path = dir / name;
  RunOrFail("qemu-img create -q " + options + " " + Quote(path) + " " + size);
  return path;
}

// UTF-16LE of ASCII `text`.
inline std::vector<uint8_t> Utf16Le(const std::string& text) {
  std::vector<uint8_t> out;
  for (char c : text) {
    out.push_back(static_cast<uint8_t>(c));
    out.push_back(0);
  }
  return out;
}

// A VHDX parent locator item (MS-VHDX 2.6.2.6) of `locator_type` holding `entries`.
inline std::vector<uint8_t> MakeVhdxParentLocator(
    const Guid& locator_type, const std::vector<std::pair<std::string, std::string>>& entries) {
  std::vector<uint8_t> item(20 + 12 * entries.size());
  StoreGuidMixedEndian(item.data(), locator_type);
  item[18] = static_cast<uint8_t>(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    std::vector<uint8_t> key = Utf16Le(entries[i].first);
    std::vector<uint8_t> value = Utf16Le(entries[i].second);
    uint8_t* entry = item.data() + 20 + 12 * i;
    StoreLittleEndian32(entry, static_cast<uint32_t>(item.size()));
    StoreLittleEndian32(entry + 4, static_cast<uint32_t>(item.size() + key.size()));
    entry[8] = static_cast<uint8_t>(key.size());
    entry[10] = static_cast<uint8_t>(value.size());
    item.insert(item.end(), key.begin(), key.end());
    item.insert(item.end(), value.begin(), value.end());
  }
  return item;
}

}  // namespace vsm::disk::disk_testing
