// IntegrationTest: a running vsmd on a temporary data root, disks made by qemu-img, and the
// helpers the scenarios share (calling methods with wbemcli, polling jobs as the spec's VBScript
// sample does).
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "support/qemu_disks.h"
#include "support/temp_dir.h"
#include "vsmd_process.h"

namespace vsm::testing {

// What `wbemcli gi` printed of a job.
struct WbemJob {
  int job_state = 0;
  int percent_complete = 0;
  int error_code = 0;
  std::string error_description;
};

class IntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  std::filesystem::path Path(const std::string& relative) const { return temp_.path() / relative; }

  // A dynamic VHD and a VHDX (each with a pattern in its first MiB) under disks/.
  std::vector<std::filesystem::path> MakeSampleDisks(const std::string& prefix);

  // `vsm define` of a system over `disks`; returns its GUID.
  std::string DefineWithVsm(const std::string& name, const std::vector<std::filesystem::path>& disks);

  // The path of Msvm_VirtualSystemManagementService as `wbemcli ei` printed it, with the URL
  // prefix, ready for `wbemcli cm`.
  std::string ServiceUrl();

  // `wbemcli cm SERVICE METHOD.ARGS`; returns the return value and, if any, the Job path.
  struct MethodOutcome {
    int return_value = -1;
    std::string job_path;  // root/virtualization:Msvm_ConcreteJob.InstanceID="..."
    std::string output;
  };
  MethodOutcome CallServiceMethod(const std::string& method_and_args,
                                  const std::string& user = "admin",
                                  const std::string& password = "secret");

  // Polls `wbemcli gi` every 200 ms while JobState is 3 or 4 (the VBScript loop).
  WbemJob PollJob(const std::string& job_path);

  // Names of the entries of a directory.
  std::vector<std::string> Entries(const std::string& relative) const {
    return ListDirectory(Path(relative));
  }

  TempDir temp_;
  std::unique_ptr<VsmdProcess> vsmd_;
};

// The value of `Name=` in wbemcli's one-line or -nl output, or nullopt.
std::optional<std::string> WbemProperty(const std::string& output, const std::string& name);

}  // namespace vsm::testing
