#include "disk/trailing_hasher.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <vector>

#include "disk/disk_test_util.h"

namespace vsm::disk {
namespace {

namespace dt = disk_testing;
constexpr uint64_t kMiB = 1 << 20;

// The digest of a file's whole content, hashed inline: what the trailing hasher must match.
std::string InlineDigest(const std::filesystem::path& path, DigestAlgorithm algorithm) {
  const std::vector<uint8_t> content = dt::ReadAll(path);
  ContentDigest digest(algorithm);
  digest.Update(content);
  return digest.FinishHex().value();
}

class TrailingHasherTest : public ::testing::TestWithParam<DigestAlgorithm> {
 protected:
  // Opens `path` for reading and writing; closed by the fixture.
  int Open(const std::filesystem::path& path) {
    fd_ = ::open(path.c_str(), O_RDWR);
    EXPECT_GE(fd_, 0) << path;
    return fd_;
  }
  void TearDown() override {
    if (fd_ >= 0) ::close(fd_);
  }

  dt::TempDir dir_;
  int fd_ = -1;
};

// The writer declares the content final piece by piece; the digest is that of the content as
// it stands at the end, holes hashed as zeros.
TEST_P(TrailingHasherTest, DigestEqualsHashingTheFinishedFileInline) {
  const std::filesystem::path path = dir_ / "sparse";
  const std::vector<dt::ByteRange> data = {{0, kMiB + 5}, {7 * kMiB, 9 * kMiB + 1}, {20 * kMiB, 3}};
  dt::MakeSparseFile(path, 24 * kMiB + 11, data);
  std::vector<DataExtent> extents;
  for (const dt::ByteRange& range : data) extents.push_back({range.offset, range.length});
  Result<std::unique_ptr<TrailingHasher>> hasher =
      TrailingHasher::Start(Open(path), path, 24 * kMiB + 11, extents, GetParam());
  ASSERT_TRUE(hasher.ok()) << hasher.error().ToString();
  for (uint64_t offset = 0; offset < 24 * kMiB; offset += 3 * kMiB + 17) {
    ASSERT_TRUE((*hasher)->Advance(offset).ok());
  }
  Result<std::string> digest = (*hasher)->FinishHex();
  ASSERT_TRUE(digest.ok()) << digest.error().ToString();
  EXPECT_EQ(*digest, InlineDigest(path, GetParam()));
}

// Nothing past what the writer declared final is read: bytes written after an Advance that did
// not cover them are the ones hashed.
TEST_P(TrailingHasherTest, ReadsOnlyWhatTheWriterDeclaredFinal) {
  const std::filesystem::path path = dir_ / "dense";
  dt::MakeSparseFile(path, 16 * kMiB, {{0, 16 * kMiB}});
  const int fd = Open(path);
  Result<std::unique_ptr<TrailingHasher>> hasher =
      TrailingHasher::Start(fd, path, 16 * kMiB, {{0, 16 * kMiB}}, GetParam());
  ASSERT_TRUE(hasher.ok());
  ASSERT_TRUE((*hasher)->Advance(4 * kMiB).ok());
  // The writer now changes the part it has not declared final yet.
  const std::vector<uint8_t> changed(12 * kMiB, 0x5a);
  ASSERT_EQ(::pwrite(fd, changed.data(), changed.size(), 4 * kMiB),
            static_cast<ssize_t>(changed.size()));
  Result<std::string> digest = (*hasher)->FinishHex();
  ASSERT_TRUE(digest.ok());
  EXPECT_EQ(*digest, InlineDigest(path, GetParam()));
}

// The hasher runs ahead of the writer through holes; a lead bound of one byte must still let
// the writer advance (the bound compares offsets, whichever side is ahead).
TEST_P(TrailingHasherTest, TightLeadBoundWithHolesDoesNotStall) {
  const std::filesystem::path path = dir_ / "holes";
  dt::MakeSparseFile(path, 64 * kMiB, {{60 * kMiB, kMiB}});
  Result<std::unique_ptr<TrailingHasher>> hasher = TrailingHasher::Start(
      Open(path), path, 64 * kMiB, {{60 * kMiB, kMiB}}, GetParam(), /*max_lead_bytes=*/1);
  ASSERT_TRUE(hasher.ok());
  for (uint64_t offset = 0; offset <= 64 * kMiB; offset += kMiB / 2) {
    ASSERT_TRUE((*hasher)->Advance(offset).ok());
  }
  Result<std::string> digest = (*hasher)->FinishHex();
  ASSERT_TRUE(digest.ok());
  EXPECT_EQ(*digest, InlineDigest(path, GetParam()));
}

INSTANTIATE_TEST_SUITE_P(BothDigests, TrailingHasherTest,
                         ::testing::Values(DigestAlgorithm::kSha256,
                                           DigestAlgorithm::kSha256Blocks));

TEST(TrailingHasherErrorTest, FileShorterThanItsExtentsIsNamed) {
  dt::TempDir dir;
  const std::filesystem::path path = dir / "short";
  dt::MakeSparseFile(path, kMiB, {{0, kMiB}});
  const int fd = ::open(path.c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  Result<std::unique_ptr<TrailingHasher>> hasher =
      TrailingHasher::Start(fd, path, 2 * kMiB, {{0, 2 * kMiB}}, DigestAlgorithm::kSha256Blocks);
  ASSERT_TRUE(hasher.ok());
  Result<std::string> digest = (*hasher)->FinishHex();
  ::close(fd);
  ASSERT_FALSE(digest.ok());
  EXPECT_EQ(digest.error().code(), ReturnCode::kFailed);
  EXPECT_EQ(digest.error().message(),
            "'" + path.string() +
                "' became shorter while it was being hashed (no data at offset 1048576); make "
                "sure no other program writes to it");
}

TEST(TrailingHasherErrorTest, ReadErrorIsNamed) {
  dt::TempDir dir;
  const std::filesystem::path path = dir / "unreadable";
  dt::MakeSparseFile(path, kMiB, {{0, kMiB}});
  const int fd = ::open(path.c_str(), O_WRONLY);  // pread fails with EBADF
  ASSERT_GE(fd, 0);
  Result<std::unique_ptr<TrailingHasher>> hasher =
      TrailingHasher::Start(fd, path, kMiB, {{0, kMiB}}, DigestAlgorithm::kSha256Blocks);
  ASSERT_TRUE(hasher.ok());
  Result<std::string> digest = (*hasher)->FinishHex();
  ::close(fd);
  ASSERT_FALSE(digest.ok());
  EXPECT_EQ(digest.error().message(), "read back '" + path.string() + "': Bad file descriptor");
}

TEST(TrailingHasherErrorTest, DestroyingBeforeTheWriterFinishesIsSafe) {
  dt::TempDir dir;
  const std::filesystem::path path = dir / "abandoned";
  dt::MakeSparseFile(path, 8 * kMiB, {{0, 8 * kMiB}});
  const int fd = ::open(path.c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  {
    Result<std::unique_ptr<TrailingHasher>> hasher =
        TrailingHasher::Start(fd, path, 8 * kMiB, {{0, 8 * kMiB}}, DigestAlgorithm::kSha256);
    ASSERT_TRUE(hasher.ok());
    ASSERT_TRUE((*hasher)->Advance(2 * kMiB).ok());
  }  // the thread waits for content that never becomes final: the destructor must end it
  ::close(fd);
}

}  // namespace
}  // namespace vsm::disk
