#include "disk/vhdx_metadata.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "disk/byte_order.h"
#include "disk/disk_test_util.h"

namespace vsm::disk {
namespace {

using disk_testing::MakeVhdxParentLocator;
using ::testing::HasSubstr;

constexpr uint64_t kRegionLength = 1 << 20;

void SetEntry(std::vector<uint8_t>& table, int index, const Guid& id, uint32_t offset,
              uint32_t length, uint32_t flags) {
  uint8_t* entry = table.data() + 32 + 32 * index;
  StoreGuidMixedEndian(entry, id);
  StoreLittleEndian32(entry + 16, offset);
  StoreLittleEndian32(entry + 20, length);
  StoreLittleEndian32(entry + 24, flags);
  if (table[10] < index + 1) table[10] = static_cast<uint8_t>(index + 1);
}

std::vector<uint8_t> MakeTable() {
  std::vector<uint8_t> table(kVhdxMetadataTableSize);
  std::memcpy(table.data(), "metadata", 8);
  SetEntry(table, 0, VhdxFileParametersGuid(), 0x10000, 8, 4);
  SetEntry(table, 1, VhdxVirtualDiskSizeGuid(), 0x10008, 8, 6);
  return table;
}

TEST(VhdxMetadataGuidsTest, AreTheSpecificationsGuids) {
  EXPECT_EQ(VhdxFileParametersGuid().ToString(), "CAA16737-FA36-4D43-B3B6-33F0AA44E76B");
  EXPECT_EQ(VhdxVirtualDiskSizeGuid().ToString(), "2FA54224-CD1B-4876-B211-5DBED83BF4B8");
  EXPECT_EQ(VhdxVirtualDiskIdGuid().ToString(), "BECA12AB-B2E6-4523-93EF-C309E000C746");
  EXPECT_EQ(VhdxLogicalSectorSizeGuid().ToString(), "8141BF1D-A96F-4709-BA47-F233A8FAAB5F");
  EXPECT_EQ(VhdxPhysicalSectorSizeGuid().ToString(), "CDA348C7-445D-4471-9CC9-E9885251C556");
  EXPECT_EQ(VhdxParentLocatorGuid().ToString(), "A8D35F2D-B30B-454D-ABF7-D3D84834AB0C");
}

TEST(ParseVhdxMetadataTableTest, ParsesEntriesAndFlags) {
  Result<std::vector<VhdxMetadataEntry>> entries =
      ParseVhdxMetadataTable(MakeTable(), kRegionLength);
  ASSERT_TRUE(entries.ok()) << entries.error().ToString();
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[1].item_id, VhdxVirtualDiskSizeGuid());
  EXPECT_EQ((*entries)[1].offset, 0x10008u);
  EXPECT_TRUE((*entries)[1].is_virtual_disk);
  EXPECT_TRUE((*entries)[1].is_required);
  EXPECT_FALSE((*entries)[0].is_virtual_disk);
}

TEST(ParseVhdxMetadataTableTest, RejectsBadSignatureAndCounts) {
  std::vector<uint8_t> table = MakeTable();
  std::memcpy(table.data(), "metadatx", 8);
  EXPECT_EQ(ParseVhdxMetadataTable(table, kRegionLength).error().message(),
            "metadata table: signature is 'metadatx', expected 'metadata'");
  table = MakeTable();
  StoreLittleEndian32(table.data() + 8, 0x0FFF0000);  // entry count 4095
  EXPECT_THAT(ParseVhdxMetadataTable(table, kRegionLength).error().message(),
              HasSubstr("entry count is 4095, more than the 2047 allowed"));
}

TEST(ParseVhdxMetadataTableTest, RejectsItemsOutsideTheRegion) {
  std::vector<uint8_t> table = MakeTable();
  SetEntry(table, 1, VhdxVirtualDiskSizeGuid(), 0x100, 8, 6);  // inside the table
  EXPECT_THAT(ParseVhdxMetadataTable(table, kRegionLength).error().message(),
              HasSubstr("item 2FA54224-CD1B-4876-B211-5DBED83BF4B8 at offset 256 (8 bytes) lies "
                        "outside the metadata region"));
  table = MakeTable();
  SetEntry(table, 1, VhdxVirtualDiskSizeGuid(), 0xFFFFFFFC, 8, 6);  // wraps in 32 bits
  EXPECT_THAT(ParseVhdxMetadataTable(table, kRegionLength).error().message(),
              HasSubstr("lies outside the metadata region"));
  table = MakeTable();
  SetEntry(table, 1, VhdxVirtualDiskSizeGuid(), 0x10000, 2u << 20, 6);
  EXPECT_THAT(ParseVhdxMetadataTable(table, kRegionLength).error().message(),
              HasSubstr("is 2097152 bytes, more than the 1048576 allowed"));
}

TEST(ParseVhdxMetadataTableTest, RejectsUnknownRequiredItems) {
  std::vector<uint8_t> table = MakeTable();
  SetEntry(table, 2, *Guid::Parse("01234567-89AB-CDEF-0123-456789ABCDEF"), 0x10100, 8, 4);
  EXPECT_THAT(ParseVhdxMetadataTable(table, kRegionLength).error().message(),
              HasSubstr("item 01234567-89AB-CDEF-0123-456789ABCDEF is marked required"));
  SetEntry(table, 2, *Guid::Parse("01234567-89AB-CDEF-0123-456789ABCDEF"), 0x10100, 8, 1);
  EXPECT_TRUE(ParseVhdxMetadataTable(table, kRegionLength).ok());
}

TEST(ParseVhdxParentLocatorTest, DecodesKeysAndValues) {
  Result<VhdxParentLocator> locator = ParseVhdxParentLocator(MakeVhdxParentLocator(
      VhdxParentLocatorTypeGuid(), {{"parent_linkage", "{83D6C1A6-0000-0000-0000-000000000000}"},
                                    {"relative_path", "..\\base.vhdx"},
                                    {"absolute_win32_path", "C:\\VMs\\base.vhdx"}}));
  ASSERT_TRUE(locator.ok()) << locator.error().ToString();
  EXPECT_EQ(locator->Find("relative_path"), "..\\base.vhdx");
  EXPECT_EQ(locator->Find("absolute_win32_path"), "C:\\VMs\\base.vhdx");
  EXPECT_EQ(locator->Find("volume_path"), std::nullopt);
}

TEST(ParseVhdxParentLocatorTest, RejectsWrongTypeMissingLinkageAndBadOffsets) {
  EXPECT_THAT(
      ParseVhdxParentLocator(MakeVhdxParentLocator(VhdxParentLocatorGuid(), {})).error().message(),
      HasSubstr("parent locator: type is A8D35F2D-B30B-454D-ABF7-D3D84834AB0C, expected "
                "B04AEFB7-D19E-4A81-B789-25B8E9445913"));
  EXPECT_EQ(ParseVhdxParentLocator(
                MakeVhdxParentLocator(VhdxParentLocatorTypeGuid(), {{"relative_path", "a"}}))
                .error()
                .message(),
            "parent locator: the required key 'parent_linkage' is missing");
  std::vector<uint8_t> item =
      MakeVhdxParentLocator(VhdxParentLocatorTypeGuid(), {{"parent_linkage", "x"}});
  StoreLittleEndian32(item.data() + 24, 0xFFFFFFF0);  // value offset
  EXPECT_THAT(ParseVhdxParentLocator(item).error().message(),
              HasSubstr("value of 'parent_linkage' at offset 4294967280 (2 bytes) lies outside"));
  item = MakeVhdxParentLocator(VhdxParentLocatorTypeGuid(), {{"parent_linkage", "x"}});
  item[18] = 200;
  EXPECT_THAT(ParseVhdxParentLocator(item).error().message(),
              HasSubstr("200 key/value entries do not fit"));
  EXPECT_THAT(ParseVhdxParentLocator(std::vector<uint8_t>(4)).error().message(),
              HasSubstr("item is 4 bytes, smaller than its 20-byte header"));
}

}  // namespace
}  // namespace vsm::disk
