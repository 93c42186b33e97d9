// A snapshot tree moved to another host: snapshots taken on chains of depth 1, 2 and 5 (and a
// branched tree) over a VHD and a VHDX made by qemu-img, data written between them through our
// writer, exported with CopyVmState TRUE, imported with GenerateNewID into a second vsm (its own
// data root and catalogue). Every snapshot, and the current state, must read back byte for byte
// what the test wrote, through our reader and through libvhdi; the base layers must equal the
// originals for qemu-img compare; the tree must keep its shape; the source must be untouched.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "disk/disk_chain.h"
#include "jobs/job_manager.h"
#include "service/virtual_system_management_service.h"
#include "store/repository.h"
#include "support/libvhdi_reader.h"
#include "support/qemu_disks.h"
#include "support/temp_dir.h"

namespace vsm::service {
namespace {

namespace fs = std::filesystem;
using ::testing::SizeIs;
using testing::QemuDiskKind;
using namespace std::chrono_literals;

const Principal kAdministrator{"root", Role::kAdministrator};

constexpr uint64_t kDiskMiB = 16;
constexpr uint64_t kMiB = 1 << 20;
constexpr size_t kWriteBytes = 64 * 1024;

// One vsm: a catalogue, its jobs and the service, on its own data root.
struct Host {
  explicit Host(const fs::path& data_root)
      : repository(store::NewInMemoryRepository()),
        jobs(*repository, jobs::JobManagerOptions{}),
        service(*repository, jobs, ServiceOptions{.data_root = data_root}) {
    EXPECT_TRUE(jobs.Recover().ok());
    jobs.Start();
  }
  std::unique_ptr<store::Repository> repository;
  jobs::JobManager jobs;
  VirtualSystemManagementService service;
};

// What the guest must read on every disk of a system, in drive order.
using DiskImages = std::vector<std::vector<uint8_t>>;

std::map<std::string, std::string> ReadFiles(const fs::path& directory) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(directory)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    files[entry.path().string()] =
        std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return files;
}

std::vector<std::string> HardDiskPaths(const SystemDefinition& system) {
  std::vector<std::string> paths;
  for (const auto& drive : system.drives) {
    if (drive.kind == DriveKind::kHardDisk && !drive.path.empty()) paths.push_back(drive.path);
  }
  return paths;
}

class SnapshotTreeTransferTest : public ::testing::TestWithParam<int> {
 protected:
  SnapshotTreeTransferTest() {
    fs::create_directories(temp_ / "disks");
    fs::create_directories(temp_ / "exports");
  }

  JobRecord Wait(Host& host, const Result<JobRecord>& started) {
    EXPECT_TRUE(started.ok()) << started.error().ToString();
    if (!started.ok()) return {};
    Result<JobRecord> done = host.jobs.WaitForCompletion(started->id, 60s);
    EXPECT_TRUE(done.ok());
    if (!done.ok()) return {};
    EXPECT_EQ(done->state, JobState::kCompleted) << done->error_description;
    return *done;
  }

  // A system with a dynamic VHD and a dynamic VHDX made by qemu-img, each with a pattern in its
  // first MiB; `expected_` starts as what qemu-io wrote.
  SystemDefinition DefineOnSource() {
    const fs::path vhd = temp_ / "disks/web01-boot.vhd";
    const fs::path vhdx = temp_ / "disks/web01-data.vhdx";
    EXPECT_TRUE(testing::MakeQemuDisk(vhd, QemuDiskKind::kVhdDynamic, kDiskMiB, 0xab));
    EXPECT_TRUE(testing::MakeQemuDisk(vhdx, QemuDiskKind::kVhdxDynamic, kDiskMiB, 0xcd));
    kinds_ = {QemuDiskKind::kVhdDynamic, QemuDiskKind::kVhdxDynamic};
    for (const auto& [path, pattern] : {std::pair{vhd, 0xab}, std::pair{vhdx, 0xcd}}) {
      // qemu rounds a VHD's size to its CHS geometry: the disk says how big it is.
      auto chain = disk::DiskChain::Open(path);
      EXPECT_TRUE(chain.ok());
      std::vector<uint8_t> image(chain.ok() ? chain->virtual_size_bytes() : 0, 0);
      std::fill(image.begin(), image.begin() + kMiB, pattern);
      expected_.push_back(std::move(image));
    }
    SystemDefinition definition{.name = "web01", .memory_mb = 2048, .scsi_controller_count = 1};
    definition.drives.push_back({.path = vhd.string()});
    definition.drives.push_back({.kind = DriveKind::kDvd, .controller_index = 1});
    definition.drives.push_back(
        {.controller = ControllerKind::kScsi, .controller_index = 0, .slot = 0, .path = vhdx.string()});
    Result<SystemDefinition> defined = source_.service.DefineVirtualSystem(kAdministrator, definition);
    EXPECT_TRUE(defined.ok()) << defined.error().ToString();
    return defined.ok() ? *defined : SystemDefinition{};
  }

  // Writes step `step`'s data into every disk of the system's current state: 64 KiB of
  // 0x10 + step at an offset that moves with the step (the first lands in qemu's pattern, later
  // ones in blocks nothing allocated yet, and none on a sector boundary).
  void WriteStep(const Guid& system, int step) {
    const SystemDefinition current = **source_.repository->FindSystem(system);
    const std::vector<std::string> leaves = HardDiskPaths(current);
    ASSERT_EQ(leaves.size(), expected_.size());
    const uint64_t offset = static_cast<uint64_t>(step) * 3 * kMiB + 512 * step + 100;
    const std::vector<uint8_t> data(kWriteBytes, static_cast<uint8_t>(0x10 + step));
    for (size_t i = 0; i < leaves.size(); ++i) {
      auto chain =
          disk::DiskChain::Open(leaves[i], {.leaf_access = disk::DiskLayer::Access::kReadWrite});
      ASSERT_TRUE(chain.ok()) << chain.error().ToString();
      const disk::ParentReader* below = chain->depth() > 1 ? &chain->Below(0) : nullptr;
      ASSERT_TRUE(chain->layer(0).Write(offset, data, below).ok());
      ASSERT_TRUE(chain->layer(0).Flush().ok());
      std::copy(data.begin(), data.end(), expected_[i].begin() + static_cast<ptrdiff_t>(offset));
    }
  }

  // Takes a snapshot named `name` on the source and remembers what it froze.
  Guid SnapshotOnSource(const Guid& system, const std::string& name) {
    Result<SnapshotJob> started =
        source_.service.CreateVirtualSystemSnapshot(kAdministrator, {.system = system, .name = name});
    EXPECT_TRUE(started.ok()) << started.error().ToString();
    if (!started.ok()) return {};
    Wait(source_, started->job);
    frozen_[name] = expected_;
    return started->snapshot;
  }

  // Every disk of `system` reads as `images` through our reader and through libvhdi, and every
  // file of its chains lies inside `package`.
  void ExpectReads(const SystemDefinition& system, const DiskImages& images,
                   const fs::path& package, const std::string& what) {
    const std::vector<std::string> leaves = HardDiskPaths(system);
    ASSERT_EQ(leaves.size(), images.size()) << what;
    for (size_t i = 0; i < leaves.size(); ++i) {
      auto chain = disk::DiskChain::Open(leaves[i]);
      ASSERT_TRUE(chain.ok()) << what << ": " << chain.error().ToString();
      std::vector<fs::path> files;
      for (size_t layer = 0; layer < chain->depth(); ++layer) {
        files.push_back(chain->layer(layer).path());
        EXPECT_EQ(fs::relative(files.back(), package).string().substr(0, 2) == "..", false)
            << what << ": " << files.back() << " lies outside the package " << package;
      }
      std::vector<uint8_t> ours(chain->virtual_size_bytes());
      ASSERT_TRUE(chain->ReadVirtual(0, ours).ok()) << what;
      EXPECT_TRUE(ours == images[i]) << what << ", disk " << i << ": our reader differs";
      EXPECT_TRUE(testing::ReadWithLibvhdi(files) == images[i])
          << what << ", disk " << i << ": libvhdi differs (chain of " << files.size() << ")";
    }
  }

  // Exports from the source, proving the source unchanged, and imports with a new GUID into
  // the target; returns the imported system.
  SystemDefinition MoveToTarget(const SystemDefinition& system) {
    const auto before = ReadFiles(temp_ / "disks");
    Wait(source_, source_.service.ExportVirtualSystem(
                      kAdministrator, {.system = system.id, .copy_vm_state = true,
                                       .export_directory = (temp_ / "exports").string()}));
    EXPECT_TRUE(ReadFiles(temp_ / "disks") == before) << "export changed a source disk";
    JobRecord imported = Wait(target_, target_.service.ImportVirtualSystem(
                                           kAdministrator, {.import_directory = Package().string(),
                                                            .generate_new_id = true}));
    EXPECT_TRUE(imported.affected_system.has_value());
    auto found = target_.repository->FindSystem(imported.affected_system.value_or(Guid{}));
    EXPECT_TRUE(found.ok() && found->has_value());
    return found.ok() && found->has_value() ? **found : SystemDefinition{};
  }

  fs::path Package() const { return temp_ / "exports/web01"; }

  // The snapshots of a system by name, with their parents' names ("" for a root).
  static std::map<std::string, std::string> Shape(Host& host, const Guid& system) {
    std::vector<SnapshotRecord> snapshots = *host.service.ListSnapshots(system);
    std::map<Guid, std::string> names;
    for (const SnapshotRecord& s : snapshots) names[s.id] = s.name;
    std::map<std::string, std::string> shape;
    for (const SnapshotRecord& s : snapshots) {
      shape[s.name] = s.parent.IsNull() ? "" : names.at(s.parent);
    }
    return shape;
  }

  // Checks everything the target must hold after the move: the shape, new GUIDs everywhere,
  // every snapshot's and the current state's data, the bases equal to the originals.
  void ExpectTreeArrived(const SystemDefinition& source, const SystemDefinition& imported) {
    EXPECT_NE(imported.id, source.id);
    EXPECT_EQ(Shape(target_, imported.id), Shape(source_, source.id));
    std::vector<SnapshotRecord> source_snapshots = *source_.service.ListSnapshots(source.id);
    std::vector<SnapshotRecord> snapshots = *target_.service.ListSnapshots(imported.id);
    ASSERT_THAT(snapshots, SizeIs(source_snapshots.size()));
    std::map<std::string, Guid> imported_ids;
    for (const SnapshotRecord& s : snapshots) imported_ids[s.name] = s.id;
    for (const SnapshotRecord& s : source_snapshots) {
      EXPECT_NE(imported_ids[s.name], s.id) << s.name << " kept its GUID";
    }
    // The current state still derives from the snapshot it derived from on the source.
    const SnapshotRecord& source_current =
        **source_.service.FindSnapshot(source.parent_snapshot);
    EXPECT_EQ(imported.parent_snapshot, imported_ids[source_current.name]);

    for (const SnapshotRecord& s : snapshots) {
      EXPECT_EQ(s.system, imported.id);
      ExpectReads(s.configuration, frozen_.at(s.name), Package(), "snapshot '" + s.name + "'");
    }
    ExpectReads(imported, expected_, Package(), "the current state");

    // The bases, which the first write changed before any snapshot, are copies of the source's.
    const std::vector<std::string> source_bases = HardDiskPaths(source_snapshots.front().configuration);
    std::vector<std::string> bases;
    for (const SnapshotRecord& s : snapshots) {
      if (s.parent.IsNull() && s.name == source_snapshots.front().name) {
        bases = HardDiskPaths(s.configuration);
      }
    }
    ASSERT_EQ(bases.size(), source_bases.size());
    for (size_t i = 0; i < bases.size(); ++i) {
      EXPECT_TRUE(testing::QemuCompare(bases[i], source_bases[i], kinds_[i])) << bases[i];
      EXPECT_TRUE(testing::QemuCheck(bases[i], kinds_[i])) << bases[i];
    }
  }

  testing::TempDir temp_;
  Host source_{temp_ / "source"};
  Host target_{temp_ / "target"};
  std::vector<QemuDiskKind> kinds_;
  DiskImages expected_;                   // the current state
  std::map<std::string, DiskImages> frozen_;  // by snapshot name
};

TEST_P(SnapshotTreeTransferTest, EverySnapshotReadsBackAfterExportAndImportWithNewIds) {
  const int depth = GetParam();
  SystemDefinition system = DefineOnSource();
  for (int step = 0; step < depth; ++step) {
    WriteStep(system.id, step);
    SnapshotOnSource(system.id, "s" + std::to_string(step));
  }
  WriteStep(system.id, depth);  // into the current state, above the last snapshot
  system = **source_.repository->FindSystem(system.id);

  SystemDefinition imported = MoveToTarget(system);
  ASSERT_FALSE(HasFailure());
  ExpectTreeArrived(system, imported);

  // The imported tree works: apply the oldest snapshot, then remove the newest.
  std::vector<SnapshotRecord> snapshots = *target_.service.ListSnapshots(imported.id);
  Wait(target_, target_.service.ApplyVirtualSystemSnapshot(
                    kAdministrator, {.snapshot = snapshots.front().id}));
  imported = **target_.repository->FindSystem(imported.id);
  ExpectReads(imported, frozen_.at("s0"), Package(), "the current state after applying s0");
  Wait(target_, target_.service.RemoveVirtualSystemSnapshot(kAdministrator, snapshots.back().id));
  const std::vector<SnapshotRecord> remaining = *target_.service.ListSnapshots(imported.id);
  EXPECT_THAT(remaining, SizeIs(snapshots.size() - 1));
  for (const SnapshotRecord& s : remaining) {
    ExpectReads(s.configuration, frozen_.at(s.name), Package(),
                "snapshot '" + s.name + "' after removing the newest");
  }
}

INSTANTIATE_TEST_SUITE_P(Depths, SnapshotTreeTransferTest, ::testing::Values(1, 2, 5),
                         [](const ::testing::TestParamInfo<int>& info) {
                           return "Depth" + std::to_string(info.param);
                         });

// s0 <- s1, and s0 <- s2 after applying s0: two branches, both of which must arrive.
TEST_F(SnapshotTreeTransferTest, BranchedTreeArrivesWithEveryBranch) {
  SystemDefinition system = DefineOnSource();
  WriteStep(system.id, 0);
  const Guid s0 = SnapshotOnSource(system.id, "s0");
  WriteStep(system.id, 1);
  SnapshotOnSource(system.id, "s1");
  Wait(source_, source_.service.ApplyVirtualSystemSnapshot(kAdministrator, {.snapshot = s0}));
  expected_ = frozen_.at("s0");
  WriteStep(system.id, 2);
  SnapshotOnSource(system.id, "s2");
  WriteStep(system.id, 3);
  system = **source_.repository->FindSystem(system.id);
  ASSERT_EQ(Shape(source_, system.id),
            (std::map<std::string, std::string>{{"s0", ""}, {"s1", "s0"}, {"s2", "s0"}}));

  SystemDefinition imported = MoveToTarget(system);
  ASSERT_FALSE(HasFailure());
  ExpectTreeArrived(system, imported);
}

}  // namespace
}  // namespace vsm::service
