// Every return code ImportVirtualSystem and ExportVirtualSystem can give, through wbemcli, each
// failure checked for "catalogue unchanged, nothing left on disk".
#include <gmock/gmock.h>

#include <fstream>

#include "integration_fixture.h"

namespace vsm::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

class ReturnCodeTest : public IntegrationTest {
 protected:
  // The lines of `wbemcli ein Msvm_ComputerSystem`: the catalogue as a client sees it.
  std::string Catalogue() { return vsmd_->Wbemcli({"ein", vsmd_->Url() + ":Msvm_ComputerSystem"}).output; }
};

TEST_F(ReturnCodeTest, ImportDirectoryCheckedAtOnceIs32773) {
  std::string before = Catalogue();
  std::ofstream(Path("plain-file")) << "x";
  for (std::string directory : {std::string(""), std::string("relative/dir"),
                                Path("missing").string(), Path("plain-file").string()}) {
    MethodOutcome outcome = CallServiceMethod("ImportVirtualSystem.ImportDirectory=\"" + directory +
                                              "\",GenerateNewID=true");
    EXPECT_EQ(outcome.return_value, 32773) << directory << ": " << outcome.output;
    EXPECT_TRUE(outcome.job_path.empty()) << outcome.output;
  }
  EXPECT_EQ(Catalogue(), before);
}

TEST_F(ReturnCodeTest, ReaderGets32769) {
  std::string guid = DefineWithVsm("r1", MakeSampleDisks("r1"));
  MethodOutcome import = CallServiceMethod(
      "ImportVirtualSystem.ImportDirectory=\"" + Path("exports").string() + "\",GenerateNewID=true",
      "auditor", "readonly");
  EXPECT_EQ(import.return_value, 32769) << import.output;
  MethodOutcome exported = CallServiceMethod(
      "ExportVirtualSystem.ComputerSystem=Msvm_ComputerSystem.CreationClassName=\"Msvm_ComputerSystem\",Name=\"" +
          guid + "\",CopyVmState=true,ExportDirectory=\"" + Path("exports").string() + "\"",
      "auditor", "readonly");
  EXPECT_EQ(exported.return_value, 32769) << exported.output;
  EXPECT_THAT(Entries("exports"), IsEmpty());
  // A reader may still read.
  CommandResult listed = vsmd_->Wbemcli({"ei", vsmd_->Url("auditor", "readonly") + ":Msvm_ComputerSystem"});
  EXPECT_EQ(listed.exit_code, 0) << listed.output;
  EXPECT_THAT(listed.output, HasSubstr(guid));
}

TEST_F(ReturnCodeTest, WrongPasswordIsRefusedByHttp) {
  CommandResult listed = vsmd_->Wbemcli({"ei", vsmd_->Url("admin", "wrong") + ":Msvm_ComputerSystem"});
  EXPECT_NE(listed.exit_code, 0);
}

TEST_F(ReturnCodeTest, ExportDirectoryPassedToImportNamesTheSubdirectory) {
  std::string guid = DefineWithVsm("web01", MakeSampleDisks("web01"));
  ASSERT_EQ(vsmd_->Vsm({"export", guid, Path("exports").string()}).exit_code, 0);
  std::string before = Catalogue();
  MethodOutcome outcome = CallServiceMethod("ImportVirtualSystem.ImportDirectory=\"" +
                                            Path("exports").string() + "\",GenerateNewID=true");
  ASSERT_EQ(outcome.return_value, 4096) << outcome.output;
  WbemJob job = PollJob(outcome.job_path);
  EXPECT_EQ(job.job_state, 10);
  EXPECT_EQ(job.error_code, 32773);
  EXPECT_THAT(job.error_description, HasSubstr(Path("exports/web01").string()));
  EXPECT_EQ(Catalogue(), before);
}

TEST_F(ReturnCodeTest, DamagedPackageFailsNamingTheFileAndLeavesTheCatalogue) {
  std::string guid = DefineWithVsm("web01", MakeSampleDisks("web01"));
  ASSERT_EQ(vsmd_->Vsm({"export", guid, Path("exports").string()}).exit_code, 0);
  std::string disk = Path("exports/web01/Virtual Hard Disks/web01-boot.vhd").string();
  {
    std::fstream f(disk, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(-512, std::ios::end);  // the VHD footer
    f.put('X');
  }
  std::string before = Catalogue();
  MethodOutcome outcome = CallServiceMethod("ImportVirtualSystem.ImportDirectory=\"" +
                                            Path("exports/web01").string() + "\",GenerateNewID=true");
  WbemJob job = PollJob(outcome.job_path);
  EXPECT_EQ(job.job_state, 10);
  EXPECT_EQ(job.error_code, 32773);
  EXPECT_THAT(job.error_description, HasSubstr("web01-boot.vhd"));
  EXPECT_EQ(Catalogue(), before);
}

TEST_F(ReturnCodeTest, ExportOverExistingPackageIs32773AndKeepsIt) {
  std::string guid = DefineWithVsm("web01", MakeSampleDisks("web01"));
  std::filesystem::create_directories(Path("exports/web01"));
  std::ofstream(Path("exports/web01/mine.txt")) << "keep";
  MethodOutcome outcome = CallServiceMethod(
      "ExportVirtualSystem.ComputerSystem=Msvm_ComputerSystem.CreationClassName=\"Msvm_ComputerSystem\",Name=\"" +
      guid + "\",CopyVmState=true,ExportDirectory=\"" + Path("exports").string() + "\"");
  EXPECT_EQ(outcome.return_value, 32773) << outcome.output;
  EXPECT_EQ(Entries("exports/web01"), std::vector<std::string>{"mine.txt"});
}

TEST_F(ReturnCodeTest, StartingASystemIs32770WithoutHypervisor) {
  std::string guid = DefineWithVsm("web01", MakeSampleDisks("web01"));
  std::string system = vsmd_->Url() +
                       ":Msvm_ComputerSystem.CreationClassName=\"Msvm_ComputerSystem\",Name=\"" + guid + "\"";
  CommandResult started = vsmd_->Wbemcli({"cm", system, "RequestStateChange.RequestedState=2"});
  EXPECT_EQ(started.exit_code, 0) << started.output;
  EXPECT_THAT(started.output, HasSubstr("RequestStateChange: 32770"));
}

TEST_F(ReturnCodeTest, UnknownJobIsCimNotFound) {
  CommandResult got = vsmd_->Wbemcli(
      {"gi", vsmd_->Url() + ":Msvm_ConcreteJob.InstanceID=\"no-such-job\""});
  EXPECT_NE(got.exit_code, 0);
  EXPECT_THAT(got.output, HasSubstr("CIM_ERR_NOT_FOUND"));
}

}  // namespace
}  // namespace vsm::testing
