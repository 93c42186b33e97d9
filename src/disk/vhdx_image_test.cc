// InspectVhdx on real disks made by qemu-img, pristine and corrupted byte by byte.
#include "disk/vhdx_image.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <memory>

#include "disk/byte_order.h"
#include "disk/crc32c.h"
#include "disk/disk_test_util.h"
#include "disk/vhdx_header.h"
#include "disk/vhdx_metadata.h"
#include "disk/vhdx_region_table.h"

namespace vsm::disk {
namespace {

using ::testing::HasSubstr;
namespace dt = disk_testing;

// Where qemu-img 7.x lays out a new VHDX (checked by the fixture).
constexpr uint64_t kQemuBatOffset = 2 << 20;
constexpr uint64_t kQemuMetadataOffset = 3 << 20;

class VhdxImageTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    qemu_available_ = dt::QemuToolsAvailable();
    if (!qemu_available_) return;
    dir_ = std::make_unique<dt::TempDir>();
    dynamic_ = dt::CreateQemuDisk(*dir_, "dynamic.vhdx", "-f vhdx -o subformat=dynamic", "64M");
    dt::RunOrFail("qemu-io -f vhdx -c 'write -P 0xab 1M 2M' " + dt::Quote(dynamic_));
    fixed_ = dt::CreateQemuDisk(*dir_, "fixed.vhdx", "-f vhdx -o subformat=fixed", "32M");
  }
  static void TearDownTestSuite() { dir_.reset(); }

  void SetUp() override {
    if (!qemu_available_) GTEST_SKIP() << "qemu-img/qemu-io are not installed (qemu-utils)";
    ASSERT_EQ(dt::ReadBytes(dynamic_, kQemuMetadataOffset, 8),
              std::vector<uint8_t>({'m', 'e', 't', 'a', 'd', 'a', 't', 'a'}))
        << "qemu-img changed its VHDX layout; update kQemuMetadataOffset";
  }

  std::filesystem::path CopyOf(const std::filesystem::path& disk, const std::string& name) {
    const std::filesystem::path path = work_ / name;
    dt::CopyDiskFile(disk, path);
    return path;
  }

  static Result<DiskInfo> Inspect(const std::filesystem::path& path) {
    Result<DiskFile> file = DiskFile::Open(path);
    if (!file.ok()) return file.error();
    return InspectVhdx(*file);
  }

  // The offset inside the metadata region of the item `id`, found in qemu's metadata table.
  static uint32_t ItemOffset(const std::filesystem::path& disk, const Guid& id) {
    const std::vector<uint8_t> table = dt::ReadBytes(disk, kQemuMetadataOffset, 32 * 8);
    for (int i = 1; i < 8; ++i) {
      if (LoadGuidMixedEndian(table.data() + 32 * i) == id) {
        return LoadLittleEndian32(table.data() + 32 * i + 16);
      }
    }
    ADD_FAILURE() << "no metadata item " << id.ToString();
    return 0;
  }

  static void EditHeader(const std::filesystem::path& disk, uint64_t offset,
                         const std::function<void(std::vector<uint8_t>&)>& edit) {
    std::vector<uint8_t> header = dt::ReadBytes(disk, offset, kVhdxHeaderSize);
    edit(header);
    StoreLittleEndian32(header.data() + kVhdxHeaderChecksumOffset,
                        Crc32cWithZeroedField(header, kVhdxHeaderChecksumOffset));
    dt::WriteBytes(disk, offset, header);
  }

  static void EditRegionTables(const std::filesystem::path& disk,
                               const std::function<void(std::vector<uint8_t>&)>& edit) {
    for (uint64_t offset : {kVhdxRegionTable1Offset, kVhdxRegionTable2Offset}) {
      std::vector<uint8_t> table = dt::ReadBytes(disk, offset, kVhdxRegionTableSize);
      edit(table);
      StoreLittleEndian32(table.data() + kVhdxRegionTableChecksumOffset,
                          Crc32cWithZeroedField(table, kVhdxRegionTableChecksumOffset));
      dt::WriteBytes(disk, offset, table);
    }
  }

  static void WriteItem(const std::filesystem::path& disk, const Guid& id,
                        std::span<const uint8_t> bytes) {
    dt::WriteBytes(disk, kQemuMetadataOffset + ItemOffset(disk, id), bytes);
  }

  static std::vector<uint8_t> Le64(uint64_t value) {
    std::vector<uint8_t> bytes(8);
    StoreLittleEndian32(bytes.data(), static_cast<uint32_t>(value));
    StoreLittleEndian32(bytes.data() + 4, static_cast<uint32_t>(value >> 32));
    return bytes;
  }

  static std::string Quoted(const std::filesystem::path& path) { return "'" + path.string() + "'"; }

  static inline bool qemu_available_ = false;
  static inline std::unique_ptr<dt::TempDir> dir_;
  static inline std::filesystem::path dynamic_;
  static inline std::filesystem::path fixed_;
  dt::TempDir work_;
};

TEST_F(VhdxImageTest, DynamicDiskMatchesQemu) {
  Result<DiskInfo> info = Inspect(dynamic_);
  ASSERT_TRUE(info.ok()) << info.error().ToString();
  EXPECT_EQ(info->format, DiskFormat::kVhdxDynamic);
  EXPECT_EQ(info->virtual_size_bytes, 64u << 20);
  EXPECT_EQ(info->virtual_size_bytes, dt::QemuVirtualSize(dynamic_, "vhdx"));
  EXPECT_EQ(info->file_size_bytes, std::filesystem::file_size(dynamic_));
  EXPECT_FALSE(info->has_parent);
  // The virtual disk id as Windows shows it: the first three fields are little-endian on disk.
  const std::vector<uint8_t> raw = dt::ReadBytes(
      dynamic_, kQemuMetadataOffset + ItemOffset(dynamic_, VhdxVirtualDiskIdGuid()), 16);
  EXPECT_EQ(info->identifier.ToString(),
            fmt::format("{:02X}{:02X}{:02X}{:02X}-{:02X}{:02X}-{:02X}{:02X}-{:02X}{:02X}-"
                        "{:02X}{:02X}{:02X}{:02X}{:02X}{:02X}",
                        raw[3], raw[2], raw[1], raw[0], raw[5], raw[4], raw[7], raw[6], raw[8],
                        raw[9], raw[10], raw[11], raw[12], raw[13], raw[14], raw[15]));
}

TEST_F(VhdxImageTest, FixedDiskMatchesQemu) {
  Result<DiskInfo> info = Inspect(fixed_);
  ASSERT_TRUE(info.ok()) << info.error().ToString();
  EXPECT_EQ(info->format, DiskFormat::kVhdxFixed);
  EXPECT_EQ(info->virtual_size_bytes, 32u << 20);
  EXPECT_EQ(info->virtual_size_bytes, dt::QemuVirtualSize(fixed_, "vhdx"));
  EXPECT_FALSE(info->identifier.IsNull());
}

TEST_F(VhdxImageTest, OneDamagedHeaderIsToleratedEitherCopy) {
  for (uint64_t offset : {kVhdxHeader1Offset, kVhdxHeader2Offset}) {
    const std::filesystem::path disk = CopyOf(dynamic_, fmt::format("h{}.vhdx", offset));
    dt::WriteBytes(disk, offset + 1000, std::vector<uint8_t>{0xEE});
    Result<DiskInfo> info = Inspect(disk);
    ASSERT_TRUE(info.ok()) << info.error().ToString();
    EXPECT_EQ(info->format, DiskFormat::kVhdxDynamic);
    EXPECT_EQ(info->virtual_size_bytes, 64u << 20);
  }
}

TEST_F(VhdxImageTest, BothHeadersDamagedIsAnError) {
  const std::filesystem::path disk = CopyOf(dynamic_, "headers.vhdx");
  dt::WriteBytes(disk, kVhdxHeader1Offset + 1000, std::vector<uint8_t>{0xEE});
  dt::WriteBytes(disk, kVhdxHeader2Offset, std::vector<uint8_t>{'H'});
  Result<DiskInfo> info = Inspect(disk);
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.error().code(), ReturnCode::kInvalidParameter);
  EXPECT_THAT(info.error().message(),
              HasSubstr(Quoted(disk) + " is not a valid VHDX: both headers are damaged (header 1 "
                                       "at offset 65536: checksum is 0x"));
  EXPECT_THAT(info.error().message(),
              HasSubstr("; header 2 at offset 131072: signature is 'Head', expected 'head')"));
}

TEST_F(VhdxImageTest, PendingLogNeedsReplay) {
  const std::filesystem::path disk = CopyOf(dynamic_, "log.vhdx");
  for (uint64_t offset : {kVhdxHeader1Offset, kVhdxHeader2Offset}) {
    EditHeader(disk, offset, [](std::vector<uint8_t>& header) {
      StoreGuidMixedEndian(header.data() + 48,
                           *Guid::Parse("0F0E0D0C-0B0A-0908-0706-050403020100"));
    });
  }
  Result<DiskInfo> info = Inspect(disk);
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.error().message(),
            Quoted(disk) +
                " needs log replay (its header's LogGuid is "
                "0F0E0D0C-0B0A-0908-0706-050403020100); open it once in Hyper-V or "
                "run qemu-img check -r all");
}

TEST_F(VhdxImageTest, FirstRegionTableDamagedUsesTheSecond) {
  const std::filesystem::path disk = CopyOf(dynamic_, "regi1.vhdx");
  dt::WriteBytes(disk, kVhdxRegionTable1Offset + 40, std::vector<uint8_t>{0x01});
  Result<DiskInfo> info = Inspect(disk);
  ASSERT_TRUE(info.ok()) << info.error().ToString();
}

TEST_F(VhdxImageTest, BothRegionTablesDamagedIsAnError) {
  const std::filesystem::path disk = CopyOf(dynamic_, "regi.vhdx");
  dt::WriteBytes(disk, kVhdxRegionTable1Offset + 40, std::vector<uint8_t>{0x01});
  dt::WriteBytes(disk, kVhdxRegionTable2Offset, std::vector<uint8_t>(4, 0));
  Result<DiskInfo> info = Inspect(disk);
  ASSERT_FALSE(info.ok());
  EXPECT_THAT(info.error().message(),
              HasSubstr(Quoted(disk) + " is not a valid VHDX: both region tables are damaged "
                                       "(region table 1 at offset 196608: checksum is 0x"));
  EXPECT_THAT(info.error().message(),
              HasSubstr("; region table 2 at offset 262144: signature is 0x00000000, expected "
                        "'regi')"));
}

TEST_F(VhdxImageTest, BatRegionOutsideTheFileIsNamed) {
  const std::filesystem::path disk = CopyOf(dynamic_, "bat_region.vhdx");
  EditRegionTables(disk, [](std::vector<uint8_t>& table) {
    for (int i = 0; i < 2; ++i) {
      uint8_t* entry = table.data() + 16 + 32 * i;
      if (LoadGuidMixedEndian(entry) == VhdxBatRegionGuid())
        StoreLittleEndian32(entry + 16, 1u << 30);
    }
  });
  EXPECT_THAT(Inspect(disk).error().message(),
              HasSubstr("is not a valid VHDX: BAT region at offset 1073741824 (1048576 bytes) "
                        "lies beyond the end of the file (16777216 bytes)"));
}

TEST_F(VhdxImageTest, TruncatedDisksAreNamed) {
  const std::filesystem::path tiny = CopyOf(dynamic_, "tiny.vhdx");
  std::filesystem::resize_file(tiny, 100 * 1024);
  EXPECT_THAT(Inspect(tiny).error().message(),
              HasSubstr("file is 102400 bytes, smaller than the 1 MiB header section; the file "
                        "is truncated"));

  const std::filesystem::path no_metadata = CopyOf(dynamic_, "no_metadata.vhdx");
  std::filesystem::resize_file(no_metadata, 3670016);
  EXPECT_THAT(Inspect(no_metadata).error().message(),
              HasSubstr("metadata region at offset 3145728 (1048576 bytes) lies beyond the end "
                        "of the file (3670016 bytes)"));

  // qemu put the block written at 1M..3M (block 0, 8 MiB blocks) at 8 MiB.
  const std::filesystem::path no_block = CopyOf(dynamic_, "no_block.vhdx");
  std::filesystem::resize_file(no_block, 12 << 20);
  EXPECT_THAT(Inspect(no_block).error().message(),
              HasSubstr("BAT entry 0 points to a block at offset 8388608 (8388608 bytes) outside "
                        "the file (12582912 bytes)"));
}

TEST_F(VhdxImageTest, InvalidBatStateIsNamed) {
  const std::filesystem::path disk = CopyOf(dynamic_, "bat_state.vhdx");
  dt::WriteBytes(disk, kQemuBatOffset + 8 * 2, std::vector<uint8_t>{0x05});
  EXPECT_THAT(Inspect(disk).error().message(),
              HasSubstr("BAT entry 2 has state 5, expected 0, 1, 2, 3 or 6"));
}

TEST_F(VhdxImageTest, AbsurdMetadataValuesAreNamed) {
  const std::filesystem::path huge = CopyOf(dynamic_, "huge.vhdx");
  WriteItem(huge, VhdxVirtualDiskSizeGuid(), Le64(uint64_t{1} << 60));
  EXPECT_THAT(Inspect(huge).error().message(),
              HasSubstr("metadata virtual disk size is 1152921504606846976 bytes, expected a "
                        "non-zero multiple of the 512-byte logical sector of at most 64 TiB"));

  const std::filesystem::path big = CopyOf(dynamic_, "big.vhdx");
  WriteItem(big, VhdxVirtualDiskSizeGuid(), Le64(uint64_t{60} << 40));
  // 7864320 payload blocks plus one sector bitmap entry per 512 (the chunk ratio).
  EXPECT_THAT(Inspect(big).error().message(),
              HasSubstr("BAT region is 1048576 bytes, too small for the 7879679 entries a "
                        "65970697666560-byte disk with 8388608-byte blocks needs"));

  const std::filesystem::path block = CopyOf(dynamic_, "block.vhdx");
  WriteItem(block, VhdxFileParametersGuid(), std::vector<uint8_t>{0x00, 0x00, 0x30, 0x00});
  EXPECT_THAT(Inspect(block).error().message(),
              HasSubstr("metadata block size is 3145728 bytes, expected a power of two from 1 "
                        "MiB to 256 MiB"));

  const std::filesystem::path sector = CopyOf(dynamic_, "sector.vhdx");
  WriteItem(sector, VhdxLogicalSectorSizeGuid(), std::vector<uint8_t>{0x00, 0x04, 0x00, 0x00});
  EXPECT_THAT(Inspect(sector).error().message(),
              HasSubstr("metadata logical sector size is 1024 bytes, expected 512 or 4096"));
}

TEST_F(VhdxImageTest, MissingMetadataItemIsNamed) {
  const std::filesystem::path disk = CopyOf(dynamic_, "no_id.vhdx");
  const std::vector<uint8_t> table = dt::ReadBytes(disk, kQemuMetadataOffset, 32 * 8);
  for (int i = 1; i < 8; ++i) {
    if (LoadGuidMixedEndian(table.data() + 32 * i) == VhdxVirtualDiskIdGuid()) {
      std::vector<uint8_t> other(16, 0x42);
      dt::WriteBytes(disk, kQemuMetadataOffset + 32 * i, other);
      dt::WriteBytes(disk, kQemuMetadataOffset + 32 * i + 24, std::vector<uint8_t>{0});
    }
  }
  EXPECT_THAT(Inspect(disk).error().message(),
              HasSubstr("metadata item virtual disk id (BECA12AB-B2E6-4523-93EF-C309E000C746) is "
                        "missing"));
}

// qemu cannot create differencing VHDX files, so one is made from a dynamic disk: the HasParent
// bit and a parent locator item appended to the metadata table (which has no checksum).
class DifferencingVhdxTest : public VhdxImageTest {
 protected:
  std::filesystem::path MakeDifferencing(
      const std::vector<std::pair<std::string, std::string>>& entries) {
    const std::filesystem::path disk = CopyOf(dynamic_, "child.avhdx");
    std::vector<uint8_t> parameters(8);
    StoreLittleEndian32(parameters.data(), 8 << 20);
    StoreLittleEndian32(parameters.data() + 4, 2);  // HasParent
    WriteItem(disk, VhdxFileParametersGuid(), parameters);
    const std::vector<uint8_t> item =
        dt::MakeVhdxParentLocator(VhdxParentLocatorTypeGuid(), entries);
    constexpr uint32_t kItemOffset = 0x20000;
    dt::WriteBytes(disk, kQemuMetadataOffset + kItemOffset, item);
    std::vector<uint8_t> header = dt::ReadBytes(disk, kQemuMetadataOffset, 32);
    const uint16_t count = LoadLittleEndian16(header.data() + 10);
    std::vector<uint8_t> entry(32);
    StoreGuidMixedEndian(entry.data(), VhdxParentLocatorGuid());
    StoreLittleEndian32(entry.data() + 16, kItemOffset);
    StoreLittleEndian32(entry.data() + 20, static_cast<uint32_t>(item.size()));
    StoreLittleEndian32(entry.data() + 24, 4);  // IsRequired
    dt::WriteBytes(disk, kQemuMetadataOffset + 32 + 32 * count, entry);
    dt::WriteBytes(disk, kQemuMetadataOffset + 10, std::vector<uint8_t>{uint8_t(count + 1)});
    return disk;
  }
};

TEST_F(DifferencingVhdxTest, RelativePathIsPreferred) {
  Result<DiskInfo> info = Inspect(MakeDifferencing({{"parent_linkage", "{0}"},
                                                    {"absolute_win32_path", "C:\\VMs\\base.vhdx"},
                                                    {"relative_path", "..\\base.vhdx"}}));
  ASSERT_TRUE(info.ok()) << info.error().ToString();
  EXPECT_EQ(info->format, DiskFormat::kVhdxDifferencing);
  EXPECT_TRUE(info->has_parent);
  EXPECT_EQ(info->parent_path_hint, "..\\base.vhdx");
}

TEST_F(DifferencingVhdxTest, AbsolutePathWhenNoRelativeOne) {
  Result<DiskInfo> info =
      Inspect(MakeDifferencing({{"parent_linkage", "{0}"}, {"absolute_win32_path", "C:\\b.vhdx"}}));
  ASSERT_TRUE(info.ok()) << info.error().ToString();
  EXPECT_EQ(info->parent_path_hint, "C:\\b.vhdx");
}

TEST_F(DifferencingVhdxTest, LocatorWithoutPathsOrLinkageIsAnError) {
  EXPECT_THAT(Inspect(MakeDifferencing({{"parent_linkage", "{0}"}})).error().message(),
              HasSubstr("parent locator has no relative_path, absolute_win32_path or "
                        "volume_path"));
  EXPECT_THAT(Inspect(MakeDifferencing({{"relative_path", "b.vhdx"}})).error().message(),
              HasSubstr("is not a valid VHDX: parent locator: the required key 'parent_linkage' "
                        "is missing"));
}

}  // namespace
}  // namespace vsm::disk
