#include "disk/disk_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "disk/disk_test_util.h"

namespace vsm::disk {
namespace {

using disk_testing::TempDir;
using ::testing::HasSubstr;

TEST(DiskFileTest, ReadsInsideTheFile) {
  TempDir dir;
  disk_testing::WriteText(dir / "f.vhd", "0123456789");
  Result<DiskFile> file = DiskFile::Open(dir / "f.vhd");
  ASSERT_TRUE(file.ok()) << file.error().ToString();
  EXPECT_EQ(file->size_bytes(), 10u);
  Result<std::vector<uint8_t>> bytes = file->Read(2, 3, "VHD", "footer");
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(std::string(bytes->begin(), bytes->end()), "234");
  EXPECT_TRUE(file->Read(10, 0, "VHD", "footer").ok());
}

TEST(DiskFileTest, ReadBeyondTheEndNamesFileFieldAndSizes) {
  TempDir dir;
  disk_testing::WriteText(dir / "f.vhd", "0123456789");
  Result<DiskFile> file = DiskFile::Open(dir / "f.vhd");
  ASSERT_TRUE(file.ok());
  for (auto [offset, length] :
       {std::pair<uint64_t, uint64_t>{8, 3}, {11, 0}, {UINT64_MAX, 2}, {1, UINT64_MAX}}) {
    Result<std::vector<uint8_t>> bytes = file->Read(offset, length, "VHD", "BAT");
    ASSERT_FALSE(bytes.ok());
    EXPECT_EQ(bytes.error().code(), ReturnCode::kInvalidParameter);
    EXPECT_THAT(bytes.error().message(),
                HasSubstr("'" + (dir / "f.vhd").string() + "' is not a valid VHD: BAT at offset"));
    EXPECT_THAT(bytes.error().message(), HasSubstr("lies beyond the end of the file (10 bytes)"));
  }
}

TEST(DiskFileTest, OpenErrors) {
  TempDir dir;
  Result<DiskFile> missing = DiskFile::Open(dir / "missing.vhd");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ReturnCode::kInvalidParameter);
  EXPECT_THAT(missing.error().message(), HasSubstr("No such file or directory"));
  Result<DiskFile> directory = DiskFile::Open(dir.path());
  ASSERT_FALSE(directory.ok());
  EXPECT_THAT(directory.error().message(), HasSubstr("is not a regular file"));
}

}  // namespace
}  // namespace vsm::disk
