// Differencing chains end to end: a qemu-made base, children made by CreateDifferencingDisk and
// written through DiskLayer::Write, read back through DiskChain and through libvhdi (an
// independent reader that follows parents when it is given them), at every depth.
#include "disk/disk_chain.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "disk/differencing_disk.h"
#include "disk/disk_test_util.h"
#include "support/libvhdi_reader.h"

namespace vsm::disk {
namespace {

using disk_testing::CommandResult;
using disk_testing::RunCommand;
using disk_testing::TempDir;
using testing::ReadWithLibvhdi;
using ::testing::HasSubstr;

constexpr uint64_t kVirtualSize = 64ull << 20;

struct Format {
  std::string name;       // qemu-img's
  std::string extension;  // ".vhd" / ".vhdx"
  std::string child_extension;
};

const Format kVhd{"vpc", ".vhd", ".avhd"};
const Format kVhdx{"vhdx", ".vhdx", ".avhdx"};

std::vector<uint8_t> ReadRaw(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

// A qemu-made dynamic base disk with a pattern at a few places, and its content as raw bytes
// (also kept beside it as <base>.raw, for qemu-img compare).
std::vector<uint8_t> MakeBase(const TempDir& dir, const Format& format,
                              const std::filesystem::path& base) {
  std::string options = format.name == "vpc" ? " -o subformat=dynamic,force_size=on" : "";
  EXPECT_EQ(RunCommand("qemu-img create -q -f " + format.name + options + " '" + base.string() +
                       "' " + std::to_string(kVirtualSize))
                .exit_code,
            0);
  CommandResult written = RunCommand("qemu-io -f " + format.name +
                                     " -c 'write -P 0x11 0 3M' -c 'write -P 0x22 20M 5M' -c "
                                     "'write -P 0x33 63M 1M' '" +
                                     base.string() + "'");
  EXPECT_EQ(written.exit_code, 0) << written.output;
  std::filesystem::path raw = base;
  raw += ".raw";
  std::filesystem::remove(raw);
  EXPECT_EQ(RunCommand("qemu-img convert -f " + format.name + " -O raw '" + base.string() + "' '" +
                       raw.string() + "'")
                .exit_code,
            0);
  std::vector<uint8_t> bytes = ReadRaw(raw);
  EXPECT_EQ(bytes.size(), kVirtualSize);
  return bytes;
}

// Writes a few deterministic ranges (partial blocks, block boundaries) into the leaf of `chain`
// and applies them to `expected`.
void WriteLayerData(DiskChain& chain, int level, std::vector<uint8_t>& expected) {
  std::mt19937_64 random(1000 + level);
  for (int i = 0; i < 6; ++i) {
    const uint64_t length = 512 * (1 + random() % 4096);  // up to 2 MiB
    const uint64_t offset = 512 * (random() % ((kVirtualSize - length) / 512));
    std::vector<uint8_t> data(length);
    for (auto& byte : data) byte = static_cast<uint8_t>(random());
    Result<void> written = chain.layer(0).Write(offset, data, &chain.Below(0));
    ASSERT_TRUE(written.ok()) << written.error().message();
    std::memcpy(expected.data() + offset, data.data(), length);
  }
  ASSERT_TRUE(chain.layer(0).Flush().ok());
}

std::vector<uint8_t> ReadChain(const DiskChain& chain) {
  std::vector<uint8_t> out(chain.virtual_size_bytes(), 0xEE);
  Result<void> read = chain.ReadVirtual(0, out);
  EXPECT_TRUE(read.ok()) << read.error().message();
  return out;
}

// The first offset where two buffers differ, or -1.
int64_t FirstDifference(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
  if (a.size() != b.size()) return 0;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) return static_cast<int64_t>(i);
  }
  return -1;
}

class DiskChainTest : public ::testing::TestWithParam<std::tuple<Format, int>> {};

// Base + N differencing layers, each written after it was made (a snapshot each): every level
// reads back exactly what it held when the next one was taken, through our reader and libvhdi,
// and still does after the whole chain moved to another directory.
TEST_P(DiskChainTest, EverySnapshotReadsBackThroughUsAndLibvhdi) {
  const auto& [format, depth] = GetParam();
  TempDir dir;
  std::vector<std::filesystem::path> paths{dir / ("base" + format.extension)};
  std::vector<std::vector<uint8_t>> expected{MakeBase(dir, format, paths[0])};
  for (int level = 1; level <= depth; ++level) {
    const std::filesystem::path child =
        dir / ("snap" + std::to_string(level) + format.child_extension);
    Result<void> created = CreateDifferencingDisk(child, paths.back());
    ASSERT_TRUE(created.ok()) << created.error().message();
    ChainOptions options;
    options.leaf_access = DiskLayer::Access::kReadWrite;
    Result<DiskChain> chain = DiskChain::Open(child, options);
    ASSERT_TRUE(chain.ok()) << chain.error().message();
    ASSERT_EQ(chain->depth(), static_cast<size_t>(level + 1));
    std::vector<uint8_t> content = expected.back();
    WriteLayerData(*chain, level, content);
    paths.push_back(child);
    expected.push_back(std::move(content));
    CommandResult info = RunCommand("vhdiinfo '" + child.string() + "'");
    EXPECT_EQ(info.exit_code, 0) << info.output;
    EXPECT_THAT(info.output, HasSubstr("Differential"));
  }

  auto check_all_levels = [&](const std::filesystem::path& where) {
    for (int level = 0; level <= depth; ++level) {
      const std::filesystem::path leaf = where / paths[level].filename();
      Result<DiskChain> chain = DiskChain::Open(leaf);
      ASSERT_TRUE(chain.ok()) << chain.error().message();
      EXPECT_EQ(FirstDifference(ReadChain(*chain), expected[level]), -1) << "level " << level;
      std::vector<std::filesystem::path> files;
      for (int i = level; i >= 0; --i) files.push_back(where / paths[i].filename());
      EXPECT_EQ(FirstDifference(ReadWithLibvhdi(files), expected[level]), -1)
          << "libvhdi, level " << level;
    }
  };
  check_all_levels(dir.path());

  // Snapshots never touched the base: qemu still reads what it wrote there.
  CommandResult compare = RunCommand("qemu-img compare -q -f " + format.name + " -F raw '" +
                                     paths[0].string() + "' '" + paths[0].string() + ".raw'");
  EXPECT_EQ(compare.exit_code, 0) << compare.output;

  // Moving the whole chain keeps it whole: the children name their parents relatively.
  TempDir moved;
  for (const auto& path : paths) std::filesystem::rename(path, moved / path.filename().string());
  check_all_levels(moved.path());
}

INSTANTIATE_TEST_SUITE_P(Depths, DiskChainTest,
                         ::testing::Combine(::testing::Values(kVhd, kVhdx),
                                            ::testing::Values(1, 2, 5)),
                         [](const auto& info) {
                           return (std::get<0>(info.param).name == "vpc" ? std::string("Vhd")
                                                                         : std::string("Vhdx")) +
                                  "Depth" + std::to_string(std::get<1>(info.param));
                         });

class DiskChainErrorTest : public ::testing::TestWithParam<Format> {
 protected:
  // base + one child in `dir_`.
  void SetUp() override {
    base_ = dir_ / ("base" + GetParam().extension);
    child_ = dir_ / ("child" + GetParam().child_extension);
    MakeBase(dir_, GetParam(), base_);
    Result<void> created = CreateDifferencingDisk(child_, base_);
    ASSERT_TRUE(created.ok()) << created.error().message();
  }
  TempDir dir_;
  std::filesystem::path base_;
  std::filesystem::path child_;
};

TEST_P(DiskChainErrorTest, MissingParentNamesChildParentAndWhereItLooked) {
  std::filesystem::remove(base_);
  Result<DiskChain> chain = DiskChain::Open(child_);
  ASSERT_FALSE(chain.ok());
  EXPECT_EQ(chain.error().code(), ReturnCode::kInvalidParameter);
  EXPECT_THAT(chain.error().message(), HasSubstr("'" + child_.string() + "' needs its parent"));
  EXPECT_THAT(chain.error().message(),
              HasSubstr("which was not found; looked at: '" + base_.string() + "'"));
}

TEST_P(DiskChainErrorTest, MovedParentIsFoundAgainAfterRepoint) {
  TempDir elsewhere;
  const std::filesystem::path moved = elsewhere / base_.filename().string();
  std::filesystem::copy_file(base_, moved);
  std::filesystem::remove(base_);
  ASSERT_FALSE(DiskChain::Open(child_).ok());
  Result<void> repointed = RepointParent(child_, moved);
  ASSERT_TRUE(repointed.ok()) << repointed.error().message();
  Result<DiskChain> chain = DiskChain::Open(child_);
  ASSERT_TRUE(chain.ok()) << chain.error().message();
  EXPECT_EQ(chain->layer(1).path(), moved.lexically_normal());
}

TEST_P(DiskChainErrorTest, ReplacedParentIsAnIdentityMismatch) {
  // Another disk of the same size under the parent's name.
  std::filesystem::remove(base_);
  MakeBase(dir_, GetParam(), base_);
  Result<DiskChain> chain = DiskChain::Open(child_);
  ASSERT_FALSE(chain.ok());
  EXPECT_THAT(chain.error().message(), HasSubstr("not the disk the child was made from"));
  EXPECT_THAT(chain.error().message(),
              HasSubstr("'" + child_.string() + "' names parent '" + base_.string() + "'"));
}

TEST_P(DiskChainErrorTest, ParentOutsideTheConfinementIsRefusedBeforeItIsOpened) {
  TempDir package;
  const std::filesystem::path inner = package / child_.filename().string();
  std::filesystem::copy_file(child_, inner);
  // The copy still finds its parent by the absolute location, outside the package.
  ChainOptions options;
  options.confine_to = package.path();
  Result<DiskChain> chain = DiskChain::Open(inner, options);
  ASSERT_FALSE(chain.ok());
  EXPECT_THAT(chain.error().message(), HasSubstr("which lies outside '" + package.path().string()));
  // Without the confinement the same chain opens.
  EXPECT_TRUE(DiskChain::Open(inner).ok());
}

TEST_P(DiskChainErrorTest, ParentThroughASymlinkOutsideIsRefused) {
  TempDir package;
  const std::filesystem::path inner = package / child_.filename().string();
  std::filesystem::copy_file(child_, inner);
  std::filesystem::create_symlink(base_, package / base_.filename().string());
  ChainOptions options;
  options.confine_to = package.path();
  Result<DiskChain> chain = DiskChain::Open(inner, options);
  ASSERT_FALSE(chain.ok());
  EXPECT_THAT(chain.error().message(), HasSubstr("which lies outside"));
}

TEST_P(DiskChainErrorTest, ChildInPlaceOfItsParentIsALoop) {
  std::filesystem::remove(base_);
  std::filesystem::create_hard_link(child_, base_);
  Result<DiskChain> chain = DiskChain::Open(child_);
  ASSERT_FALSE(chain.ok());
  EXPECT_THAT(chain.error().message(), HasSubstr("which is already in its chain: the chain loops"));
}

TEST_P(DiskChainErrorTest, DeeperThanTheLimitIsRefused) {
  std::filesystem::path parent = child_;
  for (int i = 0; i < 3; ++i) {
    const std::filesystem::path next =
        dir_ / ("deep" + std::to_string(i) + GetParam().child_extension);
    ASSERT_TRUE(CreateDifferencingDisk(next, parent).ok());
    parent = next;
  }
  ChainOptions options;
  options.max_depth = 4;
  Result<DiskChain> chain = DiskChain::Open(parent, options);
  ASSERT_FALSE(chain.ok());
  EXPECT_THAT(chain.error().message(), HasSubstr("is deeper than 4 disks"));
  options.max_depth = 5;
  EXPECT_TRUE(DiskChain::Open(parent, options).ok());
}

TEST_P(DiskChainErrorTest, ChildOfTheWrongFormatIsRefusedAtCreation) {
  const std::string wrong = GetParam().extension == ".vhd" ? ".vhdx" : ".vhd";
  Result<void> created = CreateDifferencingDisk(dir_ / ("bad" + wrong), base_);
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code(), ReturnCode::kInvalidParameter);
}

TEST_P(DiskChainErrorTest, ExistingChildIsNeverOverwritten) {
  const std::vector<uint8_t> before = ReadRaw(child_);
  Result<void> created = CreateDifferencingDisk(child_, base_);
  ASSERT_FALSE(created.ok());
  EXPECT_THAT(created.error().message(), HasSubstr("already exists"));
  EXPECT_EQ(ReadRaw(child_), before);
}

INSTANTIATE_TEST_SUITE_P(Formats, DiskChainErrorTest, ::testing::Values(kVhd, kVhdx),
                         [](const auto& info) {
                           return info.param.name == "vpc" ? std::string("Vhd")
                                                           : std::string("Vhdx");
                         });

TEST(ParentCandidatesTest, RelativeAbsoluteWindowsAndNameFallback) {
  ParentReference reference;
  reference.locations = {".\\base.vhdx", "C:\\VMs\\disks\\base.vhdx", "/srv/disks/base.vhdx"};
  const auto candidates = ParentCandidates("/pkg/Virtual Hard Disks/child.avhdx", reference);
  EXPECT_THAT(candidates,
              ::testing::ElementsAre("/pkg/Virtual Hard Disks/base.vhdx", "/srv/disks/base.vhdx"));
  reference.locations = {"..\\base\\b.vhd"};
  EXPECT_THAT(ParentCandidates("/a/c/child.vhd", reference),
              ::testing::ElementsAre("/a/base/b.vhd", "/a/c/b.vhd"));
}

}  // namespace
}  // namespace vsm::disk
