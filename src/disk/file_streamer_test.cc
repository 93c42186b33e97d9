#include "disk/file_streamer.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <vector>

#include "disk/disk_test_util.h"

namespace vsm::disk {
namespace {

using ::testing::HasSubstr;
namespace dt = disk_testing;

class CountingProgress : public Progress {
 public:
  void AddTotalBytes(uint64_t bytes) override { total += bytes; }
  void AddDoneBytes(uint64_t bytes) override {
    done += bytes;
    ++calls;
  }
  bool IsCancelled() const override {
    return cancel_after_calls >= 0 && calls >= cancel_after_calls;
  }
  uint64_t total = 0;
  uint64_t done = 0;
  int calls = 0;
  int cancel_after_calls = -1;
};

Result<StreamSummary> Stream(const std::filesystem::path& path, Progress& progress) {
  int fd = ::open(path.c_str(), O_RDONLY);
  EXPECT_GE(fd, 0);
  Result<StreamSummary> summary = StreamFileHashed(fd, path, std::filesystem::file_size(path),
                                                   DigestAlgorithm::kSha256, "copy", progress);
  ::close(fd);
  return summary;
}

TEST(StreamFileHashedTest, ReadsOnlyTheDataAndHashesHolesAsZeros) {
  dt::TempDir dir;
  const std::filesystem::path path = dir / "sparse";
  const uint64_t size = (40ull << 20) + 333;
  const std::vector<dt::ByteRange> data = {{0, 1 << 20}, {20ull << 20, (9ull << 20) + 5}};
  dt::MakeSparseFile(path, size, data);

  CountingProgress progress;
  Result<StreamSummary> summary = Stream(path, progress);
  ASSERT_TRUE(summary.ok()) << summary.error().ToString();
  EXPECT_EQ(summary->digest_hex, dt::Sha256Sum(path));
  EXPECT_EQ(summary->bytes_hashed, size);
  // Progress counts the data read, not the holes.
  EXPECT_EQ(progress.total, summary->data_bytes);
  EXPECT_EQ(progress.done, summary->data_bytes);
  EXPECT_GE(summary->data_bytes, (10ull << 20) + 5);
  EXPECT_GT(progress.calls, 2) << "the data is read in chunks of at most 4 MiB";
  if (dt::FileSystemReportsHoles(dir.path())) {
    EXPECT_LT(summary->data_bytes, (11ull << 20)) << "holes were read as data";
  }
}

TEST(StreamFileHashedTest, CancelStopsBeforeTheNextChunk) {
  dt::TempDir dir;
  const std::filesystem::path path = dir / "dense";
  dt::MakeSparseFile(path, 16 << 20, {{0, 16 << 20}});
  CountingProgress progress;
  progress.cancel_after_calls = 1;
  Result<StreamSummary> summary = Stream(path, progress);
  ASSERT_FALSE(summary.ok());
  EXPECT_EQ(summary.error().code(), ReturnCode::kFailed);
  EXPECT_EQ(summary.error().message(), "copy of '" + path.string() + "' was cancelled");
  EXPECT_EQ(progress.calls, 1);
}

TEST(StreamFileHashedTest, EmptyFileHashesToTheEmptyDigest) {
  dt::TempDir dir;
  const std::filesystem::path path = dir / "empty";
  dt::WriteText(path, "");
  CountingProgress progress;
  Result<StreamSummary> summary = Stream(path, progress);
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->digest_hex,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(summary->bytes_hashed, 0u);
}

}  // namespace
}  // namespace vsm::disk
