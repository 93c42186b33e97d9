#include "disk/vhdx_region_table.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "disk/byte_order.h"
#include "disk/crc32c.h"

namespace vsm::disk {
namespace {

using ::testing::HasSubstr;

void Reseal(std::vector<uint8_t>& table) {
  StoreLittleEndian32(table.data() + kVhdxRegionTableChecksumOffset,
                      Crc32cWithZeroedField(table, kVhdxRegionTableChecksumOffset));
}

void SetEntry(std::vector<uint8_t>& table, int index, const Guid& guid, uint32_t offset_mib,
              uint32_t length_mib, bool required) {
  uint8_t* entry = table.data() + 16 + 32 * index;
  StoreGuidMixedEndian(entry, guid);
  StoreLittleEndian32(entry + 16, offset_mib << 20);
  StoreLittleEndian32(entry + 20, 0);
  StoreLittleEndian32(entry + 24, length_mib << 20);
  StoreLittleEndian32(entry + 28, required ? 1 : 0);
  StoreLittleEndian32(table.data() + 8,
                      std::max<uint32_t>(LoadLittleEndian32(table.data() + 8), index + 1));
}

std::vector<uint8_t> MakeTable() {
  std::vector<uint8_t> table(kVhdxRegionTableSize);
  std::memcpy(table.data(), "regi", 4);
  SetEntry(table, 0, VhdxBatRegionGuid(), 2, 1, true);
  SetEntry(table, 1, VhdxMetadataRegionGuid(), 3, 1, true);
  Reseal(table);
  return table;
}

TEST(ParseVhdxRegionTableTest, FindsBatAndMetadata) {
  Result<VhdxRegionTable> table = ParseVhdxRegionTable(MakeTable(), kVhdxRegionTable1Offset);
  ASSERT_TRUE(table.ok()) << table.error().ToString();
  ASSERT_EQ(table->entries.size(), 2u);
  EXPECT_EQ(table->Find(VhdxBatRegionGuid())->file_offset, 2u << 20);
  EXPECT_EQ(table->Find(VhdxMetadataRegionGuid())->length_bytes, 1u << 20);
  EXPECT_TRUE(table->Find(VhdxMetadataRegionGuid())->required);
}

TEST(ParseVhdxRegionTableTest, RejectsBadSignatureAndChecksum) {
  std::vector<uint8_t> table = MakeTable();
  table[3] = 'x';
  EXPECT_EQ(ParseVhdxRegionTable(table, kVhdxRegionTable2Offset).error().message(),
            "region table 2 at offset 262144: signature is 'regx', expected 'regi'");
  table = MakeTable();
  table[60000] = 1;
  EXPECT_THAT(ParseVhdxRegionTable(table, kVhdxRegionTable1Offset).error().message(),
              HasSubstr("region table 1 at offset 196608: checksum is 0x"));
}

TEST(ParseVhdxRegionTableTest, RejectsTooManyEntries) {
  std::vector<uint8_t> table = MakeTable();
  StoreLittleEndian32(table.data() + 8, 5000);
  Reseal(table);
  EXPECT_THAT(ParseVhdxRegionTable(table, kVhdxRegionTable1Offset).error().message(),
              HasSubstr("entry count is 5000, more than the 2047 allowed"));
}

TEST(ParseVhdxRegionTableTest, RejectsUnknownRequiredRegionButSkipsOptionalOnes) {
  std::vector<uint8_t> table = MakeTable();
  SetEntry(table, 2, *Guid::Parse("01234567-89AB-CDEF-0123-456789ABCDEF"), 5, 1, false);
  Reseal(table);
  EXPECT_TRUE(ParseVhdxRegionTable(table, kVhdxRegionTable1Offset).ok());
  SetEntry(table, 2, *Guid::Parse("01234567-89AB-CDEF-0123-456789ABCDEF"), 5, 1, true);
  Reseal(table);
  EXPECT_THAT(ParseVhdxRegionTable(table, kVhdxRegionTable1Offset).error().message(),
              HasSubstr("region 01234567-89AB-CDEF-0123-456789ABCDEF is marked required"));
}

TEST(ParseVhdxRegionTableTest, RejectsMisalignedOrEmptyRegionsAndMissingOnes) {
  std::vector<uint8_t> table = MakeTable();
  StoreLittleEndian32(table.data() + 16 + 16, (2u << 20) + 4096);
  Reseal(table);
  EXPECT_THAT(ParseVhdxRegionTable(table, kVhdxRegionTable1Offset).error().message(),
              HasSubstr("has offset 2101248 and length 1048576, expected non-zero multiples"));
  table = MakeTable();
  StoreLittleEndian32(table.data() + 8, 1);
  Reseal(table);
  EXPECT_THAT(ParseVhdxRegionTable(table, kVhdxRegionTable1Offset).error().message(),
              HasSubstr("no metadata region (8B7CA206-4790-4B9A-B8FE-575F050F886E)"));
}

}  // namespace
}  // namespace vsm::disk
