#include "disk/sha256.h"

#include <gtest/gtest.h>

#include <string_view>
#include <vector>

namespace vsm::disk {
namespace {

std::span<const uint8_t> AsBytes(std::string_view text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

TEST(Sha256Test, EmptyInputGivesTheKnownDigest) {
  Sha256 sha;
  Result<std::string> hex = sha.FinishHex();
  ASSERT_TRUE(hex.ok());
  EXPECT_EQ(*hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha256Test, PiecewiseUpdatesEqualOneUpdate) {
  Sha256 whole;
  whole.Update(AsBytes("abc"));
  Sha256 pieces;
  pieces.Update(AsBytes("a"));
  pieces.Update(AsBytes(""));
  pieces.Update(AsBytes("bc"));
  const std::string expected = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  EXPECT_EQ(*whole.FinishHex(), expected);
  EXPECT_EQ(*pieces.FinishHex(), expected);
}

TEST(Sha256Test, FinishingTwiceIsAnError) {
  Sha256 sha;
  ASSERT_TRUE(sha.FinishHex().ok());
  EXPECT_FALSE(sha.FinishHex().ok());
}

}  // namespace
}  // namespace vsm::disk
