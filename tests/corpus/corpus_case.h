// What every corpus case shares: a workspace of real disks made by qemu-img, the expected error
// as a message template ("{path}" and the other {names} are filled in from what the case
// recorded), and the check of an actual Error against it. Test-only; not thread-safe.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "core/error.h"
#include "core/return_code.h"
#include "support/qemu_disks.h"
#include "support/temp_dir.h"

namespace vsm::corpus {

enum class Match {
  kExact,      // the whole message
  kSubstring,  // a distinctive part of it
};

// A fresh directory, the disks of one case, and the values its expected message names.
class Workspace {
 public:
  std::filesystem::path Path(const std::string& name) const { return temp_ / name; }
  const std::filesystem::path& root() const { return temp_.path(); }

  // A disk made by qemu-img (16 MiB unless said otherwise; its first MiB written with `pattern`
  // by qemu-io, which allocates the first block of a dynamic disk).
  std::filesystem::path Qemu(const std::string& name, testing::QemuDiskKind kind,
                             uint64_t size_mb = 16, uint8_t pattern = 0x5a);
  // A differencing child of `parent` made by disk::CreateDifferencingDisk.
  std::filesystem::path Child(const std::string& name, const std::filesystem::path& parent);

  // The values that fill the expected message's {names}.
  void Set(const std::string& name, const std::string& value) { values_[name] = value; }
  void Set(const std::string& name, const std::filesystem::path& value) {
    values_[name] = value.string();
  }
  void Set(const std::string& name, uint64_t value) { values_[name] = std::to_string(value); }
  // `pattern` with every {name} replaced; an unknown name fails the test.
  std::string Fill(const std::string& pattern) const;

 private:
  testing::TempDir temp_;
  std::map<std::string, std::string> values_;
};

// Expects `error` to be `code` with `message` (whole, or as a part), saying which case it is.
void ExpectError(const Error& error, ReturnCode code, const std::string& message, Match match,
                 const std::string& context);

// The first `length` bytes as a disk error describes a signature: 'text' when printable ASCII,
// else 0x and hex.
std::string DescribeBytes(const std::string& bytes);

}  // namespace vsm::corpus
