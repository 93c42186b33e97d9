#include "disk/file_copier.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <atomic>
#include <fstream>

#include "disk/disk_image.h"
#include "disk/disk_test_util.h"

namespace vsm::disk {
namespace {

using ::testing::HasSubstr;
namespace dt = disk_testing;

class RecordingProgress : public Progress {
 public:
  void AddTotalBytes(uint64_t bytes) override {
    EXPECT_EQ(done_bytes, 0u) << "AddTotalBytes must come first";
    total_bytes += bytes;
  }
  void AddDoneBytes(uint64_t bytes) override {
    done_bytes += bytes;
    ++done_calls;
  }
  bool IsCancelled() const override { return cancel_after_first_chunk && done_calls >= 1; }

  bool cancel_after_first_chunk = false;
  std::atomic<uint64_t> total_bytes = 0;
  std::atomic<uint64_t> done_bytes = 0;
  std::atomic<int> done_calls = 0;
};

constexpr uint64_t kMiB = 1 << 20;
// These tests compare with sha256sum, so they use the plain digest of package format 1.
const CopyOptions kPlainSha256{DigestAlgorithm::kSha256, /*allow_clone=*/true};

class FileCopierTest : public ::testing::Test {
 protected:
  // A 64 MiB file, mostly holes, with data ranges of odd sizes and at odd offsets.
  std::filesystem::path MakeSparseSource() {
    const std::filesystem::path path = dir_ / "source.vhdx";
    dt::MakeSparseFile(
        path, 64 * kMiB + 777,
        {{0, kMiB}, {10 * kMiB, 5 * kMiB + 123}, {40 * kMiB - 7, 10}, {64 * kMiB, 777}});
    return path;
  }

  dt::TempDir dir_;
};

TEST_F(FileCopierTest, SparseCopyIsIdenticalStaysSparseAndHashesLikeSha256sum) {
  const std::filesystem::path source = MakeSparseSource();
  const std::filesystem::path destination = dir_ / "copy.vhdx";
  RecordingProgress progress;
  Result<CopyResult> copy = CopyFileHashed(source, destination, kPlainSha256, progress);
  ASSERT_TRUE(copy.ok()) << copy.error().ToString();

  const uint64_t size = std::filesystem::file_size(source);
  EXPECT_EQ(std::filesystem::file_size(destination), size);
  EXPECT_TRUE(dt::ReadAll(source) == dt::ReadAll(destination)) << "content differs";
  EXPECT_LE(dt::AllocatedBytes(destination), dt::AllocatedBytes(source));
  EXPECT_EQ(copy->bytes_hashed, size);
  EXPECT_LT(copy->bytes_written, size / 2);
  EXPECT_GE(copy->bytes_written, 6 * kMiB + 123 + 10 + 777);
  EXPECT_EQ(copy->digest_hex, dt::Sha256Sum(source));
  EXPECT_TRUE(copy->cloned || copy->kernel_copied) << "the copy went through user space";
  NullProgress null_progress;
  EXPECT_EQ(HashFile(source, DigestAlgorithm::kSha256, null_progress).value(), copy->digest_hex);
  // Progress counts the bytes really moved: the data extents, not the holes.
  EXPECT_EQ(progress.total_bytes, copy->data_bytes);
  EXPECT_EQ(progress.done_bytes, copy->data_bytes);
  EXPECT_LT(copy->data_bytes, size / 2);

  struct stat st;
  ASSERT_EQ(::stat(destination.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0644u);
}

// Each way of copying that does not share extents gives the same bytes, holes and digest.
TEST_F(FileCopierTest, KernelAndUserSpaceCopiesAgree) {
  const std::filesystem::path source = MakeSparseSource();
  for (const bool kernel : {true, false}) {
    SCOPED_TRACE(kernel ? "copy_file_range" : "user-space buffer");
    const std::filesystem::path destination = dir_ / (kernel ? "kernel.copy" : "buffer.copy");
    CopyOptions options{DigestAlgorithm::kSha256Blocks, /*allow_clone=*/false};
    options.allow_kernel_copy = kernel;
    RecordingProgress progress;
    Result<CopyResult> copy = CopyFileHashed(source, destination, options, progress);
    ASSERT_TRUE(copy.ok()) << copy.error().ToString();
    EXPECT_FALSE(copy->cloned);
    EXPECT_EQ(copy->kernel_copied, kernel);
    EXPECT_TRUE(dt::ReadAll(source) == dt::ReadAll(destination)) << "content differs";
    EXPECT_LE(dt::AllocatedBytes(destination), dt::AllocatedBytes(source));
    NullProgress null_progress;
    EXPECT_EQ(copy->digest_hex,
              HashFile(source, DigestAlgorithm::kSha256Blocks, null_progress).value());
    EXPECT_EQ(copy->bytes_written, copy->data_bytes);
    EXPECT_EQ(progress.total_bytes, copy->data_bytes);
    EXPECT_EQ(progress.done_bytes, copy->data_bytes);
  }
}

TEST_F(FileCopierTest, DenseFileOfManyChunksIsCopiedExactly) {
  const std::filesystem::path source = dir_ / "random.bin";
  ASSERT_TRUE(dt::RunOrFail("head -c 13000000 /dev/urandom > " + dt::Quote(source)));
  const std::filesystem::path destination = dir_ / "random.copy";
  NullProgress progress;
  Result<CopyResult> copy = CopyFileHashed(source, destination, kPlainSha256, progress);
  ASSERT_TRUE(copy.ok()) << copy.error().ToString();
  EXPECT_EQ(copy->bytes_written, 13000000u);
  EXPECT_EQ(copy->digest_hex, dt::Sha256Sum(source));
  EXPECT_EQ(dt::Sha256Sum(destination), copy->digest_hex);
  EXPECT_EQ(HashFile(destination, DigestAlgorithm::kSha256, progress).value(), copy->digest_hex);
}

TEST_F(FileCopierTest, RealDiskCopyIsStillTheSameDisk) {
  if (!dt::QemuToolsAvailable()) GTEST_SKIP() << "qemu-img/qemu-io are not installed";
  const std::filesystem::path source =
      dt::CreateQemuDisk(dir_, "x.vhd", "-f vpc -o subformat=dynamic", "64M");
  ASSERT_TRUE(dt::RunOrFail("qemu-io -f vpc -c 'write -P 0xab 1M 2M' " + dt::Quote(source)));
  const std::filesystem::path destination = dir_ / "copy.vhd";
  NullProgress progress;
  Result<CopyResult> copy = CopyFileHashed(source, destination, kPlainSha256, progress);
  ASSERT_TRUE(copy.ok()) << copy.error().ToString();
  EXPECT_EQ(copy->digest_hex, dt::Sha256Sum(source));
  EXPECT_TRUE(dt::ReadAll(source) == dt::ReadAll(destination));
  Result<DiskInfo> info = InspectDisk(destination);
  ASSERT_TRUE(info.ok()) << info.error().ToString();
  EXPECT_EQ(info->format, DiskFormat::kVhdDynamic);
  EXPECT_EQ(dt::RunCommand("qemu-img compare -q -f vpc -F vpc " + dt::Quote(source) + " " +
                           dt::Quote(destination))
                .exit_code,
            0);
}

TEST_F(FileCopierTest, EmptyFileCopies) {
  const std::filesystem::path source = dir_ / "empty";
  dt::WriteText(source, "");
  NullProgress progress;
  Result<CopyResult> copy = CopyFileHashed(source, dir_ / "empty.copy", kPlainSha256, progress);
  ASSERT_TRUE(copy.ok()) << copy.error().ToString();
  EXPECT_EQ(copy->digest_hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(std::filesystem::file_size(dir_ / "empty.copy"), 0u);
}

TEST_F(FileCopierTest, CancelMidCopyLeavesNoDestination) {
  const std::filesystem::path source = MakeSparseSource();
  const std::filesystem::path destination = dir_ / "cancelled.vhdx";
  RecordingProgress progress;
  progress.cancel_after_first_chunk = true;
  Result<CopyResult> copy = CopyFileHashed(source, destination, kPlainSha256, progress);
  ASSERT_FALSE(copy.ok());
  EXPECT_EQ(copy.error().code(), ReturnCode::kFailed);
  EXPECT_EQ(copy.error().message(), "copy of '" + source.string() + "' was cancelled");
  EXPECT_FALSE(std::filesystem::exists(destination));
  EXPECT_EQ(progress.done_calls, 1);
}

TEST_F(FileCopierTest, CancelledHashReportsHashing) {
  const std::filesystem::path source = MakeSparseSource();
  RecordingProgress progress;
  progress.cancel_after_first_chunk = true;
  Result<std::string> hash = HashFile(source, DigestAlgorithm::kSha256, progress);
  ASSERT_FALSE(hash.ok());
  EXPECT_EQ(hash.error().message(), "hashing of '" + source.string() + "' was cancelled");
}

TEST_F(FileCopierTest, ExistingDestinationIsAnErrorAndLeftUntouched) {
  const std::filesystem::path source = MakeSparseSource();
  const std::filesystem::path destination = dir_ / "existing.vhdx";
  dt::WriteText(destination, "keep me");
  const auto mtime = std::filesystem::last_write_time(destination);
  NullProgress progress;
  Result<CopyResult> copy = CopyFileHashed(source, destination, kPlainSha256, progress);
  ASSERT_FALSE(copy.ok());
  EXPECT_EQ(copy.error().code(), ReturnCode::kFailed);
  EXPECT_EQ(copy.error().message(), "create '" + destination.string() + "': File exists");
  const std::vector<uint8_t> content = dt::ReadAll(destination);
  EXPECT_EQ(std::string(content.begin(), content.end()), "keep me");
  EXPECT_EQ(std::filesystem::last_write_time(destination), mtime);
}

TEST_F(FileCopierTest, MissingSourceCreatesNothing) {
  NullProgress progress;
  Result<CopyResult> copy = CopyFileHashed(dir_ / "missing", dir_ / "copy", kPlainSha256, progress);
  ASSERT_FALSE(copy.ok());
  EXPECT_EQ(copy.error().code(), ReturnCode::kInvalidParameter);
  EXPECT_EQ(copy.error().message(),
            "open '" + (dir_ / "missing").string() + "': No such file or directory");
  EXPECT_FALSE(std::filesystem::exists(dir_ / "copy"));
}

TEST_F(FileCopierTest, DirectorySourceIsRejected) {
  std::filesystem::create_directory(dir_ / "folder");
  NullProgress progress;
  Result<CopyResult> copy = CopyFileHashed(dir_ / "folder", dir_ / "copy", kPlainSha256, progress);
  ASSERT_FALSE(copy.ok());
  EXPECT_THAT(copy.error().message(), HasSubstr("is not a regular file"));
  EXPECT_FALSE(std::filesystem::exists(dir_ / "copy"));
}

TEST_F(FileCopierTest, MissingDestinationDirectoryIsNamed) {
  const std::filesystem::path source = MakeSparseSource();
  NullProgress progress;
  Result<CopyResult> copy = CopyFileHashed(source, dir_ / "no" / "copy", kPlainSha256, progress);
  ASSERT_FALSE(copy.ok());
  EXPECT_EQ(copy.error().code(), ReturnCode::kInvalidParameter);
  EXPECT_EQ(copy.error().message(),
            "create '" + (dir_ / "no" / "copy").string() + "': No such file or directory");
}

// RLIMIT_FSIZE makes writes past the limit fail with EFBIG, like a full disk would.
TEST_F(FileCopierTest, WriteFailureRemovesTheDestination) {
  const std::filesystem::path source = MakeSparseSource();
  const std::filesystem::path destination = dir_ / "too_big.vhdx";
  struct rlimit saved;
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
  struct sigaction ignore = {}, saved_action;
  ignore.sa_handler = SIG_IGN;
  ASSERT_EQ(::sigaction(SIGXFSZ, &ignore, &saved_action), 0);
  struct rlimit limited = saved;
  limited.rlim_cur = 8 * kMiB;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &limited), 0);
  NullProgress progress;
  Result<CopyResult> copy = CopyFileHashed(source, destination, kPlainSha256, progress);
  ::setrlimit(RLIMIT_FSIZE, &saved);
  ::sigaction(SIGXFSZ, &saved_action, nullptr);
  ASSERT_FALSE(copy.ok());
  EXPECT_EQ(copy.error().code(), ReturnCode::kFailed);
  EXPECT_THAT(copy.error().message(), HasSubstr("'" + destination.string() + "': File too large"));
  EXPECT_FALSE(std::filesystem::exists(destination));
}

TEST_F(FileCopierTest, SyncDirectory) {
  EXPECT_TRUE(SyncDirectory(dir_.path()).ok());
  Result<void> missing = SyncDirectory(dir_ / "missing");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ReturnCode::kInvalidParameter);
  EXPECT_EQ(missing.error().message(),
            "open directory '" + (dir_ / "missing").string() + "': No such file or directory");
  dt::WriteText(dir_ / "file", "x");
  Result<void> file = SyncDirectory(dir_ / "file");
  ASSERT_FALSE(file.ok());
  EXPECT_THAT(file.error().message(), HasSubstr("Not a directory"));
}

}  // namespace
}  // namespace vsm::disk
