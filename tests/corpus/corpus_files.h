// Byte-level edits of real disk files, and small readers of the VHD and VHDX structures the
// corpus damages. Written from the specifications (VHD 1.0, MS-VHDX), not from vsm's parsers,
// so that the offsets and checksums a corpus case names come from an independent reading of the
// file qemu-img made. Test-only; failures are reported with ADD_FAILURE. Not thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace vsm::corpus {

// Whole-file and ranged reads and writes. A short file or I/O error fails the test.
std::vector<uint8_t> ReadBytes(const std::filesystem::path& file, uint64_t offset, size_t length);
std::vector<uint8_t> ReadAll(const std::filesystem::path& file);
void WriteBytes(const std::filesystem::path& file, uint64_t offset, std::span<const uint8_t> bytes);
void XorByte(const std::filesystem::path& file, uint64_t offset, uint8_t mask);
void Truncate(const std::filesystem::path& file, uint64_t size_bytes);
// Replaces every occurrence of `from` by `to` (same length) in the file; returns how many.
size_t ReplaceEverywhere(const std::filesystem::path& file, std::span<const uint8_t> from,
                         std::span<const uint8_t> to);

// ASCII text as UTF-16 code units, little- or big-endian.
std::vector<uint8_t> Utf16Le(const std::string& ascii);
std::vector<uint8_t> Utf16Be(const std::string& ascii);

uint32_t LoadBe32(const uint8_t* p);
uint64_t LoadBe64(const uint8_t* p);
uint32_t LoadLe32(const uint8_t* p);
uint64_t LoadLe64(const uint8_t* p);
void StoreBe32(uint8_t* p, uint32_t value);
void StoreLe32(uint8_t* p, uint32_t value);
void StoreLe64(uint8_t* p, uint64_t value);

// The VHD checksum: one's complement of the byte sum, the 4-byte field at `field` counted as 0.
uint32_t VhdChecksum(std::span<const uint8_t> bytes, size_t field);
// CRC-32C (Castagnoli) of `bytes` with the 4-byte field at `field` counted as 0 (MS-VHDX).
uint32_t Crc32c(std::span<const uint8_t> bytes, size_t field);

// "0x1234abcd", as the disk errors print 32-bit values.
std::string Hex32(uint32_t value);
// Upper-case dashed text of a GUID stored big-endian (VHD) or mixed-endian (VHDX).
std::string GuidTextStored(const uint8_t* p);
std::string GuidTextMixed(const uint8_t* p);
// The lower-case braced text of a GUID stored mixed-endian, as a VHDX parent_linkage holds it.
std::string LinkageText(const uint8_t* p);

// VHD: footer at the end, dynamic header and BAT of dynamic and differencing disks.
inline constexpr uint64_t kVhdFooterBytes = 512;
inline constexpr uint64_t kVhdFooterChecksum = 64;
inline constexpr uint64_t kVhdDynamicHeaderBytes = 1024;
inline constexpr uint64_t kVhdDynamicHeaderChecksum = 36;
struct VhdLayout {
  uint64_t file_size = 0;
  uint64_t footer_offset = 0;
  uint32_t disk_type = 0;
  uint64_t current_size = 0;
  std::string unique_id;       // footer unique id
  uint32_t timestamp = 0;      // footer time stamp
  uint64_t header_offset = 0;  // dynamic header; dynamic/differencing only
  uint64_t bat_offset = 0;
  uint32_t max_table_entries = 0;
  uint32_t block_size = 0;
  std::vector<uint32_t> bat;  // the entries that map the virtual size
};
VhdLayout ReadVhd(const std::filesystem::path& file);
// Recomputes the dynamic header's checksum after an edit.
void FixVhdDynamicHeaderChecksum(const std::filesystem::path& file, uint64_t header_offset);

// VHDX: the two headers, the region table, the metadata table and the BAT.
inline constexpr uint64_t kVhdxHeaderOffsets[2] = {64 * 1024, 128 * 1024};
inline constexpr size_t kVhdxHeaderBytes = 4096;
inline constexpr uint64_t kVhdxRegionTableOffsets[2] = {192 * 1024, 256 * 1024};
inline constexpr size_t kVhdxRegionTableBytes = 64 * 1024;
struct VhdxHeaderCopy {
  uint64_t offset = 0;
  uint64_t sequence_number = 0;
  uint32_t checksum = 0;
  std::string data_write_guid;
  std::string data_write_linkage;  // the same, as a child's parent_linkage spells it
};
struct VhdxMetadataItem {
  std::string guid;
  uint32_t offset = 0;  // from the start of the metadata region
  uint32_t length = 0;
  uint32_t flags = 0;
  size_t table_index = 0;
};
struct VhdxLayout {
  uint64_t file_size = 0;
  VhdxHeaderCopy headers[2];
  int current = 0;  // the index of the header with the higher sequence number
  uint32_t region_table_checksums[2] = {0, 0};
  uint64_t bat_offset = 0;
  uint32_t bat_length = 0;
  uint64_t metadata_offset = 0;
  uint32_t metadata_length = 0;
  std::map<std::string, VhdxMetadataItem> items;  // by GUID text
  uint16_t metadata_entry_count = 0;
  uint32_t block_size = 0;
  uint64_t virtual_size = 0;
  std::vector<uint64_t> bat;  // the first entries (enough for the corpus' small disks)
};
VhdxLayout ReadVhdx(const std::filesystem::path& file);
// Rewrites bytes [field, field + value.size()) of header copy `index` and recomputes its CRC.
void EditVhdxHeader(const std::filesystem::path& file, int index, size_t field,
                    std::span<const uint8_t> value);

inline constexpr char kVhdxFileParameters[] = "CAA16737-FA36-4D43-B3B6-33F0AA44E76B";
inline constexpr char kVhdxVirtualDiskSize[] = "2FA54224-CD1B-4876-B211-5DBED83BF4B8";
inline constexpr uint64_t kVhdxBlockFullyPresent = 6;

}  // namespace vsm::corpus
