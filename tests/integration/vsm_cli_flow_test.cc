// The same lifecycle through the vsm command-line tool, with --json where scripts would use it.
#include <gmock/gmock.h>

#include <nlohmann/json.hpp>

#include "integration_fixture.h"

namespace vsm::testing {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

TEST_F(IntegrationTest, VsmDefineExportImportDestroy) {
  auto disks = MakeSampleDisks("app01");
  std::string guid = DefineWithVsm("app01", disks);

  CommandResult listed = vsmd_->Vsm({"--json", "list"});
  ASSERT_EQ(listed.exit_code, 0) << listed.output;
  json systems = json::parse(listed.output);
  ASSERT_TRUE(systems.is_array());
  ASSERT_EQ(systems.size(), 1u);
  EXPECT_EQ(systems[0]["id"], guid);
  EXPECT_EQ(systems[0]["name"], "app01");

  CommandResult shown = vsmd_->Vsm({"--json", "show", "app01"});
  ASSERT_EQ(shown.exit_code, 0) << shown.output;
  json system = json::parse(shown.output);
  EXPECT_EQ(system["memory_mb"], 1024);
  EXPECT_EQ(system["cpus"], 2);
  EXPECT_EQ(system["drives"].size(), 2u);
  EXPECT_EQ(system["network_adapters"].size(), 1u);

  CommandResult exported = vsmd_->Vsm({"export", "app01", Path("exports").string()});
  ASSERT_EQ(exported.exit_code, 0) << exported.output;
  EXPECT_TRUE(std::filesystem::exists(Path("exports/app01/config.xml")));

  CommandResult imported = vsmd_->Vsm({"--json", "import", Path("exports/app01").string(), "--new-id"});
  ASSERT_EQ(imported.exit_code, 0) << imported.output;
  json job = json::parse(imported.output);
  EXPECT_EQ(job["state_code"], 7);
  std::string copy = job.value("affected_system", "");
  EXPECT_NE(copy, guid);
  EXPECT_FALSE(copy.empty());

  // Two systems named app01 now: the name is ambiguous and vsm says so.
  CommandResult ambiguous = vsmd_->Vsm({"show", "app01"});
  EXPECT_NE(ambiguous.exit_code, 0);
  EXPECT_THAT(ambiguous.output, HasSubstr(guid));
  EXPECT_THAT(ambiguous.output, HasSubstr(copy));

  ASSERT_EQ(vsmd_->Vsm({"destroy", copy}).exit_code, 0);
  ASSERT_EQ(vsmd_->Vsm({"destroy", guid}).exit_code, 0);
  // Destroy forgets; the disks stay.
  EXPECT_TRUE(std::filesystem::exists(disks[0]));
  EXPECT_TRUE(std::filesystem::exists(Path("exports/app01/Virtual Hard Disks/app01-boot.vhd")));
  EXPECT_EQ(json::parse(vsmd_->Vsm({"--json", "list"}).output).size(), 0u);
}

TEST_F(IntegrationTest, VsmFailureNamesCodeNumberAndDescription) {
  CommandResult failed = vsmd_->Vsm({"import", Path("nowhere").string()});
  EXPECT_NE(failed.exit_code, 0);
  EXPECT_THAT(failed.output, HasSubstr("32773"));
  EXPECT_THAT(failed.output, HasSubstr("nowhere"));
  CommandResult unknown = vsmd_->Vsm({"show", "no-such-vm"});
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_THAT(unknown.output, HasSubstr("no-such-vm"));
}

TEST_F(IntegrationTest, VsmOverHttpWithCredentials) {
  std::string url = "http://admin:secret@127.0.0.1:" + std::to_string(vsmd_->port());
  CommandResult listed = vsmd_->Vsm({"--url", url, "list"});
  EXPECT_EQ(listed.exit_code, 0) << listed.output;
  CommandResult denied = vsmd_->Vsm({"--url", "http://auditor:readonly@127.0.0.1:" +
                                                  std::to_string(vsmd_->port()),
                                     "define", "--name", "x"});
  EXPECT_NE(denied.exit_code, 0);
  EXPECT_THAT(denied.output, HasSubstr("32769"));
}

}  // namespace
}  // namespace vsm::testing
