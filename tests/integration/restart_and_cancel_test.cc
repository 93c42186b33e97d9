// A job interrupted by a crash or cancelled by a client leaves no partial package, and its job
// says what happened.
#include <gmock/gmock.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "integration_fixture.h"

namespace vsm::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using json = nlohmann::json;

class RestartAndCancelTest : public IntegrationTest {
 protected:
  // A system whose export takes seconds: a fixed 8 GiB VHDX (sparse on disk; the export still
  // reads and hashes every byte).
  std::string DefineLargeSystem() {
    auto disk = Path("disks/large.vhdx");
    EXPECT_TRUE(MakeQemuDisk(disk, QemuDiskKind::kVhdxFixed, 8192));
    return DefineWithVsm("large", {disk});
  }

  json JobJson(const std::string& id) {
    CommandResult shown = vsmd_->Vsm({"--json", "job", "show", id});
    EXPECT_EQ(shown.exit_code, 0) << shown.output;
    return json::parse(shown.output, nullptr, false);
  }

  std::string StartExport(const std::string& guid) {
    CommandResult started = vsmd_->Vsm({"--json", "export", guid, Path("exports").string(), "--no-wait"});
    EXPECT_EQ(started.exit_code, 0) << started.output;
    json job = json::parse(started.output, nullptr, false);
    EXPECT_TRUE(job.is_object()) << started.output;
    return job.is_object() ? job.value("id", "") : "";
  }

  void WaitUntilRunning(const std::string& id) {
    for (int i = 0; i < 500; ++i) {
      json job = JobJson(id);
      if (job.is_object() && job.value("state_code", 0) == 4) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ADD_FAILURE() << "job " << id << " never ran";
  }
};

TEST_F(RestartAndCancelTest, KilledDuringExportRestartsWithNoPartialPackageAndJobInException) {
  std::string guid = DefineLargeSystem();
  std::string id = StartExport(guid);
  ASSERT_FALSE(id.empty());
  WaitUntilRunning(id);
  vsmd_->Kill();
  // The staging directory of the interrupted export is still there...
  EXPECT_FALSE(Entries("exports").empty());

  ASSERT_TRUE(vsmd_->Start()) << vsmd_->log();
  // ...until the restart rolls it back.
  EXPECT_THAT(Entries("exports"), IsEmpty());
  json job = JobJson(id);
  EXPECT_EQ(job.value("state_code", 0), 10) << job.dump();
  EXPECT_THAT(job.value("error_description", ""), HasSubstr("vsmd stopped"));
  // The system is still there and can be exported again.
  CommandResult again = vsmd_->Vsm({"export", guid, Path("exports").string()});
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(Entries("exports"), std::vector<std::string>{"large"});
}

TEST_F(RestartAndCancelTest, CancelledExportIsTerminatedWithNoPartialPackage) {
  std::string guid = DefineLargeSystem();
  std::string id = StartExport(guid);
  ASSERT_FALSE(id.empty());
  WaitUntilRunning(id);
  CommandResult cancelled = vsmd_->Vsm({"job", "cancel", id});
  EXPECT_EQ(cancelled.exit_code, 0) << cancelled.output;
  CommandResult watched = vsmd_->Vsm({"job", "watch", id});
  EXPECT_NE(watched.exit_code, 0) << watched.output;
  json job = JobJson(id);
  EXPECT_EQ(job.value("state_code", 0), 8) << job.dump();
  EXPECT_THAT(Entries("exports"), IsEmpty());
}

TEST_F(RestartAndCancelTest, StopWithSigtermRollsBackRunningExport) {
  std::string guid = DefineLargeSystem();
  std::string id = StartExport(guid);
  ASSERT_FALSE(id.empty());
  WaitUntilRunning(id);
  EXPECT_EQ(vsmd_->Stop(), 0) << vsmd_->log();
  EXPECT_THAT(Entries("exports"), IsEmpty());
  ASSERT_TRUE(vsmd_->Start()) << vsmd_->log();
  EXPECT_EQ(JobJson(id).value("state_code", 0), 10);
}

TEST_F(RestartAndCancelTest, FinishedJobsSurviveARestart) {
  std::string guid = DefineWithVsm("small", MakeSampleDisks("small"));
  CommandResult exported = vsmd_->Vsm({"--json", "export", guid, Path("exports").string()});
  ASSERT_EQ(exported.exit_code, 0) << exported.output;
  std::string id = json::parse(exported.output).value("id", "");
  ASSERT_EQ(vsmd_->Stop(), 0);
  ASSERT_TRUE(vsmd_->Start()) << vsmd_->log();
  json job = JobJson(id);
  EXPECT_EQ(job.value("state_code", 0), 7);
  EXPECT_EQ(job.value("percent_complete", 0), 100);
}

TEST_F(RestartAndCancelTest, SecondVsmdOnTheSameDataRootRefusesToStart) {
  VsmdProcess second(vsmd_->data_root());
  EXPECT_FALSE(second.Start());
  EXPECT_THAT(second.log(), HasSubstr("held by another vsmd"));
}

}  // namespace
}  // namespace vsm::testing
