#include "disk/vhd_footer.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "disk/byte_order.h"

namespace vsm::disk {
namespace {

using ::testing::HasSubstr;

void StoreBigEndian64(uint8_t* p, uint64_t value) {
  StoreBigEndian32(p, static_cast<uint32_t>(value >> 32));
  StoreBigEndian32(p + 4, static_cast<uint32_t>(value));
}

void Reseal(std::vector<uint8_t>& footer) {
  StoreBigEndian32(footer.data() + kVhdFooterChecksumOffset,
                   VhdChecksum(footer, kVhdFooterChecksumOffset));
}

std::vector<uint8_t> MakeFooter(uint32_t disk_type, uint64_t size_bytes) {
  std::vector<uint8_t> footer(kVhdFooterSize);
  std::memcpy(footer.data(), "conectix", 8);
  StoreBigEndian32(footer.data() + 8, 2);
  StoreBigEndian32(footer.data() + 12, 0x00010000);
  StoreBigEndian64(footer.data() + 16, disk_type == 2 ? ~uint64_t{0} : 512);
  StoreBigEndian64(footer.data() + 40, size_bytes);
  StoreBigEndian64(footer.data() + 48, size_bytes);
  StoreBigEndian32(footer.data() + 60, disk_type);
  for (int i = 0; i < 16; ++i) footer[68 + i] = static_cast<uint8_t>(0xA0 + i);
  Reseal(footer);
  return footer;
}

TEST(VhdChecksumTest, IsOnesComplementOfByteSumWithoutTheField) {
  std::vector<uint8_t> bytes = {1, 2, 0xFF, 0xFF, 0xFF, 0xFF, 3};
  EXPECT_EQ(VhdChecksum(bytes, 2), ~uint32_t{6});
}

TEST(ParseVhdFooterTest, ParsesAValidFooter) {
  Result<VhdFooter> footer = ParseVhdFooter(MakeFooter(3, 64 << 20), "/d/x.vhd", 1000);
  ASSERT_TRUE(footer.ok()) << footer.error().ToString();
  EXPECT_EQ(footer->disk_type, VhdDiskType::kDynamic);
  EXPECT_EQ(footer->current_size_bytes, 64u << 20);
  EXPECT_EQ(footer->data_offset, 512u);
  EXPECT_EQ(footer->unique_id.ToString(), "A0A1A2A3-A4A5-A6A7-A8A9-AAABACADAEAF");
}

TEST(ParseVhdFooterTest, RejectsBadCookie) {
  std::vector<uint8_t> footer = MakeFooter(2, 1 << 20);
  std::memcpy(footer.data(), "XXXXXXXX", 8);
  Result<VhdFooter> parsed = ParseVhdFooter(footer, "/d/x.vhd", 1048576);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code(), ReturnCode::kInvalidParameter);
  EXPECT_THAT(parsed.error().message(),
              HasSubstr("'/d/x.vhd' is not a valid VHD: footer cookie at offset 1048576 is "
                        "'XXXXXXXX', expected 'conectix'"));
}

TEST(ParseVhdFooterTest, RejectsWrongChecksumShowingBothValues) {
  std::vector<uint8_t> footer = MakeFooter(2, 1 << 20);
  const uint32_t good = LoadBigEndian32(footer.data() + kVhdFooterChecksumOffset);
  footer[100] ^= 1;
  const uint32_t expected = VhdChecksum(footer, kVhdFooterChecksumOffset);
  Result<VhdFooter> parsed = ParseVhdFooter(footer, "/d/x.vhd", 0);
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(
      parsed.error().message(),
      HasSubstr(fmt::format("footer checksum is {:#010x}, expected {:#010x}", good, expected)));
}

TEST(ParseVhdFooterTest, RejectsUnknownDiskTypeAndAbsurdSizes) {
  EXPECT_THAT(ParseVhdFooter(MakeFooter(5, 1 << 20), "/x.vhd", 0).error().message(),
              HasSubstr("footer disk type is 5, expected 2 (fixed), 3 (dynamic) or 4"));
  EXPECT_THAT(ParseVhdFooter(MakeFooter(3, 1000), "/x.vhd", 0).error().message(),
              HasSubstr("footer current size is 1000 bytes, not a multiple of the 512-byte"));
  EXPECT_THAT(ParseVhdFooter(MakeFooter(3, uint64_t{1} << 50), "/x.vhd", 0).error().message(),
              HasSubstr("more than the 2199023255552 bytes (2 TiB) a VHD can address"));
}

TEST(ParseVhdFooterTest, RejectsUnknownVersion) {
  std::vector<uint8_t> footer = MakeFooter(2, 1 << 20);
  StoreBigEndian32(footer.data() + 12, 0x00020000);
  Reseal(footer);
  EXPECT_THAT(ParseVhdFooter(footer, "/x.vhd", 0).error().message(),
              HasSubstr("footer file format version is 0x00020000, expected 0x00010000"));
}

}  // namespace
}  // namespace vsm::disk
