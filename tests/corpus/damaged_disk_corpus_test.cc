// The damaged single disks of the corpus: each case starts from a VHD or VHDX made by qemu-img,
// damages it in one named way, and states the exact error InspectDisk, DiskLayer::Open and
// DiskChain::Open give. The offsets and checksums a message names are read from the file by
// corpus_files.h, independently of vsm's parsers.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "corpus_files.h"
#include "disk_corpus.h"

namespace vsm::corpus {
namespace {

namespace fs = std::filesystem;
using testing::QemuDiskKind;

constexpr uint64_t kMiB = 1 << 20;

// Records the footer cookie that now lies at the end of the file.
void RecordFooterCookie(Workspace& w, const fs::path& path) {
  const uint64_t size = fs::file_size(path);
  const std::vector<uint8_t> cookie = ReadBytes(path, size - kVhdFooterBytes, 8);
  w.Set("offset", size - kVhdFooterBytes);
  w.Set("cookie", DescribeBytes(std::string(cookie.begin(), cookie.end())));
}

// Flips the low bit of the 32-bit checksum at `offset` (big- or little-endian) and records the
// stored and the expected value.
void BreakChecksum(Workspace& w, const fs::path& path, uint64_t offset, bool big_endian,
                   const std::string& stored_name, const std::string& expected_name) {
  const std::vector<uint8_t> before = ReadBytes(path, offset, 4);
  const uint32_t value = big_endian ? LoadBe32(before.data()) : LoadLe32(before.data());
  XorByte(path, big_endian ? offset + 3 : offset, 0x01);
  w.Set(stored_name, Hex32(value ^ 1));
  w.Set(expected_name, Hex32(value));
}

void SetVhdBatEntry(const fs::path& path, const VhdLayout& vhd, uint64_t index, uint32_t sector) {
  uint8_t bytes[4];
  StoreBe32(bytes, sector);
  WriteBytes(path, vhd.bat_offset + index * 4, bytes);
}

void SetVhdxBatEntry(const fs::path& path, const VhdxLayout& vhdx, uint64_t index, uint64_t entry) {
  uint8_t bytes[8];
  StoreLe64(bytes, entry);
  WriteBytes(path, vhdx.bat_offset + index * 8, bytes);
}

uint64_t VhdxBlockOffset(uint64_t entry) { return (entry >> 20) * kMiB; }

std::vector<DiskCase> VhdCases() {
  return {
      {.name = "VhdDynamicFooterCutOff",
       .damage = "the last 512 bytes (the footer) cut off a dynamic VHD",
       .make = MakeQemu("disk.vhd", QemuDiskKind::kVhdDynamic),
       .damage_it =
           [](Workspace& w, Target& t) {
             Truncate(t.path, fs::file_size(t.path) - kVhdFooterBytes);
             RecordFooterCookie(w, t.path);
           },
       .message = "'{path}' is not a valid VHD: footer cookie at offset {offset} is {cookie}, "
                  "expected 'conectix'; the file is truncated or is not a VHD"},
      {.name = "VhdFixedFooterCutOff",
       .damage = "the last 512 bytes (the footer) cut off a fixed VHD",
       .make = MakeQemu("disk.vhd", QemuDiskKind::kVhdFixed),
       .damage_it =
           [](Workspace& w, Target& t) {
             Truncate(t.path, fs::file_size(t.path) - kVhdFooterBytes);
             RecordFooterCookie(w, t.path);
           },
       .message = "'{path}' is not a valid VHD: footer cookie at offset {offset} is {cookie}, "
                  "expected 'conectix'; the file is truncated or is not a VHD"},
      {.name = "VhdFixedDataCutShort",
       .damage = "1 MiB of a fixed VHD's data removed, its footer kept at the new end",
       .make = MakeQemu("disk.vhd", QemuDiskKind::kVhdFixed),
       .damage_it =
           [](Workspace& w, Target& t) {
             const VhdLayout vhd = ReadVhd(t.path);
             const std::vector<uint8_t> footer =
                 ReadBytes(t.path, vhd.footer_offset, kVhdFooterBytes);
             Truncate(t.path, vhd.footer_offset - kMiB);
             WriteBytes(t.path, vhd.footer_offset - kMiB, footer);
             w.Set("data", vhd.footer_offset - kMiB);
             w.Set("size", vhd.current_size);
           },
       .message = "'{path}' is not a valid VHD: fixed disk holds {data} bytes of data but its "
                  "footer says the virtual size is {size} bytes; the file is truncated"},
      {.name = "VhdFixedFooterChecksumWrong",
       .damage = "one bit of a fixed VHD's footer checksum flipped",
       .make = MakeQemu("disk.vhd", QemuDiskKind::kVhdFixed),
       .damage_it =
           [](Workspace& w, Target& t) {
             const VhdLayout vhd = ReadVhd(t.path);
             BreakChecksum(w, t.path, vhd.footer_offset + kVhdFooterChecksum, true, "stored",
                           "expected");
             w.Set("offset", vhd.footer_offset);
           },
       .message = "'{path}' is not a valid VHD: footer checksum is {stored}, expected {expected}; "
                  "the footer at offset {offset} is damaged"},
      {.name = "VhdDynamicFooterChecksumWrong",
       .damage = "one bit of a dynamic VHD's footer checksum flipped (its copy at 0 intact)",
       .make = MakeQemu("disk.vhd", QemuDiskKind::kVhdDynamic),
       .damage_it =
           [](Workspace& w, Target& t) {
             const VhdLayout vhd = ReadVhd(t.path);
             BreakChecksum(w, t.path, vhd.footer_offset + kVhdFooterChecksum, true, "stored",
                           "expected");
             w.Set("offset", vhd.footer_offset);
           },
       .message = "'{path}' is not a valid VHD: footer checksum is {stored}, expected {expected}; "
                  "the footer at offset {offset} is damaged"},
      {.name = "VhdDynamicHeaderChecksumWrong",
       .damage = "one bit of a dynamic VHD's dynamic header checksum flipped",
       .make = MakeQemu("disk.vhd", QemuDiskKind::kVhdDynamic),
       .damage_it =
           [](Workspace& w, Target& t) {
             const VhdLayout vhd = ReadVhd(t.path);
             BreakChecksum(w, t.path, vhd.header_offset + kVhdDynamicHeaderChecksum, true, "stored",
                           "expected");
             w.Set("offset", vhd.header_offset);
           },
       .message = "'{path}' is not a valid VHD: dynamic header checksum is {stored}, expected "
                  "{expected}; the header at offset {offset} is damaged"},
      {.name = "VhdFixedCookieWrong",
       .damage = "a fixed VHD's footer cookie 'conectix' changed to 'conectiX'",
       .make = MakeQemu("disk.vhd", QemuDiskKind::kVhdFixed),
       .damage_it =
           [](Workspace& w, Target& t) {
             const VhdLayout vhd = ReadVhd(t.path);
             XorByte(t.path, vhd.footer_offset + 7, 0x20);
             w.Set("offset", vhd.footer_offset);
           },
       .message = "'{path}' is not a valid VHD: footer cookie at offset {offset} is 'conectiX', "
                  "expected 'conectix'; the file is truncated or is not a VHD"},
      {.name = "VhdCookieWrongWithoutDiskName",
       .damage = "the footer cookie of a fixed VHD named disk.img changed to 'conectiX'",
       .make = MakeQemu("disk.img", QemuDiskKind::kVhdFixed),
       .damage_it = [](Workspace&,
                       Target& t) { XorByte(t.path, ReadVhd(t.path).footer_offset + 7, 0x20); },
       .message = "'{path}' is not a VHD or VHDX file: it has neither the 'vhdxfile' signature at "
                  "offset 0 nor the 'conectix' footer at its end"},
      {.name = "VhdBatEntryPastEndOfFile",
       .damage = "BAT entry 1 of a dynamic VHD set to sector 0x00FFFFFF, far past the end",
       .make = MakeQemu("disk.vhd", QemuDiskKind::kVhdDynamic),
       .damage_it =
           [](Workspace& w, Target& t) {
             const VhdLayout vhd = ReadVhd(t.path);
             SetVhdBatEntry(t.path, vhd, 1, 0x00FFFFFF);
             w.Set("block", uint64_t{0x00FFFFFF} * 512);
             w.Set("span", vhd.block_size + 512);
             w.Set("data_end", vhd.footer_offset);
           },
       .message = "'{path}' is not a valid VHD: BAT entry 1 points to a block at offset {block} "
                  "({span} bytes with its bitmap) outside the data ({data_end} bytes before the "
                  "footer); the file is truncated or the BAT is damaged"},
      {.name = "VhdBatEntriesOverlap",
       .damage = "BAT entry 1 of a dynamic VHD set to the block of entry 0",
       .make = MakeQemu("disk.vhd", QemuDiskKind::kVhdDynamic),
       .damage_it =
           [](Workspace& w, Target& t) {
             const VhdLayout vhd = ReadVhd(t.path);
             SetVhdBatEntry(t.path, vhd, 1, vhd.bat[0]);
             w.Set("block", uint64_t{vhd.bat[0]} * 512);
           },
       .first_to_fail = Entry::kDiskLayerOpen,
       .message = "'{path}' is not a valid VHD: BAT entries 0 and 1 point to overlapping blocks "
                  "at offsets {block} and {block}; the BAT is damaged"},
      {.name = "VhdBatEntryOverlapsTheBat",
       .damage = "BAT entry 1 of a dynamic VHD pointed at the BAT itself",
       .make = MakeQemu("disk.vhd", QemuDiskKind::kVhdDynamic),
       .damage_it =
           [](Workspace& w, Target& t) {
             const VhdLayout vhd = ReadVhd(t.path);
             SetVhdBatEntry(t.path, vhd, 1, static_cast<uint32_t>(vhd.bat_offset / 512));
             w.Set("bat", vhd.bat_offset);
             w.Set("span", vhd.block_size + 512);
           },
       .first_to_fail = Entry::kDiskLayerOpen,
       .message = "'{path}' is not a valid VHD: BAT entry 1 points to a block at offset {bat} "
                  "({span} bytes with its bitmap) that overlaps the BAT at offset {bat}; the BAT "
                  "is damaged"},
  };
}

// The layer's identity must be the DataWriteGuid of the header copy that survived.
void IdentityIsTheSurvivor(Workspace& w, const disk::DiskLayer& layer) {
  EXPECT_EQ(layer.identity().id.ToString(), w.Fill("{survivor}"))
      << "the layer did not pick the intact header";
}

std::vector<DiskCase> VhdxCases() {
  return {
      {.name = "VhdxDynamicCutInsideTheBat",
       .damage = "a dynamic VHDX cut in the middle of its BAT region",
       .make = MakeQemu("disk.vhdx", QemuDiskKind::kVhdxDynamic),
       .damage_it =
           [](Workspace& w, Target& t) {
             const VhdxLayout vhdx = ReadVhdx(t.path);
             Truncate(t.path, vhdx.bat_offset + vhdx.bat_length / 2);
             w.Set("bat", vhdx.bat_offset);
             w.Set("length", uint64_t{vhdx.bat_length});
             w.Set("size", vhdx.bat_offset + vhdx.bat_length / 2);
           },
       .message = "'{path}' is not a valid VHDX: BAT region at offset {bat} ({length} bytes) lies "
                  "beyond the end of the file ({size} bytes); the file is truncated or damaged"},
      {.name = "VhdxDynamicCutInsideABlock",
       .damage = "a dynamic VHDX cut 1 MiB into its first data block",
       .make = MakeQemu("disk.vhdx", QemuDiskKind::kVhdxDynamic),
       .damage_it =
           [](Workspace& w, Target& t) {
             const VhdxLayout vhdx = ReadVhdx(t.path);
             const uint64_t block = VhdxBlockOffset(vhdx.bat[0]);
             Truncate(t.path, block + kMiB);
             w.Set("block", block);
             w.Set("length", uint64_t{vhdx.block_size});
             w.Set("size", block + kMiB);
           },
       .message = "'{path}' is not a valid VHDX: BAT entry 0 points to a block at offset {block} "
                  "({length} bytes) outside the file ({size} bytes); the file is truncated or the "
                  "BAT is damaged"},
      {.name = "VhdxFixedCutInsideABlock",
       .damage = "a fixed VHDX cut 1 MiB into its first data block",
       .make = MakeQemu("disk.vhdx", QemuDiskKind::kVhdxFixed),
       .damage_it =
           [](Workspace& w, Target& t) {
             const VhdxLayout vhdx = ReadVhdx(t.path);
             const uint64_t block = VhdxBlockOffset(vhdx.bat[0]);
             EXPECT_EQ(vhdx.bat[0] & 7, kVhdxBlockFullyPresent);
             Truncate(t.path, block + kMiB);
             w.Set("block", block);
             w.Set("length", uint64_t{vhdx.block_size});
             w.Set("size", block + kMiB);
           },
       .message = "'{path}' is not a valid VHDX: BAT entry 0 points to a block at offset {block} "
                  "({length} bytes) outside the file ({size} bytes); the file is truncated or the "
                  "BAT is damaged"},
      {.name = "VhdxBothHeadersBadCrc",
       .damage = "one bit of the CRC-32C of both VHDX headers flipped",
       .make = MakeQemu("disk.vhdx", QemuDiskKind::kVhdxDynamic),
       .damage_it =
           [](Workspace& w, Target& t) {
             BreakChecksum(w, t.path, kVhdxHeaderOffsets[0] + 4, false, "stored1", "expected1");
             BreakChecksum(w, t.path, kVhdxHeaderOffsets[1] + 4, false, "stored2", "expected2");
           },
       .message = "'{path}' is not a valid VHDX: both headers are damaged (header 1 at offset "
                  "65536: checksum is {stored1}, expected {expected1}; header 2 at offset 131072: "
                  "checksum is {stored2}, expected {expected2})"},
      {.name = "VhdxCurrentHeaderBadCrcOpensWithTheOther",
       .damage = "one bit of the CRC-32C of the current VHDX header (higher sequence) flipped",
       .make = MakeQemu("disk.vhdx", QemuDiskKind::kVhdxDynamic),
       .damage_it =
           [](Workspace& w, Target& t) {
             const VhdxLayout vhdx = ReadVhdx(t.path);
             // qemu-io's write left the two copies with different DataWriteGuids.
             EXPECT_NE(vhdx.headers[0].data_write_guid, vhdx.headers[1].data_write_guid);
             w.Set("survivor", vhdx.headers[1 - vhdx.current].data_write_guid);
             XorByte(t.path, kVhdxHeaderOffsets[vhdx.current] + 4, 0x01);
           },
       .opens = IdentityIsTheSurvivor},
      {.name = "VhdxOlderHeaderBadCrcOpensWithTheCurrent",
       .damage = "one bit of the CRC-32C of the older VHDX header (lower sequence) flipped",
       .make = MakeQemu("disk.vhdx", QemuDiskKind::kVhdxDynamic),
       .damage_it =
           [](Workspace& w, Target& t) {
             const VhdxLayout vhdx = ReadVhdx(t.path);
             EXPECT_NE(vhdx.headers[0].data_write_guid, vhdx.headers[1].data_write_guid);
             w.Set("survivor", vhdx.headers[vhdx.current].data_write_guid);
             XorByte(t.path, kVhdxHeaderOffsets[1 - vhdx.current] + 4, 0x01);
           },
       .opens = IdentityIsTheSurvivor},
      {.name = "VhdxFirstRegionTableBadCrcOpensWithTheSecond",
       .damage = "one bit of the CRC-32C of VHDX region table 1 flipped (copy 2 intact)",
       .make = MakeQemu("disk.vhdx", QemuDiskKind::kVhdxDynamic),
       .damage_it = [](Workspace&,
                       Target& t) { XorByte(t.path, kVhdxRegionTableOffsets[0] + 4, 0x01); },
       .opens =
           [](Workspace&, const disk::DiskLayer& layer) {
             EXPECT_EQ(layer.info().virtual_size_bytes, 16 * kMiB);
           }},
      {.name = "VhdxBothRegionTablesBadCrc",
       .damage = "one bit of the CRC-32C of both VHDX region tables flipped",
       .make = MakeQemu("disk.vhdx", QemuDiskKind::kVhdxDynamic),
       .damage_it =
           [](Workspace& w, Target& t) {
             BreakChecksum(w, t.path, kVhdxRegionTableOffsets[0] + 4, false, "stored1",
                           "expected1");
             BreakChecksum(w, t.path, kVhdxRegionTableOffsets[1] + 4, false, "stored2",
                           "expected2");
           },
       .message = "'{path}' is not a valid VHDX: both region tables are damaged (region table 1 "
                  "at offset 196608: checksum is {stored1}, expected {expected1}; region table 2 "
                  "at offset 262144: checksum is {stored2}, expected {expected2})"},
      {.name = "VhdxMetadataVirtualSizeMissing",
       .damage = "the virtual disk size entry removed from the VHDX metadata table",
       .make = MakeQemu("disk.vhdx", QemuDiskKind::kVhdxDynamic),
       .damage_it =
           [](Workspace&, Target& t) {
             const VhdxLayout vhdx = ReadVhdx(t.path);
             const size_t removed = vhdx.items.at(kVhdxVirtualDiskSize).table_index;
             const size_t last = vhdx.metadata_entry_count - 1u;
             // The last entry takes the removed one's place; the count shrinks by one.
             const std::vector<uint8_t> moved =
                 ReadBytes(t.path, vhdx.metadata_offset + 32 + last * 32, 32);
             WriteBytes(t.path, vhdx.metadata_offset + 32 + removed * 32, moved);
             WriteBytes(t.path, vhdx.metadata_offset + 32 + last * 32, std::vector<uint8_t>(32));
             const uint8_t count[2] = {static_cast<uint8_t>(last), static_cast<uint8_t>(last >> 8)};
             WriteBytes(t.path, vhdx.metadata_offset + 10, count);
           },
       .message = "'{path}' is not a valid VHDX: metadata item virtual disk size "
                  "(2FA54224-CD1B-4876-B211-5DBED83BF4B8) is missing"},
      {.name = "VhdxMetadataBlockSizeNotAPowerOfTwo",
       .damage = "the VHDX file parameters' block size set to 3 MiB",
       .make = MakeQemu("disk.vhdx", QemuDiskKind::kVhdxDynamic),
       .damage_it =
           [](Workspace&, Target& t) {
             const VhdxLayout vhdx = ReadVhdx(t.path);
             uint8_t size[4];
             StoreLe32(size, 3 * kMiB);
             WriteBytes(t.path, vhdx.metadata_offset + vhdx.items.at(kVhdxFileParameters).offset,
                        size);
           },
       .message = "'{path}' is not a valid VHDX: metadata block size is 3145728 bytes, expected a "
                  "power of two from 1 MiB to 256 MiB"},
      {.name = "VhdxBatEntryPastEndOfFile",
       .damage = "VHDX BAT entry 1 set to a fully present block at 1 GiB, past the end",
       .make = MakeQemu("disk.vhdx", QemuDiskKind::kVhdxDynamic),
       .damage_it =
           [](Workspace& w, Target& t) {
             const VhdxLayout vhdx = ReadVhdx(t.path);
             SetVhdxBatEntry(t.path, vhdx, 1, uint64_t{1024} << 20 | kVhdxBlockFullyPresent);
             w.Set("length", uint64_t{vhdx.block_size});
             w.Set("size", vhdx.file_size);
           },
       .message = "'{path}' is not a valid VHDX: BAT entry 1 points to a block at offset "
                  "1073741824 ({length} bytes) outside the file ({size} bytes); the file is "
                  "truncated or the BAT is damaged"},
      {.name = "VhdxBatEntriesOverlap",
       .damage = "VHDX BAT entry 1 set to the block of entry 0",
       .make = MakeQemu("disk.vhdx", QemuDiskKind::kVhdxDynamic),
       .damage_it =
           [](Workspace& w, Target& t) {
             const VhdxLayout vhdx = ReadVhdx(t.path);
             SetVhdxBatEntry(t.path, vhdx, 1, vhdx.bat[0]);
             w.Set("block", VhdxBlockOffset(vhdx.bat[0]));
           },
       .first_to_fail = Entry::kDiskLayerOpen,
       .message = "'{path}' is not a valid VHDX: BAT entries 0 and 1 point to overlapping blocks "
                  "at offsets {block} and {block}; the BAT is damaged"},
      {.name = "VhdxBatEntryInsideTheMetadataRegion",
       .damage = "VHDX BAT entry 1 pointed at the metadata region",
       .make = MakeQemu("disk.vhdx", QemuDiskKind::kVhdxDynamic),
       .damage_it =
           [](Workspace& w, Target& t) {
             const VhdxLayout vhdx = ReadVhdx(t.path);
             SetVhdxBatEntry(t.path, vhdx, 1, vhdx.metadata_offset | kVhdxBlockFullyPresent);
             w.Set("metadata", vhdx.metadata_offset);
             w.Set("length", uint64_t{vhdx.block_size});
             w.Set("metadata_length", uint64_t{vhdx.metadata_length});
           },
       .first_to_fail = Entry::kDiskLayerOpen,
       .message = "'{path}' is not a valid VHDX: BAT entry 1 points to a block at offset "
                  "{metadata} ({length} bytes) that overlaps the metadata region at offset "
                  "{metadata} ({metadata_length} bytes); the BAT is damaged"},
      {.name = "VhdxLogNeedsReplay",
       .damage = "a non-zero LogGuid written into both VHDX headers (CRC-32C recomputed)",
       .make = MakeQemu("disk.vhdx", QemuDiskKind::kVhdxDynamic),
       .damage_it =
           [](Workspace& w, Target& t) {
             const std::vector<uint8_t> log_guid = {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
                                                    0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc, 0xfe};
             EditVhdxHeader(t.path, 0, 48, log_guid);
             EditVhdxHeader(t.path, 1, 48, log_guid);
             w.Set("guid", GuidTextMixed(log_guid.data()));
           },
       .message = "'{path}' needs log replay (its header's LogGuid is {guid}); open it once in "
                  "Hyper-V or run qemu-img check -r all"},
      {.name = "VhdxSignatureWrong",
       .damage = "the VHDX file type identifier 'vhdxfile' changed to 'vhdxfilE'",
       .make = MakeQemu("disk.vhdx", QemuDiskKind::kVhdxDynamic),
       .damage_it = [](Workspace&, Target& t) { XorByte(t.path, 7, 0x20); },
       .message = "'{path}' is not a valid VHDX: signature at offset 0 is 'vhdxfilE', expected "
                  "'vhdxfile'"},
      {.name = "VhdxNamedVhd",
       .damage = "a sound VHDX renamed to end in .vhd",
       .make = MakeQemu("disk.vhdx", QemuDiskKind::kVhdxDynamic),
       .damage_it =
           [](Workspace&, Target& t) {
             const fs::path renamed = fs::path(t.path).replace_extension(".vhd");
             fs::rename(t.path, renamed);
             t.path = renamed;
           },
       .message = "'{path}' holds a VHDX disk but its name ends in '.vhd'; rename it to end in "
                  "'.vhdx'"},
      {.name = "EmptyFile",
       .damage = "a VHDX truncated to 0 bytes",
       .make = MakeQemu("disk.vhdx", QemuDiskKind::kVhdxDynamic),
       .damage_it = [](Workspace&, Target& t) { Truncate(t.path, 0); },
       .message = "'{path}' is empty (0 bytes), not a VHD or VHDX file; copy the disk again"},
  };
}

INSTANTIATE_TEST_SUITE_P(Vhd, DamagedDiskTest, ::testing::ValuesIn(VhdCases()), DiskCaseName);
INSTANTIATE_TEST_SUITE_P(Vhdx, DamagedDiskTest, ::testing::ValuesIn(VhdxCases()), DiskCaseName);

}  // namespace
}  // namespace vsm::corpus
