#include "disk/crc32c.h"

#include <gtest/gtest.h>

#include <string_view>
#include <vector>

namespace vsm::disk {
namespace {

std::span<const uint8_t> AsBytes(std::string_view text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

TEST(Crc32cTest, MatchesTheStandardCheckValue) {
  EXPECT_EQ(Crc32c(AsBytes("123456789")), 0xE3069283u);
  EXPECT_EQ(Crc32c({}), 0u);
}

TEST(Crc32cTest, ZeroedFieldEqualsCrcOfACopyWithTheFieldCleared) {
  std::vector<uint8_t> bytes(4096);
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<uint8_t>(i * 7 + 3);
  std::vector<uint8_t> cleared = bytes;
  for (int i = 4; i < 8; ++i) cleared[i] = 0;
  EXPECT_EQ(Crc32cWithZeroedField(bytes, 4), Crc32c(cleared));
}

}  // namespace
}  // namespace vsm::disk
