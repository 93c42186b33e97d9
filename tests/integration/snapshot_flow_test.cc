// Snapshots (checkpoints) through a real vsmd, for a system over a VHDX and one over a VHD, both
// made by qemu-img: CreateVirtualSystemSnapshot by wbemcli and by `vsm snapshot create`, the
// differencing children checked by vhdiinfo, data written into the current child with vsm's own
// writer, the tree listed by `vsm snapshot list --json` and by wbemcli, an apply that brings the
// base's data back, and removes that merge the current disk back into the base file.
#include <gmock/gmock.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <vector>

#include "disk/disk_chain.h"
#include "disk/disk_layer.h"
#include "integration_fixture.h"

namespace vsm::testing {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using json = nlohmann::json;

constexpr uint64_t kMiB = 1 << 20;
constexpr uint64_t kProbeBytes = 64 * 1024;
constexpr uint8_t kBasePattern = 0x11;      // qemu-io writes it over the base's first MiB
constexpr uint64_t kLateOffset = 8 * kMiB;  // zeros in the base

struct DiskCase {
  const char* name;
  QemuDiskKind kind;
  const char* base_file;
  const char* child_extension;
  bool apply_with_wbemcli;  // else with `vsm snapshot apply`
};

void PrintTo(const DiskCase& disk_case, std::ostream* out) { *out << disk_case.name; }

// Writes `value` over [offset, offset + kProbeBytes) of the disk a guest sees through `leaf`,
// with vsm's own writer (the chain below fills the rest of each block).
void WriteThrough(const std::filesystem::path& leaf, uint64_t offset, uint8_t value) {
  disk::ChainOptions options;
  options.leaf_access = disk::DiskLayer::Access::kReadWrite;
  Result<disk::DiskChain> chain = disk::DiskChain::Open(leaf, options);
  ASSERT_TRUE(chain.ok()) << chain.error().ToString();
  std::vector<uint8_t> data(kProbeBytes, value);
  const disk::ParentReader* below = chain->depth() > 1 ? &chain->Below(0) : nullptr;
  ASSERT_TRUE(chain->layer(0).Write(offset, data, below).ok());
  ASSERT_TRUE(chain->layer(0).Flush().ok());
}

// The kProbeBytes at `offset` a guest reads through `leaf`, as the value they all have, or -1
// when they differ (or the chain does not open).
int ReadsAs(const std::filesystem::path& leaf, uint64_t offset) {
  Result<disk::DiskChain> chain = disk::DiskChain::Open(leaf);
  EXPECT_TRUE(chain.ok()) << chain.error().ToString();
  if (!chain.ok()) return -1;
  std::vector<uint8_t> data(kProbeBytes);
  if (!chain->ReadVirtual(offset, data).ok()) return -1;
  for (uint8_t byte : data) {
    if (byte != data.front()) return -1;
  }
  return data.front();
}

size_t ChainDepth(const std::filesystem::path& leaf) {
  Result<disk::DiskChain> chain = disk::DiskChain::Open(leaf);
  EXPECT_TRUE(chain.ok()) << chain.error().ToString();
  return chain.ok() ? chain->depth() : 0;
}

class SnapshotFlowTest : public IntegrationTest, public ::testing::WithParamInterface<DiskCase> {
 protected:
  // The path of the system's one hard disk, as `vsm show --json` reports it.
  std::filesystem::path CurrentDisk(const std::string& system) {
    CommandResult shown = vsmd_->Vsm({"--json", "show", system});
    EXPECT_EQ(shown.exit_code, 0) << shown.output;
    if (shown.exit_code != 0) return {};
    json drives = json::parse(shown.output)["drives"];
    EXPECT_EQ(drives.size(), 1u) << shown.output;
    return drives.empty() ? std::filesystem::path() : std::filesystem::path(drives[0]["path"]);
  }

  std::string SystemReference(const std::string& guid) {
    return "Msvm_ComputerSystem.CreationClassName=\"Msvm_ComputerSystem\",Name=\"" + guid + "\"";
  }

  static std::string SnapshotReference(const std::string& guid) {
    return "Msvm_VirtualSystemSettingData.InstanceID=\"Microsoft:" + guid + "\"";
  }

  // `vhdiinfo` (libvhdi, an independent reader of VHD and VHDX) accepts the file.
  static void ExpectVhdiinfoAccepts(const std::filesystem::path& file) {
    CommandResult info = vsm::testing::Run("vhdiinfo " + ShellQuote(file.string()));
    EXPECT_EQ(info.exit_code, 0) << file << ": " << info.output;
  }
};

TEST_P(SnapshotFlowTest, CreateListApplyAndRemove) {
  const DiskCase& disk_case = GetParam();
  const std::filesystem::path base = Path(std::string("disks/") + disk_case.base_file);
  ASSERT_TRUE(MakeQemuDisk(base, disk_case.kind, 32, kBasePattern));
  std::string guid = DefineWithVsm("web01", {base});
  ASSERT_FALSE(guid.empty());
  auto child_of = [&](const std::string& snapshot) {
    return Path("disks/" + base.stem().string() + "_" + snapshot + disk_case.child_extension);
  };

  // 1. CreateVirtualSystemSnapshot with wbemcli. (wbemcli reads every key=value after a REF as
  // one of its keys, so ElementName goes first.)
  MethodOutcome created = CallServiceMethod(
      "CreateVirtualSystemSnapshot.ElementName=\"first\","
      "SourceSystem=" +
      SystemReference(guid));
  ASSERT_EQ(created.return_value, 4096) << created.output;
  std::smatch match;
  ASSERT_TRUE(std::regex_search(
      created.output, match,
      std::regex("SnapshotSettingData \\(reference\\): \\S*Msvm_VirtualSystemSettingData\\."
                 "InstanceID=\"Microsoft:([0-9A-F-]{36})\"")))
      << created.output;
  const std::string first = match[1];
  WbemJob first_job = PollJob(created.job_path);
  ASSERT_EQ(first_job.job_state, 7) << first_job.error_description;
  EXPECT_EQ(first_job.error_code, 0);

  // The system now runs on a differencing child of the base, named as Hyper-V names it.
  const std::filesystem::path first_child = child_of(first);
  ASSERT_TRUE(std::filesystem::exists(first_child)) << first_child;
  ExpectVhdiinfoAccepts(first_child);
  EXPECT_EQ(CurrentDisk(guid), first_child);
  EXPECT_EQ(ChainDepth(first_child), 2u);
  EXPECT_EQ(ReadsAs(first_child, 0), kBasePattern);

  // 2. Data written after the first snapshot, into the current child.
  WriteThrough(first_child, 0, 0x22);
  WriteThrough(first_child, kLateOffset, 0x33);
  EXPECT_EQ(ReadsAs(first_child, 0), 0x22);
  EXPECT_EQ(ReadsAs(base, 0), kBasePattern);  // the frozen base is untouched

  // 3. A second snapshot with vsm: the first child is frozen in its turn.
  CommandResult second_created =
      vsmd_->Vsm({"--json", "snapshot", "create", "web01", "--name", "second"});
  ASSERT_EQ(second_created.exit_code, 0) << second_created.output;
  json second_job = json::parse(second_created.output);
  EXPECT_EQ(second_job["state_code"], 7);
  EXPECT_EQ(second_job["affected_system"], guid);
  const std::string second = second_job["snapshot"]["id"];
  EXPECT_EQ(second_job["snapshot"]["name"], "second");
  EXPECT_EQ(second_job["snapshot"]["parent"], first);
  const std::filesystem::path second_child = child_of(second);
  ASSERT_TRUE(std::filesystem::exists(second_child)) << second_child;
  ExpectVhdiinfoAccepts(second_child);
  EXPECT_EQ(CurrentDisk(guid), second_child);
  EXPECT_EQ(ChainDepth(second_child), 3u);
  WriteThrough(second_child, 0, 0x44);
  EXPECT_EQ(ReadsAs(second_child, 0), 0x44);
  EXPECT_EQ(ReadsAs(second_child, kLateOffset), 0x33);

  // 4. The tree, through vsm and through a plain enumeration of Msvm_VirtualSystemSettingData.
  CommandResult listed = vsmd_->Vsm({"--json", "snapshot", "list", "web01"});
  ASSERT_EQ(listed.exit_code, 0) << listed.output;
  json snapshots = json::parse(listed.output);
  ASSERT_EQ(snapshots.size(), 2u) << listed.output;
  EXPECT_EQ(snapshots[0]["id"], first);
  EXPECT_EQ(snapshots[0]["name"], "first");
  EXPECT_EQ(snapshots[0]["parent"], "");
  EXPECT_EQ(snapshots[0]["depth"], 0);
  EXPECT_EQ(snapshots[0]["system"], guid);
  EXPECT_EQ(snapshots[1]["id"], second);
  EXPECT_EQ(snapshots[1]["parent"], first);
  EXPECT_EQ(snapshots[1]["depth"], 1);
  EXPECT_FALSE(snapshots[1].value("creation_time", "").empty());

  CommandResult settings = vsmd_->Wbemcli({"ei", vsmd_->Url() + ":Msvm_VirtualSystemSettingData"});
  ASSERT_EQ(settings.exit_code, 0) << settings.output;
  std::map<std::string, std::string> by_instance;  // InstanceID -> its line
  std::istringstream lines(settings.output);
  for (std::string line; std::getline(lines, line);) {
    if (std::regex_search(line, match, std::regex(" InstanceID=\"Microsoft:([0-9A-F-]{36})\""))) {
      by_instance[match[1]] = line;
    }
  }
  ASSERT_EQ(by_instance.size(), 3u) << settings.output;  // the system's own, and two snapshots
  EXPECT_THAT(by_instance[guid], HasSubstr("SettingType=3,"));
  EXPECT_THAT(by_instance[first],
              AllOf(HasSubstr("SettingType=5,"), HasSubstr("ElementName=\"first\""),
                    HasSubstr("SystemName=\"" + guid + "\"")));
  EXPECT_THAT(by_instance[first], ::testing::EndsWith("Parent="));  // a root: NULL
  EXPECT_THAT(by_instance[second],
              AllOf(HasSubstr("SettingType=5,"), HasSubstr("ElementName=\"second\""),
                    HasSubstr("Parent=\"root/virtualization:Msvm_VirtualSystemSettingData."
                              "InstanceID=\"Microsoft:" +
                              first + "\"")));

  // 5. Apply the first snapshot: what was written after it is gone; the disk reads as the base.
  if (disk_case.apply_with_wbemcli) {
    // ComputerSystem is optional (the snapshot's own system), and wbemcli could not send it
    // after the REF anyway.
    MethodOutcome applied = CallServiceMethod("ApplyVirtualSystemSnapshot.SnapshotSettingData=" +
                                              SnapshotReference(first));
    ASSERT_EQ(applied.return_value, 4096) << applied.output;
    WbemJob apply_job = PollJob(applied.job_path);
    ASSERT_EQ(apply_job.job_state, 7) << apply_job.error_description;
  } else {
    CommandResult applied = vsmd_->Vsm({"snapshot", "apply", "web01", "first"});
    ASSERT_EQ(applied.exit_code, 0) << applied.output;
    EXPECT_THAT(applied.output, HasSubstr("applied snapshot 'first' (" + first + ")"));
  }
  const std::filesystem::path applied_child = CurrentDisk(guid);
  EXPECT_NE(applied_child, first_child);
  EXPECT_NE(applied_child, second_child);
  EXPECT_EQ(applied_child.parent_path(), base.parent_path());
  ExpectVhdiinfoAccepts(applied_child);
  EXPECT_EQ(ChainDepth(applied_child), 2u);  // straight over the base
  EXPECT_EQ(ReadsAs(applied_child, 0), kBasePattern);
  EXPECT_EQ(ReadsAs(applied_child, kLateOffset), 0);
  // The old current child is deleted; the first child stays, frozen in the second snapshot.
  EXPECT_FALSE(std::filesystem::exists(second_child));
  EXPECT_TRUE(std::filesystem::exists(first_child));
  EXPECT_EQ(json::parse(vsmd_->Vsm({"--json", "snapshot", "list", guid}).output).size(), 2u);

  // 6. Remove both snapshots, with data written after the apply: it must survive the merge.
  WriteThrough(applied_child, 0, 0x55);
  WriteThrough(applied_child, kLateOffset, 0x66);
  CommandResult removed_second = vsmd_->Vsm({"snapshot", "remove", "web01", second});
  ASSERT_EQ(removed_second.exit_code, 0) << removed_second.output;
  EXPECT_THAT(removed_second.output, HasSubstr("removed snapshot 'second' (" + second + ")"));
  EXPECT_FALSE(std::filesystem::exists(first_child));  // nothing uses it any more
  EXPECT_EQ(CurrentDisk(guid), applied_child);

  CommandResult removed_first = vsmd_->Vsm({"--json", "snapshot", "remove", "web01", "FIRST"});
  ASSERT_EQ(removed_first.exit_code, 0) << removed_first.output;
  EXPECT_EQ(json::parse(removed_first.output)["type"], "RemoveVirtualSystemSnapshot");
  // The current disk is the base file again, holding what was written; no child is left.
  EXPECT_EQ(CurrentDisk(guid), base);
  EXPECT_EQ(ChainDepth(base), 1u);
  EXPECT_EQ(ReadsAs(base, 0), 0x55);
  EXPECT_EQ(ReadsAs(base, kLateOffset), 0x66);
  EXPECT_EQ(ReadsAs(base, kMiB - kProbeBytes), kBasePattern);  // the rest of the first MiB
  EXPECT_FALSE(std::filesystem::exists(applied_child));
  EXPECT_THAT(Entries("disks"), ElementsAre(disk_case.base_file));
  ExpectVhdiinfoAccepts(base);
  EXPECT_TRUE(QemuCheck(base, disk_case.kind));
  // qemu-io, another independent reader, sees the merged data too.
  CommandResult qemu =
      vsm::testing::Run("qemu-io -r -f " + QemuFormat(disk_case.kind) +
          " -c 'read -P 0x55 0 64k' -c 'read -P 0x66 8M 64k' " + ShellQuote(base.string()));
  EXPECT_EQ(qemu.exit_code, 0) << qemu.output;
  EXPECT_THAT(qemu.output, ::testing::Not(HasSubstr("failed"))) << qemu.output;

  CommandResult none = vsmd_->Vsm({"snapshot", "list", "web01"});
  EXPECT_EQ(none.exit_code, 0) << none.output;
  EXPECT_THAT(none.output, HasSubstr("has no snapshots"));
}

INSTANTIATE_TEST_SUITE_P(
    Disks, SnapshotFlowTest,
    ::testing::Values(DiskCase{"Vhdx", QemuDiskKind::kVhdxDynamic, "web01.vhdx", ".avhdx", true},
                      DiskCase{"Vhd", QemuDiskKind::kVhdDynamic, "web01.vhd", ".avhd", false}),
    [](const ::testing::TestParamInfo<DiskCase>& info) { return std::string(info.param.name); });

TEST_F(IntegrationTest, SnapshotOfAnUnknownSystemIsInvalidParameter) {
  MethodOutcome unknown = CallServiceMethod(
      "CreateVirtualSystemSnapshot.SourceSystem=Msvm_ComputerSystem.CreationClassName=\"Msvm_"
      "ComputerSystem\",Name=\"11111111-2222-4333-8444-555555555555\"");
  EXPECT_EQ(unknown.return_value, 32773) << unknown.output;
  EXPECT_THAT(unknown.output, ::testing::Not(HasSubstr("Job (reference)")));

  // A reader may list but not take snapshots.
  std::string guid = DefineWithVsm("db01", {MakeSampleDisks("db01")[1]});
  MethodOutcome denied = CallServiceMethod(
      "CreateVirtualSystemSnapshot.SourceSystem=Msvm_ComputerSystem.CreationClassName=\"Msvm_"
      "ComputerSystem\",Name=\"" +
          guid + "\"",
      "auditor", "readonly");
  EXPECT_EQ(denied.return_value, 32769) << denied.output;

  // vsm names what is unknown and lists the choices.
  CommandResult no_system = vsmd_->Vsm({"snapshot", "create", "no-such-vm"});
  EXPECT_EQ(no_system.exit_code, 1);
  EXPECT_THAT(no_system.output, AllOf(HasSubstr("'no-such-vm'"), HasSubstr(guid)));
  ASSERT_EQ(vsmd_->Vsm({"snapshot", "create", "db01", "--name", "nightly"}).exit_code, 0);
  ASSERT_EQ(vsmd_->Vsm({"snapshot", "create", "db01", "--name", "nightly"}).exit_code, 0);
  CommandResult ambiguous = vsmd_->Vsm({"snapshot", "apply", "db01", "nightly"});
  EXPECT_EQ(ambiguous.exit_code, 1);
  EXPECT_THAT(ambiguous.output,
              AllOf(HasSubstr("'nightly' is ambiguous"), HasSubstr("pass the GUID")));
  CommandResult unknown_snapshot = vsmd_->Vsm({"snapshot", "remove", "db01", "weekly"});
  EXPECT_EQ(unknown_snapshot.exit_code, 1);
  EXPECT_THAT(unknown_snapshot.output, AllOf(HasSubstr("'weekly'"), HasSubstr("'nightly'")));
}

}  // namespace
}  // namespace vsm::testing
