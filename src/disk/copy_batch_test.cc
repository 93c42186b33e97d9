#include "disk/copy_batch.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/mount.h>

#include <atomic>

#include "disk/disk_test_util.h"

namespace vsm::disk {
namespace {

using ::testing::HasSubstr;
namespace dt = disk_testing;
constexpr uint64_t kMiB = 1 << 20;

class CountingProgress : public Progress {
 public:
  void AddTotalBytes(uint64_t bytes) override { total += bytes; }
  void AddDoneBytes(uint64_t bytes) override { done += bytes; }
  bool IsCancelled() const override { return cancel; }
  std::atomic<uint64_t> total = 0;
  std::atomic<uint64_t> done = 0;
  std::atomic<bool> cancel = false;
};

class CopyBatchTest : public ::testing::Test {
 protected:
  std::vector<CopyRequest> MakeSources(int count) {
    std::vector<CopyRequest> requests;
    for (int i = 0; i < count; ++i) {
      const std::filesystem::path source = dir_ / ("disk" + std::to_string(i) + ".vhdx");
      // Different sizes, so the files finish at different times.
      dt::MakeSparseFile(source, (16 + 8 * i) * kMiB, {{kMiB * i, (i + 1) * kMiB + 7}});
      requests.push_back({source, dir_ / ("copy" + std::to_string(i) + ".vhdx")});
    }
    return requests;
  }

  dt::TempDir dir_;
};

TEST_F(CopyBatchTest, CopiesEveryFileConcurrentlyAndWeighsProgressByData) {
  std::vector<CopyRequest> requests = MakeSources(4);
  CountingProgress progress;
  Result<std::vector<CopyResult>> copies =
      CopyFilesHashed(requests, CopyOptions{}, /*max_parallel=*/3, progress);
  ASSERT_TRUE(copies.ok()) << copies.error().ToString();
  ASSERT_EQ(copies->size(), 4u);
  uint64_t data = 0;
  for (size_t i = 0; i < requests.size(); ++i) {
    EXPECT_TRUE(dt::ReadAll(requests[i].source) == dt::ReadAll(requests[i].destination)) << i;
    NullProgress quiet;
    EXPECT_EQ((*copies)[i].digest_hex,
              HashFile(requests[i].destination, DigestAlgorithm::kSha256Blocks, quiet).value());
    data += (*copies)[i].data_bytes;
  }
  EXPECT_EQ(progress.total, data);
  EXPECT_EQ(progress.done, data);

  std::vector<std::filesystem::path> paths;
  for (const CopyRequest& request : requests) paths.push_back(request.destination);
  Result<std::vector<std::string>> digests =
      HashFiles(paths, DigestAlgorithm::kSha256Blocks, 2, progress);
  ASSERT_TRUE(digests.ok());
  for (size_t i = 0; i < paths.size(); ++i) EXPECT_EQ((*digests)[i], (*copies)[i].digest_hex);
}

TEST_F(CopyBatchTest, OneFailureRemovesEveryCopyAndNamesTheFile) {
  std::vector<CopyRequest> requests = MakeSources(4);
  requests[2].source = dir_ / "missing.vhdx";
  CountingProgress progress;
  Result<std::vector<CopyResult>> copies = CopyFilesHashed(requests, CopyOptions{}, 2, progress);
  ASSERT_FALSE(copies.ok());
  EXPECT_THAT(copies.error().message(), HasSubstr("missing.vhdx"));
  for (const CopyRequest& request : requests) {
    EXPECT_FALSE(std::filesystem::exists(request.destination)) << request.destination;
  }
}

TEST_F(CopyBatchTest, CancellationLeavesNothing) {
  std::vector<CopyRequest> requests = MakeSources(3);
  CountingProgress progress;
  progress.cancel = true;
  Result<std::vector<CopyResult>> copies = CopyFilesHashed(requests, CopyOptions{}, 2, progress);
  ASSERT_FALSE(copies.ok());
  EXPECT_THAT(copies.error().message(), HasSubstr("was cancelled"));
  for (const CopyRequest& request : requests) {
    EXPECT_FALSE(std::filesystem::exists(request.destination));
  }
}

// A loop-mounted XFS with reflink: the copy is a clone, and its digest is the same as a
// copy's. Needs root (mount) and mkfs.xfs (xfsprogs, installed by scripts/bootstrap).
class ReflinkFileSystem {
 public:
  explicit ReflinkFileSystem(const std::filesystem::path& dir)
      : image_(dir / "xfs.img"), mount_(dir / "mnt") {
    std::filesystem::create_directories(mount_);
    mounted_ = dt::RunOrFail("truncate -s 300M " + dt::Quote(image_) +
                             " && mkfs.xfs -q -m reflink=1 " + dt::Quote(image_) +
                             " && mount -o loop " + dt::Quote(image_) + " " + dt::Quote(mount_));
  }
  ~ReflinkFileSystem() {
    if (mounted_) ::umount2(mount_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  const std::filesystem::path& path() const { return mount_; }

 private:
  std::filesystem::path image_;
  std::filesystem::path mount_;
  bool mounted_ = false;
};

// Between two file systems (here ext4 or tmpfs and XFS), where copy_file_range gives way to the
// buffered copy on most kernels, the copy is just as exact, sparse and verified.
TEST_F(CopyBatchTest, CopyToAnotherFileSystemIsIdenticalSparseAndVerified) {
  ReflinkFileSystem xfs(dir_.path());
  ASSERT_TRUE(xfs.mounted()) << "this test needs root and xfsprogs";
  const std::filesystem::path source = dir_ / "elsewhere.vhdx";
  dt::MakeSparseFile(source, 120 * kMiB + 3, {{kMiB, 9 * kMiB + 1}, {120 * kMiB, 3}});
  CountingProgress progress;
  const std::filesystem::path destination = xfs.path() / "copied.vhdx";
  Result<CopyResult> copy = CopyFileHashed(
      source, destination, CopyOptions{DigestAlgorithm::kSha256Blocks, true}, progress);
  ASSERT_TRUE(copy.ok()) << copy.error().ToString();
  EXPECT_FALSE(copy->cloned);
  EXPECT_TRUE(dt::ReadAll(source) == dt::ReadAll(destination));
  EXPECT_LT(dt::AllocatedBytes(destination), 20 * kMiB) << "the holes were filled";
  NullProgress quiet;
  EXPECT_EQ(copy->digest_hex, HashFile(source, DigestAlgorithm::kSha256Blocks, quiet).value());
  EXPECT_EQ(copy->digest_hex, HashFile(destination, DigestAlgorithm::kSha256Blocks, quiet).value());
  EXPECT_EQ(progress.done, copy->data_bytes);
}

TEST_F(CopyBatchTest, CloneOnReflinkFileSystemIsIdenticalAndSharesExtents) {
  ReflinkFileSystem xfs(dir_.path());
  ASSERT_TRUE(xfs.mounted()) << "the copy engine's clone path needs root and xfsprogs";
  const std::filesystem::path source = xfs.path() / "thin.vhdx";
  dt::MakeSparseFile(source, 200 * kMiB, {{0, 8 * kMiB}, {150 * kMiB + 1, 5 * kMiB}});
  CountingProgress progress;
  Result<std::vector<CopyResult>> copies =
      CopyFilesHashed({{source, xfs.path() / "clone.vhdx"}}, CopyOptions{}, 1, progress);
  ASSERT_TRUE(copies.ok()) << copies.error().ToString();
  const CopyResult& clone = (*copies)[0];
  EXPECT_TRUE(clone.cloned);
  EXPECT_EQ(clone.bytes_written, 0u);
  EXPECT_TRUE(dt::ReadAll(source) == dt::ReadAll(xfs.path() / "clone.vhdx"));

  // The same file copied byte by byte (no clone) has the same digest.
  Result<CopyResult> copy =
      CopyFileHashed(source, xfs.path() / "copy.vhdx",
                     CopyOptions{DigestAlgorithm::kSha256Blocks, false}, progress);
  ASSERT_TRUE(copy.ok()) << copy.error().ToString();
  EXPECT_FALSE(copy->cloned);
  EXPECT_EQ(copy->digest_hex, clone.digest_hex);
  // Shared extents: xfs_io reports the clone's blocks as shared.
  dt::CommandResult fiemap =
      dt::RunCommand("xfs_io -r -c 'fiemap -v' " + dt::Quote(xfs.path() / "clone.vhdx"));
  EXPECT_THAT(fiemap.output, HasSubstr("0x2000")) << fiemap.output;  // FIEMAP_EXTENT_SHARED
}

}  // namespace
}  // namespace vsm::disk
