#include "disk/background_hasher.h"

#include <gtest/gtest.h>

#include <vector>

#include "disk/sha256.h"

namespace vsm::disk {
namespace {

TEST(BackgroundHasherTest, EqualsHashingInline) {
  std::vector<std::vector<uint8_t>> pieces;
  for (int i = 0; i < 50; ++i) pieces.emplace_back(1000 + i * 37, static_cast<uint8_t>(i));
  Sha256 inline_sha;
  for (const auto& piece : pieces) inline_sha.Update(piece);

  Result<std::unique_ptr<BackgroundHasher>> hasher = BackgroundHasher::Start();
  ASSERT_TRUE(hasher.ok());
  for (const auto& piece : pieces) (*hasher)->Submit(piece);
  Result<std::string> background = (*hasher)->FinishHex();
  ASSERT_TRUE(background.ok());
  EXPECT_EQ(*background, *inline_sha.FinishHex());
}

TEST(BackgroundHasherTest, DestroyingWithWorkPendingIsSafe) {
  std::vector<uint8_t> data(8 << 20, 0x11);
  Result<std::unique_ptr<BackgroundHasher>> hasher = BackgroundHasher::Start();
  ASSERT_TRUE(hasher.ok());
  (*hasher)->Submit(data);
  hasher->reset();
}

}  // namespace
}  // namespace vsm::disk
