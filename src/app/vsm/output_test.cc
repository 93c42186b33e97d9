#include "app/vsm/output.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

namespace vsm::cli {
namespace {

using ::testing::HasSubstr;

SystemView SampleSystem() {
  SystemView system;
  system.id = "4F1C2D3E-0A1B-4C5D-8E9F-0123456789AB";
  system.name = "web01";
  system.state_code = 3;
  system.state = "Off";
  system.memory_mb = 1024;
  system.cpus = 2;
  system.notes = "front end";
  system.drives = {{"disk", "/disks/boot.vhd"}, {"dvd", "/iso/install.iso"}};
  system.network_adapters = {{"External", "00155D000001", true}};
  return system;
}

JobView SampleJob() {
  JobView job;
  job.id = "job-1";
  job.type = "ImportVirtualSystem";
  job.state_code = 10;
  job.state = "Exception";
  job.percent_complete = 30;
  job.error_code = 32773;
  job.error_name = "InvalidParameter";
  job.error_description = "no config.xml";
  job.description = "Importing virtual system from '/x'";
  job.time_submitted = "2026-01-25T06:45:55+00:00";
  job.elapsed_seconds = 1.5;
  job.cancellable = true;
  return job;
}

TEST(TableTest, ColumnsArePaddedAndTrailingSpaceTrimmed) {
  Table table({"ID", "NAME", "STATE"});
  table.AddRow({"1", "a-long-name", "Off"});
  table.AddRow({"22", "b", ""});
  EXPECT_EQ(table.ToString(),
            "ID  NAME         STATE\n"
            "1   a-long-name  Off\n"
            "22  b\n");
}

TEST(SystemJsonTest, StableKeys) {
  Json json = SystemToJson(SampleSystem());
  EXPECT_EQ(json["id"], "4F1C2D3E-0A1B-4C5D-8E9F-0123456789AB");
  EXPECT_EQ(json["name"], "web01");
  EXPECT_EQ(json["state"], "Off");
  EXPECT_EQ(json["state_code"], 3);
  EXPECT_EQ(json["memory_mb"], 1024);
  EXPECT_EQ(json["cpus"], 2);
  EXPECT_EQ(json["notes"], "front end");
  ASSERT_EQ(json["drives"].size(), 2u);
  EXPECT_EQ(json["drives"][1], (Json{{"type", "dvd"}, {"path", "/iso/install.iso"}}));
  ASSERT_EQ(json["network_adapters"].size(), 1u);
  EXPECT_EQ(json["network_adapters"][0],
            (Json{{"switch", "External"}, {"mac_address", "00155D000001"},
                            {"static_mac", true}}));
  std::vector<std::string> keys;
  for (auto& [key, value] : json.items()) keys.push_back(key);
  EXPECT_EQ(keys.size(), 10u);
}

TEST(SystemJsonTest, UnknownMemoryAndProcessorsAreNull) {
  SystemView system = SampleSystem();
  system.memory_mb.reset();
  system.cpus.reset();
  system.drives.clear();
  Json json = SystemToJson(system);
  EXPECT_TRUE(json["memory_mb"].is_null());
  EXPECT_TRUE(json["cpus"].is_null());
  EXPECT_TRUE(json["drives"].is_array());
  EXPECT_TRUE(json["drives"].empty());
}

TEST(JobJsonTest, StableKeysAndNoNulls) {
  Json json = JobToJson(SampleJob());
  EXPECT_EQ(json, (Json{
                      {"id", "job-1"},
                      {"type", "ImportVirtualSystem"},
                      {"state", "Exception"},
                      {"state_code", 10},
                      {"percent_complete", 30},
                      {"error_code", 32773},
                      {"error_name", "InvalidParameter"},
                      {"error_description", "no config.xml"},
                      {"description", "Importing virtual system from '/x'"},
                      {"time_submitted", "2026-01-25T06:45:55+00:00"},
                      {"elapsed_seconds", 1.5},
                      {"cancellable", true},
                      {"affected_system", ""},
                  }));
  // Scripts read optional strings with value(key, ""); a null would throw there.
  EXPECT_EQ(json.value("affected_system", "x"), "");
}

TEST(TextOutputTest, SystemsTableAndDetails) {
  EXPECT_EQ(SystemsTable({SampleSystem()}),
            "ID                                    NAME   STATE  MEMORY_MB  CPUS\n"
            "4F1C2D3E-0A1B-4C5D-8E9F-0123456789AB  web01  Off    1024       2\n");
  std::string details = SystemDetails(SampleSystem());
  EXPECT_THAT(details, HasSubstr("Name:             web01\n"));
  EXPECT_THAT(details, HasSubstr("Memory (MB):      1024\n"));
  EXPECT_THAT(details, HasSubstr("  disk  /disks/boot.vhd\n"));
  EXPECT_THAT(details, HasSubstr("  dvd   /iso/install.iso\n"));
  EXPECT_THAT(details, HasSubstr("  switch 'External', static MAC 00155D000001\n"));
}

TEST(TextOutputTest, JobsTableShowsFailures) {
  std::string table = JobsTable({SampleJob()});
  EXPECT_THAT(table, HasSubstr("InvalidParameter (32773): no config.xml"));
  EXPECT_THAT(JobDetails(SampleJob()), HasSubstr("Error:            InvalidParameter (32773)\n"));
}

std::vector<SnapshotView> SampleSnapshots() {
  SnapshotView root;
  root.id = "11111111-2222-4333-8444-555555555555";
  root.name = "before upgrade";
  root.system = "4F1C2D3E-0A1B-4C5D-8E9F-0123456789AB";
  root.creation_time = "2026-01-25T06:45:55+00:00";
  SnapshotView child = root;
  child.id = "AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE";
  child.name = "after upgrade";
  child.parent = root.id;
  child.creation_time = "";
  child.depth = 1;
  return {root, child};
}

TEST(SnapshotJsonTest, StableKeysAndNoNulls) {
  std::vector<SnapshotView> snapshots = SampleSnapshots();
  EXPECT_EQ(SnapshotToJson(snapshots[0]), (Json{
                                              {"id", "11111111-2222-4333-8444-555555555555"},
                                              {"name", "before upgrade"},
                                              {"system", "4F1C2D3E-0A1B-4C5D-8E9F-0123456789AB"},
                                              {"parent", ""},
                                              {"creation_time", "2026-01-25T06:45:55+00:00"},
                                              {"depth", 0},
                                          }));
  Json child = SnapshotToJson(snapshots[1]);
  EXPECT_EQ(child["parent"], "11111111-2222-4333-8444-555555555555");
  EXPECT_EQ(child["depth"], 1);
  EXPECT_EQ(child["creation_time"], "");
}

TEST(TextOutputTest, SnapshotsTableIndentsChildrenUnderTheirParent) {
  std::string id_pad(36 - 2, ' ');
  EXPECT_EQ(SnapshotsTable(SampleSnapshots()),
            "ID" + id_pad + "  NAME" + std::string(11, ' ') + "  PARENT" + std::string(30, ' ') +
                "  CREATED\n"
                "11111111-2222-4333-8444-555555555555  before upgrade   -" +
                std::string(35, ' ') +
                "  2026-01-25T06:45:55+00:00\n"
                "AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE    after upgrade  "
                "11111111-2222-4333-8444-555555555555  -\n");
}

TEST(PrintJsonTest, IndentedWithNewline) {
  std::ostringstream out;
  PrintJson(out, Json{{"a", 1}});
  EXPECT_EQ(out.str(), "{\n  \"a\": 1\n}\n");
}

}  // namespace
}  // namespace vsm::cli
