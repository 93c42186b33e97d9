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

INSTANTIATE_TEST_SUITE_P(Implementations, RepositoryContractTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Sqlite" : "InMemory"; });

TEST(SqliteRepositoryTest, PersistsAcrossReopen) {
  testing::TempDir temp;
  SystemDefinition system = SampleSystem("web01");
  JobRecord job = SampleJob();
  {
    auto repository = *OpenSqliteRepository(temp / "vsm.db");
    ASSERT_TRUE(repository->AddSystem(system).ok());
    ASSERT_TRUE(repository->SaveJob(job).ok());
  }
  auto reopened = *OpenSqliteRepository(temp / "vsm.db");
  EXPECT_EQ(**reopened->FindSystem(system.id), system);
  EXPECT_EQ(**reopened->FindJob(job.id), job);
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
  sqlite3_close(db);
}

}  // namespace
}  // namespace vsm::store
