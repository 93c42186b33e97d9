// VhdLayer, CreateVhdDifferencing and RepointVhdParent on real disks made by qemu-img and
// written by qemu-io, checked against qemu-img (convert, compare, info) and libvhdi's vhdiinfo.
#include "disk/vhd_layer.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "disk/byte_order.h"
#include "disk/disk_image.h"
#include "disk/disk_test_util.h"
#include "disk/vhd_differencing.h"
#include "disk/vhd_dynamic_header.h"
#include "disk/vhd_footer.h"

namespace vsm::disk {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
namespace dt = disk_testing;

constexpr uint64_t kMiB = 1 << 20;
constexpr uint64_t kBlock = 2 * kMiB;  // qemu's VHD block size
constexpr uint64_t kDiskSize = 8 * kMiB;

// The chain below a layer, for tests: the layer's bytes over what lies below it (zeros at the
// bottom).
class LayerReader final : public ParentReader {
 public:
  LayerReader(const DiskLayer& layer, const ParentReader* below) : layer_(layer), below_(below) {}
  Result<void> ReadVirtual(uint64_t offset, std::span<uint8_t> out) const override {
    if (below_ != nullptr) {
      VSM_RETURN_IF_ERROR(below_->ReadVirtual(offset, out));
    } else {
      std::fill(out.begin(), out.end(), uint8_t{0});
    }
    return layer_.Read(offset, out);
  }

 private:
  const DiskLayer& layer_;
  const ParentReader* below_;
};

// Bytes that differ at every offset and between seeds.
std::vector<uint8_t> Pattern(size_t length, uint8_t seed) {
  std::vector<uint8_t> bytes(length);
  for (size_t i = 0; i < length; ++i) bytes[i] = static_cast<uint8_t>(i * 7 + seed + (i >> 9));
  return bytes;
}

std::unique_ptr<DiskLayer> OpenOrDie(const std::filesystem::path& path,
                                     DiskLayer::Access access = DiskLayer::Access::kReadOnly) {
  Result<std::unique_ptr<DiskLayer>> layer = OpenVhdLayer(path, access);
  EXPECT_TRUE(layer.ok()) << layer.error().ToString();
  return layer.ok() ? std::move(*layer) : nullptr;
}

std::string OpenError(const std::filesystem::path& path) {
  Result<std::unique_ptr<DiskLayer>> layer = OpenVhdLayer(path, DiskLayer::Access::kReadOnly);
  return layer.ok() ? "(opened)" : layer.error().message();
}

std::vector<uint8_t> ReadThrough(const ParentReader& reader, uint64_t size) {
  std::vector<uint8_t> bytes(size, 0xEE);
  Result<void> read = reader.ReadVirtual(0, bytes);
  EXPECT_TRUE(read.ok()) << read.error().ToString();
  return bytes;
}

struct Run {
  uint64_t offset;
  uint64_t length;
  RunSource source;
  bool operator==(const LayerRun& run) const {
    return run.offset == offset && run.length == length && run.source == source;
  }
};

void ExpectMap(const DiskLayer& layer, uint64_t offset, uint64_t length,
               const std::vector<Run>& expected) {
  Result<std::vector<LayerRun>> runs = layer.Map(offset, length);
  ASSERT_TRUE(runs.ok()) << runs.error().ToString();
  ASSERT_EQ(runs->size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_TRUE(expected[i] == (*runs)[i])
        << "run " << i << ": got " << (*runs)[i].offset << "+" << (*runs)[i].length << " source "
        << static_cast<int>((*runs)[i].source) << ", want " << expected[i].offset << "+"
        << expected[i].length << " source " << static_cast<int>(expected[i].source);
  }
}

class VhdLayerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!dt::QemuToolsAvailable()) GTEST_SKIP() << "qemu-img/qemu-io are not installed";
  }

  // A qemu-made VHD of kDiskSize with `qemu_io` commands applied ("write -P 0x11 0 64k").
  std::filesystem::path MakeQemuVhd(const std::filesystem::path& path, const std::string& subformat,
                                    const std::vector<std::string>& qemu_io) {
    std::filesystem::create_directories(path.parent_path());
    dt::RunOrFail(fmt::format("qemu-img create -q -f vpc -o subformat={},force_size=on {} {}",
                              subformat, dt::Quote(path), kDiskSize));
    for (const std::string& command : qemu_io) {
      dt::RunOrFail(fmt::format("qemu-io -f vpc -c '{}' {}", command, dt::Quote(path)));
    }
    return path;
  }

  // The guest's bytes of `vhd`, as qemu-img converts them to raw.
  std::vector<uint8_t> QemuRaw(const std::filesystem::path& vhd) {
    const std::filesystem::path raw = work_ / (vhd.filename().string() + ".raw");
    dt::RunOrFail("qemu-img convert -f vpc -O raw " + dt::Quote(vhd) + " " + dt::Quote(raw));
    std::vector<uint8_t> bytes = dt::ReadAll(raw);
    std::filesystem::remove(raw);
    return bytes;
  }

  std::filesystem::path MakeBase(const std::filesystem::path& path) {
    return MakeQemuVhd(path, "dynamic",
                       {"write -P 0x11 0 64k", "write -P 0x22 3M 1M", "write -P 0x33 7M 4k"});
  }

  static void CreateOrFail(const std::filesystem::path& child,
                           const std::filesystem::path& parent) {
    Result<void> created = CreateVhdDifferencing(child, parent);
    ASSERT_TRUE(created.ok()) << created.error().ToString();
  }

  // Writes `data` at `offset` through `layer` and into `expected`.
  static void WriteBoth(DiskLayer& layer, const ParentReader* parent,
                        std::vector<uint8_t>& expected, uint64_t offset,
                        const std::vector<uint8_t>& data) {
    Result<void> written = layer.Write(offset, data, parent);
    ASSERT_TRUE(written.ok()) << written.error().ToString();
    std::copy(data.begin(), data.end(), expected.begin() + static_cast<ptrdiff_t>(offset));
  }

  static uint64_t FileSize(const std::filesystem::path& path) {
    return std::filesystem::file_size(path);
  }

  static uint32_t BatEntry(const std::filesystem::path& path, uint64_t index) {
    return LoadBigEndian32(dt::ReadBytes(path, 1536 + index * 4, 4).data());
  }
  static void SetBatEntry(const std::filesystem::path& path, uint64_t index, uint32_t sector) {
    uint8_t entry[4];
    StoreBigEndian32(entry, sector);
    dt::WriteBytes(path, 1536 + index * 4, entry);
  }

  dt::TempDir work_;
};

TEST_F(VhdLayerTest, DynamicDiskMapAndReadMatchQemu) {
  const std::filesystem::path base = MakeBase(work_ / "base.vhd");
  std::unique_ptr<DiskLayer> layer = OpenOrDie(base);
  ASSERT_NE(layer, nullptr);
  EXPECT_EQ(layer->info().format, DiskFormat::kVhdDynamic);
  EXPECT_EQ(layer->info().virtual_size_bytes, kDiskSize);
  EXPECT_FALSE(layer->parent().has_value());
  // Blocks 0 and 1 (3M..4M) and 3 (7M) hold data; block 2 was never written.
  ExpectMap(*layer, 0, kDiskSize,
            {{0, 2 * kBlock, RunSource::kThisLayer},
             {2 * kBlock, kBlock, RunSource::kZero},
             {3 * kBlock, kBlock, RunSource::kThisLayer}});
  ExpectMap(*layer, 3 * kMiB + 100, 2 * kMiB,
            {{3 * kMiB + 100, kMiB - 100, RunSource::kThisLayer},
             {4 * kMiB, kMiB + 100, RunSource::kZero}});

  std::vector<uint8_t> ours(kDiskSize, 0xEE);
  ASSERT_TRUE(layer->Read(0, ours).ok());
  EXPECT_TRUE(ours == QemuRaw(base)) << "our read differs from qemu-img convert -O raw";
  // And one range as qemu-io reads it.
  EXPECT_TRUE(std::all_of(ours.begin() + 3 * kMiB, ours.begin() + 4 * kMiB,
                          [](uint8_t b) { return b == 0x22; }));
  dt::RunOrFail("qemu-io -f vpc -c 'read -P 0x22 3M 1M' -c 'read -P 0 5M 1M' " + dt::Quote(base));

  // The identity is the footer's unique id, as vhdiinfo shows it.
  dt::CommandResult info = dt::RunCommand("vhdiinfo " + dt::Quote(base));
  ASSERT_EQ(info.exit_code, 0) << info.output;
  std::string id = layer->identity().id.ToString();
  std::transform(id.begin(), id.end(), id.begin(), ::tolower);
  EXPECT_THAT(info.output, HasSubstr("Identifier\t\t: " + id));
  EXPECT_NE(layer->identity().vhd_timestamp, 0u);
}

TEST_F(VhdLayerTest, FixedDiskMapsWhollyAndReadsAsQemu) {
  const std::filesystem::path fixed =
      MakeQemuVhd(work_ / "fixed.vhd", "fixed", {"write -P 0x5a 1M 300k", "write -P 0xa5 8188k 4k"});
  std::unique_ptr<DiskLayer> layer = OpenOrDie(fixed, DiskLayer::Access::kReadWrite);
  ASSERT_NE(layer, nullptr);
  EXPECT_EQ(layer->info().format, DiskFormat::kVhdFixed);
  ExpectMap(*layer, 0, kDiskSize, {{0, kDiskSize, RunSource::kThisLayer}});
  std::vector<uint8_t> ours(kDiskSize, 0xEE);
  ASSERT_TRUE(layer->Read(0, ours).ok());
  EXPECT_TRUE(ours == QemuRaw(fixed));

  // A fixed disk is written in place; qemu reads what we wrote.
  const std::vector<uint8_t> data(5000, 0x6b);
  ASSERT_TRUE(layer->Write(2 * kMiB - 100, data, nullptr).ok());
  ASSERT_TRUE(layer->Flush().ok());
  EXPECT_EQ(FileSize(fixed), kDiskSize + 512);
  dt::RunOrFail("qemu-io -f vpc -c 'read -P 0x6b 2097052 5000' " + dt::Quote(fixed));
}

TEST_F(VhdLayerTest, CreatedChildIsDifferencingForVhdiinfoAndNamesItsParent) {
  const std::filesystem::path base = MakeBase(work_ / "base.vhd");
  const std::filesystem::path child = work_ / "child.avhd";
  CreateOrFail(child, base);

  dt::CommandResult info = dt::RunCommand("vhdiinfo " + dt::Quote(child));
  ASSERT_EQ(info.exit_code, 0) << info.output;
  std::unique_ptr<DiskLayer> parent_layer = OpenOrDie(base);
  ASSERT_NE(parent_layer, nullptr);
  std::string parent_id = parent_layer->identity().id.ToString();
  std::transform(parent_id.begin(), parent_id.end(), parent_id.begin(), ::tolower);
  EXPECT_THAT(info.output, HasSubstr("Disk type\t\t: Differential"));
  EXPECT_THAT(info.output, HasSubstr("Media size\t\t: 8.0 MiB (8388608 bytes)"));
  EXPECT_THAT(info.output, HasSubstr("Parent identifier\t: " + parent_id));
  EXPECT_THAT(info.output, HasSubstr("Parent filename\t\t: base.vhd"));
  // qemu opens it (as a dynamic disk without its parent, see peer-importers.md 4).
  EXPECT_EQ(dt::QemuVirtualSize(child, "vpc"), kDiskSize);

  std::unique_ptr<DiskLayer> layer = OpenOrDie(child);
  ASSERT_NE(layer, nullptr);
  EXPECT_EQ(layer->info().format, DiskFormat::kVhdDifferencing);
  EXPECT_EQ(layer->info().parent_path_hint, ".\\base.vhd");
  EXPECT_NE(layer->identity(), parent_layer->identity());
  ASSERT_TRUE(layer->parent().has_value());
  EXPECT_EQ(layer->parent()->expected, parent_layer->identity());
  EXPECT_THAT(layer->parent()->locations,
              ElementsAre(".\\base.vhd", std::filesystem::canonical(base).string(), "base.vhd"));
  ExpectMap(*layer, 0, kDiskSize, {{0, kDiskSize, RunSource::kParent}});
  // Footer copy at 0 equals the footer at the end; the file is metadata only.
  const uint64_t size = FileSize(child);
  EXPECT_EQ(dt::ReadBytes(child, 0, 512), dt::ReadBytes(child, size - 512, 512));
  EXPECT_EQ(size, 1536u + 512 + 2 * kVhdLocatorReservedBytes + 512);
  std::vector<uint8_t> footer = dt::ReadBytes(child, 0, 512);
  EXPECT_EQ(std::string(footer.begin() + 28, footer.begin() + 32), "vsm ");

  Result<void> again = CreateVhdDifferencing(child, base);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().message(),
            fmt::format("'{}' already exists; remove it or choose another name for the "
                        "differencing disk",
                        child.string()));
  Result<void> vhdx = CreateVhdDifferencing(work_ / "child.vhdx", base);
  ASSERT_FALSE(vhdx.ok());
  EXPECT_EQ(vhdx.error().message(),
            fmt::format("'{}' does not end in .vhd or .avhd; a differencing disk of the VHD '{}' "
                        "must",
                        (work_ / "child.vhdx").string(), base.string()));
  EXPECT_FALSE(std::filesystem::exists(work_ / "child.vhdx"));
}

TEST_F(VhdLayerTest, ChildWritesReadBackOverTheParent) {
  const std::filesystem::path base = MakeBase(work_ / "base.vhd");
  const std::filesystem::path child = work_ / "child.vhd";
  CreateOrFail(child, base);
  std::unique_ptr<DiskLayer> parent_layer = OpenOrDie(base);
  std::unique_ptr<DiskLayer> layer = OpenOrDie(child, DiskLayer::Access::kReadWrite);
  ASSERT_NE(parent_layer, nullptr);
  ASSERT_NE(layer, nullptr);
  LayerReader parent(*parent_layer, nullptr);

  std::vector<uint8_t> expected = QemuRaw(base);
  WriteBoth(*layer, &parent, expected, 1000, Pattern(3000, 1));  // part of block 0, unaligned
  WriteBoth(*layer, &parent, expected, 2 * kMiB - 5000, Pattern(10000, 2));  // blocks 0 and 1
  WriteBoth(*layer, &parent, expected, 5 * kMiB + 512, Pattern(512, 3));  // block 2 (no parent)
  WriteBoth(*layer, &parent, expected, 6 * kMiB, Pattern(2 * kMiB, 4));   // all of block 3
  WriteBoth(*layer, &parent, expected, 1500, Pattern(100, 5));  // into an allocated block
  ASSERT_TRUE(layer->Flush().ok());

  LayerReader chain(*layer, &parent);
  EXPECT_TRUE(ReadThrough(chain, kDiskSize) == expected);
  // Copy on write is block-granular: every written block is wholly this layer's.
  ExpectMap(*layer, 0, kDiskSize, {{0, kDiskSize, RunSource::kThisLayer}});
  EXPECT_EQ(FileSize(child), 1536u + 512 + 2 * kVhdLocatorReservedBytes +
                                 4 * (512 + kBlock) + 512);

  // Reopened from disk it reads the same, and the footer copy at 0 is the footer at the end.
  layer.reset();
  std::unique_ptr<DiskLayer> reopened = OpenOrDie(child);
  ASSERT_NE(reopened, nullptr);
  LayerReader chain_again(*reopened, &parent);
  EXPECT_TRUE(ReadThrough(chain_again, kDiskSize) == expected);
  const uint64_t size = FileSize(child);
  EXPECT_EQ(dt::ReadBytes(child, 0, 512), dt::ReadBytes(child, size - 512, 512));
  dt::RunOrFail("vhdiinfo " + dt::Quote(child));
}

TEST_F(VhdLayerTest, ChildOfAFixedParentUsesTwoMebibyteBlocks) {
  const std::filesystem::path fixed =
      MakeQemuVhd(work_ / "fixed.vhd", "fixed", {"write -P 0x5a 1M 3M", "write -P 0xa5 8188k 4k"});
  const std::filesystem::path child = work_ / "child.vhd";
  CreateOrFail(child, fixed);
  std::unique_ptr<DiskLayer> parent_layer = OpenOrDie(fixed);
  std::unique_ptr<DiskLayer> layer = OpenOrDie(child, DiskLayer::Access::kReadWrite);
  ASSERT_NE(parent_layer, nullptr);
  ASSERT_NE(layer, nullptr);
  EXPECT_EQ(layer->parent()->expected, parent_layer->identity());
  LayerReader parent(*parent_layer, nullptr);
  std::vector<uint8_t> expected = QemuRaw(fixed);
  WriteBoth(*layer, &parent, expected, 2 * kMiB - 3, Pattern(6, 30));
  WriteBoth(*layer, &parent, expected, kDiskSize - 700, Pattern(700, 31));
  LayerReader chain(*layer, &parent);
  EXPECT_TRUE(ReadThrough(chain, kDiskSize) == expected);
  ExpectMap(*layer, 0, kDiskSize,
            {{0, 2 * kBlock, RunSource::kThisLayer},
             {2 * kBlock, kBlock, RunSource::kParent},
             {3 * kBlock, kBlock, RunSource::kThisLayer}});
  dt::CommandResult info = dt::RunCommand("vhdiinfo " + dt::Quote(child));
  EXPECT_THAT(info.output, HasSubstr("Parent filename\t\t: fixed.vhd"));

  // A VHDX is no parent for a VHD child.
  const std::filesystem::path vhdx = work_ / "disk.vhdx";
  dt::RunOrFail("qemu-img create -q -f vhdx " + dt::Quote(vhdx) + " 8M");
  Result<void> refused = CreateVhdDifferencing(work_ / "of_vhdx.vhd", vhdx);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message(),
            fmt::format("'{}' is a VHDX dynamic disk, not a VHD", vhdx.string()));
  EXPECT_FALSE(std::filesystem::exists(work_ / "of_vhdx.vhd"));
}

TEST_F(VhdLayerTest, PartialSectorBitmapIsCompletedFromTheParent) {
  const std::filesystem::path base = MakeBase(work_ / "base.vhd");
  const std::filesystem::path child = work_ / "child.vhd";
  CreateOrFail(child, base);
  std::unique_ptr<DiskLayer> parent_layer = OpenOrDie(base);
  ASSERT_NE(parent_layer, nullptr);
  LayerReader parent(*parent_layer, nullptr);
  std::vector<uint8_t> expected = QemuRaw(base);
  {
    std::unique_ptr<DiskLayer> layer = OpenOrDie(child, DiskLayer::Access::kReadWrite);
    ASSERT_NE(layer, nullptr);
    WriteBoth(*layer, &parent, expected, 0, Pattern(kBlock, 9));
  }
  // As Hyper-V leaves it: sectors 8..15 and 17 of block 0 not present (bits clear), so they read
  // from the parent.
  const uint64_t bitmap = uint64_t{BatEntry(child, 0)} * 512;
  const uint8_t partial[3] = {0xFF, 0x00, 0xBF};
  dt::WriteBytes(child, bitmap, partial);
  std::vector<uint8_t> raw_base = QemuRaw(base);
  std::copy(raw_base.begin() + 8 * 512, raw_base.begin() + 16 * 512, expected.begin() + 8 * 512);
  std::copy(raw_base.begin() + 17 * 512, raw_base.begin() + 18 * 512, expected.begin() + 17 * 512);

  std::unique_ptr<DiskLayer> layer = OpenOrDie(child, DiskLayer::Access::kReadWrite);
  ASSERT_NE(layer, nullptr);
  ExpectMap(*layer, 0, kBlock,
            {{0, 8 * 512, RunSource::kThisLayer},
             {8 * 512, 8 * 512, RunSource::kParent},
             {16 * 512, 512, RunSource::kThisLayer},
             {17 * 512, 512, RunSource::kParent},
             {18 * 512, kBlock - 18 * 512, RunSource::kThisLayer}});
  LayerReader chain(*layer, &parent);
  EXPECT_TRUE(ReadThrough(chain, kDiskSize) == expected);

  // A write into the block fills the missing sectors from the parent and sets every bit.
  WriteBoth(*layer, &parent, expected, 9 * 512 + 7, Pattern(100, 10));
  ExpectMap(*layer, 0, kBlock, {{0, kBlock, RunSource::kThisLayer}});
  EXPECT_EQ(dt::ReadBytes(child, bitmap, 512), std::vector<uint8_t>(512, 0xFF));
  EXPECT_TRUE(ReadThrough(chain, kDiskSize) == expected);
  // Without the parent the bytes are there too: they were copied.
  std::vector<uint8_t> alone(kBlock);
  ASSERT_TRUE(layer->Read(0, alone).ok());
  EXPECT_TRUE(std::equal(alone.begin(), alone.end(), expected.begin()));
}

TEST_F(VhdLayerTest, WritesIntoQemuDynamicDiskAreWhatQemuReads) {
  const std::filesystem::path vhd = MakeBase(work_ / "disk.vhd");
  const std::filesystem::path raw = work_ / "disk.raw";
  dt::RunOrFail("qemu-img convert -f vpc -O raw " + dt::Quote(vhd) + " " + dt::Quote(raw));
  struct Write {
    uint64_t offset;
    uint64_t length;
    uint8_t pattern;
  };
  const std::vector<Write> writes = {
      {1000, 3000, 0x41},                  // allocated block 0, unaligned
      {2 * kMiB - 4096, 8192, 0x42},       // blocks 0 and 1
      {4 * kMiB + 512, 512, 0x43},         // unallocated block 2
      {5 * kMiB - 300, 2 * kMiB + 600, 0x44},  // blocks 2 and 3, and the end of 1
      {kDiskSize - 512, 512, 0x45},        // the last sector
  };
  {
    std::unique_ptr<DiskLayer> layer = OpenOrDie(vhd, DiskLayer::Access::kReadWrite);
    ASSERT_NE(layer, nullptr);
    for (const Write& write : writes) {
      const std::vector<uint8_t> data(write.length, write.pattern);
      Result<void> written = layer->Write(write.offset, data, nullptr);
      ASSERT_TRUE(written.ok()) << written.error().ToString();
      dt::RunOrFail(fmt::format("qemu-io -f raw -c 'write -P {} {} {}' {}", write.pattern,
                                write.offset, write.length, dt::Quote(raw)));
    }
    ASSERT_TRUE(layer->Flush().ok());
  }
  dt::CommandResult compare =
      dt::RunCommand("qemu-img compare -f vpc -F raw " + dt::Quote(vhd) + " " + dt::Quote(raw));
  EXPECT_EQ(compare.exit_code, 0) << compare.output;
  EXPECT_THAT(compare.output, HasSubstr("Images are identical."));
  // qemu-img check has no checker for vpc ("This image format does not support checks", exit
  // 63), so qemu-img info and vhdiinfo must open it and see the size.
  dt::CommandResult check = dt::RunCommand("qemu-img check -f vpc " + dt::Quote(vhd));
  EXPECT_THAT(check.output, HasSubstr("does not support checks"));
  EXPECT_EQ(dt::QemuVirtualSize(vhd, "vpc"), kDiskSize);
  dt::RunOrFail("vhdiinfo " + dt::Quote(vhd));
  // Block 2 was the first one we allocated: right after qemu's last block.
  EXPECT_EQ(FileSize(vhd), 1536u + 512 + 4 * (512 + kBlock) + 512);
  std::unique_ptr<DiskLayer> layer = OpenOrDie(vhd);
  ASSERT_NE(layer, nullptr);
  ExpectMap(*layer, 0, kDiskSize, {{0, kDiskSize, RunSource::kThisLayer}});
}

TEST_F(VhdLayerTest, ChildOfAChildReadsThroughTwoParents) {
  const std::filesystem::path base = MakeBase(work_ / "base.vhd");
  const std::filesystem::path mid = work_ / "mid.avhd";
  const std::filesystem::path leaf = work_ / "leaf.avhd";
  CreateOrFail(mid, base);
  std::unique_ptr<DiskLayer> base_layer = OpenOrDie(base);
  ASSERT_NE(base_layer, nullptr);
  LayerReader below_mid(*base_layer, nullptr);
  std::vector<uint8_t> expected = QemuRaw(base);
  {
    std::unique_ptr<DiskLayer> mid_layer = OpenOrDie(mid, DiskLayer::Access::kReadWrite);
    ASSERT_NE(mid_layer, nullptr);
    WriteBoth(*mid_layer, &below_mid, expected, 3 * kMiB + 4096, Pattern(8192, 20));
    WriteBoth(*mid_layer, &below_mid, expected, 7 * kMiB - 1, Pattern(2, 21));
  }
  CreateOrFail(leaf, mid);
  std::unique_ptr<DiskLayer> mid_layer = OpenOrDie(mid);
  std::unique_ptr<DiskLayer> leaf_layer = OpenOrDie(leaf, DiskLayer::Access::kReadWrite);
  ASSERT_NE(mid_layer, nullptr);
  ASSERT_NE(leaf_layer, nullptr);
  EXPECT_EQ(leaf_layer->parent()->expected, mid_layer->identity());
  EXPECT_EQ(mid_layer->parent()->expected, base_layer->identity());
  EXPECT_EQ(leaf_layer->parent()->locations[0], ".\\mid.avhd");
  LayerReader below_leaf(*mid_layer, &below_mid);
  WriteBoth(*leaf_layer, &below_leaf, expected, 3 * kMiB + 8000, Pattern(1000, 22));
  WriteBoth(*leaf_layer, &below_leaf, expected, 100, Pattern(50, 23));

  LayerReader chain(*leaf_layer, &below_leaf);
  EXPECT_TRUE(ReadThrough(chain, kDiskSize) == expected);
  ExpectMap(*leaf_layer, 0, kDiskSize,
            {{0, 2 * kBlock, RunSource::kThisLayer}, {2 * kBlock, 2 * kBlock, RunSource::kParent}});
  dt::CommandResult info = dt::RunCommand("vhdiinfo " + dt::Quote(leaf));
  EXPECT_THAT(info.output, HasSubstr("Parent filename\t\t: mid.avhd"));
}

TEST_F(VhdLayerTest, RepointAfterMovingTheParentChangesLocationsNotIdentity) {
  const std::filesystem::path base = MakeBase(work_ / "a" / "base.vhd");
  std::filesystem::create_directories(work_ / "c");
  const std::filesystem::path child = work_ / "c" / "child.vhd";
  CreateOrFail(child, base);
  std::unique_ptr<DiskLayer> before = OpenOrDie(child);
  ASSERT_NE(before, nullptr);
  EXPECT_EQ(before->parent()->locations[0], "..\\a\\base.vhd");

  std::filesystem::create_directories(work_ / "b" / "sub");
  const std::filesystem::path moved = work_ / "b" / "sub" / "renamed.vhd";
  std::filesystem::rename(base, moved);
  Result<void> repointed = RepointVhdParent(child, moved);
  ASSERT_TRUE(repointed.ok()) << repointed.error().ToString();

  std::unique_ptr<DiskLayer> after = OpenOrDie(child);
  ASSERT_NE(after, nullptr);
  EXPECT_THAT(after->parent()->locations,
              ElementsAre("..\\b\\sub\\renamed.vhd", std::filesystem::canonical(moved).string(),
                          "renamed.vhd"));
  EXPECT_EQ(after->parent()->expected, before->parent()->expected);
  EXPECT_EQ(after->identity(), before->identity());
  Result<DiskInfo> info = InspectDisk(child);
  ASSERT_TRUE(info.ok()) << info.error().ToString();
  EXPECT_EQ(info->parent_path_hint, "..\\b\\sub\\renamed.vhd");
  dt::CommandResult vhdiinfo = dt::RunCommand("vhdiinfo " + dt::Quote(child));
  EXPECT_THAT(vhdiinfo.output, HasSubstr("Parent filename\t\t: renamed.vhd"));

  // Back next to the child: ".\\name".
  const std::filesystem::path beside = work_ / "c" / "base.vhd";
  std::filesystem::rename(moved, beside);
  ASSERT_TRUE(RepointVhdParent(child, beside).ok());
  std::unique_ptr<DiskLayer> beside_layer = OpenOrDie(child);
  ASSERT_NE(beside_layer, nullptr);
  EXPECT_EQ(beside_layer->parent()->locations[0], ".\\base.vhd");
}

TEST_F(VhdLayerTest, RepointToAnotherDiskIsRefused) {
  const std::filesystem::path base = MakeBase(work_ / "base.vhd");
  const std::filesystem::path other = MakeBase(work_ / "other.vhd");
  const std::filesystem::path child = work_ / "child.vhd";
  CreateOrFail(child, base);
  const std::vector<uint8_t> before = dt::ReadAll(child);
  std::unique_ptr<DiskLayer> base_layer = OpenOrDie(base);
  std::unique_ptr<DiskLayer> other_layer = OpenOrDie(other);
  ASSERT_NE(base_layer, nullptr);
  ASSERT_NE(other_layer, nullptr);

  Result<void> repointed = RepointVhdParent(child, other);
  ASSERT_FALSE(repointed.ok());
  EXPECT_EQ(repointed.error().code(), ReturnCode::kInvalidParameter);
  EXPECT_EQ(repointed.error().message(),
            fmt::format("'{}' was made from parent {} (time stamp {}), but '{}' is {} (time stamp "
                        "{}): it is not the disk the child was made from, or it was changed "
                        "since; pass the child's own parent",
                        child.string(), base_layer->identity().id.ToString(),
                        base_layer->identity().vhd_timestamp, other.string(),
                        other_layer->identity().id.ToString(),
                        other_layer->identity().vhd_timestamp));
  EXPECT_EQ(dt::ReadAll(child), before);
}

TEST_F(VhdLayerTest, RepointPastTheLocatorsReservedSpaceNamesTheLocator) {
  const std::filesystem::path base = MakeBase(work_ / "base.vhd");
  const std::filesystem::path child = work_ / "child.vhd";
  CreateOrFail(child, base);
  // Reserve only one sector (512 bytes, 256 UTF-16 units) for W2ku, as some writers do.
  std::vector<uint8_t> header = dt::ReadBytes(child, 512, kVhdDynamicHeaderSize);
  StoreBigEndian32(header.data() + 576 + 24 + 4, 1);
  StoreBigEndian32(header.data() + kVhdDynamicHeaderChecksumOffset,
                   VhdChecksum(header, kVhdDynamicHeaderChecksumOffset));
  dt::WriteBytes(child, 512, header);

  const std::filesystem::path far = work_ / std::string(200, 'd') / std::string(100, 'e');
  std::filesystem::create_directories(far);
  const std::filesystem::path moved = far / "base.vhd";
  std::filesystem::rename(base, moved);
  const std::string absolute = std::filesystem::canonical(moved).string();
  Result<void> repointed = RepointVhdParent(child, moved);
  ASSERT_FALSE(repointed.ok());
  EXPECT_EQ(repointed.error().message(),
            fmt::format("cannot re-point '{}' to '{}': the W2ku parent locator (entry 1) "
                        "reserves 512 bytes, but the path '{}' needs {} bytes of UTF-16",
                        child.string(), moved.string(), absolute, 2 * absolute.size()));
}

TEST_F(VhdLayerTest, DamagedFilesGiveExactErrors) {
  const std::filesystem::path base = MakeBase(work_ / "base.vhd");
  const std::filesystem::path child = work_ / "child.vhd";
  CreateOrFail(child, base);
  {
    std::unique_ptr<DiskLayer> parent_layer = OpenOrDie(base);
    std::unique_ptr<DiskLayer> layer = OpenOrDie(child, DiskLayer::Access::kReadWrite);
    ASSERT_NE(layer, nullptr);
    LayerReader parent(*parent_layer, nullptr);
    ASSERT_TRUE(layer->Write(kBlock + 10, Pattern(10, 1), &parent).ok());
  }
  const uint64_t size = FileSize(child);
  const uint64_t data_end = size - 512;
  const uint64_t span = 512 + kBlock;
  const std::vector<uint8_t> pristine = dt::ReadAll(child);
  auto restore = [&] {
    ::truncate(child.c_str(), 0);
    dt::WriteBytes(child, 0, pristine);
  };
  const std::string prefix = fmt::format("'{}' is not a valid VHD: ", child.string());

  // A BAT entry pointing far outside the file.
  SetBatEntry(child, 1, 0x00100000);
  EXPECT_EQ(OpenError(child),
            prefix + fmt::format("BAT entry 1 points to a block at offset 536870912 ({} bytes "
                                 "with its bitmap) outside the data ({} bytes before the footer); "
                                 "the file is truncated or the BAT is damaged",
                                 span, data_end));
  restore();

  // A BAT entry whose sector bitmap is where the footer is: bitmap and block outside the data.
  SetBatEntry(child, 1, static_cast<uint32_t>(data_end / 512));
  EXPECT_EQ(OpenError(child),
            prefix + fmt::format("BAT entry 1 points to a block at offset {} ({} bytes with its "
                                 "bitmap) outside the data ({} bytes before the footer); the file "
                                 "is truncated or the BAT is damaged",
                                 data_end, span, data_end));
  restore();

  // BAT entries whose block would overwrite the footer copy, the dynamic header or the BAT.
  // (InspectVhd refuses a block before offset 512 itself, as outside the data.)
  SetBatEntry(child, 1, 0);
  EXPECT_EQ(OpenError(child),
            prefix + fmt::format("BAT entry 1 points to a block at offset 0 ({} bytes with its "
                                 "bitmap) outside the data ({} bytes before the footer); the file "
                                 "is truncated or the BAT is damaged",
                                 span, data_end));
  SetBatEntry(child, 1, 2);
  EXPECT_EQ(OpenError(child),
            prefix + fmt::format("BAT entry 1 points to a block at offset 1024 ({} bytes with its "
                                 "bitmap) that overlaps the dynamic header at offset 512; the BAT "
                                 "is damaged",
                                 span));
  SetBatEntry(child, 1, 3);
  EXPECT_EQ(OpenError(child),
            prefix + fmt::format("BAT entry 1 points to a block at offset 1536 ({} bytes with its "
                                 "bitmap) that overlaps the BAT at offset 1536; the BAT is damaged",
                                 span));
  restore();

  // Truncated: the footer is gone from the end, which is now block 1's copy of the parent's
  // 0x22 ('"') bytes.
  ASSERT_EQ(::truncate(child.c_str(), static_cast<off_t>(size - 4096)), 0);
  EXPECT_EQ(OpenError(child),
            prefix + fmt::format("footer cookie at offset {} is '\"\"\"\"\"\"\"\"', expected "
                                 "'conectix'; the file is truncated or is not a VHD",
                                 size - 4096 - 512));
  restore();

  // Truncated inside a block, with the footer put back at the new end.
  const std::vector<uint8_t> footer = dt::ReadBytes(child, data_end, 512);
  ASSERT_EQ(::truncate(child.c_str(), static_cast<off_t>(data_end - kMiB)), 0);
  dt::WriteBytes(child, data_end - kMiB, footer);
  EXPECT_EQ(OpenError(child),
            prefix + fmt::format("BAT entry 1 points to a block at offset {} ({} bytes with its "
                                 "bitmap) outside the data ({} bytes before the footer); the file "
                                 "is truncated or the BAT is damaged",
                                 data_end - span, span, data_end - kMiB));
  restore();

  // A damaged dynamic header: one byte of the parent name changed.
  std::vector<uint8_t> header = dt::ReadBytes(child, 512, kVhdDynamicHeaderSize);
  const uint32_t stored = LoadBigEndian32(header.data() + kVhdDynamicHeaderChecksumOffset);
  header[64 + 1] ^= 0x20;
  dt::WriteBytes(child, 512, header);
  EXPECT_EQ(OpenError(child),
            prefix + fmt::format("dynamic header checksum is {:#010x}, expected {:#010x}; the "
                                 "header at offset 512 is damaged",
                                 stored, VhdChecksum(header, kVhdDynamicHeaderChecksumOffset)));
  restore();
  ASSERT_EQ(OpenError(child), "(opened)");
}

TEST_F(VhdLayerTest, WritesOutsideTheRulesAreRefused) {
  const std::filesystem::path base = MakeBase(work_ / "base.vhd");
  const std::filesystem::path child = work_ / "child.vhd";
  CreateOrFail(child, base);
  const std::vector<uint8_t> before = dt::ReadAll(child);
  const std::vector<uint8_t> data(1024, 0x77);

  std::unique_ptr<DiskLayer> read_only = OpenOrDie(base);
  ASSERT_NE(read_only, nullptr);
  Result<void> written = read_only->Write(0, data, nullptr);
  ASSERT_FALSE(written.ok());
  EXPECT_EQ(written.error().code(), ReturnCode::kInvalidState);
  EXPECT_EQ(written.error().message(),
            fmt::format("cannot write to '{}': it was opened read-only; open it with "
                        "Access::kReadWrite",
                        base.string()));

  std::unique_ptr<DiskLayer> layer = OpenOrDie(child, DiskLayer::Access::kReadWrite);
  ASSERT_NE(layer, nullptr);
  LayerReader parent(*read_only, nullptr);
  written = layer->Write(kDiskSize - 512, data, &parent);
  ASSERT_FALSE(written.ok());
  EXPECT_EQ(written.error().code(), ReturnCode::kInvalidParameter);
  EXPECT_EQ(written.error().message(),
            fmt::format("cannot write 1024 bytes at offset {} of '{}': the range passes its "
                        "virtual size of {} bytes",
                        kDiskSize - 512, child.string(), kDiskSize));
  Result<std::vector<LayerRun>> map = layer->Map(kDiskSize, 1);
  ASSERT_FALSE(map.ok());
  EXPECT_EQ(map.error().message(),
            fmt::format("cannot map 1 bytes at offset {} of '{}': the range passes its virtual "
                        "size of {} bytes",
                        kDiskSize, child.string(), kDiskSize));
  written = layer->Write(0, data, nullptr);
  ASSERT_FALSE(written.ok());
  EXPECT_EQ(written.error().message(),
            fmt::format("cannot write to differencing disk '{}' without a reader of its parent",
                        child.string()));
  EXPECT_EQ(dt::ReadAll(child), before);
}

}  // namespace
}  // namespace vsm::disk
