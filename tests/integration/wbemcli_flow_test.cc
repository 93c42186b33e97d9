// The spec's VBScript flow, run by a real WBEM client (Debian's wbemcli): find the service,
// ExportVirtualSystem, poll the Job until JobState leaves 3/4, ImportVirtualSystem with
// GenerateNewID FALSE and TRUE, list the systems; then qemu-img proves the disks intact.
#include <gmock/gmock.h>

#include "integration_fixture.h"

namespace vsm::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::ElementsAre;

TEST_F(IntegrationTest, WbemcliExportThenImportKeepingAndRenewingTheId) {
  auto disks = MakeSampleDisks("web01");
  std::string boot_sha = Sha256Sum(disks[0]);
  std::string guid = DefineWithVsm("web01", disks);
  ASSERT_FALSE(guid.empty());

  // ExportVirtualSystem(ComputerSystem REF, CopyVmState, ExportDirectory) -> 4096 + Job.
  MethodOutcome exported = CallServiceMethod(
      "ExportVirtualSystem.ComputerSystem=Msvm_ComputerSystem.CreationClassName=\"Msvm_ComputerSystem\",Name=\"" +
      guid + "\",CopyVmState=true,ExportDirectory=\"" + Path("exports").string() + "\"");
  ASSERT_EQ(exported.return_value, 4096) << exported.output;
  ASSERT_FALSE(exported.job_path.empty()) << exported.output;
  WbemJob export_job = PollJob(exported.job_path);
  EXPECT_EQ(export_job.job_state, 7) << export_job.error_description;
  EXPECT_EQ(export_job.percent_complete, 100);
  EXPECT_EQ(export_job.error_code, 0);
  EXPECT_THAT(Entries("exports"), ElementsAre("web01"));
  std::string package = Path("exports/web01").string();

  // The source is untouched; the copies are identical and consistent.
  EXPECT_EQ(Sha256Sum(disks[0]), boot_sha);
  EXPECT_TRUE(QemuCompare(disks[0], package + "/Virtual Hard Disks/web01-boot.vhd", QemuDiskKind::kVhdDynamic));
  EXPECT_TRUE(QemuCompare(disks[1], package + "/Virtual Hard Disks/web01-data.vhdx", QemuDiskKind::kVhdxDynamic));

  // GenerateNewID FALSE while the original exists: the job fails with 32774 naming it.
  MethodOutcome clash = CallServiceMethod("ImportVirtualSystem.ImportDirectory=\"" + package +
                                          "\",GenerateNewID=false");
  ASSERT_EQ(clash.return_value, 4096) << clash.output;
  WbemJob clash_job = PollJob(clash.job_path);
  EXPECT_EQ(clash_job.job_state, 10);
  EXPECT_EQ(clash_job.error_code, 32774);
  EXPECT_THAT(clash_job.error_description, HasSubstr(guid));

  // After DestroyVirtualSystem, GenerateNewID FALSE brings the same system back, in place.
  CommandResult destroyed = vsmd_->Vsm({"destroy", guid});
  ASSERT_EQ(destroyed.exit_code, 0) << destroyed.output;
  MethodOutcome imported = CallServiceMethod("ImportVirtualSystem.ImportDirectory=\"" + package +
                                             "\",GenerateNewID=false");
  ASSERT_EQ(imported.return_value, 4096) << imported.output;
  WbemJob import_job = PollJob(imported.job_path);
  EXPECT_EQ(import_job.job_state, 7) << import_job.error_description;
  EXPECT_EQ(import_job.percent_complete, 100);

  CommandResult systems = vsmd_->Wbemcli({"ei", vsmd_->Url() + ":Msvm_ComputerSystem"});
  ASSERT_EQ(systems.exit_code, 0) << systems.output;
  EXPECT_THAT(systems.output, HasSubstr("Name=\"" + guid + "\""));
  EXPECT_THAT(systems.output, HasSubstr("ElementName=\"web01\""));
  EXPECT_THAT(systems.output, HasSubstr("EnabledState=3"));

  EXPECT_TRUE(QemuCheck(package + "/Virtual Hard Disks/web01-data.vhdx", QemuDiskKind::kVhdxDynamic));
  EXPECT_TRUE(QemuCompare(disks[0], package + "/Virtual Hard Disks/web01-boot.vhd", QemuDiskKind::kVhdDynamic));
}

TEST_F(IntegrationTest, WbemcliImportWithNewIdCreatesASecondSystem) {
  std::string guid = DefineWithVsm("db01", MakeSampleDisks("db01"));
  CommandResult exported = vsmd_->Vsm({"export", guid, Path("exports").string()});
  ASSERT_EQ(exported.exit_code, 0) << exported.output;

  MethodOutcome imported = CallServiceMethod("ImportVirtualSystem.ImportDirectory=\"" +
                                             Path("exports/db01").string() + "\",GenerateNewID=true");
  ASSERT_EQ(imported.return_value, 4096) << imported.output;
  WbemJob job = PollJob(imported.job_path);
  EXPECT_EQ(job.job_state, 7) << job.error_description;

  CommandResult names = vsmd_->Wbemcli({"ein", vsmd_->Url() + ":Msvm_ComputerSystem"});
  ASSERT_EQ(names.exit_code, 0);
  // The host and two virtual systems, both named db01, with different GUIDs.
  EXPECT_EQ(std::count(names.output.begin(), names.output.end(), '\n'), 3) << names.output;

  // Importing the same package again: it already backs the new system.
  MethodOutcome again = CallServiceMethod("ImportVirtualSystem.ImportDirectory=\"" +
                                          Path("exports/db01").string() + "\",GenerateNewID=true");
  WbemJob again_job = PollJob(again.job_path);
  EXPECT_EQ(again_job.job_state, 10);
  EXPECT_EQ(again_job.error_code, 32774);
  EXPECT_THAT(again_job.error_description, HasSubstr("already backs"));
}

}  // namespace
}  // namespace vsm::testing
