// Tests of VhdxLayer and of VHDX differencing disks, against real qemu-img/qemu-io images, with
// qemu-img check/compare judging our writes into qemu's disks and vhdiinfo (libvhdi) judging the
// differencing disks we make (qemu cannot open differencing VHDX: ENOTSUP).
#include "disk/vhdx_layer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "disk/byte_order.h"
#include "disk/disk_file.h"
#include "disk/disk_test_util.h"
#include "disk/vhdx_differencing.h"
#include "disk/vhdx_header.h"
#include "disk/vhdx_image.h"

namespace vsm::disk {
namespace {

using disk_testing::CommandResult;
using disk_testing::CreateQemuDisk;
using disk_testing::Quote;
using disk_testing::ReadAll;
using disk_testing::ReadBytes;
using disk_testing::RunCommand;
using disk_testing::RunOrFail;
using disk_testing::TempDir;
using disk_testing::WriteBytes;
using ::testing::HasSubstr;

constexpr uint64_t kMiB = 1 << 20;
constexpr uint64_t kDiskSize = 64 * kMiB;
constexpr uint64_t kBlock = 8 * kMiB;  // qemu's block size for a 64 MiB VHDX

// Reads `layer` over a parent chain: the parent's bytes first, then this layer's on top.
class LayerReader final : public ParentReader {
 public:
  LayerReader(const DiskLayer& layer, const ParentReader* below) : layer_(layer), below_(below) {}
  Result<void> ReadVirtual(uint64_t offset, std::span<uint8_t> out) const override {
    if (below_ != nullptr) VSM_RETURN_IF_ERROR(below_->ReadVirtual(offset, out));
    return layer_.Read(offset, out);
  }

 private:
  const DiskLayer& layer_;
  const ParentReader* below_;
};

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::vector<uint8_t> Pattern(size_t length, uint8_t seed) {
  std::vector<uint8_t> bytes(length);
  for (size_t i = 0; i < length; ++i) bytes[i] = static_cast<uint8_t>(seed + i * 7 + (i >> 9));
  return bytes;
}

void QemuWrite(const std::filesystem::path& path, const std::string& format, int pattern,
               uint64_t offset, uint64_t length) {
  RunOrFail("qemu-io -f " + format + " -c 'write -P " + std::to_string(pattern) + " " +
            std::to_string(offset) + " " + std::to_string(length) + "' " + Quote(path));
}

std::vector<uint8_t> QemuRaw(const TempDir& dir, const std::filesystem::path& vhdx) {
  const std::filesystem::path raw = dir / "converted.raw";
  RunOrFail("qemu-img convert -f vhdx -O raw " + Quote(vhdx) + " " + Quote(raw));
  std::vector<uint8_t> bytes = ReadAll(raw);
  std::filesystem::remove(raw);
  return bytes;
}

std::unique_ptr<DiskLayer> OpenOrDie(const std::filesystem::path& path,
                                     DiskLayer::Access access = DiskLayer::Access::kReadOnly) {
  Result<std::unique_ptr<DiskLayer>> layer = OpenVhdxLayer(path, access);
  EXPECT_TRUE(layer.ok()) << layer.error().message();
  return layer.ok() ? std::move(*layer) : nullptr;
}

std::vector<uint8_t> ReadVirtual(const ParentReader& reader, uint64_t size) {
  std::vector<uint8_t> bytes(size);
  Result<void> read = reader.ReadVirtual(0, bytes);
  EXPECT_TRUE(read.ok()) << read.error().message();
  return bytes;
}

void WriteOrFail(DiskLayer& layer, uint64_t offset, const std::vector<uint8_t>& data,
                 const ParentReader* parent, std::vector<uint8_t>* expected) {
  Result<void> written = layer.Write(offset, data, parent);
  ASSERT_TRUE(written.ok()) << written.error().message();
  if (expected != nullptr) std::copy(data.begin(), data.end(), expected->begin() + offset);
}

// A qemu dynamic VHDX with patterns in blocks 0, 1 (across their boundary) and 5.
std::filesystem::path MakeQemuParent(const TempDir& dir, const std::string& name,
                                     const std::string& options = "") {
  const std::filesystem::path path = CreateQemuDisk(dir, name, "-f vhdx " + options, "64M");
  QemuWrite(path, "vhdx", 0x11, 4096, 8192);
  QemuWrite(path, "vhdx", 0x22, kBlock - 4096, 12288);
  QemuWrite(path, "vhdx", 0x33, 5 * kBlock + 512, 1024);
  return path;
}

VhdxFileLayout LayoutOf(const std::filesystem::path& path) {
  Result<DiskFile> file = DiskFile::Open(path);
  EXPECT_TRUE(file.ok());
  Result<VhdxFileLayout> layout = ReadVhdxLayout(*file, /*keep_bat=*/true);
  EXPECT_TRUE(layout.ok()) << layout.error().message();
  return *layout;
}

void StoreBatEntry(const std::filesystem::path& path, uint64_t bat_offset, uint64_t index,
                   uint64_t entry) {
  uint8_t bytes[8];
  vhdx_internal::StoreLittleEndian64(bytes, entry);
  WriteBytes(path, bat_offset + index * 8, bytes);
}

void StoreBatEntry(const std::filesystem::path& path, uint64_t index, uint64_t entry) {
  StoreBatEntry(path, LayoutOf(path).bat_region.file_offset, index, entry);
}

std::string Vhdiinfo(const std::filesystem::path& path) {
  CommandResult result = RunCommand("vhdiinfo " + Quote(path));
  EXPECT_EQ(result.exit_code, 0) << result.output;
  return result.output;
}

uint64_t BatState(uint64_t entry) { return entry & 7; }

std::string Quoted(const std::filesystem::path& path) { return "'" + path.string() + "'"; }

class VhdxLayerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!disk_testing::QemuToolsAvailable()) GTEST_SKIP() << "qemu-img/qemu-io not installed";
    if (RunCommand("vhdiinfo -V").exit_code != 0) GTEST_SKIP() << "vhdiinfo not installed";
  }
  TempDir dir_;
};

TEST_F(VhdxLayerTest, DynamicDiskMapsAndReadsAsQemuConvertsIt) {
  const std::filesystem::path path = MakeQemuParent(dir_, "dynamic.vhdx");
  std::unique_ptr<DiskLayer> layer = OpenOrDie(path);
  ASSERT_NE(layer, nullptr);
  EXPECT_EQ(layer->info().format, DiskFormat::kVhdxDynamic);
  EXPECT_FALSE(layer->parent().has_value());
  EXPECT_EQ(layer->identity().id, LayoutOf(path).header.data_write_guid);

  Result<std::vector<LayerRun>> runs = layer->Map(0, kDiskSize);
  ASSERT_TRUE(runs.ok()) << runs.error().message();
  ASSERT_EQ(runs->size(), 4u);
  EXPECT_EQ((*runs)[0].source, RunSource::kThisLayer);  // blocks 0 and 1, merged
  EXPECT_EQ((*runs)[0].length, 2 * kBlock);
  EXPECT_EQ((*runs)[1].source, RunSource::kZero);
  EXPECT_EQ((*runs)[1].length, 3 * kBlock);
  EXPECT_EQ((*runs)[2].source, RunSource::kThisLayer);
  EXPECT_EQ((*runs)[2].offset, 5 * kBlock);
  EXPECT_EQ((*runs)[3].source, RunSource::kZero);
  EXPECT_EQ((*runs)[3].offset + (*runs)[3].length, kDiskSize);

  std::vector<uint8_t> bytes(kDiskSize, 0xEE);
  ASSERT_TRUE(layer->Read(0, bytes).ok());
  EXPECT_TRUE(bytes == QemuRaw(dir_, path));

  std::vector<uint8_t> across(8192);
  ASSERT_TRUE(layer->Read(kBlock - 4096, across).ok());
  EXPECT_TRUE(std::all_of(across.begin(), across.end(), [](uint8_t b) { return b == 0x22; }));
}

TEST_F(VhdxLayerTest, FixedDiskMapsAndReadsAsQemuConvertsIt) {
  const std::filesystem::path path = MakeQemuParent(dir_, "fixed.vhdx", "-o subformat=fixed");
  std::unique_ptr<DiskLayer> layer = OpenOrDie(path);
  ASSERT_NE(layer, nullptr);
  EXPECT_EQ(layer->info().format, DiskFormat::kVhdxFixed);
  // qemu preallocates every block of a fixed disk but marks those it has not written
  // PAYLOAD_BLOCK_ZERO (its block_state_zero option): they map as zeros.
  Result<std::vector<LayerRun>> runs = layer->Map(0, kDiskSize);
  ASSERT_TRUE(runs.ok()) << runs.error().message();
  ASSERT_EQ(runs->size(), 4u);
  EXPECT_EQ((*runs)[0].source, RunSource::kThisLayer);
  EXPECT_EQ((*runs)[0].length, 2 * kBlock);
  EXPECT_EQ((*runs)[1].source, RunSource::kZero);
  EXPECT_EQ((*runs)[2].source, RunSource::kThisLayer);
  EXPECT_EQ((*runs)[2].offset, 5 * kBlock);
  std::vector<uint8_t> bytes(kDiskSize);
  ASSERT_TRUE(layer->Read(0, bytes).ok());
  EXPECT_TRUE(bytes == QemuRaw(dir_, path));
}

TEST_F(VhdxLayerTest, WritesIntoQemuDisksPassQemuCheckAndCompare) {
  for (const std::string subformat : {"dynamic", "fixed"}) {
    SCOPED_TRACE(subformat);
    const std::filesystem::path path =
        MakeQemuParent(dir_, subformat + ".vhdx", "-o subformat=" + subformat);
    const std::filesystem::path raw = dir_ / (subformat + ".raw");
    RunOrFail("qemu-img convert -f vhdx -O raw " + Quote(path) + " " + Quote(raw));
    std::unique_ptr<DiskLayer> layer = OpenOrDie(path, DiskLayer::Access::kReadWrite);
    ASSERT_NE(layer, nullptr);
    const Guid before = layer->identity().id;
    struct Range {
      uint64_t offset;
      uint64_t length;
      int pattern;
    };
    // Inside an allocated block, across a block boundary into an unallocated one, a whole
    // unallocated block, the last sector of the disk.
    for (const Range& range :
         {Range{4096 + 512, 1024, 0x41}, Range{2 * kBlock - 512, 4096, 0x42},
          Range{3 * kBlock, kBlock, 0x43}, Range{kDiskSize - 512, 512, 0x44}}) {
      const std::vector<uint8_t> data(range.length, static_cast<uint8_t>(range.pattern));
      WriteOrFail(*layer, range.offset, data, nullptr, nullptr);
      QemuWrite(raw, "raw", range.pattern, range.offset, range.length);
    }
    ASSERT_TRUE(layer->Flush().ok());
    EXPECT_NE(layer->identity().id, before);
    EXPECT_EQ(layer->identity().id, LayoutOf(path).header.data_write_guid);
    layer.reset();

    CommandResult check = RunCommand("qemu-img check -f vhdx " + Quote(path));
    EXPECT_EQ(check.exit_code, 0) << check.output;
    EXPECT_THAT(check.output, HasSubstr("No errors were found on the image."));
    CommandResult compare =
        RunCommand("qemu-img compare -f vhdx -F raw " + Quote(path) + " " + Quote(raw));
    EXPECT_EQ(compare.exit_code, 0) << compare.output;
    EXPECT_THAT(compare.output, HasSubstr("Images are identical."));
  }
}

TEST_F(VhdxLayerTest, CreatedChildIsADifferencingDiskVhdiinfoAccepts) {
  const std::filesystem::path parent = MakeQemuParent(dir_, "base.vhdx");
  const std::filesystem::path child = dir_ / "child.avhdx";
  ASSERT_TRUE(CreateVhdxDifferencing(child, parent).ok());

  const std::string info = Vhdiinfo(child);
  EXPECT_THAT(info, HasSubstr("Disk type\t\t: Differential"));
  EXPECT_THAT(info, HasSubstr("Media size\t\t: 64 MiB (67108864 bytes)"));
  const Guid parent_id = LayoutOf(parent).header.data_write_guid;
  EXPECT_THAT(info, HasSubstr("Parent identifier\t: " + Lower(parent_id.ToString())));
  // libvhdi shows absolute_win32_path first.
  EXPECT_THAT(info,
              HasSubstr("Parent filename\t\t: " + std::filesystem::canonical(parent).string()));

  std::unique_ptr<DiskLayer> layer = OpenOrDie(child);
  ASSERT_NE(layer, nullptr);
  EXPECT_EQ(layer->info().format, DiskFormat::kVhdxDifferencing);
  EXPECT_EQ(layer->info().virtual_size_bytes, kDiskSize);
  ASSERT_TRUE(layer->parent().has_value());
  EXPECT_EQ(layer->parent()->expected, (LayerIdentity{parent_id, 0}));
  const std::string absolute = std::filesystem::canonical(parent).string();
  EXPECT_EQ(layer->parent()->locations, (std::vector<std::string>{".\\base.vhdx", absolute}));
  Result<std::vector<LayerRun>> runs = layer->Map(0, kDiskSize);
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 1u);
  EXPECT_EQ((*runs)[0].source, RunSource::kParent);

  // The child is new: its identity, virtual disk id and size are its own or its parent's.
  EXPECT_NE(layer->identity().id, parent_id);
  EXPECT_NE(layer->info().identifier, LayoutOf(parent).info.identifier);
  const VhdxFileLayout layout = LayoutOf(child);
  EXPECT_EQ(layout.metadata.block_size_bytes, kBlock);
  EXPECT_EQ(layout.metadata.logical_sector_size_bytes, 512u);
  EXPECT_EQ(*layout.metadata.parent_locator->Find("parent_linkage"),
            "{" + Lower(parent_id.ToString()) + "}");
  // Headers, log, metadata, BAT (1 MiB each) and one all-zero sector bitmap block (a hole).
  EXPECT_EQ(std::filesystem::file_size(child), 5 * kMiB);
  EXPECT_EQ(BatState(layout.bat[layout.bat_layout.chunk_ratio]), kVhdxSectorBitmapBlockPresent);

  Result<void> again = CreateVhdxDifferencing(child, parent);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().message(), Quoted(child) + " already exists");
  Result<void> wrong_name = CreateVhdxDifferencing(dir_ / "child.vhd", parent);
  ASSERT_FALSE(wrong_name.ok());
  EXPECT_EQ(wrong_name.error().message(),
            Quoted(dir_ / "child.vhd") + " cannot be a differencing disk of " + Quoted(parent) +
                ": the parent is a VHDX dynamic disk, so the child's name must end in .vhdx or "
                ".avhdx");
  EXPECT_FALSE(std::filesystem::exists(dir_ / "child.vhd"));
}

TEST_F(VhdxLayerTest, ChildWritesReadBackThroughTheParent) {
  const std::filesystem::path parent_path = MakeQemuParent(dir_, "base.vhdx");
  std::vector<uint8_t> expected = QemuRaw(dir_, parent_path);
  const std::filesystem::path child_path = dir_ / "child.avhdx";
  ASSERT_TRUE(CreateVhdxDifferencing(child_path, parent_path).ok());
  std::unique_ptr<DiskLayer> parent = OpenOrDie(parent_path);
  std::unique_ptr<DiskLayer> child = OpenOrDie(child_path, DiskLayer::Access::kReadWrite);
  ASSERT_NE(parent, nullptr);
  ASSERT_NE(child, nullptr);
  LayerReader parent_reader(*parent, nullptr);
  const Guid created = child->identity().id;

  // Part of block 0 (which the parent holds), across blocks 1 and 2, a whole block 3, part of
  // block 5 next to the parent's data, and the disk's last bytes.
  WriteOrFail(*child, 6000, Pattern(3000, 1), &parent_reader, &expected);
  WriteOrFail(*child, 2 * kBlock - 700, Pattern(5000, 2), &parent_reader, &expected);
  WriteOrFail(*child, 3 * kBlock, Pattern(kBlock, 3), &parent_reader, &expected);
  WriteOrFail(*child, 5 * kBlock + 1024, Pattern(512, 4), &parent_reader, &expected);
  WriteOrFail(*child, kDiskSize - 100, Pattern(100, 5), &parent_reader, &expected);
  // Into a block this session already allocated.
  WriteOrFail(*child, 6000 + 100, Pattern(10, 6), &parent_reader, &expected);
  ASSERT_TRUE(child->Flush().ok());
  EXPECT_NE(child->identity().id, created);

  LayerReader chain(*child, &parent_reader);
  EXPECT_TRUE(ReadVirtual(chain, kDiskSize) == expected);
  Result<std::vector<LayerRun>> runs = child->Map(0, kDiskSize);
  ASSERT_TRUE(runs.ok());
  const std::vector<std::pair<RunSource, uint64_t>> wanted = {{RunSource::kThisLayer, 0},
                                                              {RunSource::kParent, 4 * kBlock},
                                                              {RunSource::kThisLayer, 5 * kBlock},
                                                              {RunSource::kParent, 6 * kBlock},
                                                              {RunSource::kThisLayer, 7 * kBlock}};
  ASSERT_EQ(runs->size(), wanted.size());
  for (size_t i = 0; i < wanted.size(); ++i) {
    EXPECT_EQ((*runs)[i].source, wanted[i].first) << i;
    EXPECT_EQ((*runs)[i].offset, wanted[i].second) << i;
  }
  child.reset();

  // Reopened, the child reads the same, and libvhdi still accepts it.
  std::unique_ptr<DiskLayer> reopened = OpenOrDie(child_path);
  ASSERT_NE(reopened, nullptr);
  LayerReader reopened_chain(*reopened, &parent_reader);
  EXPECT_TRUE(ReadVirtual(reopened_chain, kDiskSize) == expected);
  EXPECT_THAT(Vhdiinfo(child_path), HasSubstr("Disk type\t\t: Differential"));

  // Without the parent's data a new block cannot be filled.
  std::unique_ptr<DiskLayer> writable = OpenOrDie(child_path, DiskLayer::Access::kReadWrite);
  Result<void> orphan = writable->Write(4 * kBlock, Pattern(10, 7), nullptr);
  ASSERT_FALSE(orphan.ok());
  EXPECT_EQ(orphan.error().message(),
            "cannot write to " + Quoted(child_path) + " at offset " +
                std::to_string(4 * kBlock + 10) +
                ": it is a differencing disk, and the block must first be filled from its "
                "parent, but no parent reader was given");
}

TEST_F(VhdxLayerTest, PartiallyPresentBlockFollowsItsSectorBitmap) {
  const std::filesystem::path parent_path = MakeQemuParent(dir_, "base.vhdx");
  std::vector<uint8_t> expected = QemuRaw(dir_, parent_path);
  const std::filesystem::path child_path = dir_ / "child.vhdx";
  ASSERT_TRUE(CreateVhdxDifferencing(child_path, parent_path).ok());
  std::unique_ptr<DiskLayer> parent = OpenOrDie(parent_path);
  LayerReader parent_reader(*parent, nullptr);
  {
    std::unique_ptr<DiskLayer> child = OpenOrDie(child_path, DiskLayer::Access::kReadWrite);
    WriteOrFail(*child, 0, Pattern(kBlock, 9), &parent_reader, nullptr);
    ASSERT_TRUE(child->Flush().ok());
  }
  // Turn block 0 into a PARTIALLY_PRESENT block whose bitmap holds sectors 1, 2 and 9 (bits 1,
  // 2 of byte 0 and bit 1 of byte 1: least significant bit first) and a bitmap block at the end.
  const VhdxFileLayout layout = LayoutOf(child_path);
  const uint64_t block_entry = layout.bat[0];
  const uint64_t bitmap_offset = std::filesystem::file_size(child_path);
  ASSERT_EQ(bitmap_offset % kMiB, 0u);
  std::vector<uint8_t> bitmap(kMiB, 0);
  bitmap[0] = 0x06;
  bitmap[1] = 0x02;
  WriteBytes(child_path, bitmap_offset, bitmap);
  StoreBatEntry(child_path, 0, (block_entry & ~uint64_t{7}) | kVhdxPayloadBlockPartiallyPresent);
  const uint64_t chunk_ratio = layout.bat_layout.chunk_ratio;
  StoreBatEntry(child_path, chunk_ratio,
                (bitmap_offset / kMiB) << 20 | kVhdxSectorBitmapBlockPresent);
  const std::vector<uint8_t> written = Pattern(kBlock, 9);
  for (uint64_t sector : {1, 2, 9}) {
    std::copy_n(written.begin() + sector * 512, 512, expected.begin() + sector * 512);
  }
  EXPECT_THAT(Vhdiinfo(child_path), HasSubstr("Disk type\t\t: Differential"));

  std::unique_ptr<DiskLayer> child = OpenOrDie(child_path, DiskLayer::Access::kReadWrite);
  ASSERT_NE(child, nullptr);
  Result<std::vector<LayerRun>> runs = child->Map(0, kBlock);
  ASSERT_TRUE(runs.ok()) << runs.error().message();
  const std::vector<LayerRun> wanted = {{0, 512, RunSource::kParent},
                                        {512, 1024, RunSource::kThisLayer},
                                        {1536, 3072, RunSource::kParent},
                                        {4608, 512, RunSource::kThisLayer},
                                        {5120, kBlock - 5120, RunSource::kParent}};
  ASSERT_EQ(runs->size(), wanted.size());
  for (size_t i = 0; i < wanted.size(); ++i) {
    EXPECT_EQ((*runs)[i].offset, wanted[i].offset) << i;
    EXPECT_EQ((*runs)[i].length, wanted[i].length) << i;
    EXPECT_EQ((*runs)[i].source, wanted[i].source) << i;
  }
  LayerReader chain(*child, &parent_reader);
  EXPECT_TRUE(ReadVirtual(chain, kDiskSize) == expected);

  // A write keeps the sectors the block holds and fills the rest from the parent.
  WriteOrFail(*child, 4096, Pattern(600, 10), &parent_reader, &expected);
  EXPECT_EQ(BatState(LayoutOf(child_path).bat[0]), kVhdxPayloadBlockFullyPresent);
  EXPECT_TRUE(ReadVirtual(chain, kDiskSize) == expected);
}

TEST_F(VhdxLayerTest, ChildOfAChildReadsThroughBothParents) {
  const std::filesystem::path base_path = MakeQemuParent(dir_, "base.vhdx");
  std::vector<uint8_t> expected = QemuRaw(dir_, base_path);
  const std::filesystem::path middle_path = dir_ / "middle.avhdx";
  const std::filesystem::path leaf_path = dir_ / "leaf.avhdx";
  ASSERT_TRUE(CreateVhdxDifferencing(middle_path, base_path).ok());
  std::unique_ptr<DiskLayer> base = OpenOrDie(base_path);
  LayerReader base_reader(*base, nullptr);
  {
    std::unique_ptr<DiskLayer> middle = OpenOrDie(middle_path, DiskLayer::Access::kReadWrite);
    WriteOrFail(*middle, 4096 + 1000, Pattern(20000, 21), &base_reader, &expected);
    WriteOrFail(*middle, 6 * kBlock + 5, Pattern(100, 22), &base_reader, &expected);
    ASSERT_TRUE(middle->Flush().ok());
  }
  // The leaf is made from the middle disk as it is now, and records that.
  ASSERT_TRUE(CreateVhdxDifferencing(leaf_path, middle_path).ok());
  std::unique_ptr<DiskLayer> middle = OpenOrDie(middle_path);
  LayerReader middle_reader(*middle, &base_reader);
  std::unique_ptr<DiskLayer> leaf = OpenOrDie(leaf_path, DiskLayer::Access::kReadWrite);
  ASSERT_NE(leaf, nullptr);
  EXPECT_EQ(leaf->parent()->expected, middle->identity());
  EXPECT_EQ(middle->parent()->expected, base->identity());
  WriteOrFail(*leaf, 4096 + 500, Pattern(1000, 23), &middle_reader, &expected);
  WriteOrFail(*leaf, 6 * kBlock, Pattern(kBlock + 4096, 24), &middle_reader, &expected);
  ASSERT_TRUE(leaf->Flush().ok());
  LayerReader leaf_reader(*leaf, &middle_reader);
  EXPECT_TRUE(ReadVirtual(leaf_reader, kDiskSize) == expected);
  const std::string info = Vhdiinfo(leaf_path);
  EXPECT_THAT(info, HasSubstr("Disk type\t\t: Differential"));
  EXPECT_THAT(info, HasSubstr("Parent identifier\t: " + Lower(middle->identity().id.ToString())));
}

TEST_F(VhdxLayerTest, RepointAfterMovingTheParentChangesOnlyTheLocations) {
  std::filesystem::create_directories(dir_ / "a");
  std::filesystem::create_directories(dir_ / "c");
  const std::filesystem::path old_parent = MakeQemuParent(dir_, "a/base.vhdx");
  const std::filesystem::path child_path = dir_ / "c/child.avhdx";
  ASSERT_TRUE(CreateVhdxDifferencing(child_path, old_parent).ok());
  {
    std::unique_ptr<DiskLayer> parent = OpenOrDie(old_parent);
    LayerReader parent_reader(*parent, nullptr);
    std::unique_ptr<DiskLayer> child = OpenOrDie(child_path, DiskLayer::Access::kReadWrite);
    WriteOrFail(*child, kBlock + 10, Pattern(3000, 31), &parent_reader, nullptr);
    ASSERT_TRUE(child->Flush().ok());
  }
  const VhdxFileLayout before = LayoutOf(child_path);
  std::unique_ptr<DiskLayer> child_before = OpenOrDie(child_path);
  EXPECT_EQ(child_before->parent()->locations[0], "..\\a\\base.vhdx");

  // A path long enough that the locator grows and must move inside the metadata region.
  const std::string far = "b/" + std::string(120, 'x') + "/deeper";
  std::filesystem::create_directories(dir_ / far);
  const std::filesystem::path new_parent = dir_ / far / "base.vhdx";
  std::filesystem::rename(old_parent, new_parent);
  Result<void> repointed = RepointVhdxParent(child_path, new_parent);
  ASSERT_TRUE(repointed.ok()) << repointed.error().message();

  const VhdxFileLayout after = LayoutOf(child_path);
  EXPECT_EQ(after.header.data_write_guid, before.header.data_write_guid);
  EXPECT_NE(after.header.file_write_guid, before.header.file_write_guid);
  EXPECT_GT(after.header.sequence_number, before.header.sequence_number);
  EXPECT_EQ(after.metadata.parent_locator->Find("parent_linkage"),
            before.metadata.parent_locator->Find("parent_linkage"));
  std::unique_ptr<DiskLayer> child = OpenOrDie(child_path);
  ASSERT_NE(child, nullptr);
  EXPECT_EQ(child->parent()->expected, child_before->parent()->expected);
  std::string relative = "..\\" + far + "\\base.vhdx";
  std::replace(relative.begin(), relative.end(), '/', '\\');
  EXPECT_EQ(child->parent()->locations,
            (std::vector<std::string>{relative, std::filesystem::canonical(new_parent).string()}));
  EXPECT_EQ(child->identity(), child_before->identity());
  // The two header copies are both valid and agree.
  for (uint64_t offset : {kVhdxHeader1Offset, kVhdxHeader2Offset}) {
    Result<VhdxHeader> header =
        ParseVhdxHeader(ReadBytes(child_path, offset, kVhdxHeaderSize), offset);
    ASSERT_TRUE(header.ok()) << header.error().message();
    EXPECT_EQ(header->file_write_guid, after.header.file_write_guid);
  }
  const std::string info = Vhdiinfo(child_path);
  EXPECT_THAT(info,
              HasSubstr("Parent filename\t\t: " + std::filesystem::canonical(new_parent).string()));

  // Relative only: absolute_win32_path is dropped.
  ASSERT_TRUE(RepointVhdxParent(child_path, new_parent, ParentPathStyle::kRelativeOnly).ok());
  std::unique_ptr<DiskLayer> relative_only = OpenOrDie(child_path);
  EXPECT_EQ(relative_only->parent()->locations, (std::vector<std::string>{relative}));
  // libvhdi 20210425 shows no parent filename for a relative_path alone, but accepts the file.
  EXPECT_THAT(Vhdiinfo(child_path), HasSubstr("Disk type\t\t: Differential"));
  // No earlier path survives anywhere in the file: the items the re-points left behind are
  // zeroed, so a packaged child does not carry the source host's paths away.
  const std::vector<uint8_t> bytes = ReadAll(child_path);
  const auto contains_utf16le = [&bytes](const std::string& text) {
    const std::vector<uint8_t> needle = disk_testing::Utf16Le(text);
    return std::search(bytes.begin(), bytes.end(), needle.begin(), needle.end()) != bytes.end();
  };
  EXPECT_FALSE(contains_utf16le(std::filesystem::canonical(new_parent).string()));
  EXPECT_FALSE(contains_utf16le("..\\a\\base.vhdx"));
  EXPECT_TRUE(contains_utf16le(relative));
}

TEST_F(VhdxLayerTest, RepointToAnotherDiskIsRefused) {
  const std::filesystem::path parent = MakeQemuParent(dir_, "base.vhdx");
  const std::filesystem::path other = MakeQemuParent(dir_, "other.vhdx");
  const std::filesystem::path child = dir_ / "child.avhdx";
  ASSERT_TRUE(CreateVhdxDifferencing(child, parent).ok());
  const std::vector<uint8_t> bytes = ReadAll(child);
  Result<void> repointed = RepointVhdxParent(child, other);
  ASSERT_FALSE(repointed.ok());
  EXPECT_EQ(repointed.error().code(), ReturnCode::kInvalidParameter);
  EXPECT_EQ(repointed.error().message(),
            "cannot re-point " + Quoted(child) + " at " + Quoted(other) +
                ": the child was made from the disk whose DataWriteGuid is " +
                LayoutOf(parent).header.data_write_guid.ToString() + ", but " + Quoted(other) +
                " has DataWriteGuid " + LayoutOf(other).header.data_write_guid.ToString() +
                "; it is another disk, or it was written to after the child was made");
  EXPECT_TRUE(ReadAll(child) == bytes);

  Result<void> not_differencing = RepointVhdxParent(parent, other);
  ASSERT_FALSE(not_differencing.ok());
  EXPECT_EQ(not_differencing.error().message(),
            Quoted(parent) +
                " is a VHDX dynamic disk, not a differencing disk: it has no parent to re-point");
}

TEST_F(VhdxLayerTest, WritingToTheParentChangesTheIdentityItsChildRecorded) {
  const std::filesystem::path parent_path = MakeQemuParent(dir_, "base.vhdx");
  const std::filesystem::path child_path = dir_ / "child.avhdx";
  ASSERT_TRUE(CreateVhdxDifferencing(child_path, parent_path).ok());
  std::unique_ptr<DiskLayer> child = OpenOrDie(child_path);
  EXPECT_EQ(child->parent()->expected, OpenOrDie(parent_path)->identity());

  QemuWrite(parent_path, "vhdx", 0x55, 0, 512);  // qemu gives it a new DataWriteGuid
  const LayerIdentity after_qemu = OpenOrDie(parent_path)->identity();
  EXPECT_NE(child->parent()->expected, after_qemu);

  std::unique_ptr<DiskLayer> parent = OpenOrDie(parent_path, DiskLayer::Access::kReadWrite);
  WriteOrFail(*parent, 512, Pattern(512, 41), nullptr, nullptr);
  EXPECT_NE(parent->identity(), after_qemu);  // and so do we
  EXPECT_EQ(parent->identity(), OpenOrDie(parent_path)->identity());
  Result<void> repointed = RepointVhdxParent(child_path, parent_path);
  ASSERT_FALSE(repointed.ok());
  EXPECT_THAT(repointed.error().message(), HasSubstr("it is another disk, or it was written to"));
}

TEST_F(VhdxLayerTest, BatEntryOutsideTheFileIsAnError) {
  const std::filesystem::path path = MakeQemuParent(dir_, "dynamic.vhdx");
  const uint64_t entry = LayoutOf(path).bat[0];
  StoreBatEntry(path, 0, (uint64_t{4096} << 20) | (entry & 7));
  Result<std::unique_ptr<DiskLayer>> layer = OpenVhdxLayer(path, DiskLayer::Access::kReadOnly);
  ASSERT_FALSE(layer.ok());
  EXPECT_EQ(layer.error().message(),
            Quoted(path) + " is not a valid VHDX: BAT entry 0 points to a block at offset " +
                std::to_string(4096 * kMiB) + " (8388608 bytes) outside the file (" +
                std::to_string(std::filesystem::file_size(path)) +
                " bytes); the file is truncated or the BAT is damaged");
}

TEST_F(VhdxLayerTest, BatEntryOverlappingTheMetadataIsAnError) {
  const std::filesystem::path path = MakeQemuParent(dir_, "dynamic.vhdx");
  const VhdxFileLayout layout = LayoutOf(path);
  StoreBatEntry(path, 0,
                (layout.metadata_region.file_offset / kMiB) << 20 | kVhdxPayloadBlockFullyPresent);
  Result<std::unique_ptr<DiskLayer>> layer = OpenVhdxLayer(path, DiskLayer::Access::kReadWrite);
  ASSERT_FALSE(layer.ok());
  EXPECT_EQ(layer.error().message(),
            Quoted(path) + " is not a valid VHDX: BAT entry 0 points to a block at offset " +
                std::to_string(layout.metadata_region.file_offset) +
                " (8388608 bytes) that overlaps the metadata region at offset " +
                std::to_string(layout.metadata_region.file_offset) + " (" +
                std::to_string(layout.metadata_region.length_bytes) +
                " bytes); the BAT is damaged");
}

TEST_F(VhdxLayerTest, PartiallyPresentInADynamicDiskIsAnError) {
  const std::filesystem::path path = MakeQemuParent(dir_, "dynamic.vhdx");
  const uint64_t entry = LayoutOf(path).bat[0];
  StoreBatEntry(path, 0, (entry & ~uint64_t{7}) | kVhdxPayloadBlockPartiallyPresent);
  Result<std::unique_ptr<DiskLayer>> layer = OpenVhdxLayer(path, DiskLayer::Access::kReadOnly);
  ASSERT_FALSE(layer.ok());
  EXPECT_EQ(layer.error().message(),
            Quoted(path) +
                " is not a valid VHDX: BAT entry 0 has state 7, expected 0, 1, 2, 3 "
                "or 6");
}

TEST_F(VhdxLayerTest, SectorBitmapProblemsInAChildAreErrors) {
  const std::filesystem::path parent = MakeQemuParent(dir_, "base.vhdx");
  const std::filesystem::path child = dir_ / "child.avhdx";
  ASSERT_TRUE(CreateVhdxDifferencing(child, parent).ok());
  const VhdxFileLayout layout = LayoutOf(child);
  const uint64_t bitmap_index = layout.bat_layout.chunk_ratio;  // chunk 0's sector bitmap

  const uint64_t bat_offset = layout.bat_region.file_offset;
  StoreBatEntry(child, bat_offset, bitmap_index,
                (uint64_t{64} << 20) | kVhdxSectorBitmapBlockPresent);
  Result<std::unique_ptr<DiskLayer>> outside = OpenVhdxLayer(child, DiskLayer::Access::kReadOnly);
  ASSERT_FALSE(outside.ok());
  EXPECT_EQ(outside.error().message(),
            Quoted(child) + " is not a valid VHDX: BAT entry " + std::to_string(bitmap_index) +
                " (a sector bitmap block) points to a block at offset 67108864 (1048576 bytes) "
                "outside the file (5242880 bytes); the file is truncated or the BAT is damaged");

  StoreBatEntry(child, bat_offset, bitmap_index, 0);
  StoreBatEntry(child, bat_offset, 1, (uint64_t{4} << 20) | kVhdxPayloadBlockPartiallyPresent);
  ASSERT_EQ(::truncate(child.c_str(), 12 * kMiB), 0);
  Result<std::unique_ptr<DiskLayer>> missing = OpenVhdxLayer(child, DiskLayer::Access::kReadOnly);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message(),
            Quoted(child) +
                " is not a valid VHDX: BAT entry 1 (payload block 1) is partially "
                "present, but the sector bitmap entry " +
                std::to_string(bitmap_index) + " of its chunk is not present; the BAT is damaged");
}

TEST_F(VhdxLayerTest, TruncatedChildIsAnError) {
  const std::filesystem::path parent_path = MakeQemuParent(dir_, "base.vhdx");
  const std::filesystem::path child_path = dir_ / "child.avhdx";
  ASSERT_TRUE(CreateVhdxDifferencing(child_path, parent_path).ok());
  {
    std::unique_ptr<DiskLayer> parent = OpenOrDie(parent_path);
    LayerReader parent_reader(*parent, nullptr);
    std::unique_ptr<DiskLayer> child = OpenOrDie(child_path, DiskLayer::Access::kReadWrite);
    WriteOrFail(*child, 2 * kBlock, Pattern(100, 51), &parent_reader, nullptr);
    ASSERT_TRUE(child->Flush().ok());
  }
  const uint64_t size = std::filesystem::file_size(child_path);
  ASSERT_EQ(size, 5 * kMiB + kBlock);  // the new block went to the (1 MiB aligned) end
  ASSERT_EQ(::truncate(child_path.c_str(), static_cast<off_t>(size - 4096)), 0);
  Result<std::unique_ptr<DiskLayer>> layer =
      OpenVhdxLayer(child_path, DiskLayer::Access::kReadOnly);
  ASSERT_FALSE(layer.ok());
  EXPECT_EQ(layer.error().message(),
            Quoted(child_path) + " is not a valid VHDX: BAT entry 2 points to a block at offset " +
                std::to_string(5 * kMiB) + " (8388608 bytes) outside the file (" +
                std::to_string(size - 4096) +
                " bytes); the file is truncated or the BAT is damaged");
}

TEST_F(VhdxLayerTest, DamagedHeaderCopyLosesToTheOtherAndIsRewrittenOnWrite) {
  const std::filesystem::path parent_path = MakeQemuParent(dir_, "base.vhdx");
  const std::filesystem::path child_path = dir_ / "child.avhdx";
  ASSERT_TRUE(CreateVhdxDifferencing(child_path, parent_path).ok());
  const VhdxFileLayout created = LayoutOf(child_path);
  ASSERT_EQ(created.header_offset, kVhdxHeader2Offset);  // sequence 1 beats sequence 0
  const uint8_t garbage[4] = {0xDE, 0xAD, 0xBE, 0xEF};
  WriteBytes(child_path, kVhdxHeader2Offset + kVhdxHeaderChecksumOffset, garbage);

  const VhdxFileLayout damaged = LayoutOf(child_path);
  EXPECT_EQ(damaged.header_offset, kVhdxHeader1Offset);
  EXPECT_EQ(damaged.header.sequence_number, 0u);
  std::unique_ptr<DiskLayer> parent = OpenOrDie(parent_path);
  LayerReader parent_reader(*parent, nullptr);
  std::unique_ptr<DiskLayer> child = OpenOrDie(child_path, DiskLayer::Access::kReadWrite);
  ASSERT_NE(child, nullptr);
  EXPECT_EQ(child->identity().id, created.header.data_write_guid);
  WriteOrFail(*child, 100, Pattern(100, 61), &parent_reader, nullptr);
  ASSERT_TRUE(child->Flush().ok());
  for (uint64_t offset : {kVhdxHeader1Offset, kVhdxHeader2Offset}) {
    Result<VhdxHeader> header =
        ParseVhdxHeader(ReadBytes(child_path, offset, kVhdxHeaderSize), offset);
    ASSERT_TRUE(header.ok()) << header.error().message();
    EXPECT_EQ(header->data_write_guid, child->identity().id);
  }
  EXPECT_EQ(LayoutOf(child_path).header.sequence_number, 2u);
  EXPECT_THAT(Vhdiinfo(child_path), HasSubstr("Disk type\t\t: Differential"));

  child.reset();
  WriteBytes(child_path, kVhdxHeader1Offset + kVhdxHeaderChecksumOffset, garbage);
  WriteBytes(child_path, kVhdxHeader2Offset + kVhdxHeaderChecksumOffset, garbage);
  Result<std::unique_ptr<DiskLayer>> both = OpenVhdxLayer(child_path, DiskLayer::Access::kReadOnly);
  ASSERT_FALSE(both.ok());
  EXPECT_THAT(both.error().message(),
              HasSubstr(Quoted(child_path) + " is not a valid VHDX: both headers are damaged "
                                             "(header 1 at offset 65536: checksum is 0xefbeadde"));
}

TEST_F(VhdxLayerTest, WriteToAReadOnlyLayerOrPastTheEndIsRefused) {
  const std::filesystem::path path = MakeQemuParent(dir_, "dynamic.vhdx");
  const std::vector<uint8_t> before = ReadAll(path);
  std::unique_ptr<DiskLayer> read_only = OpenOrDie(path);
  Result<void> refused = read_only->Write(0, Pattern(512, 71), nullptr);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), ReturnCode::kInvalidState);
  EXPECT_EQ(refused.error().message(),
            "cannot write to " + Quoted(path) +
                ": it was opened read-only; open it with Access::kReadWrite");

  std::unique_ptr<DiskLayer> writable = OpenOrDie(path, DiskLayer::Access::kReadWrite);
  Result<void> past = writable->Write(kDiskSize - 512, Pattern(1024, 72), nullptr);
  ASSERT_FALSE(past.ok());
  EXPECT_EQ(past.error().code(), ReturnCode::kInvalidParameter);
  EXPECT_EQ(past.error().message(), "cannot write 1024 bytes at offset " +
                                        std::to_string(kDiskSize - 512) + " of " + Quoted(path) +
                                        ": the range passes its virtual size of 67108864 bytes");
  Result<std::vector<LayerRun>> map = writable->Map(kDiskSize, 1);
  ASSERT_FALSE(map.ok());
  EXPECT_EQ(map.error().message(), "cannot map 1 bytes at offset 67108864 of " + Quoted(path) +
                                       ": the range passes its virtual size of 67108864 bytes");
  writable.reset();
  EXPECT_TRUE(ReadAll(path) == before);  // neither touched the file, not even its headers
}

// A disk larger than one chunk (2^23 sectors: 4 GiB) has sector bitmap entries between its
// payload entries; a write past the first chunk must land in the right BAT entry.
TEST_F(VhdxLayerTest, BlocksPastTheFirstChunkUseInterleavedBatEntries) {
  const uint64_t block = 256 * kMiB;  // chunk ratio 16
  const uint64_t size = 4608 * kMiB;  // 18 blocks, in two chunks
  const std::filesystem::path parent_path =
      CreateQemuDisk(dir_, "big.vhdx", "-f vhdx -o block_size=256M", "4608M");
  QemuWrite(parent_path, "vhdx", 0x66, 17 * block + 4096, 4096);
  std::unique_ptr<DiskLayer> parent = OpenOrDie(parent_path);
  ASSERT_NE(parent, nullptr);
  EXPECT_EQ(LayoutOf(parent_path).bat_layout.chunk_ratio, 16u);
  Result<std::vector<LayerRun>> runs = parent->Map(0, size);
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 2u);
  EXPECT_EQ((*runs)[1].offset, 17 * block);
  EXPECT_EQ((*runs)[1].source, RunSource::kThisLayer);
  std::vector<uint8_t> bytes(8192);
  ASSERT_TRUE(parent->Read(17 * block, bytes).ok());
  EXPECT_TRUE(std::all_of(bytes.begin(), bytes.begin() + 4096, [](uint8_t b) { return b == 0; }));
  EXPECT_TRUE(std::all_of(bytes.begin() + 4096, bytes.end(), [](uint8_t b) { return b == 0x66; }));

  const std::filesystem::path child_path = dir_ / "big-child.avhdx";
  ASSERT_TRUE(CreateVhdxDifferencing(child_path, parent_path).ok());
  LayerReader parent_reader(*parent, nullptr);
  {
    std::unique_ptr<DiskLayer> child = OpenOrDie(child_path, DiskLayer::Access::kReadWrite);
    WriteOrFail(*child, 17 * block, Pattern(100, 81), &parent_reader, nullptr);
    ASSERT_TRUE(child->Flush().ok());
  }
  const VhdxFileLayout layout = LayoutOf(child_path);
  ASSERT_EQ(layout.bat.size(), 34u);  // two chunks of 16 payload entries and a bitmap entry
  EXPECT_EQ(BatState(layout.bat[18]), kVhdxPayloadBlockFullyPresent);  // block 17
  EXPECT_EQ(BatState(layout.bat[16]), kVhdxSectorBitmapBlockPresent);  // chunk 0's bitmap
  EXPECT_EQ(BatState(layout.bat[33]), kVhdxSectorBitmapBlockPresent);  // chunk 1's bitmap
  EXPECT_EQ(layout.bat[17], 0u);                                       // block 16
  std::unique_ptr<DiskLayer> child = OpenOrDie(child_path);
  LayerReader chain(*child, &parent_reader);
  std::vector<uint8_t> through(8192);
  ASSERT_TRUE(chain.ReadVirtual(17 * block, through).ok());
  std::vector<uint8_t> wanted(8192, 0);
  std::fill(wanted.begin() + 4096, wanted.end(), 0x66);
  const std::vector<uint8_t> written = Pattern(100, 81);
  std::copy(written.begin(), written.end(), wanted.begin());
  EXPECT_TRUE(through == wanted);
  EXPECT_THAT(Vhdiinfo(child_path), HasSubstr("Media size\t\t: 4.5 GiB (4831838208 bytes)"));

  // The same write through our layer into qemu's disk: qemu agrees with the result.
  {
    std::unique_ptr<DiskLayer> writable = OpenOrDie(parent_path, DiskLayer::Access::kReadWrite);
    WriteOrFail(*writable, 16 * block + 512, std::vector<uint8_t>(512, 0x67), nullptr, nullptr);
    ASSERT_TRUE(writable->Flush().ok());
  }
  CommandResult check = RunCommand("qemu-img check -f vhdx " + Quote(parent_path));
  EXPECT_EQ(check.exit_code, 0) << check.output;
  CommandResult read = RunCommand("qemu-io -f vhdx -c 'read -P 103 " +
                                  std::to_string(16 * block + 512) + " 512' -c 'read -P 0 " +
                                  std::to_string(16 * block) + " 512' " + Quote(parent_path));
  EXPECT_EQ(read.exit_code, 0) << read.output;
  EXPECT_THAT(read.output, ::testing::Not(HasSubstr("Pattern verification failed")));
}

}  // namespace
}  // namespace vsm::disk
