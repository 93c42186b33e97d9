#include "integration_fixture.h"

#include <regex>
#include <thread>

namespace vsm::testing {

std::optional<std::string> WbemProperty(const std::string& output, const std::string& name) {
  // One-line form: ...,Name=value,Next=...  ; -nl form: -Name=value
  std::regex pattern("(^|[ ,\\n-])" + name + "=(\"([^\"]*)\"|([^,\\n]*))");
  std::smatch match;
  if (!std::regex_search(output, match, pattern)) return std::nullopt;
  return match[3].matched ? match[3].str() : match[4].str();
}

void IntegrationTest::SetUp() {
  std::filesystem::create_directories(Path("disks"));
  std::filesystem::create_directories(Path("exports"));
  vsmd_ = std::make_unique<VsmdProcess>(Path("data"));
  ASSERT_TRUE(vsmd_->Start()) << vsmd_->log();
}

void IntegrationTest::TearDown() {
  if (vsmd_ && vsmd_->IsRunning()) {
    EXPECT_EQ(vsmd_->Stop(), 0) << vsmd_->log();
  }
}

std::vector<std::filesystem::path> IntegrationTest::MakeSampleDisks(const std::string& prefix) {
  auto vhd = Path("disks/" + prefix + "-boot.vhd");
  auto vhdx = Path("disks/" + prefix + "-data.vhdx");
  EXPECT_TRUE(MakeQemuDisk(vhd, QemuDiskKind::kVhdDynamic, 32, 0xab));
  EXPECT_TRUE(MakeQemuDisk(vhdx, QemuDiskKind::kVhdxDynamic, 32, 0xcd));
  return {vhd, vhdx};
}

std::string IntegrationTest::DefineWithVsm(const std::string& name,
                                           const std::vector<std::filesystem::path>& disks) {
  std::vector<std::string> args = {"define", "--name", name, "--memory", "1024", "--cpus", "2",
                                   "--nic", "External"};
  for (const auto& disk : disks) {
    args.push_back("--disk");
    args.push_back(disk.string());
  }
  CommandResult defined = vsmd_->Vsm(args);
  EXPECT_EQ(defined.exit_code, 0) << defined.output;
  std::smatch match;
  std::regex guid("[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}");
  EXPECT_TRUE(std::regex_search(defined.output, match, guid)) << defined.output;
  return match.empty() ? "" : match.str();
}

std::string IntegrationTest::ServiceUrl() {
  CommandResult listed = vsmd_->Wbemcli(
      {"ein", vsmd_->Url() + ":Msvm_VirtualSystemManagementService"});
  EXPECT_EQ(listed.exit_code, 0) << listed.output;
  // "127.0.0.1:PORT/root/virtualization:Msvm_VirtualSystemManagementService.CreationClassName=..."
  std::string line = listed.output.substr(0, listed.output.find('\n'));
  size_t colon = line.find(":Msvm_VirtualSystemManagementService");
  EXPECT_NE(colon, std::string::npos) << listed.output;
  if (colon == std::string::npos) return "";
  return vsmd_->Url() + line.substr(colon);
}

IntegrationTest::MethodOutcome IntegrationTest::CallServiceMethod(const std::string& method_and_args,
                                                                  const std::string& user,
                                                                  const std::string& password) {
  std::string service = ServiceUrl();
  std::string prefix = vsmd_->Url();
  service.replace(0, prefix.size(), vsmd_->Url(user, password));
  MethodOutcome outcome;
  CommandResult called = vsmd_->Wbemcli({"cm", service, method_and_args});
  outcome.output = called.output;
  EXPECT_EQ(called.exit_code, 0) << called.output;
  // "<url> ImportVirtualSystem: 4096, Job (reference): root/virtualization:Msvm_ConcreteJob.InstanceID=\"…\""
  std::smatch match;
  std::string method = method_and_args.substr(0, method_and_args.find('.'));
  if (std::regex_search(called.output, match, std::regex(method + ": (\\d+)"))) {
    outcome.return_value = std::stoi(match[1]);
  }
  if (std::regex_search(called.output, match,
                        std::regex("Job \\(reference\\): (\\S+Msvm_ConcreteJob\\.InstanceID=\"[^\"]+\")"))) {
    outcome.job_path = match[1];
  }
  return outcome;
}

WbemJob IntegrationTest::PollJob(const std::string& job_path) {
  WbemJob job;
  // The reference wbemcli prints ("root/virtualization:Msvm_ConcreteJob.InstanceID=...") is
  // pasted after the host part of the URL, as a user would.
  std::string url = "http://admin:secret@127.0.0.1:" + std::to_string(vsmd_->port()) + "/" + job_path;
  for (int i = 0; i < 600; ++i) {
    CommandResult got = vsmd_->Wbemcli({"-nl", "gi", url});
    EXPECT_EQ(got.exit_code, 0) << got.output;
    if (got.exit_code != 0) return job;
    job.job_state = std::stoi(WbemProperty(got.output, "JobState").value_or("0"));
    job.percent_complete = std::stoi(WbemProperty(got.output, "PercentComplete").value_or("0"));
    job.error_code = std::stoi(WbemProperty(got.output, "ErrorCode").value_or("0"));
    job.error_description = WbemProperty(got.output, "ErrorDescription").value_or("");
    if (job.job_state != 3 && job.job_state != 4 && job.job_state != 2) return job;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ADD_FAILURE() << "job " << job_path << " did not finish in 120 s";
  return job;
}

}  // namespace vsm::testing
