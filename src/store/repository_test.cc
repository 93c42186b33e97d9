// The Repository contract, run against both implementations; then what only SQLite has:
// persistence, migrations, and indexed lookups at catalogue scale.
#include "store/repository.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "store/migrations.h"
#include "support/temp_dir.h"

namespace vsm::store {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

auto Now() {
  return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
}

SystemDefinition SampleSystem(const std::string& name) {
  SystemDefinition system;
  system.id = Guid::Generate();
  system.name = name;
  system.memory_mb = 4096;
  system.processor_count = 4;
  system.scsi_controller_count = 1;
  system.drives = {{DriveKind::kHardDisk, ControllerKind::kIde, 0, 0, "/disks/" + name + ".vhdx"},
                   {DriveKind::kDvd, ControllerKind::kIde, 1, 0, "/isos/setup.iso"},
                   {DriveKind::kHardDisk, ControllerKind::kScsi, 0, 3, "/disks/" + name + "-data.vhd"}};
  system.network_adapters = {{"External", "00155D0A0B0C", true}, {"Internal", "00155D0A0B0D", false}};
  system.notes = "it's \"quoted\" and 'single' — ünïcode";
  system.bios_guid = Guid::Generate();
  system.creation_time = Now();
  system.package_directory = "/exports/" + name;
  return system;
}

JobRecord SampleJob() {
  JobRecord job;
  job.id = Guid::Generate().ToString();
  job.type = JobType::kExportVirtualSystem;
  job.description = "Exporting";
  job.owner = "admin";
  job.state = JobState::kRunning;
  job.percent_complete = 42;
  job.time_submitted = Now();
  job.start_time = Now();
  job.time_of_last_state_change = Now();
  job.affected_system = Guid::Generate();
  job.cleanup_path = "/exports/.web01.vsm-export-x";
  return job;
}

class RepositoryContractTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    if (GetParam()) {
      auto opened = OpenSqliteRepository(temp_ / "vsm.db");
      ASSERT_TRUE(opened.ok()) << opened.error().ToString();
      repository_ = std::move(*opened);
    } else {
      repository_ = NewInMemoryRepository();
    }
  }
  testing::TempDir temp_;
  std::unique_ptr<Repository> repository_;
};

TEST_P(RepositoryContractTest, SystemRoundTripsEveryField) {
  SystemDefinition system = SampleSystem("web01");
  ASSERT_TRUE(repository_->AddSystem(system).ok());
  auto found = repository_->FindSystem(system.id);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ(**found, system);
  EXPECT_FALSE(repository_->FindSystem(Guid::Generate())->has_value());
}

TEST_P(RepositoryContractTest, DuplicateGuidIsSystemInUseAndWritesNothing) {
  SystemDefinition system = SampleSystem("web01");
  ASSERT_TRUE(repository_->AddSystem(system).ok());
  SystemDefinition clash = SampleSystem("other");
  clash.id = system.id;
  Result<void> added = repository_->AddSystem(clash);
  ASSERT_FALSE(added.ok());
  EXPECT_EQ(added.error().code(), ReturnCode::kSystemInUse);
  EXPECT_THAT(added.error().message(), HasSubstr("web01"));
  EXPECT_EQ(**repository_->FindSystem(system.id), system);
  EXPECT_TRUE(repository_->FindSystemsUsingFile("/disks/other.vhdx")->empty());
}

TEST_P(RepositoryContractTest, UpdateReplacesAndRemoveForgets) {
  SystemDefinition system = SampleSystem("web01");
  ASSERT_TRUE(repository_->AddSystem(system).ok());
  system.name = "web02";
  system.drives.pop_back();
  system.network_adapters.clear();
  ASSERT_TRUE(repository_->UpdateSystem(system).ok());
  EXPECT_EQ(**repository_->FindSystem(system.id), system);
  ASSERT_TRUE(repository_->RemoveSystem(system.id).ok());
  EXPECT_FALSE(repository_->FindSystem(system.id)->has_value());
  EXPECT_TRUE(repository_->FindSystemsUsingFile("/disks/web01.vhdx")->empty());
  EXPECT_EQ(repository_->RemoveSystem(system.id).error().code(), ReturnCode::kInvalidParameter);
  EXPECT_EQ(repository_->UpdateSystem(system).error().code(), ReturnCode::kInvalidParameter);
}

TEST_P(RepositoryContractTest, FindsByNamePackageAndFile) {
  SystemDefinition a = SampleSystem("web01");
  SystemDefinition b = SampleSystem("web01");
  b.package_directory = "";
  SystemDefinition c = SampleSystem("db01");
  for (const auto& s : {a, b, c}) ASSERT_TRUE(repository_->AddSystem(s).ok());
  EXPECT_EQ(repository_->FindSystemsByName("web01")->size(), 2u);
  EXPECT_EQ((*repository_->FindSystemByPackageDirectory("/exports/db01"))->id, c.id);
  EXPECT_FALSE(repository_->FindSystemByPackageDirectory("")->has_value());
  auto users = *repository_->FindSystemsUsingFile("/disks/db01-data.vhd");
  ASSERT_EQ(users.size(), 1u);
  EXPECT_EQ(users[0].id, c.id);
  auto all = *repository_->ListSystems();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].name, "db01");  // ordered by name
}

TEST_P(RepositoryContractTest, JobsSaveReplaceListRemove) {
  JobRecord job = SampleJob();
  ASSERT_TRUE(repository_->SaveJob(job).ok());
  EXPECT_EQ(**repository_->FindJob(job.id), job);
  job.state = JobState::kCompleted;
  job.percent_complete = 100;
  job.end_time = Now();
  job.affected_system.reset();
  ASSERT_TRUE(repository_->SaveJob(job).ok());
  EXPECT_EQ(**repository_->FindJob(job.id), job);
  JobRecord later = SampleJob();
  later.time_submitted = job.time_submitted + std::chrono::seconds(1);
  later.start_time.reset();
  ASSERT_TRUE(repository_->SaveJob(later).ok());
  auto jobs = *repository_->ListJobs();
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(jobs[0].id, job.id);
  EXPECT_EQ(jobs[1], later);
  ASSERT_TRUE(repository_->RemoveJob(job.id).ok());
  EXPECT_FALSE(repository_->FindJob(job.id)->has_value());
  EXPECT_EQ(repository_->RemoveJob(job.id).error().code(), ReturnCode::kInvalidParameter);
}

TEST_P(RepositoryContractTest, Users) {
  UserRecord admin{"admin", Role::kAdministrator, "pbkdf2-sha256$1$c2FsdA==$aGFzaA=="};
  ASSERT_TRUE(repository_->SaveUser(admin).ok());
  EXPECT_EQ(**repository_->FindUser("admin"), admin);
  admin.role = Role::kReader;
  ASSERT_TRUE(repository_->SaveUser(admin).ok());
  EXPECT_EQ((*repository_->FindUser("admin"))->role, Role::kReader);
  EXPECT_EQ(repository_->ListUsers()->size(), 1u);
  ASSERT_TRUE(repository_->RemoveUser("admin").ok());
  EXPECT_FALSE(repository_->FindUser("admin")->has_value());
  EXPECT_EQ(repository_->RemoveUser("admin").error().code(), ReturnCode::kInvalidParameter);
}

SnapshotRecord SampleSnapshot(const SystemDefinition& system, const Guid& parent = Guid()) {
  SnapshotRecord snapshot;
  snapshot.id = Guid::Generate();
  snapshot.system = system.id;
  snapshot.parent = parent;
  snapshot.name = system.name + " - (3/14/2024 - 10:22:05 AM)";
  snapshot.creation_time = Now();
  snapshot.configuration = system;
  snapshot.configuration.parent_snapshot = parent;
  for (Drive& drive : snapshot.configuration.drives) {
    if (drive.kind == DriveKind::kHardDisk) drive.path += "-frozen-" + snapshot.id.ToString();
  }
  return snapshot;
}

TEST_P(RepositoryContractTest, SnapshotRoundTripsAndIsListedBySystem) {
  SystemDefinition system = SampleSystem("web01");
  SystemDefinition other = SampleSystem("db01");
  ASSERT_TRUE(repository_->AddSystem(system).ok());
  ASSERT_TRUE(repository_->AddSystem(other).ok());
  SnapshotRecord first = SampleSnapshot(system);
  SnapshotRecord second = SampleSnapshot(system, first.id);
  second.creation_time = first.creation_time + std::chrono::seconds(1);
  ASSERT_TRUE(repository_->AddSnapshot(first).ok());
  ASSERT_TRUE(repository_->AddSnapshot(second).ok());
  ASSERT_TRUE(repository_->AddSnapshot(SampleSnapshot(other)).ok());

  auto found = repository_->FindSnapshot(second.id);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ(**found, second);
  EXPECT_FALSE(repository_->FindSnapshot(Guid::Generate())->has_value());
  auto listed = *repository_->ListSnapshots(system.id);
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0], first);  // oldest first
  EXPECT_EQ(listed[1], second);
  EXPECT_TRUE(repository_->ListSnapshots(Guid::Generate())->empty());

  // A frozen file counts as used by the system, so no other system can be defined over it.
  auto users = *repository_->FindSystemsUsingFile(first.configuration.drives[0].path);
  ASSERT_EQ(users.size(), 1u);
  EXPECT_EQ(users[0].id, system.id);
}

TEST_P(RepositoryContractTest, BadSnapshotIsInvalidParameterAndWritesNothing) {
  SystemDefinition system = SampleSystem("web01");
  SystemDefinition other = SampleSystem("db01");
  ASSERT_TRUE(repository_->AddSystem(system).ok());
  ASSERT_TRUE(repository_->AddSystem(other).ok());
  SnapshotRecord snapshot = SampleSnapshot(system);
  ASSERT_TRUE(repository_->AddSnapshot(snapshot).ok());

  SnapshotRecord orphan = SampleSnapshot(SampleSystem("ghost"));
  Result<void> no_system = repository_->AddSnapshot(orphan);
  ASSERT_FALSE(no_system.ok());
  EXPECT_EQ(no_system.error().code(), ReturnCode::kInvalidParameter);
  EXPECT_THAT(no_system.error().message(), HasSubstr(orphan.system.ToString()));

  SnapshotRecord duplicate = SampleSnapshot(system);
  duplicate.id = snapshot.id;
  Result<void> taken = repository_->AddSnapshot(duplicate);
  ASSERT_FALSE(taken.ok());
  EXPECT_EQ(taken.error().code(), ReturnCode::kInvalidParameter);
  EXPECT_THAT(taken.error().message(), HasSubstr("already exists"));

  SnapshotRecord foreign = SampleSnapshot(other, snapshot.id);  // parent belongs to web01
  Result<void> wrong_parent = repository_->AddSnapshot(foreign);
  ASSERT_FALSE(wrong_parent.ok());
  EXPECT_EQ(wrong_parent.error().code(), ReturnCode::kInvalidParameter);
  EXPECT_THAT(wrong_parent.error().message(), HasSubstr(snapshot.id.ToString()));

  EXPECT_EQ(repository_->ListSnapshots(system.id)->size(), 1u);
  EXPECT_TRUE(repository_->ListSnapshots(other.id)->empty());
  EXPECT_EQ(repository_->RemoveSnapshot(Guid::Generate()).error().code(),
            ReturnCode::kInvalidParameter);
}

TEST_P(RepositoryContractTest, RemoveSnapshotReparentsChildrenAndSystem) {
  SystemDefinition system = SampleSystem("web01");
  ASSERT_TRUE(repository_->AddSystem(system).ok());
  SnapshotRecord root = SampleSnapshot(system);
  SnapshotRecord middle = SampleSnapshot(system, root.id);
  SnapshotRecord left = SampleSnapshot(system, middle.id);
  SnapshotRecord right = SampleSnapshot(system, middle.id);
  for (const auto& s : {root, middle, left, right}) ASSERT_TRUE(repository_->AddSnapshot(s).ok());
  system.parent_snapshot = middle.id;
  ASSERT_TRUE(repository_->UpdateSystem(system).ok());

  ASSERT_TRUE(repository_->RemoveSnapshot(middle.id).ok());
  EXPECT_FALSE(repository_->FindSnapshot(middle.id)->has_value());
  EXPECT_EQ((*repository_->FindSnapshot(left.id))->parent, root.id);
  EXPECT_EQ((*repository_->FindSnapshot(right.id))->parent, root.id);
  EXPECT_EQ((*repository_->FindSystem(system.id))->parent_snapshot, root.id);

  ASSERT_TRUE(repository_->RemoveSnapshot(root.id).ok());
  EXPECT_TRUE((*repository_->FindSnapshot(left.id))->parent.IsNull());
  EXPECT_TRUE((*repository_->FindSystem(system.id))->parent_snapshot.IsNull());
}

TEST_P(RepositoryContractTest, UpdateSystemKeepsSnapshotsAndRemoveSystemForgetsThem) {
  SystemDefinition system = SampleSystem("web01");
  ASSERT_TRUE(repository_->AddSystem(system).ok());
  SnapshotRecord snapshot = SampleSnapshot(system);
  ASSERT_TRUE(repository_->AddSnapshot(snapshot).ok());
  CreatedDisk disk{"/disks/web01_" + snapshot.id.ToString() + ".avhdx", "/disks/web01.vhdx", system.id};
  ASSERT_TRUE(repository_->AddCreatedDisk(disk).ok());

  system.parent_snapshot = snapshot.id;
  system.drives[0].path = disk.path;
  system.notes = "changed";
  ASSERT_TRUE(repository_->UpdateSystem(system).ok());
  EXPECT_EQ(**repository_->FindSystem(system.id), system);
  EXPECT_EQ(**repository_->FindSnapshot(snapshot.id), snapshot);
  EXPECT_THAT(*repository_->ListCreatedDisks(system.id), ::testing::ElementsAre(disk));

  ASSERT_TRUE(repository_->RemoveSystem(system.id).ok());
  EXPECT_FALSE(repository_->FindSnapshot(snapshot.id)->has_value());
  EXPECT_TRUE(repository_->ListCreatedDisks(system.id)->empty());
  EXPECT_TRUE(repository_->FindSystemsUsingFile(snapshot.configuration.drives[0].path)->empty());
}

TEST_P(RepositoryContractTest, CreatedDisksRejectDuplicatesAndUnknownSystems) {
  SystemDefinition system = SampleSystem("web01");
  ASSERT_TRUE(repository_->AddSystem(system).ok());
  CreatedDisk disk{"/disks/a.avhdx", "/disks/a.vhdx", system.id};
  ASSERT_TRUE(repository_->AddCreatedDisk(disk).ok());
  Result<void> again = repository_->AddCreatedDisk(disk);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), ReturnCode::kInvalidParameter);
  EXPECT_THAT(again.error().message(), HasSubstr("/disks/a.avhdx"));
  Result<void> orphan = repository_->AddCreatedDisk({"/disks/b.avhdx", "/disks/b.vhdx", Guid::Generate()});
  ASSERT_FALSE(orphan.ok());
  EXPECT_EQ(orphan.error().code(), ReturnCode::kInvalidParameter);
  EXPECT_EQ(repository_->ListCreatedDisks(system.id)->size(), 1u);
}

TEST_P(RepositoryContractTest, SnapshotChangeIsAllOrNothing) {
  SystemDefinition system = SampleSystem("web01");
  ASSERT_TRUE(repository_->AddSystem(system).ok());
  CreatedDisk existing{"/disks/old.avhdx", "/disks/web01.vhdx", system.id};
  ASSERT_TRUE(repository_->AddCreatedDisk(existing).ok());

  SnapshotRecord snapshot = SampleSnapshot(system);
  SystemDefinition moved = system;
  moved.parent_snapshot = snapshot.id;
  moved.drives[0].path = "/disks/new.avhdx";
  SnapshotChange failing{.remove_disks = {existing.path},
                         .add_snapshot = snapshot,
                         .system = moved,
                         .add_disks = {{"/disks/new.avhdx", "/disks/web01.vhdx", system.id},
                                       {"/disks/new.avhdx", "/disks/web01.vhdx", system.id}}};
  Result<void> failed = repository_->CommitSnapshotChange(failing);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code(), ReturnCode::kInvalidParameter);
  EXPECT_FALSE(repository_->FindSnapshot(snapshot.id)->has_value());
  EXPECT_EQ(**repository_->FindSystem(system.id), system);
  EXPECT_THAT(*repository_->ListCreatedDisks(system.id), ::testing::ElementsAre(existing));

  Result<void> unknown_disk = repository_->CommitSnapshotChange({.remove_disks = {"/nowhere.avhdx"}});
  ASSERT_FALSE(unknown_disk.ok());
  EXPECT_THAT(unknown_disk.error().message(), HasSubstr("/nowhere.avhdx"));

  failing.add_disks.pop_back();
  ASSERT_TRUE(repository_->CommitSnapshotChange(failing).ok());
  EXPECT_EQ(**repository_->FindSnapshot(snapshot.id), snapshot);
  EXPECT_EQ(**repository_->FindSystem(system.id), moved);
  EXPECT_THAT(*repository_->ListCreatedDisks(system.id),
              ::testing::ElementsAre(CreatedDisk{"/disks/new.avhdx", "/disks/web01.vhdx", system.id}));

  // Remove and re-point in one change, as RemoveVirtualSystemSnapshot does after a merge.
  SystemDefinition merged = moved;
  merged.drives[0].path = system.drives[0].path;
  merged.parent_snapshot = Guid();
  ASSERT_TRUE(repository_->CommitSnapshotChange({.remove_disks = {"/disks/new.avhdx"},
                                                 .remove_snapshot = snapshot.id,
                                                 .system = merged})
                  .ok());
  EXPECT_EQ(**repository_->FindSystem(system.id), merged);
  EXPECT_TRUE(repository_->ListSnapshots(system.id)->empty());
  EXPECT_TRUE(repository_->ListCreatedDisks(system.id)->empty());
}

INSTANTIATE_TEST_SUITE_P(Implementations, RepositoryContractTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Sqlite" : "InMemory"; });

TEST(SqliteRepositoryTest, PersistsAcrossReopen) {
  testing::TempDir temp;
  SystemDefinition system = SampleSystem("web01");
  JobRecord job = SampleJob();
  SnapshotRecord snapshot = SampleSnapshot(system);
  system.parent_snapshot = snapshot.id;
  {
    auto repository = *OpenSqliteRepository(temp / "vsm.db");
    ASSERT_TRUE(repository->AddSystem(system).ok());
    ASSERT_TRUE(repository->SaveJob(job).ok());
    ASSERT_TRUE(repository->AddSnapshot(snapshot).ok());
  }
  auto reopened = *OpenSqliteRepository(temp / "vsm.db");
  EXPECT_EQ(**reopened->FindSystem(system.id), system);
  EXPECT_EQ(**reopened->FindJob(job.id), job);
  EXPECT_EQ(**reopened->FindSnapshot(snapshot.id), snapshot);
}

TEST(SqliteRepositoryTest, RefusesMissingDirectoryAndNewerSchema) {
  testing::TempDir temp;
  auto missing = OpenSqliteRepository(temp / "nowhere/vsm.db");
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.error().message(), HasSubstr("nowhere"));

  sqlite3* db;
  ASSERT_EQ(sqlite3_open((temp / "future.db").c_str(), &db), SQLITE_OK);
  sqlite3_exec(db, "PRAGMA user_version = 999", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  auto future = OpenSqliteRepository(temp / "future.db");
  ASSERT_FALSE(future.ok());
  EXPECT_THAT(future.error().message(), HasSubstr("schema version 999"));
}

// The lookups an import makes stay index lookups as the catalogue grows.
TEST(SqliteRepositoryTest, LookupsUseIndexesAtTenThousandSystems) {
  testing::TempDir temp;
  auto repository = *OpenSqliteRepository(temp / "vsm.db");
  Guid probe;
  for (int i = 0; i < 10000; ++i) {
    SystemDefinition system = SampleSystem("vm" + std::to_string(i));
    if (i == 7777) probe = system.id;
    ASSERT_TRUE(repository->AddSystem(system).ok());
  }
  EXPECT_EQ((*repository->FindSystem(probe))->name, "vm7777");
  EXPECT_EQ((*repository->FindSystemByPackageDirectory("/exports/vm4242"))->name, "vm4242");
  EXPECT_EQ(repository->FindSystemsUsingFile("/disks/vm9999.vhdx")->size(), 1u);
  EXPECT_EQ(repository->ListSystems()->size(), 10000u);

  sqlite3* db;
  ASSERT_EQ(sqlite3_open((temp / "vsm.db").c_str(), &db), SQLITE_OK);
  auto plan = [&](const std::string& sql) {
    std::string text;
    sqlite3_exec(db, ("EXPLAIN QUERY PLAN " + sql).c_str(),
                 [](void* out, int columns, char** values, char**) {
                   *static_cast<std::string*>(out) += std::string(values[columns - 1]) + "\n";
                   return 0;
                 },
                 &text, nullptr);
    return text;
  };
  EXPECT_THAT(plan("SELECT * FROM systems WHERE guid = 'x'"), Not(HasSubstr("SCAN systems")));
  EXPECT_THAT(plan("SELECT * FROM systems WHERE package_directory = 'x' AND package_directory <> ''"),
              Not(HasSubstr("SCAN systems")));
  EXPECT_THAT(plan("SELECT * FROM systems WHERE name = 'x'"), Not(HasSubstr("SCAN systems")));
  EXPECT_THAT(plan("SELECT * FROM systems WHERE guid IN (SELECT system_guid FROM drives WHERE path = 'x')"),
              Not(HasSubstr("SCAN drives")));
  EXPECT_THAT(plan("SELECT * FROM drives WHERE system_guid = 'x'"), Not(HasSubstr("SCAN drives")));
  EXPECT_THAT(plan("SELECT * FROM snapshots WHERE system_guid = 'x' ORDER BY creation_time_us, guid"),
              Not(HasSubstr("SCAN snapshots")));
  EXPECT_THAT(plan("SELECT s.system_guid FROM snapshot_drives d JOIN snapshots s ON s.guid = "
                   "d.snapshot_guid WHERE d.path = 'x'"),
              Not(HasSubstr("SCAN snapshot_drives")));
  sqlite3_close(db);
}

}  // namespace
}  // namespace vsm::store
