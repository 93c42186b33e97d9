#include "disk/vhd_dynamic_header.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <string_view>
#include <vector>

#include "disk/byte_order.h"
#include "disk/vhd_footer.h"

namespace vsm::disk {
namespace {

using ::testing::HasSubstr;

void Reseal(std::vector<uint8_t>& header) {
  StoreBigEndian32(header.data() + kVhdDynamicHeaderChecksumOffset,
                   VhdChecksum(header, kVhdDynamicHeaderChecksumOffset));
}

std::vector<uint8_t> MakeHeader(uint32_t block_size, std::string_view parent_name) {
  std::vector<uint8_t> header(kVhdDynamicHeaderSize);
  std::memcpy(header.data(), "cxsparse", 8);
  std::memset(header.data() + 8, 0xFF, 8);
  StoreBigEndian32(header.data() + 20, 1536);  // table offset (low half)
  StoreBigEndian32(header.data() + 24, 0x00010000);
  StoreBigEndian32(header.data() + 28, 32);
  StoreBigEndian32(header.data() + 32, block_size);
  for (size_t i = 0; i < parent_name.size(); ++i) header[64 + 2 * i + 1] = parent_name[i];
  // Locator 1: W2ru, 24 bytes at 4096.
  uint8_t* locator = header.data() + 576 + 24;
  StoreBigEndian32(locator, kVhdLocatorW2ru);
  StoreBigEndian32(locator + 8, 24);
  StoreBigEndian32(locator + 20, 4096);
  Reseal(header);
  return header;
}

TEST(ParseVhdDynamicHeaderTest, ParsesFieldsParentNameAndLocators) {
  Result<VhdDynamicHeader> header =
      ParseVhdDynamicHeader(MakeHeader(2 << 20, "base.vhd"), "/d/x.vhd", 512);
  ASSERT_TRUE(header.ok()) << header.error().ToString();
  EXPECT_EQ(header->table_offset, 1536u);
  EXPECT_EQ(header->max_table_entries, 32u);
  EXPECT_EQ(header->block_size_bytes, 2u << 20);
  EXPECT_EQ(header->parent_name, "base.vhd");
  EXPECT_EQ(header->parent_locators[1].platform_code, kVhdLocatorW2ru);
  EXPECT_EQ(header->parent_locators[1].data_length_bytes, 24u);
  EXPECT_EQ(header->parent_locators[1].data_offset, 4096u);
  EXPECT_EQ(header->parent_locators[0].platform_code, 0u);
}

TEST(ParseVhdDynamicHeaderTest, RejectsBadCookieAndChecksum) {
  std::vector<uint8_t> header = MakeHeader(2 << 20, "");
  header[0] = 'X';
  EXPECT_THAT(ParseVhdDynamicHeader(header, "/x.vhd", 512).error().message(),
              HasSubstr("'/x.vhd' is not a valid VHD: dynamic header cookie at offset 512 is "
                        "'Xxsparse', expected 'cxsparse'"));
  header = MakeHeader(2 << 20, "");
  header[200] ^= 0x10;
  EXPECT_THAT(ParseVhdDynamicHeader(header, "/x.vhd", 512).error().message(),
              HasSubstr("dynamic header checksum is 0x"));
}

TEST(ParseVhdDynamicHeaderTest, RejectsAbsurdBlockSizes) {
  for (uint32_t block_size : {0u, 256u, 3u << 20, 512u << 20}) {
    Result<VhdDynamicHeader> header =
        ParseVhdDynamicHeader(MakeHeader(block_size, ""), "/x.vhd", 512);
    ASSERT_FALSE(header.ok()) << block_size;
    EXPECT_THAT(header.error().message(),
                HasSubstr(fmt::format("dynamic header block size is {} bytes", block_size)));
  }
}

TEST(ParseVhdDynamicHeaderTest, RejectsParentNameWithUnpairedSurrogate) {
  std::vector<uint8_t> header = MakeHeader(2 << 20, "");
  header[64] = 0xD8;
  Reseal(header);
  EXPECT_THAT(ParseVhdDynamicHeader(header, "/x.vhd", 512).error().message(),
              HasSubstr("dynamic header parent name is not valid UTF-16BE"));
}

}  // namespace
}  // namespace vsm::disk
