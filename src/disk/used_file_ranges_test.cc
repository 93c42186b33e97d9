#include "disk/used_file_ranges.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "core/progress.h"
#include "disk/disk_file.h"
#include "disk/disk_test_util.h"
#include "disk/file_copier.h"
#include "disk/vhdx_image.h"

namespace vsm::disk {
namespace {

namespace dt = disk_testing;
constexpr uint64_t kMiB = 1 << 20;

bool Covers(const std::vector<DataExtent>& ranges, uint64_t offset, uint64_t length) {
  for (const DataExtent& range : ranges) {
    if (range.offset <= offset && offset + length <= range.offset + range.length) return true;
  }
  return false;
}

class UsedFileRangesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(dt::QemuToolsAvailable()) << "these tests need qemu-img and qemu-io (qemu-utils)";
  }

  // A 64 MiB dynamic VHDX of 2 MiB blocks with blocks 0, 5 and 20 written by qemu-io.
  std::filesystem::path MakeVhdx() {
    const std::filesystem::path path =
        dt::CreateQemuDisk(dir_, "thin.vhdx", "-f vhdx -o block_size=2M", "64M");
    EXPECT_TRUE(
        dt::RunOrFail("qemu-io -f vhdx -c 'write -P 0x11 0 2M' -c 'write -P 0x22 10M 2M' "
                      "-c 'write -P 0x33 40M 1M' " +
                      dt::Quote(path)));
    return path;
  }

  VhdxFileLayout Layout(const std::filesystem::path& path) {
    Result<DiskFile> file = DiskFile::Open(path);
    EXPECT_TRUE(file.ok());
    Result<VhdxFileLayout> layout = ReadVhdxLayout(*file, /*keep_bat=*/true);
    EXPECT_TRUE(layout.ok()) << layout.error().ToString();
    return std::move(*layout);
  }

  dt::TempDir dir_;
};

TEST_F(UsedFileRangesTest, VhdxRangesHoldItsStructuresAndItsPresentBlocksOnly) {
  const std::filesystem::path path = MakeVhdx();
  Result<std::optional<std::vector<DataExtent>>> used = UsedFileRanges(path);
  ASSERT_TRUE(used.ok()) << used.error().ToString();
  ASSERT_TRUE(used->has_value());
  const std::vector<DataExtent>& ranges = **used;
  const VhdxFileLayout layout = Layout(path);
  EXPECT_TRUE(Covers(ranges, 0, kMiB));
  EXPECT_TRUE(Covers(ranges, layout.bat_region.file_offset, layout.bat_region.length_bytes));
  EXPECT_TRUE(
      Covers(ranges, layout.metadata_region.file_offset, layout.metadata_region.length_bytes));
  uint64_t present = 0;
  for (uint64_t block = 0; block < layout.bat_layout.data_blocks; ++block) {
    const uint64_t entry = layout.bat[layout.bat_layout.PayloadIndex(block)];
    if ((entry & 7) != kVhdxPayloadBlockFullyPresent) continue;
    ++present;
    EXPECT_TRUE(Covers(ranges, (entry >> 20) * kMiB, 2 * kMiB)) << "block " << block;
  }
  EXPECT_EQ(present, 3u);
  // Sorted, merged, inside the file.
  for (size_t i = 1; i < ranges.size(); ++i) {
    EXPECT_GT(ranges[i].offset, ranges[i - 1].offset + ranges[i - 1].length);
  }
  EXPECT_LE(ranges.back().offset + ranges.back().length, std::filesystem::file_size(path));
}

// A block the BAT marks zero (as after a trim) keeps its old bytes in the file; a copy within
// the used ranges leaves them behind, and both files read as the same virtual disk.
TEST_F(UsedFileRangesTest, TrimmedBlockIsLeftBehindAndTheCopyIsTheSameDisk) {
  const std::filesystem::path source = MakeVhdx();
  const VhdxFileLayout layout = Layout(source);
  const uint64_t index = layout.bat_layout.PayloadIndex(5);  // the block written at 10 MiB
  const uint64_t old_entry = layout.bat[index];
  ASSERT_EQ(old_entry & 7, kVhdxPayloadBlockFullyPresent);
  const uint8_t zero_entry[8] = {static_cast<uint8_t>(kVhdxPayloadBlockZero)};  // little-endian
  const int fd = ::open(source.c_str(), O_WRONLY);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(
      ::pwrite(fd, zero_entry, 8, static_cast<off_t>(layout.bat_region.file_offset + index * 8)),
      8);
  ::close(fd);
  const uint64_t trimmed_at = (old_entry >> 20) * kMiB;

  Result<std::optional<std::vector<DataExtent>>> used = UsedFileRanges(source);
  ASSERT_TRUE(used.ok() && used->has_value());
  EXPECT_FALSE(Covers(**used, trimmed_at, 1));

  const std::filesystem::path copy = dir_ / "copy.vhdx";
  CopyOptions options{DigestAlgorithm::kSha256Blocks, /*allow_clone=*/false};
  options.only_within = **used;
  NullProgress progress;
  Result<CopyResult> copied = CopyFileHashed(source, copy, options, progress);
  ASSERT_TRUE(copied.ok()) << copied.error().ToString();
  EXPECT_LE(dt::AllocatedBytes(copy) + 2 * kMiB, dt::AllocatedBytes(source));
  EXPECT_EQ(copied->digest_hex, HashFile(copy, DigestAlgorithm::kSha256Blocks, progress).value());
  EXPECT_EQ(dt::RunCommand("qemu-img compare -q -f vhdx -F vhdx " + dt::Quote(source) + " " +
                           dt::Quote(copy))
                .exit_code,
            0);
  EXPECT_EQ(dt::RunCommand("qemu-img check -q -f vhdx " + dt::Quote(copy)).exit_code, 0);
  ASSERT_TRUE(InspectDisk(copy).ok());
}

TEST_F(UsedFileRangesTest, VhdIsUsedWhole) {
  const std::filesystem::path path =
      dt::CreateQemuDisk(dir_, "x.vhd", "-f vpc -o subformat=dynamic", "16M");
  Result<std::optional<std::vector<DataExtent>>> used = UsedFileRanges(path);
  ASSERT_TRUE(used.ok()) << used.error().ToString();
  EXPECT_FALSE(used->has_value());
}

TEST(IntersectExtentsTest, KeepsOnlyWhatLiesInsideTheRanges) {
  const std::vector<DataExtent> extents = {{0, 10}, {20, 10}, {40, 30}};
  const std::vector<DataExtent> ranges = {{5, 20}, {45, 5}, {60, 100}};
  const std::vector<DataExtent> inside = IntersectExtents(extents, ranges);
  ASSERT_EQ(inside.size(), 4u);
  EXPECT_EQ(inside[0].offset, 5u);
  EXPECT_EQ(inside[0].length, 5u);
  EXPECT_EQ(inside[1].offset, 20u);
  EXPECT_EQ(inside[1].length, 5u);
  EXPECT_EQ(inside[2].offset, 45u);
  EXPECT_EQ(inside[2].length, 5u);
  EXPECT_EQ(inside[3].offset, 60u);
  EXPECT_EQ(inside[3].length, 10u);
  EXPECT_TRUE(IntersectExtents(extents, {}).empty());
  EXPECT_TRUE(IntersectExtents({}, ranges).empty());
}

}  // namespace
}  // namespace vsm::disk
