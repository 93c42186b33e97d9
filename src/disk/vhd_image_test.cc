// InspectVhd on real disks made by qemu-img, pristine and corrupted byte by byte.
#include "disk/vhd_image.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <memory>

#include "disk/byte_order.h"
#include "disk/disk_test_util.h"
#include "disk/vhd_dynamic_header.h"
#include "disk/vhd_footer.h"

namespace vsm::disk {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
namespace dt = disk_testing;

class VhdImageTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    qemu_available_ = dt::QemuToolsAvailable();
    if (!qemu_available_) return;
    dir_ = std::make_unique<dt::TempDir>();
    dynamic_ = dt::CreateQemuDisk(*dir_, "dynamic.vhd", "-f vpc -o subformat=dynamic", "64M");
    fixed_ =
        dt::CreateQemuDisk(*dir_, "fixed.vhd", "-f vpc -o subformat=fixed,force_size=on", "64M");
  }
  static void TearDownTestSuite() { dir_.reset(); }

  void SetUp() override {
    if (!qemu_available_) GTEST_SKIP() << "qemu-img/qemu-io are not installed (qemu-utils)";
  }

  // A copy of `disk` named `name` in a directory of this test's own.
  std::filesystem::path CopyOf(const std::filesystem::path& disk, const std::string& name) {
    const std::filesystem::path path = work_ / name;
    dt::CopyDiskFile(disk, path);
    return path;
  }

  static uint64_t FooterOffset(const std::filesystem::path& path) {
    return std::filesystem::file_size(path) - kVhdFooterSize;
  }

  static Result<DiskInfo> Inspect(const std::filesystem::path& path) {
    Result<DiskFile> file = DiskFile::Open(path);
    if (!file.ok()) return file.error();
    return InspectVhd(*file);
  }

  // Recomputes the checksum of the footer at the end and of its copy at offset 0.
  static void ResealFooters(const std::filesystem::path& path, std::vector<uint8_t> footer) {
    StoreBigEndian32(footer.data() + kVhdFooterChecksumOffset,
                     VhdChecksum(footer, kVhdFooterChecksumOffset));
    dt::WriteBytes(path, FooterOffset(path), footer);
    dt::WriteBytes(path, 0, footer);
  }

  static void ResealDynamicHeader(const std::filesystem::path& path, std::vector<uint8_t> header) {
    StoreBigEndian32(header.data() + kVhdDynamicHeaderChecksumOffset,
                     VhdChecksum(header, kVhdDynamicHeaderChecksumOffset));
    dt::WriteBytes(path, 512, header);
  }

  static std::string Quoted(const std::filesystem::path& path) { return "'" + path.string() + "'"; }

  static inline bool qemu_available_ = false;
  static inline std::unique_ptr<dt::TempDir> dir_;
  static inline std::filesystem::path dynamic_;
  static inline std::filesystem::path fixed_;
  dt::TempDir work_;
};

TEST_F(VhdImageTest, DynamicDiskMatchesQemu) {
  const std::filesystem::path disk = CopyOf(dynamic_, "x.vhd");
  ASSERT_TRUE(dt::RunOrFail("qemu-io -f vpc -c 'write -P 0xab 1M 2M' " + dt::Quote(disk)));
  Result<DiskInfo> info = Inspect(disk);
  ASSERT_TRUE(info.ok()) << info.error().ToString();
  EXPECT_EQ(info->format, DiskFormat::kVhdDynamic);
  EXPECT_EQ(info->virtual_size_bytes, dt::QemuVirtualSize(disk, "vpc"));
  EXPECT_EQ(info->file_size_bytes, std::filesystem::file_size(disk));
  EXPECT_EQ(info->identifier,
            LoadGuidInStoredOrder(dt::ReadBytes(disk, FooterOffset(disk) + 68, 16).data()));
  EXPECT_FALSE(info->identifier.IsNull());
  EXPECT_FALSE(info->has_parent);
  EXPECT_EQ(info->parent_path_hint, "");
}

TEST_F(VhdImageTest, FixedDiskMatchesQemu) {
  Result<DiskInfo> info = Inspect(fixed_);
  ASSERT_TRUE(info.ok()) << info.error().ToString();
  EXPECT_EQ(info->format, DiskFormat::kVhdFixed);
  EXPECT_EQ(info->virtual_size_bytes, 64u << 20);
  EXPECT_EQ(info->virtual_size_bytes, dt::QemuVirtualSize(fixed_, "vpc"));
  EXPECT_EQ(info->file_size_bytes, (64u << 20) + 512);
  EXPECT_FALSE(info->has_parent);
}

TEST_F(VhdImageTest, CorruptFooterChecksumIsNamed) {
  const std::filesystem::path disk = CopyOf(dynamic_, "bad_checksum.vhd");
  std::vector<uint8_t> footer = dt::ReadBytes(disk, FooterOffset(disk), kVhdFooterSize);
  const uint32_t stored = LoadBigEndian32(footer.data() + kVhdFooterChecksumOffset);
  footer[100] ^= 0x5A;  // a reserved byte: only the checksum notices
  dt::WriteBytes(disk, FooterOffset(disk), footer);
  Result<DiskInfo> info = Inspect(disk);
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.error().code(), ReturnCode::kInvalidParameter);
  EXPECT_EQ(info.error().message(),
            fmt::format("{} is not a valid VHD: footer checksum is {:#010x}, expected {:#010x}; "
                        "the footer at offset {} is damaged",
                        Quoted(disk), stored, VhdChecksum(footer, kVhdFooterChecksumOffset),
                        FooterOffset(disk)));
}

TEST_F(VhdImageTest, BadCookieIsNamed) {
  const std::filesystem::path disk = CopyOf(fixed_, "bad_cookie.vhd");
  dt::WriteBytes(disk, FooterOffset(disk), std::vector<uint8_t>(8, 'X'));
  Result<DiskInfo> info = Inspect(disk);
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.error().code(), ReturnCode::kInvalidParameter);
  EXPECT_THAT(info.error().message(),
              HasSubstr(Quoted(disk) + " is not a valid VHD: footer cookie at offset 67108864 is "
                                       "'XXXXXXXX', expected 'conectix'"));
}

TEST_F(VhdImageTest, TruncatedDynamicDiskHasNoFooter) {
  const std::filesystem::path disk = CopyOf(dynamic_, "truncated.vhd");
  std::filesystem::resize_file(disk, 8192);
  Result<DiskInfo> info = Inspect(disk);
  ASSERT_FALSE(info.ok());
  EXPECT_THAT(info.error().message(),
              HasSubstr("footer cookie at offset 7680 is 0x0000000000000000, expected "
                        "'conectix'; the file is truncated or is not a VHD"));
}

TEST_F(VhdImageTest, TruncatedFixedDiskIsMissingData) {
  const std::filesystem::path disk = CopyOf(fixed_, "short.vhd");
  const std::vector<uint8_t> footer = dt::ReadBytes(disk, FooterOffset(disk), kVhdFooterSize);
  std::filesystem::resize_file(disk, 1 << 20);
  dt::WriteBytes(disk, 1 << 20, footer);
  Result<DiskInfo> info = Inspect(disk);
  ASSERT_FALSE(info.ok());
  EXPECT_THAT(info.error().message(),
              HasSubstr("fixed disk holds 1048576 bytes of data but its footer says the virtual "
                        "size is 67108864 bytes; the file is truncated"));
}

TEST_F(VhdImageTest, TinyFileIsTooSmallForAFooter) {
  const std::filesystem::path disk = work_ / "tiny.vhd";
  dt::WriteText(disk, "conectix");
  EXPECT_THAT(Inspect(disk).error().message(),
              HasSubstr("file is 8 bytes, smaller than the 512-byte footer"));
}

TEST_F(VhdImageTest, CorruptDynamicHeaderChecksumIsNamed) {
  const std::filesystem::path disk = CopyOf(dynamic_, "bad_header.vhd");
  dt::WriteBytes(disk, 512 + 900, std::vector<uint8_t>{0x77});
  EXPECT_THAT(Inspect(disk).error().message(),
              HasSubstr("is not a valid VHD: dynamic header checksum is 0x"));
}

TEST_F(VhdImageTest, BatOutsideTheFileIsNamed) {
  const std::filesystem::path disk = CopyOf(dynamic_, "bat_outside.vhd");
  std::vector<uint8_t> header = dt::ReadBytes(disk, 512, kVhdDynamicHeaderSize);
  StoreBigEndian32(header.data() + 16, 0x100);  // table offset 1 TiB
  StoreBigEndian32(header.data() + 20, 0);
  ResealDynamicHeader(disk, header);
  Result<DiskInfo> info = Inspect(disk);
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.error().code(), ReturnCode::kInvalidParameter);
  EXPECT_THAT(info.error().message(),
              HasSubstr("is not a valid VHD: BAT at offset 1099511627776 ("));
  EXPECT_THAT(info.error().message(), HasSubstr("lies beyond the end of the data"));
}

TEST_F(VhdImageTest, BatTooSmallForTheVirtualSizeIsNamed) {
  const std::filesystem::path disk = CopyOf(dynamic_, "bat_small.vhd");
  std::vector<uint8_t> header = dt::ReadBytes(disk, 512, kVhdDynamicHeaderSize);
  StoreBigEndian32(header.data() + 28, 2);
  ResealDynamicHeader(disk, header);
  EXPECT_THAT(Inspect(disk).error().message(),
              HasSubstr(fmt::format("BAT has 2 entries of 2097152-byte blocks, fewer than the {} "
                                    "bytes of the virtual size need",
                                    *dt::QemuVirtualSize(dynamic_, "vpc"))));
}

TEST_F(VhdImageTest, BatEntryOutsideTheFileIsNamed) {
  const std::filesystem::path disk = CopyOf(dynamic_, "block_outside.vhd");
  const std::vector<uint8_t> header = dt::ReadBytes(disk, 512, kVhdDynamicHeaderSize);
  const uint64_t table_offset = LoadBigEndian64(header.data() + 16);
  dt::WriteBytes(disk, table_offset + 4 * 3, std::vector<uint8_t>{0x00, 0x10, 0x00, 0x00});
  EXPECT_THAT(Inspect(disk).error().message(),
              HasSubstr("BAT entry 3 points to a block at offset 536870912 (2097664 bytes with "
                        "its bitmap) outside the data"));
}

TEST_F(VhdImageTest, AbsurdFooterSizeIsNamed) {
  const std::filesystem::path disk = CopyOf(dynamic_, "huge.vhd");
  std::vector<uint8_t> footer = dt::ReadBytes(disk, FooterOffset(disk), kVhdFooterSize);
  StoreBigEndian32(footer.data() + 48, 0x00100000);  // 2^52 bytes
  StoreBigEndian32(footer.data() + 52, 0);
  ResealFooters(disk, footer);
  EXPECT_THAT(Inspect(disk).error().message(),
              HasSubstr("footer current size is 4503599627370496 bytes, more than the"));
}

// qemu cannot create differencing VHDs, so one is made from a dynamic disk: type 4, a parent
// name, and optionally a W2ru locator whose data replaces the old footer position.
class DifferencingVhdTest : public VhdImageTest {
 protected:
  std::filesystem::path MakeDifferencing(const std::string& parent_name,
                                         const std::string& relative_locator) {
    const std::filesystem::path disk = CopyOf(dynamic_, "child.avhd");
    std::vector<uint8_t> footer = dt::ReadBytes(disk, FooterOffset(disk), kVhdFooterSize);
    std::vector<uint8_t> header = dt::ReadBytes(disk, 512, kVhdDynamicHeaderSize);
    for (size_t i = 0; i < parent_name.size(); ++i) header[64 + 2 * i + 1] = parent_name[i];
    if (!relative_locator.empty()) {
      const uint64_t data_offset = FooterOffset(disk);
      std::vector<uint8_t> data = dt::Utf16Le(relative_locator);
      data.resize(512);
      dt::WriteBytes(disk, data_offset, data);
      uint8_t* locator = header.data() + 576 + 24 * 2;
      StoreBigEndian32(locator, kVhdLocatorW2ru);
      StoreBigEndian32(locator + 4, 1);
      StoreBigEndian32(locator + 8, static_cast<uint32_t>(2 * relative_locator.size()));
      StoreBigEndian32(locator + 16, static_cast<uint32_t>(data_offset >> 32));
      StoreBigEndian32(locator + 20, static_cast<uint32_t>(data_offset));
      std::filesystem::resize_file(disk, data_offset + 512 + kVhdFooterSize);
    }
    ResealDynamicHeader(disk, header);
    StoreBigEndian32(footer.data() + 60, 4);
    ResealFooters(disk, footer);
    return disk;
  }
};

TEST_F(DifferencingVhdTest, ParentNameIsTheHintWithoutLocators) {
  Result<DiskInfo> info = Inspect(MakeDifferencing("base.vhd", ""));
  ASSERT_TRUE(info.ok()) << info.error().ToString();
  EXPECT_EQ(info->format, DiskFormat::kVhdDifferencing);
  EXPECT_TRUE(info->has_parent);
  EXPECT_EQ(info->parent_path_hint, "base.vhd");
}

TEST_F(DifferencingVhdTest, RelativeLocatorIsPreferred) {
  Result<DiskInfo> info = Inspect(MakeDifferencing("base.vhd", ".\\disks\\base.vhd"));
  ASSERT_TRUE(info.ok()) << info.error().ToString();
  EXPECT_EQ(info->format, DiskFormat::kVhdDifferencing);
  EXPECT_EQ(info->parent_path_hint, ".\\disks\\base.vhd");
}

TEST_F(DifferencingVhdTest, NoParentAtAllIsAnError) {
  Result<DiskInfo> info = Inspect(MakeDifferencing("", ""));
  ASSERT_FALSE(info.ok());
  EXPECT_THAT(info.error().message(),
              HasSubstr("differencing disk names no parent (empty parent name and no W2ru or "
                        "W2ku parent locator)"));
}

}  // namespace
}  // namespace vsm::disk
