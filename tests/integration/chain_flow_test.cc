// Differencing chains through the whole service: a system defined over the leaf of a chain is
// exported by wbemcli with every parent, imported again, and reads back byte for byte; a chain
// whose parent is gone is refused at define time.
#include <gmock/gmock.h>

#include <vector>

#include "disk/differencing_disk.h"
#include "disk/disk_chain.h"
#include "integration_fixture.h"

namespace vsm::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<uint8_t> ReadChain(const std::filesystem::path& leaf) {
  Result<disk::DiskChain> chain = disk::DiskChain::Open(leaf);
  EXPECT_TRUE(chain.ok()) << chain.error().ToString();
  if (!chain.ok()) return {};
  std::vector<uint8_t> bytes(chain->virtual_size_bytes());
  EXPECT_TRUE(chain->ReadVirtual(0, bytes).ok());
  return bytes;
}

// base.vhdx (qemu) <- snap1.avhdx <- snap2.avhdx (vsm), each child written through vsm's writer.
std::filesystem::path MakeChain(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  EXPECT_TRUE(MakeQemuDisk(dir / "base.vhdx", QemuDiskKind::kVhdxDynamic, 32, 0x11));
  std::filesystem::path parent = dir / "base.vhdx";
  for (int level = 1; level <= 2; ++level) {
    std::filesystem::path child = dir / ("snap" + std::to_string(level) + ".avhdx");
    EXPECT_TRUE(disk::CreateDifferencingDisk(child, parent).ok());
    disk::ChainOptions options;
    options.leaf_access = disk::DiskLayer::Access::kReadWrite;
    Result<disk::DiskChain> chain = disk::DiskChain::Open(child, options);
    EXPECT_TRUE(chain.ok()) << chain.error().ToString();
    if (!chain.ok()) return child;
    std::vector<uint8_t> data(5 << 20, static_cast<uint8_t>(0x60 + level));
    EXPECT_TRUE(chain->layer(0).Write((level * 7) << 20, data, &chain->Below(0)).ok());
    EXPECT_TRUE(chain->layer(0).Flush().ok());
    parent = child;
  }
  return parent;
}

TEST_F(IntegrationTest, ChainIsExportedWholeAndImportedIntact) {
  const std::filesystem::path leaf = MakeChain(Path("disks/chain"));
  const std::vector<uint8_t> expected = ReadChain(leaf);
  std::string guid = DefineWithVsm("chained", {leaf});
  ASSERT_FALSE(guid.empty());

  MethodOutcome exported = CallServiceMethod(
      "ExportVirtualSystem.ComputerSystem=Msvm_ComputerSystem.CreationClassName=\"Msvm_"
      "ComputerSystem\",Name=\"" +
      guid + "\",CopyVmState=true,ExportDirectory=\"" + Path("exports").string() + "\"");
  ASSERT_EQ(exported.return_value, 4096) << exported.output;
  WbemJob export_job = PollJob(exported.job_path);
  ASSERT_EQ(export_job.job_state, 7) << export_job.error_description;
  EXPECT_THAT(Entries("exports/chained/Virtual Hard Disks"),
              ElementsAre("base.vhdx", "snap1.avhdx", "snap2.avhdx"));

  // The source chain goes away: the package must stand on its own.
  std::filesystem::rename(Path("disks/chain"), Path("disks/chain-elsewhere"));
  CommandResult destroyed = vsmd_->Vsm({"destroy", guid});
  ASSERT_EQ(destroyed.exit_code, 0) << destroyed.output;
  MethodOutcome imported =
      CallServiceMethod("ImportVirtualSystem.ImportDirectory=\"" +
                        Path("exports/chained").string() + "\",GenerateNewID=true");
  ASSERT_EQ(imported.return_value, 4096) << imported.output;
  WbemJob import_job = PollJob(imported.job_path);
  ASSERT_EQ(import_job.job_state, 7) << import_job.error_description;
  EXPECT_EQ(ReadChain(Path("exports/chained/Virtual Hard Disks/snap2.avhdx")), expected);
  CommandResult info = vsm::testing::Run(
      "vhdiinfo '" + Path("exports/chained/Virtual Hard Disks/snap2.avhdx").string() + "'");
  EXPECT_EQ(info.exit_code, 0) << info.output;
}

TEST_F(IntegrationTest, DefineOverAChainWithoutItsParentNamesBoth) {
  const std::filesystem::path leaf = MakeChain(Path("disks/chain"));
  std::filesystem::remove(Path("disks/chain/snap1.avhdx"));
  CommandResult defined = vsmd_->Vsm({"define", "--name", "broken", "--disk", leaf.string()});
  // DefineVirtualSystem is synchronous: the code reaches the client, the description (naming
  // the child and the parent, as disk_chain_test checks) goes to vsmd's log.
  EXPECT_NE(defined.exit_code, 0);
  EXPECT_THAT(defined.output, HasSubstr("InvalidParameter (32773)"));
  CommandResult listed = vsmd_->Vsm({"list"});
  EXPECT_THAT(listed.output, ::testing::Not(HasSubstr("broken")));
}

}  // namespace
}  // namespace vsm::testing
