#include "corpus_case.h"

#include <fmt/format.h>
#include <gmock/gmock.h>

#include <algorithm>
#include <cctype>

#include "core/result.h"
#include "disk/differencing_disk.h"

namespace vsm::corpus {

namespace fs = std::filesystem;

fs::path Workspace::Qemu(const std::string& name, testing::QemuDiskKind kind, uint64_t size_mb,
                         uint8_t pattern) {
  const fs::path path = Path(name);
  fs::create_directories(path.parent_path());
  EXPECT_TRUE(testing::MakeQemuDisk(path, kind, size_mb, pattern)) << path;
  return path;
}

fs::path Workspace::Child(const std::string& name, const fs::path& parent) {
  const fs::path path = Path(name);
  fs::create_directories(path.parent_path());
  Result<void> created = disk::CreateDifferencingDisk(path, parent);
  EXPECT_TRUE(created.ok()) << path << ": " << created.error().ToString();
  return path;
}

std::string Workspace::Fill(const std::string& pattern) const {
  std::string out;
  for (size_t i = 0; i < pattern.size();) {
    const size_t close = pattern[i] == '{' ? pattern.find('}', i) : std::string::npos;
    if (close != std::string::npos) {
      const std::string name = pattern.substr(i + 1, close - i - 1);
      const bool is_name = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return std::islower(static_cast<unsigned char>(c)) ||
               std::isdigit(static_cast<unsigned char>(c)) || c == '_';
      });
      if (is_name) {
        auto value = values_.find(name);
        if (value == values_.end()) {
          ADD_FAILURE() << "the expected message names {" << name << "}, which the case never set";
        } else {
          out += value->second;
        }
        i = close + 1;
        continue;
      }
    }
    out += pattern[i++];
  }
  return out;
}

void ExpectError(const Error& error, ReturnCode code, const std::string& message, Match match,
                 const std::string& context) {
  EXPECT_EQ(ReturnCodeName(error.code()), ReturnCodeName(code)) << context;
  if (match == Match::kExact) {
    EXPECT_EQ(error.message(), message) << context;
  } else {
    EXPECT_THAT(error.message(), ::testing::HasSubstr(message)) << context;
  }
}

std::string DescribeBytes(const std::string& bytes) {
  const bool printable = std::all_of(bytes.begin(), bytes.end(), [](char c) {
    return static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7F;
  });
  if (printable) return "'" + bytes + "'";
  std::string hex = "0x";
  for (char c : bytes) hex += fmt::format("{:02x}", static_cast<unsigned char>(c));
  return hex;
}

}  // namespace vsm::corpus
