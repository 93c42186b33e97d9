// Snapshots through the service, return code by return code, on a real JobManager, an in-memory
// catalogue and disks made by qemu-img: the disk files each operation makes, merges and deletes,
// the data a guest would read, and that a failure leaves the catalogue and the disks as they were.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "disk/disk_chain.h"
#include "jobs/job_manager.h"
#include "service/snapshot_tasks.h"
#include "service/virtual_system_management_service.h"
#include "store/repository.h"
#include "support/qemu_disks.h"
#include "support/temp_dir.h"

namespace vsm::service {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;
using testing::QemuDiskKind;
using namespace std::chrono_literals;

const Principal kAdministrator{"root", Role::kAdministrator};
const Principal kReader{"auditor", Role::kReader};

constexpr uint64_t kPatternBytes = 64 * 1024;

class SnapshotServiceTest : public ::testing::Test {
 protected:
  SnapshotServiceTest()
      : repository_(store::NewInMemoryRepository()),
        jobs_(*repository_, jobs::JobManagerOptions{}),
        service_(*repository_, jobs_, ServiceOptions{.data_root = temp_ / "data"}) {
    EXPECT_TRUE(jobs_.Recover().ok());
    jobs_.Start();
    fs::create_directories(temp_ / "disks");
  }

  // A system with a dynamic VHD (0xab in its first MiB) and a dynamic VHDX (0xcd).
  SystemDefinition DefineSampleSystem() {
    fs::path vhd = temp_ / "disks/web01-boot.vhd";
    fs::path vhdx = temp_ / "disks/web01-data.vhdx";
    EXPECT_TRUE(testing::MakeQemuDisk(vhd, QemuDiskKind::kVhdDynamic, 16, 0xab));
    EXPECT_TRUE(testing::MakeQemuDisk(vhdx, QemuDiskKind::kVhdxDynamic, 16, 0xcd));
    SystemDefinition definition{.name = "web01", .memory_mb = 2048, .scsi_controller_count = 1};
    definition.drives.push_back({.path = vhd.string()});
    definition.drives.push_back({.kind = DriveKind::kDvd, .controller_index = 1});
    definition.drives.push_back(
        {.controller = ControllerKind::kScsi, .controller_index = 0, .slot = 0, .path = vhdx.string()});
    Result<SystemDefinition> defined = service_.DefineVirtualSystem(kAdministrator, definition);
    EXPECT_TRUE(defined.ok()) << defined.error().ToString();
    return defined.ok() ? *defined : SystemDefinition{};
  }

  JobRecord Wait(const Result<JobRecord>& started) {
    EXPECT_TRUE(started.ok()) << started.error().ToString();
    if (!started.ok()) return {};
    Result<JobRecord> done = jobs_.WaitForCompletion(started->id, 60s);
    EXPECT_TRUE(done.ok());
    return done.ok() ? *done : JobRecord{};
  }

  // Takes a snapshot and expects it to complete; returns its record.
  SnapshotRecord Snapshot(const SystemDefinition& system, const std::string& name = "") {
    Result<SnapshotJob> started =
        service_.CreateVirtualSystemSnapshot(kAdministrator, {.system = system.id, .name = name});
    EXPECT_TRUE(started.ok()) << started.error().ToString();
    if (!started.ok()) return {};
    JobRecord job = Wait(started->job);
    EXPECT_EQ(job.state, JobState::kCompleted) << job.error_description;
    auto found = service_.FindSnapshot(started->snapshot);
    EXPECT_TRUE(found.ok() && found->has_value());
    return found.ok() && found->has_value() ? **found : SnapshotRecord{};
  }

  SystemDefinition Current(const Guid& id) { return **repository_->FindSystem(id); }

  // Writes `value` over the first kPatternBytes of the disk a guest sees through `leaf`.
  void WriteThrough(const std::string& leaf, uint8_t value) {
    auto chain = disk::DiskChain::Open(leaf, {.leaf_access = disk::DiskLayer::Access::kReadWrite});
    ASSERT_TRUE(chain.ok()) << chain.error().ToString();
    std::vector<uint8_t> data(kPatternBytes, value);
    const disk::ParentReader* below = chain->depth() > 1 ? &chain->Below(0) : nullptr;
    ASSERT_TRUE(chain->layer(0).Write(0, data, below).ok());
    ASSERT_TRUE(chain->layer(0).Flush().ok());
  }

  // The first kPatternBytes a guest reads through `leaf`, all equal to `value`.
  void ExpectReads(const std::string& leaf, uint8_t value) {
    auto chain = disk::DiskChain::Open(leaf);
    ASSERT_TRUE(chain.ok()) << chain.error().ToString();
    std::vector<uint8_t> data(kPatternBytes);
    ASSERT_TRUE(chain->ReadVirtual(0, data).ok());
    EXPECT_EQ(std::count(data.begin(), data.end(), value), static_cast<long>(kPatternBytes))
        << "'" << leaf << "' does not read as 0x" << std::hex << int(value);
  }

  std::vector<std::string> Disks() { return testing::ListDirectory(temp_ / "disks"); }

  testing::TempDir temp_;
  std::unique_ptr<store::Repository> repository_;
  jobs::JobManager jobs_;
  VirtualSystemManagementService service_;
};

// --- naming -------------------------------------------------------------------------------

TEST(SnapshotNamingTest, ChildIsNamedAfterTheBaseDiskAndTheSnapshot) {
  Guid id = *Guid::Parse("4F1C2D3E-0A1B-4C5D-8E9F-0123456789AB");
  EXPECT_EQ(SnapshotChildPath("/vms/web01.vhdx", id, true),
            "/vms/web01_4F1C2D3E-0A1B-4C5D-8E9F-0123456789AB.avhdx");
  EXPECT_EQ(SnapshotChildPath("/vms/web01.vhd", id, false),
            "/vms/web01_4F1C2D3E-0A1B-4C5D-8E9F-0123456789AB.avhd");
  // A child of a child keeps the base disk's stem.
  EXPECT_EQ(SnapshotChildPath("/vms/web01_11111111-2222-3333-4444-555555555555.avhdx", id, true),
            "/vms/web01_4F1C2D3E-0A1B-4C5D-8E9F-0123456789AB.avhdx");
  EXPECT_EQ(SnapshotChildPath("/vms/my_disk.vhd", id, false),
            "/vms/my_disk_4F1C2D3E-0A1B-4C5D-8E9F-0123456789AB.avhd");
}

TEST(SnapshotNamingTest, DefaultNameIsHyperVs) {
  std::tm local{};
  local.tm_year = 2024 - 1900;
  local.tm_mon = 2;
  local.tm_mday = 14;
  local.tm_hour = 15;
  local.tm_min = 4;
  local.tm_sec = 5;
  local.tm_isdst = -1;
  auto time = std::chrono::system_clock::from_time_t(std::mktime(&local));
  EXPECT_EQ(DefaultSnapshotName("web01", time), "web01 - (3/14/2024 - 3:04:05 PM)");
  local.tm_hour = 0;
  time = std::chrono::system_clock::from_time_t(std::mktime(&local));
  EXPECT_EQ(DefaultSnapshotName("web01", time), "web01 - (3/14/2024 - 12:04:05 AM)");
}

// --- CreateVirtualSystemSnapshot ------------------------------------------------------------

TEST_F(SnapshotServiceTest, CreateFreezesTheDisksAndMovesTheSystemOntoChildren) {
  SystemDefinition system = DefineSampleSystem();
  SnapshotRecord snapshot = Snapshot(system);
  std::string id = snapshot.id.ToString();
  EXPECT_EQ(snapshot.system, system.id);
  EXPECT_TRUE(snapshot.parent.IsNull());
  EXPECT_THAT(snapshot.name, StartsWith("web01 - ("));
  EXPECT_EQ(snapshot.configuration, system);  // the drives name the frozen files

  SystemDefinition current = Current(system.id);
  EXPECT_EQ(current.parent_snapshot, snapshot.id);
  EXPECT_EQ(current.drives[0].path, (temp_ / "disks" / ("web01-boot_" + id + ".avhd")).string());
  EXPECT_EQ(current.drives[1], system.drives[1]);  // the DVD drive has no disk to snapshot
  EXPECT_EQ(current.drives[2].path, (temp_ / "disks" / ("web01-data_" + id + ".avhdx")).string());
  EXPECT_EQ(current.memory_mb, system.memory_mb);
  ExpectReads(current.drives[0].path, 0xab);
  ExpectReads(current.drives[2].path, 0xcd);
  EXPECT_EQ(disk::DiskChain::Open(current.drives[2].path)->depth(), 2u);

  SnapshotRecord named = Snapshot(Current(system.id), "before upgrade");
  EXPECT_EQ(named.name, "before upgrade");
  EXPECT_EQ(named.parent, snapshot.id);
  EXPECT_EQ(named.configuration.drives[0].path, current.drives[0].path);
  EXPECT_EQ(disk::DiskChain::Open(Current(system.id).drives[2].path)->depth(), 3u);
  EXPECT_THAT(*service_.ListSnapshots(system.id), ElementsAre(snapshot, named));
}

TEST_F(SnapshotServiceTest, CreateParametersAreCheckedAtOnce) {
  SystemDefinition system = DefineSampleSystem();
  auto denied = service_.CreateVirtualSystemSnapshot(kReader, {.system = system.id});
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.error().code(), ReturnCode::kAccessDenied);

  auto missing = service_.CreateVirtualSystemSnapshot(kAdministrator, {});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ReturnCode::kInvalidParameter);
  EXPECT_THAT(missing.error().message(), HasSubstr("SourceSystem"));

  Guid unknown = Guid::Generate();
  auto not_found = service_.CreateVirtualSystemSnapshot(kAdministrator, {.system = unknown});
  ASSERT_FALSE(not_found.ok());
  EXPECT_EQ(not_found.error().code(), ReturnCode::kInvalidParameter);
  EXPECT_THAT(not_found.error().message(), HasSubstr(unknown.ToString()));

  auto bad_name = service_.CreateVirtualSystemSnapshot(
      kAdministrator, {.system = system.id, .name = std::string(101, 'x')});
  ASSERT_FALSE(bad_name.ok());
  EXPECT_EQ(bad_name.error().code(), ReturnCode::kInvalidParameter);

  SystemDefinition running = system;
  running.enabled_state = EnabledState::kEnabled;
  ASSERT_TRUE(repository_->UpdateSystem(running).ok());
  auto on = service_.CreateVirtualSystemSnapshot(kAdministrator, {.system = system.id});
  ASSERT_FALSE(on.ok());
  EXPECT_EQ(on.error().code(), ReturnCode::kInvalidState);
  EXPECT_THAT(on.error().message(), HasSubstr("web01"));

  EXPECT_THAT(*repository_->ListSnapshots(system.id), IsEmpty());
  EXPECT_THAT(Disks(), ElementsAre("web01-boot.vhd", "web01-data.vhdx"));
}

TEST_F(SnapshotServiceTest, CreateThatFailsOnTheSecondDiskRemovesTheFirstChild) {
  SystemDefinition system = DefineSampleSystem();
  fs::remove(system.drives[2].path);  // the VHDX vanishes after the system was defined
  Result<SnapshotJob> started = service_.CreateVirtualSystemSnapshot(kAdministrator, {.system = system.id});
  ASSERT_TRUE(started.ok());
  JobRecord job = Wait(started->job);
  EXPECT_EQ(job.state, JobState::kException);
  EXPECT_NE(job.error_code, 0u);
  EXPECT_THAT(job.error_description, HasSubstr("web01-data.vhdx"));
  EXPECT_THAT(Disks(), ElementsAre("web01-boot.vhd"));  // the .avhd made first is gone
  EXPECT_EQ(Current(system.id), system);
  EXPECT_THAT(*repository_->ListSnapshots(system.id), IsEmpty());
  EXPECT_THAT(*repository_->ListCreatedDisks(system.id), IsEmpty());
}

TEST_F(SnapshotServiceTest, CreateWhileAnotherJobHoldsTheSystemIsSystemInUse) {
  SystemDefinition system = DefineSampleSystem();
  std::atomic<bool> release{false};
  auto holder = jobs_.Submit({.type = JobType::kExportVirtualSystem,
                              .description = "holding",
                              .owner = "root",
                              .resource_keys = {"system:" + system.id.ToString()}},
                             [&](jobs::JobContext&) -> Result<void> {
                               while (!release) std::this_thread::sleep_for(5ms);
                               return Ok();
                             });
  ASSERT_TRUE(holder.ok());
  Result<SnapshotJob> started = service_.CreateVirtualSystemSnapshot(kAdministrator, {.system = system.id});
  ASSERT_TRUE(started.ok());
  JobRecord job = Wait(started->job);
  release = true;
  Wait(holder);
  EXPECT_EQ(job.state, JobState::kException);
  EXPECT_EQ(job.error_code, static_cast<uint32_t>(ReturnCode::kSystemInUse));
  EXPECT_THAT(job.error_description, HasSubstr(holder->id));
  EXPECT_THAT(Disks(), ElementsAre("web01-boot.vhd", "web01-data.vhdx"));
}

TEST_F(SnapshotServiceTest, FrozenDiskCannotBeDefinedIntoAnotherSystem) {
  SystemDefinition system = DefineSampleSystem();
  Snapshot(system);
  SystemDefinition other{.name = "thief"};
  other.drives.push_back({.path = system.drives[0].path});
  auto defined = service_.DefineVirtualSystem(kAdministrator, other);
  ASSERT_FALSE(defined.ok());
  EXPECT_EQ(defined.error().code(), ReturnCode::kSystemInUse);
  EXPECT_THAT(defined.error().message(), HasSubstr("web01"));
}

// --- ApplyVirtualSystemSnapshot -------------------------------------------------------------

TEST_F(SnapshotServiceTest, ApplyBringsBackTheSnapshotsDataAndConfiguration) {
  SystemDefinition system = DefineSampleSystem();
  SnapshotRecord snapshot = Snapshot(system);
  SystemDefinition after = Current(system.id);
  WriteThrough(after.drives[0].path, 0x5a);
  WriteThrough(after.drives[2].path, 0x6b);
  ExpectReads(after.drives[0].path, 0x5a);
  ASSERT_TRUE(service_.ModifyVirtualSystem(kAdministrator,
                                           {.system = system.id, .name = "renamed", .memory_mb = 4096})
                  .ok());

  JobRecord job = Wait(service_.ApplyVirtualSystemSnapshot(kAdministrator, {.snapshot = snapshot.id}));
  ASSERT_EQ(job.state, JobState::kCompleted) << job.error_description;
  EXPECT_EQ(job.type, JobType::kApplySnapshot);
  SystemDefinition applied = Current(system.id);
  EXPECT_EQ(applied.name, "renamed");           // the name stays the system's
  EXPECT_EQ(applied.memory_mb, 2048u);          // the configuration is the snapshot's
  EXPECT_EQ(applied.parent_snapshot, snapshot.id);
  EXPECT_NE(applied.drives[0].path, after.drives[0].path);
  ExpectReads(applied.drives[0].path, 0xab);
  ExpectReads(applied.drives[2].path, 0xcd);
  // The old current disks are gone; the frozen ones and the new children remain.
  EXPECT_FALSE(fs::exists(after.drives[0].path));
  EXPECT_FALSE(fs::exists(after.drives[2].path));
  EXPECT_EQ(Disks().size(), 4u);
  EXPECT_TRUE(fs::exists(system.drives[0].path));
  EXPECT_EQ(repository_->ListCreatedDisks(system.id)->size(), 2u);
}

TEST_F(SnapshotServiceTest, ApplyParametersAreCheckedAtOnce) {
  SystemDefinition system = DefineSampleSystem();
  SnapshotRecord snapshot = Snapshot(system);
  SystemDefinition before = Current(system.id);

  auto denied = service_.ApplyVirtualSystemSnapshot(kReader, {.snapshot = snapshot.id});
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.error().code(), ReturnCode::kAccessDenied);

  auto unknown = service_.ApplyVirtualSystemSnapshot(kAdministrator, {.snapshot = Guid::Generate()});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code(), ReturnCode::kInvalidParameter);
  auto missing = service_.ApplyVirtualSystemSnapshot(kAdministrator, {});
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.error().message(), HasSubstr("SnapshotSettingData"));

  auto wrong_system = service_.ApplyVirtualSystemSnapshot(
      kAdministrator, {.system = Guid::Generate(), .snapshot = snapshot.id});
  ASSERT_FALSE(wrong_system.ok());
  EXPECT_EQ(wrong_system.error().code(), ReturnCode::kInvalidParameter);
  EXPECT_THAT(wrong_system.error().message(), HasSubstr(system.id.ToString()));

  SystemDefinition running = before;
  running.enabled_state = EnabledState::kEnabled;
  ASSERT_TRUE(repository_->UpdateSystem(running).ok());
  auto on = service_.ApplyVirtualSystemSnapshot(kAdministrator, {.system = system.id, .snapshot = snapshot.id});
  ASSERT_FALSE(on.ok());
  EXPECT_EQ(on.error().code(), ReturnCode::kInvalidState);
  EXPECT_EQ(Current(system.id), running);
  EXPECT_EQ(Disks().size(), 4u);
}

TEST_F(SnapshotServiceTest, ApplyThatFailsLeavesTheCurrentStateAsItWas) {
  SystemDefinition system = DefineSampleSystem();
  SnapshotRecord snapshot = Snapshot(system);
  SystemDefinition before = Current(system.id);
  std::vector<std::string> disks_before = Disks();
  // The snapshot's VHDX is damaged: its child cannot be made, so the VHD's child is removed.
  ASSERT_TRUE(fs::remove(system.drives[2].path));
  JobRecord job = Wait(service_.ApplyVirtualSystemSnapshot(kAdministrator, {.snapshot = snapshot.id}));
  EXPECT_EQ(job.state, JobState::kException);
  EXPECT_THAT(job.error_description, HasSubstr("web01-data.vhdx"));
  EXPECT_EQ(Current(system.id), before);
  std::vector<std::string> expected = disks_before;
  std::erase(expected, "web01-data.vhdx");
  EXPECT_EQ(Disks(), expected);
}

// --- RemoveVirtualSystemSnapshot ------------------------------------------------------------

TEST_F(SnapshotServiceTest, RemovingTheOnlySnapshotMergesTheCurrentDisksBack) {
  SystemDefinition system = DefineSampleSystem();
  SnapshotRecord snapshot = Snapshot(system);
  SystemDefinition after = Current(system.id);
  WriteThrough(after.drives[0].path, 0x5a);
  WriteThrough(after.drives[2].path, 0x6b);

  JobRecord job = Wait(service_.RemoveVirtualSystemSnapshot(kAdministrator, snapshot.id));
  ASSERT_EQ(job.state, JobState::kCompleted) << job.error_description;
  EXPECT_EQ(job.type, JobType::kRemoveSnapshot);
  SystemDefinition merged = Current(system.id);
  EXPECT_EQ(merged.drives, system.drives);  // back on the base disks
  EXPECT_TRUE(merged.parent_snapshot.IsNull());
  ExpectReads(merged.drives[0].path, 0x5a);  // which now hold what was written
  ExpectReads(merged.drives[2].path, 0x6b);
  EXPECT_TRUE(testing::QemuCheck(merged.drives[0].path, QemuDiskKind::kVhdDynamic));
  EXPECT_TRUE(testing::QemuCheck(merged.drives[2].path, QemuDiskKind::kVhdxDynamic));
  EXPECT_THAT(Disks(), ElementsAre("web01-boot.vhd", "web01-data.vhdx"));
  EXPECT_THAT(*repository_->ListSnapshots(system.id), IsEmpty());
  EXPECT_THAT(*repository_->ListCreatedDisks(system.id), IsEmpty());
}

TEST_F(SnapshotServiceTest, RemovingASnapshotWithAChildKeepsItsDiskLayer) {
  SystemDefinition system = DefineSampleSystem();
  SnapshotRecord first = Snapshot(system);
  SnapshotRecord second = Snapshot(Current(system.id));
  SystemDefinition before = Current(system.id);
  std::vector<std::string> disks_before = Disks();

  JobRecord job = Wait(service_.RemoveVirtualSystemSnapshot(kAdministrator, first.id));
  ASSERT_EQ(job.state, JobState::kCompleted) << job.error_description;
  EXPECT_EQ(Disks(), disks_before);  // every layer is still part of the chain
  EXPECT_EQ(Current(system.id), before);
  auto remaining = *service_.ListSnapshots(system.id);
  ASSERT_EQ(remaining.size(), 1u);
  EXPECT_EQ(remaining[0].id, second.id);
  EXPECT_TRUE(remaining[0].parent.IsNull());  // re-parented to the removed one's parent
  ExpectReads(before.drives[2].path, 0xcd);
  EXPECT_EQ(disk::DiskChain::Open(before.drives[2].path)->depth(), 3u);
}

TEST_F(SnapshotServiceTest, RemovingEverySnapshotAfterAnApplyLeavesOnlyTheBaseDisks) {
  SystemDefinition system = DefineSampleSystem();
  SnapshotRecord first = Snapshot(system);
  SnapshotRecord second = Snapshot(Current(system.id));
  ASSERT_EQ(Wait(service_.ApplyVirtualSystemSnapshot(kAdministrator, {.snapshot = first.id})).state,
            JobState::kCompleted);
  WriteThrough(Current(system.id).drives[0].path, 0x77);

  // The second snapshot's frozen disks now have no child and are vsm's: they are deleted.
  ASSERT_EQ(Wait(service_.RemoveVirtualSystemSnapshot(kAdministrator, second.id)).state,
            JobState::kCompleted);
  for (const Drive& drive : second.configuration.drives) {
    if (drive.kind == DriveKind::kHardDisk) EXPECT_FALSE(fs::exists(drive.path)) << drive.path;
  }
  // The first's base disks have one child, the current leaf: merged.
  JobRecord job = Wait(service_.RemoveVirtualSystemSnapshot(kAdministrator, first.id));
  ASSERT_EQ(job.state, JobState::kCompleted) << job.error_description;
  EXPECT_EQ(Current(system.id).drives, system.drives);
  ExpectReads(system.drives[0].path, 0x77);
  ExpectReads(system.drives[2].path, 0xcd);
  EXPECT_THAT(Disks(), ElementsAre("web01-boot.vhd", "web01-data.vhdx"));
}

TEST_F(SnapshotServiceTest, RemoveParametersAreCheckedAtOnce) {
  SystemDefinition system = DefineSampleSystem();
  SnapshotRecord snapshot = Snapshot(system);
  EXPECT_EQ(service_.RemoveVirtualSystemSnapshot(kReader, snapshot.id).error().code(),
            ReturnCode::kAccessDenied);
  auto unknown = service_.RemoveVirtualSystemSnapshot(kAdministrator, Guid::Generate());
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code(), ReturnCode::kInvalidParameter);
  SystemDefinition running = Current(system.id);
  running.enabled_state = EnabledState::kEnabled;
  ASSERT_TRUE(repository_->UpdateSystem(running).ok());
  EXPECT_EQ(service_.RemoveVirtualSystemSnapshot(kAdministrator, snapshot.id).error().code(),
            ReturnCode::kInvalidState);
  EXPECT_EQ(repository_->ListSnapshots(system.id)->size(), 1u);
}

// --- queries and DestroyVirtualSystem -------------------------------------------------------

TEST_F(SnapshotServiceTest, ListingSnapshotsOfAnUnknownSystemIsInvalidParameter) {
  auto listed = service_.ListSnapshots(Guid::Generate());
  ASSERT_FALSE(listed.ok());
  EXPECT_EQ(listed.error().code(), ReturnCode::kInvalidParameter);
  EXPECT_FALSE(service_.FindSnapshot(Guid::Generate())->has_value());
}

TEST_F(SnapshotServiceTest, DestroyForgetsTheSnapshotsAndKeepsEveryFile) {
  SystemDefinition system = DefineSampleSystem();
  SnapshotRecord snapshot = Snapshot(system);
  std::string current = Current(system.id).drives[0].path;
  std::vector<std::string> disks = Disks();
  ASSERT_TRUE(service_.DestroyVirtualSystem(kAdministrator, system.id).ok());
  EXPECT_FALSE(service_.FindSnapshot(snapshot.id)->has_value());
  EXPECT_EQ(Disks(), disks);
  ExpectReads(current, 0xab);  // the current disk still opens with its chain
}

}  // namespace
}  // namespace vsm::service
