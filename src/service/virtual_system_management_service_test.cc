// The service's contract, return code by return code, on a real JobManager, an in-memory
// catalogue and disks made by qemu-img. Every failure is also checked to leave the catalogue and
// the filesystem as they were.
#include "service/virtual_system_management_service.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "jobs/job_manager.h"
#include "store/repository.h"
#include "support/qemu_disks.h"
#include "support/temp_dir.h"

namespace vsm::service {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::QemuDiskKind;
using namespace std::chrono_literals;

const Principal kAdministrator{"root", Role::kAdministrator};
const Principal kReader{"auditor", Role::kReader};

class ServiceTest : public ::testing::Test {
 protected:
  ServiceTest()
      : repository_(store::NewInMemoryRepository()),
        jobs_(*repository_, jobs::JobManagerOptions{}),
        service_(*repository_, jobs_, ServiceOptions{.data_root = temp_ / "data"}) {
    EXPECT_TRUE(jobs_.Recover().ok());
    jobs_.Start();
    fs::create_directories(temp_ / "disks");
    fs::create_directories(temp_ / "exports");
  }

  // A system with one dynamic VHD (pattern written by qemu-io), one VHDX and one adapter.
  SystemDefinition DefineSampleSystem(const std::string& name = "web01") {
    fs::path vhd = temp_ / "disks" / (name + "-boot.vhd");
    fs::path vhdx = temp_ / "disks" / (name + "-data.vhdx");
    EXPECT_TRUE(testing::MakeQemuDisk(vhd, QemuDiskKind::kVhdDynamic, 16, 0xab));
    EXPECT_TRUE(testing::MakeQemuDisk(vhdx, QemuDiskKind::kVhdxDynamic, 16, 0xcd));
    SystemDefinition definition;
    definition.name = name;
    definition.memory_mb = 2048;
    definition.processor_count = 2;
    definition.scsi_controller_count = 1;
    definition.drives.push_back({.kind = DriveKind::kHardDisk, .controller = ControllerKind::kIde,
                                 .controller_index = 0, .slot = 0, .path = vhd.string()});
    definition.drives.push_back({.kind = DriveKind::kHardDisk, .controller = ControllerKind::kScsi,
                                 .controller_index = 0, .slot = 0, .path = vhdx.string()});
    definition.network_adapters.push_back({.switch_name = "External"});
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

  fs::path ExportSample(const SystemDefinition& system, bool copy_vm_state = true) {
    JobRecord job = Wait(service_.ExportVirtualSystem(
        kAdministrator, {.system = system.id, .copy_vm_state = copy_vm_state,
                         .export_directory = (temp_ / "exports").string()}));
    EXPECT_EQ(job.state, JobState::kCompleted) << job.error_description;
    return temp_ / "exports" / system.name;
  }

  size_t SystemCount() { return repository_->ListSystems()->size(); }

  testing::TempDir temp_;
  std::unique_ptr<store::Repository> repository_;
  jobs::JobManager jobs_;
  VirtualSystemManagementService service_;
};

// --- DefineVirtualSystem -------------------------------------------------------------------

TEST_F(ServiceTest, DefineRegistersSystemOffWithFreshIdentity) {
  SystemDefinition system = DefineSampleSystem();
  EXPECT_FALSE(system.id.IsNull());
  EXPECT_FALSE(system.bios_guid.IsNull());
  EXPECT_EQ(system.enabled_state, EnabledState::kDisabled);
  ASSERT_EQ(system.network_adapters.size(), 1u);
  EXPECT_EQ(system.network_adapters[0].mac_address.substr(0, 6), "00155D");
  auto stored = repository_->FindSystem(system.id);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ(**stored, system);
}

TEST_F(ServiceTest, DefineByReaderIsAccessDenied) {
  Result<SystemDefinition> defined = service_.DefineVirtualSystem(kReader, {.name = "x"});
  ASSERT_FALSE(defined.ok());
  EXPECT_EQ(defined.error().code(), ReturnCode::kAccessDenied);
  EXPECT_EQ(SystemCount(), 0u);
}

TEST_F(ServiceTest, DefineWithMissingOrInvalidDiskIsInvalidParameterNamingTheFile) {
  SystemDefinition definition{.name = "bad"};
  definition.drives.push_back({.path = (temp_ / "disks/missing.vhd").string()});
  Result<SystemDefinition> missing = service_.DefineVirtualSystem(kAdministrator, definition);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ReturnCode::kInvalidParameter);
  EXPECT_THAT(missing.error().message(), HasSubstr("missing.vhd"));

  fs::path text = temp_ / "disks/notes.vhd";
  std::ofstream(text) << "not a disk";
  definition.drives[0].path = text.string();
  Result<SystemDefinition> invalid = service_.DefineVirtualSystem(kAdministrator, definition);
  ASSERT_FALSE(invalid.ok());
  EXPECT_EQ(invalid.error().code(), ReturnCode::kInvalidParameter);
  EXPECT_THAT(invalid.error().message(), HasSubstr("notes.vhd"));
  EXPECT_EQ(SystemCount(), 0u);
}

TEST_F(ServiceTest, DefineRejectsBadSettings) {
  for (SystemDefinition bad : {SystemDefinition{.name = ""}, SystemDefinition{.name = "a/b"},
                               SystemDefinition{.name = "ok", .memory_mb = 0},
                               SystemDefinition{.name = "ok", .processor_count = 0}}) {
    Result<SystemDefinition> defined = service_.DefineVirtualSystem(kAdministrator, bad);
    ASSERT_FALSE(defined.ok()) << bad.name;
    EXPECT_EQ(defined.error().code(), ReturnCode::kInvalidParameter);
  }
  EXPECT_EQ(SystemCount(), 0u);
}

TEST_F(ServiceTest, DefineWithDiskOfAnotherSystemIsSystemInUse) {
  SystemDefinition first = DefineSampleSystem();
  SystemDefinition second{.name = "second"};
  second.drives.push_back(first.drives[0]);
  Result<SystemDefinition> defined = service_.DefineVirtualSystem(kAdministrator, second);
  ASSERT_FALSE(defined.ok());
  EXPECT_EQ(defined.error().code(), ReturnCode::kSystemInUse);
  EXPECT_THAT(defined.error().message(), HasSubstr("web01"));
}

// --- DestroyVirtualSystem, ModifyVirtualSystem, RequestStateChange ----------------------------

TEST_F(ServiceTest, DestroyForgetsSystemAndKeepsItsDisks) {
  SystemDefinition system = DefineSampleSystem();
  ASSERT_TRUE(service_.DestroyVirtualSystem(kAdministrator, system.id).ok());
  EXPECT_EQ(SystemCount(), 0u);
  EXPECT_TRUE(fs::exists(system.drives[0].path));
  EXPECT_EQ(service_.DestroyVirtualSystem(kAdministrator, system.id).error().code(),
            ReturnCode::kInvalidParameter);
  EXPECT_EQ(service_.DestroyVirtualSystem(kReader, system.id).error().code(),
            ReturnCode::kAccessDenied);
}

TEST_F(ServiceTest, ModifyRenamesAndChecksValues) {
  SystemDefinition system = DefineSampleSystem();
  auto renamed = service_.ModifyVirtualSystem(kAdministrator, {.system = system.id, .name = "web02"});
  ASSERT_TRUE(renamed.ok());
  EXPECT_EQ((*repository_->FindSystem(system.id))->name, "web02");
  auto bad = service_.ModifyVirtualSystem(kAdministrator, {.system = system.id, .memory_mb = 0});
  EXPECT_EQ(bad.error().code(), ReturnCode::kInvalidParameter);
  EXPECT_EQ(service_.ModifyVirtualSystem(kAdministrator, {.system = Guid::Generate()}).error().code(),
            ReturnCode::kInvalidParameter);
}

TEST_F(ServiceTest, StateChangeIsNotSupportedWithoutHypervisor) {
  SystemDefinition system = DefineSampleSystem();
  Result<void> started = service_.RequestSystemStateChange(kAdministrator, system.id, 2);
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.error().code(), ReturnCode::kNotSupported);
  EXPECT_EQ((*repository_->FindSystem(system.id))->enabled_state, EnabledState::kDisabled);
}

// --- ExportVirtualSystem -------------------------------------------------------------------------

TEST_F(ServiceTest, ExportWritesPackageAndLeavesNoStaging) {
  SystemDefinition system = DefineSampleSystem();
  fs::path package = ExportSample(system);
  EXPECT_THAT(testing::ListDirectory(temp_ / "exports"), ElementsAre("web01"));
  EXPECT_TRUE(fs::exists(package / "config.xml"));
  EXPECT_TRUE(fs::exists(package / "Virtual Machines" / (system.id.ToString() + ".exp")));
  EXPECT_TRUE(testing::QemuCompare(system.drives[0].path, package / "Virtual Hard Disks/web01-boot.vhd",
                                   QemuDiskKind::kVhdDynamic));
}

TEST_F(ServiceTest, ExportParametersAreCheckedAtOnce) {
  SystemDefinition system = DefineSampleSystem();
  fs::path file = temp_ / "file";
  std::ofstream(file) << "x";
  for (std::string directory : {std::string(""), std::string("relative/dir"),
                                (temp_ / "missing").string(), file.string()}) {
    auto started = service_.ExportVirtualSystem(
        kAdministrator, {.system = system.id, .export_directory = directory});
    ASSERT_FALSE(started.ok()) << directory;
    EXPECT_EQ(started.error().code(), ReturnCode::kInvalidParameter) << directory;
  }
  auto unknown = service_.ExportVirtualSystem(
      kAdministrator, {.system = Guid::Generate(), .export_directory = (temp_ / "exports").string()});
  EXPECT_EQ(unknown.error().code(), ReturnCode::kInvalidParameter);
  auto reader = service_.ExportVirtualSystem(
      kReader, {.system = system.id, .export_directory = (temp_ / "exports").string()});
  EXPECT_EQ(reader.error().code(), ReturnCode::kAccessDenied);
  EXPECT_THAT(testing::ListDirectory(temp_ / "exports"), IsEmpty());
}

TEST_F(ServiceTest, ExportOfRunningSystemIsInvalidState) {
  SystemDefinition running = DefineSampleSystem();
  running.enabled_state = EnabledState::kEnabled;
  ASSERT_TRUE(repository_->UpdateSystem(running).ok());
  auto started = service_.ExportVirtualSystem(
      kAdministrator, {.system = running.id, .export_directory = (temp_ / "exports").string()});
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.error().code(), ReturnCode::kInvalidState);
}

TEST_F(ServiceTest, ExportNeverOverwritesExistingPackage) {
  SystemDefinition system = DefineSampleSystem();
  fs::create_directories(temp_ / "exports/web01");
  std::ofstream(temp_ / "exports/web01/keep.txt") << "mine";
  auto started = service_.ExportVirtualSystem(
      kAdministrator, {.system = system.id, .export_directory = (temp_ / "exports").string()});
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.error().code(), ReturnCode::kInvalidParameter);
  EXPECT_THAT(started.error().message(), HasSubstr("already exists"));
  EXPECT_THAT(testing::ListDirectory(temp_ / "exports/web01"), ElementsAre("keep.txt"));
}

// --- ImportVirtualSystem -------------------------------------------------------------------------

TEST_F(ServiceTest, ImportParametersAreCheckedAtOnce) {
  fs::path file = temp_ / "file";
  std::ofstream(file) << "x";
  for (std::string directory : {std::string(""), std::string("relative/dir"),
                                (temp_ / "missing").string(), file.string()}) {
    auto started = service_.ImportVirtualSystem(kAdministrator, {.import_directory = directory});
    ASSERT_FALSE(started.ok()) << directory;
    EXPECT_EQ(started.error().code(), ReturnCode::kInvalidParameter) << directory;
  }
  auto reader = service_.ImportVirtualSystem(kReader, {.import_directory = temp_.path().string()});
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.error().code(), ReturnCode::kAccessDenied);
  EXPECT_THAT(*jobs_.List(), IsEmpty());
}

TEST_F(ServiceTest, ImportKeepingIdAfterDestroyRestoresTheSameSystem) {
  SystemDefinition system = DefineSampleSystem();
  fs::path package = ExportSample(system);
  ASSERT_TRUE(service_.DestroyVirtualSystem(kAdministrator, system.id).ok());

  JobRecord job = Wait(service_.ImportVirtualSystem(kAdministrator, {.import_directory = package.string()}));
  ASSERT_EQ(job.state, JobState::kCompleted) << job.error_description;
  EXPECT_EQ(job.percent_complete, 100);
  ASSERT_TRUE(job.affected_system.has_value());
  EXPECT_EQ(*job.affected_system, system.id);
  auto imported = *repository_->FindSystem(system.id);
  ASSERT_TRUE(imported.has_value());
  EXPECT_EQ(imported->name, "web01");
  EXPECT_EQ(imported->bios_guid, system.bios_guid);
  EXPECT_EQ(imported->network_adapters, system.network_adapters);
  EXPECT_EQ(imported->enabled_state, EnabledState::kDisabled);
  EXPECT_EQ(imported->package_directory, package.string());
  // In place: the package's disks are now the system's.
  EXPECT_EQ(imported->drives[0].path, (package / "Virtual Hard Disks/web01-boot.vhd").string());
}

TEST_F(ServiceTest, ImportKeepingIdOfExistingSystemFailsWithSystemInUse) {
  SystemDefinition system = DefineSampleSystem();
  fs::path package = ExportSample(system);
  JobRecord job = Wait(service_.ImportVirtualSystem(kAdministrator, {.import_directory = package.string()}));
  EXPECT_EQ(job.state, JobState::kException);
  EXPECT_EQ(job.error_code, 32774u);
  EXPECT_THAT(job.error_description, HasSubstr(system.id.ToString()));
  EXPECT_THAT(job.error_description, HasSubstr("web01"));
  EXPECT_EQ(SystemCount(), 1u);
}

TEST_F(ServiceTest, ImportWithNewIdGivesNewGuidBiosGuidAndMacs) {
  SystemDefinition system = DefineSampleSystem();
  fs::path package = ExportSample(system);
  JobRecord job = Wait(service_.ImportVirtualSystem(
      kAdministrator, {.import_directory = package.string(), .generate_new_id = true}));
  ASSERT_EQ(job.state, JobState::kCompleted) << job.error_description;
  ASSERT_TRUE(job.affected_system.has_value());
  EXPECT_NE(*job.affected_system, system.id);
  auto copy = *repository_->FindSystem(*job.affected_system);
  ASSERT_TRUE(copy.has_value());
  EXPECT_NE(copy->bios_guid, system.bios_guid);
  EXPECT_NE(copy->network_adapters[0].mac_address, system.network_adapters[0].mac_address);
  EXPECT_EQ(SystemCount(), 2u);

  // The package now backs the copy: it cannot be imported a second time.
  JobRecord again = Wait(service_.ImportVirtualSystem(
      kAdministrator, {.import_directory = package.string(), .generate_new_id = true}));
  EXPECT_EQ(again.state, JobState::kException);
  EXPECT_EQ(again.error_code, 32774u);
  EXPECT_THAT(again.error_description, HasSubstr(copy->id.ToString()));
  EXPECT_EQ(SystemCount(), 2u);
}

TEST_F(ServiceTest, ImportOfExportDirectoryNamesTheSubdirectoryToPass) {
  SystemDefinition system = DefineSampleSystem();
  ExportSample(system);
  JobRecord job = Wait(service_.ImportVirtualSystem(
      kAdministrator, {.import_directory = (temp_ / "exports").string(), .generate_new_id = true}));
  EXPECT_EQ(job.state, JobState::kException);
  EXPECT_EQ(job.error_code, 32773u);
  EXPECT_THAT(job.error_description, HasSubstr((temp_ / "exports/web01").string()));
  EXPECT_EQ(SystemCount(), 1u);
}

TEST_F(ServiceTest, ImportOfDamagedDiskFailsNamingTheFileAndChangesNothing) {
  SystemDefinition system = DefineSampleSystem();
  fs::path package = ExportSample(system);
  fs::path disk = package / "Virtual Hard Disks/web01-data.vhdx";
  {
    std::fstream f(disk, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(1024 * 1024 + 17);
    f.put('\x42');
  }
  JobRecord job = Wait(service_.ImportVirtualSystem(
      kAdministrator, {.import_directory = package.string(), .generate_new_id = true}));
  EXPECT_EQ(job.state, JobState::kException);
  EXPECT_EQ(job.error_code, 32773u);
  EXPECT_THAT(job.error_description, HasSubstr("web01-data.vhdx"));
  EXPECT_EQ(SystemCount(), 1u);
}

TEST_F(ServiceTest, ConcurrentImportsOfOnePackage) {
  SystemDefinition system = DefineSampleSystem();
  fs::path package = ExportSample(system);
  auto first = service_.ImportVirtualSystem(kAdministrator,
                                            {.import_directory = package.string(), .generate_new_id = true});
  auto second = service_.ImportVirtualSystem(kAdministrator,
                                             {.import_directory = package.string(), .generate_new_id = true});
  JobRecord a = Wait(first);
  JobRecord b = Wait(second);
  // Whichever came second failed with 32774; exactly one copy exists.
  EXPECT_EQ((a.state == JobState::kCompleted) + (b.state == JobState::kCompleted), 1);
  EXPECT_EQ(a.error_code + b.error_code, 32774u);
  EXPECT_EQ(SystemCount(), 2u);
}

TEST_F(ServiceTest, CancelledExportEndsTerminatedAndLeavesNothing) {
  // A disk large enough that the export is still running when the cancel arrives.
  fs::path big = temp_ / "disks/big.vhdx";
  ASSERT_TRUE(testing::MakeQemuDisk(big, QemuDiskKind::kVhdxFixed, 1024));
  SystemDefinition definition{.name = "big"};
  definition.drives.push_back({.path = big.string()});
  auto system = service_.DefineVirtualSystem(kAdministrator, definition);
  ASSERT_TRUE(system.ok());
  auto started = service_.ExportVirtualSystem(
      kAdministrator, {.system = system->id, .export_directory = (temp_ / "exports").string()});
  ASSERT_TRUE(started.ok());
  ASSERT_TRUE(service_.RequestJobStateChange(kAdministrator, started->id, 4).ok());
  JobRecord job = Wait(started);
  // A tiny export may win the race; either way nothing partial remains.
  if (job.state == JobState::kTerminated) {
    EXPECT_THAT(testing::ListDirectory(temp_ / "exports"), IsEmpty());
  } else {
    EXPECT_EQ(job.state, JobState::kCompleted);
    EXPECT_THAT(testing::ListDirectory(temp_ / "exports"), ElementsAre("big"));
  }
  EXPECT_EQ(service_.RequestJobStateChange(kAdministrator, started->id, 4).error().code(),
            ReturnCode::kInvalidState);
}

}  // namespace
}  // namespace vsm::service
