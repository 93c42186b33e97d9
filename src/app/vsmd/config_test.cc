#include "app/vsmd/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "app/vsmd/data_root_lock.h"

namespace vsm::app {
namespace {

using ::testing::HasSubstr;

std::filesystem::path WriteConfig(const std::string& text) {
  auto path = std::filesystem::temp_directory_path() / ("vsmd-config-" + std::to_string(::getpid()));
  std::ofstream(path) << text;
  return path;
}

TEST(ConfigTest, ReadsEveryKey) {
  auto file = WriteConfig(
      "# vsmd\ndata_root = /srv/vsm\nlisten = [::1]:15988\nsocket = /run/vsmd.sock\n"
      "job_workers = 3\ncopy_parallel_files = 4\njob_time_before_removal_seconds = 60\nhttp_workers = 8\n"
      "max_body_bytes = 65536\nlog_level = debug\n");
  DaemonConfig config;
  ASSERT_TRUE(LoadConfigFile(file, config).ok());
  EXPECT_EQ(config.data_root, "/srv/vsm");
  EXPECT_EQ(config.listen, "[::1]:15988");
  EXPECT_EQ(config.SocketPath(), "/run/vsmd.sock");
  EXPECT_EQ(config.job_workers, 3u);
  EXPECT_EQ(config.copy_parallel_files, 4u);
  EXPECT_EQ(config.job_time_before_removal, std::chrono::seconds(60));
  EXPECT_EQ(config.http_workers, 8u);
  EXPECT_EQ(config.max_body_bytes, 65536u);
  EXPECT_EQ(config.log_level, "debug");
  std::filesystem::remove(file);
}

TEST(ConfigTest, ErrorsNameFileLineAndKey) {
  auto file = WriteConfig("job_workers = 2\ncolour = blue\n");
  DaemonConfig config;
  Result<void> loaded = LoadConfigFile(file, config);
  ASSERT_FALSE(loaded.ok());
  EXPECT_THAT(loaded.error().message(), HasSubstr(":2: unknown key 'colour'"));
  auto bad = WriteConfig("job_workers = many\n");
  EXPECT_THAT(LoadConfigFile(bad, config).error().message(), HasSubstr("job_workers = 'many'"));
  std::filesystem::remove(file);
  std::filesystem::remove(bad);
}

TEST(ConfigTest, ParsesListenAddresses) {
  auto v4 = ParseListenAddress("127.0.0.1:5988");
  ASSERT_TRUE(v4.ok());
  EXPECT_EQ(v4->first, "127.0.0.1");
  EXPECT_EQ(v4->second, 5988);
  EXPECT_EQ(ParseListenAddress("[::1]:0")->first, "::1");
  EXPECT_FALSE(ParseListenAddress("localhost").ok());
  EXPECT_FALSE(ParseListenAddress("localhost:99999").ok());
}

TEST(DataRootLockTest, SecondHolderIsRefusedNamingTheRoot) {
  auto root = std::filesystem::temp_directory_path() / ("vsmd-lock-" + std::to_string(::getpid()));
  auto first = DataRootLock::Acquire(root);
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  // flock is per open file description, so a second acquire in one process conflicts too.
  auto second = DataRootLock::Acquire(root);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code(), ReturnCode::kSystemInUse);
  EXPECT_THAT(second.error().message(), HasSubstr(root.string()));
  first->reset();
  EXPECT_TRUE(DataRootLock::Acquire(root).ok());
  std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace vsm::app
