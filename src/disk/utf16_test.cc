#include "disk/utf16.h"

#include <gtest/gtest.h>

#include <vector>

namespace vsm::disk {
namespace {

TEST(Utf16ToUtf8Test, DecodesBigEndianUpToTheTerminator) {
  const std::vector<uint8_t> bytes = {0x00, 'p', 0x00, '.', 0x00, 'v', 0x00, 0x00, 0x00, 'x'};
  EXPECT_EQ(Utf16ToUtf8(bytes, Utf16Order::kBigEndian), "p.v");
}

TEST(Utf16ToUtf8Test, DecodesLittleEndianWithoutTerminator) {
  const std::vector<uint8_t> bytes = {'.', 0x00, '\\', 0x00, 'a', 0x00};
  EXPECT_EQ(Utf16ToUtf8(bytes, Utf16Order::kLittleEndian), ".\\a");
}

TEST(Utf16ToUtf8Test, DecodesMultiByteAndSurrogatePairs) {
  // U+00E9, U+20AC, U+1F600 (D83D DE00), little-endian.
  const std::vector<uint8_t> bytes = {0xE9, 0x00, 0xAC, 0x20, 0x3D, 0xD8, 0x00, 0xDE};
  EXPECT_EQ(Utf16ToUtf8(bytes, Utf16Order::kLittleEndian), "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
}

TEST(Utf16ToUtf8Test, RejectsUnpairedSurrogates) {
  EXPECT_EQ(Utf16ToUtf8(std::vector<uint8_t>{0xD8, 0x3D}, Utf16Order::kBigEndian), std::nullopt);
  EXPECT_EQ(Utf16ToUtf8(std::vector<uint8_t>{0xDE, 0x00, 0x00, 'a'}, Utf16Order::kBigEndian),
            std::nullopt);
}

}  // namespace
}  // namespace vsm::disk
