#include "disk/content_digest.h"

#include <gtest/gtest.h>

#include <vector>

#include "disk/disk_test_util.h"
#include "disk/file_copier.h"

namespace vsm::disk {
namespace {

namespace dt = disk_testing;
constexpr uint64_t kMiB = 1 << 20;

// The digest as standard tools compute it, which is how docs/export-format.md tells users to
// check a package by hand.
std::string BlockDigestWithStandardTools(const std::filesystem::path& path) {
  dt::CommandResult result = dt::RunCommand(
      "split -b 1M --filter='openssl dgst -sha256 -binary' " + dt::Quote(path) + " | sha256sum");
  EXPECT_EQ(result.exit_code, 0) << result.output;
  return result.output.substr(0, 64);
}

std::string Digest(DigestAlgorithm algorithm, const std::vector<std::vector<uint8_t>>& pieces,
                   uint64_t zeros_after_first = 0) {
  ContentDigest digest(algorithm);
  for (size_t i = 0; i < pieces.size(); ++i) {
    digest.Update(pieces[i]);
    if (i == 0 && zeros_after_first > 0) digest.UpdateZeros(zeros_after_first);
  }
  return digest.FinishHex().value();
}

TEST(ContentDigestTest, NamesRoundTrip) {
  for (DigestAlgorithm algorithm : {DigestAlgorithm::kSha256, DigestAlgorithm::kSha256Blocks}) {
    EXPECT_EQ(DigestAlgorithmFromName(DigestAlgorithmName(algorithm)), algorithm);
  }
  EXPECT_EQ(DigestAlgorithmName(DigestAlgorithm::kSha256Blocks), "sha256-1m-blocks");
  EXPECT_FALSE(DigestAlgorithmFromName("md5").has_value());
}

TEST(ContentDigestTest, EmptyContentIsTheSha256OfNothing) {
  for (DigestAlgorithm algorithm : {DigestAlgorithm::kSha256, DigestAlgorithm::kSha256Blocks}) {
    EXPECT_EQ(Digest(algorithm, {}),
              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }
}

TEST(ContentDigestTest, BlockDigestDoesNotDependOnHowTheContentIsCut) {
  std::vector<uint8_t> content(3 * kMiB + 12345);
  for (size_t i = 0; i < content.size(); ++i) content[i] = static_cast<uint8_t>(i * 7 + i / 999);
  const std::string whole = Digest(DigestAlgorithm::kSha256Blocks, {content});
  std::vector<std::vector<uint8_t>> pieces;
  for (size_t offset = 0; offset < content.size(); offset += 777777) {
    const size_t end = std::min(content.size(), offset + 777777);
    pieces.emplace_back(content.begin() + offset, content.begin() + end);
  }
  EXPECT_EQ(Digest(DigestAlgorithm::kSha256Blocks, pieces), whole);
  EXPECT_NE(Digest(DigestAlgorithm::kSha256, {content}), whole);
}

TEST(ContentDigestTest, ZerosDigestLikeWrittenZerosAtAnyAlignment) {
  for (uint64_t lead : {uint64_t{0}, uint64_t{1}, kMiB - 1, kMiB, kMiB + 4096}) {
    for (uint64_t zeros : {uint64_t{1}, kMiB, 5 * kMiB + 17}) {
      std::vector<uint8_t> first(lead, 0x5A);
      std::vector<uint8_t> last(1000, 0xA5);
      std::vector<uint8_t> written = first;
      written.resize(lead + zeros, 0);
      for (DigestAlgorithm algorithm :
           {DigestAlgorithm::kSha256, DigestAlgorithm::kSha256Blocks}) {
        EXPECT_EQ(Digest(algorithm, {first, last}, zeros), Digest(algorithm, {written, last}))
            << "lead " << lead << " zeros " << zeros;
      }
    }
  }
}

TEST(ContentDigestTest, SparseFileMatchesStandardToolsAndCostsOnlyItsData) {
  dt::TempDir dir;
  const std::filesystem::path path = dir / "thin.vhdx";
  // Holes, data at odd places, a short last block.
  dt::MakeSparseFile(path, 64 * kMiB + 4095,
                     {{0, kMiB}, {7 * kMiB + 3, kMiB}, {64 * kMiB - 5, 5000}});
  NullProgress progress;
  Result<std::string> digest = HashFile(path, DigestAlgorithm::kSha256Blocks, progress);
  ASSERT_TRUE(digest.ok()) << digest.error().ToString();
  EXPECT_EQ(*digest, BlockDigestWithStandardTools(path));
}

}  // namespace
}  // namespace vsm::disk
