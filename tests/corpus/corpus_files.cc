#include "corpus_files.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>

namespace vsm::corpus {
namespace {

namespace fs = std::filesystem;

const char* kBatRegion = "2DC27766-F623-4200-9D64-115E9BFD4A08";
const char* kMetadataRegion = "8B7CA206-4790-4B9A-B8FE-575F050F886E";

std::string GuidText(const std::array<uint8_t, 16>& b) {
  return fmt::format(
      "{:02X}{:02X}{:02X}{:02X}-{:02X}{:02X}-{:02X}{:02X}-{:02X}{:02X}-"
      "{:02X}{:02X}{:02X}{:02X}{:02X}{:02X}",
      b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
      b[15]);
}

}  // namespace

std::vector<uint8_t> ReadBytes(const fs::path& file, uint64_t offset, size_t length) {
  std::ifstream in(file, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(offset));
  std::vector<uint8_t> bytes(length);
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(length));
  if (!in || static_cast<size_t>(in.gcount()) != length) {
    ADD_FAILURE() << "cannot read " << length << " bytes at " << offset << " of " << file;
    std::fill(bytes.begin(), bytes.end(), 0);
  }
  return bytes;
}

std::vector<uint8_t> ReadAll(const fs::path& file) {
  return ReadBytes(file, 0, static_cast<size_t>(fs::file_size(file)));
}

void WriteBytes(const fs::path& file, uint64_t offset, std::span<const uint8_t> bytes) {
  std::fstream out(file, std::ios::in | std::ios::out | std::ios::binary);
  out.seekp(static_cast<std::streamoff>(offset));
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  if (!out)
    ADD_FAILURE() << "cannot write " << bytes.size() << " bytes at " << offset << " of " << file;
}

void XorByte(const fs::path& file, uint64_t offset, uint8_t mask) {
  std::vector<uint8_t> byte = ReadBytes(file, offset, 1);
  byte[0] ^= mask;
  WriteBytes(file, offset, byte);
}

void Truncate(const fs::path& file, uint64_t size_bytes) { fs::resize_file(file, size_bytes); }

size_t ReplaceEverywhere(const fs::path& file, std::span<const uint8_t> from,
                         std::span<const uint8_t> to) {
  EXPECT_EQ(from.size(), to.size());
  std::vector<uint8_t> bytes = ReadAll(file);
  size_t count = 0;
  auto at = bytes.begin();
  while ((at = std::search(at, bytes.end(), from.begin(), from.end())) != bytes.end()) {
    std::copy(to.begin(), to.end(), at);
    at += static_cast<std::ptrdiff_t>(from.size());
    ++count;
  }
  if (count > 0) WriteBytes(file, 0, bytes);
  return count;
}

std::vector<uint8_t> Utf16Le(const std::string& ascii) {
  std::vector<uint8_t> out;
  for (char c : ascii) {
    out.push_back(static_cast<uint8_t>(c));
    out.push_back(0);
  }
  return out;
}

std::vector<uint8_t> Utf16Be(const std::string& ascii) {
  std::vector<uint8_t> out;
  for (char c : ascii) {
    out.push_back(0);
    out.push_back(static_cast<uint8_t>(c));
  }
  return out;
}

uint32_t LoadBe32(const uint8_t* p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
}
uint64_t LoadBe64(const uint8_t* p) { return uint64_t{LoadBe32(p)} << 32 | LoadBe32(p + 4); }
uint32_t LoadLe32(const uint8_t* p) {
  return uint32_t{p[3]} << 24 | uint32_t{p[2]} << 16 | uint32_t{p[1]} << 8 | p[0];
}
uint64_t LoadLe64(const uint8_t* p) { return uint64_t{LoadLe32(p + 4)} << 32 | LoadLe32(p); }
void StoreBe32(uint8_t* p, uint32_t value) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(value >> (24 - 8 * i));
}
void StoreLe32(uint8_t* p, uint32_t value) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(value >> (8 * i));
}
void StoreLe64(uint8_t* p, uint64_t value) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<uint8_t>(value >> (8 * i));
}

uint32_t VhdChecksum(std::span<const uint8_t> bytes, size_t field) {
  uint32_t sum = 0;
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i < field || i >= field + 4) sum += bytes[i];
  }
  return ~sum;
}

uint32_t Crc32c(std::span<const uint8_t> bytes, size_t field) {
  uint32_t crc = 0xFFFFFFFF;
  for (size_t i = 0; i < bytes.size(); ++i) {
    crc ^= (i >= field && i < field + 4) ? 0 : bytes[i];
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ (0x82F63B78 & (0u - (crc & 1)));
  }
  return ~crc;
}

std::string Hex32(uint32_t value) { return fmt::format("{:#010x}", value); }

std::string GuidTextStored(const uint8_t* p) {
  std::array<uint8_t, 16> b;
  std::copy(p, p + 16, b.begin());
  return GuidText(b);
}

std::string GuidTextMixed(const uint8_t* p) {
  std::array<uint8_t, 16> b = {p[3], p[2], p[1], p[0], p[5], p[4], p[7], p[6]};
  std::copy(p + 8, p + 16, b.begin() + 8);
  return GuidText(b);
}

std::string LinkageText(const uint8_t* p) {
  std::string text = "{" + GuidTextMixed(p) + "}";
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

VhdLayout ReadVhd(const fs::path& file) {
  VhdLayout layout;
  layout.file_size = fs::file_size(file);
  layout.footer_offset = layout.file_size - kVhdFooterBytes;
  const std::vector<uint8_t> footer = ReadBytes(file, layout.footer_offset, kVhdFooterBytes);
  layout.disk_type = LoadBe32(footer.data() + 60);
  layout.current_size = LoadBe64(footer.data() + 48);
  layout.unique_id = GuidTextStored(footer.data() + 68);
  layout.timestamp = LoadBe32(footer.data() + 24);
  if (layout.disk_type == 2) return layout;
  layout.header_offset = LoadBe64(footer.data() + 16);
  const std::vector<uint8_t> header = ReadBytes(file, layout.header_offset, kVhdDynamicHeaderBytes);
  layout.bat_offset = LoadBe64(header.data() + 16);
  layout.max_table_entries = LoadBe32(header.data() + 28);
  layout.block_size = LoadBe32(header.data() + 32);
  const uint64_t used = (layout.current_size + layout.block_size - 1) / layout.block_size;
  const std::vector<uint8_t> bat = ReadBytes(file, layout.bat_offset, used * 4);
  for (uint64_t i = 0; i < used; ++i) layout.bat.push_back(LoadBe32(bat.data() + i * 4));
  return layout;
}

void FixVhdDynamicHeaderChecksum(const fs::path& file, uint64_t header_offset) {
  std::vector<uint8_t> header = ReadBytes(file, header_offset, kVhdDynamicHeaderBytes);
  StoreBe32(header.data() + kVhdDynamicHeaderChecksum,
            VhdChecksum(header, kVhdDynamicHeaderChecksum));
  WriteBytes(file, header_offset, header);
}

VhdxLayout ReadVhdx(const fs::path& file) {
  VhdxLayout layout;
  layout.file_size = fs::file_size(file);
  for (int i = 0; i < 2; ++i) {
    const std::vector<uint8_t> h = ReadBytes(file, kVhdxHeaderOffsets[i], kVhdxHeaderBytes);
    VhdxHeaderCopy& copy = layout.headers[i];
    copy.offset = kVhdxHeaderOffsets[i];
    copy.checksum = LoadLe32(h.data() + 4);
    copy.sequence_number = LoadLe64(h.data() + 8);
    copy.data_write_guid = GuidTextMixed(h.data() + 32);
    copy.data_write_linkage = LinkageText(h.data() + 32);
  }
  layout.current = layout.headers[1].sequence_number > layout.headers[0].sequence_number ? 1 : 0;
  for (int i = 0; i < 2; ++i) {
    layout.region_table_checksums[i] =
        LoadLe32(ReadBytes(file, kVhdxRegionTableOffsets[i] + 4, 4).data());
  }
  const std::vector<uint8_t> table =
      ReadBytes(file, kVhdxRegionTableOffsets[0], kVhdxRegionTableBytes);
  const uint32_t regions = LoadLe32(table.data() + 8);
  for (uint32_t i = 0; i < regions && i < 16; ++i) {
    const uint8_t* entry = table.data() + 16 + i * 32;
    const std::string guid = GuidTextMixed(entry);
    if (guid == kBatRegion) {
      layout.bat_offset = LoadLe64(entry + 16);
      layout.bat_length = LoadLe32(entry + 24);
    } else if (guid == kMetadataRegion) {
      layout.metadata_offset = LoadLe64(entry + 16);
      layout.metadata_length = LoadLe32(entry + 24);
    }
  }
  const std::vector<uint8_t> metadata = ReadBytes(file, layout.metadata_offset, 64 * 1024);
  layout.metadata_entry_count = static_cast<uint16_t>(metadata[10] | metadata[11] << 8);
  for (size_t i = 0; i < layout.metadata_entry_count; ++i) {
    const uint8_t* entry = metadata.data() + 32 + i * 32;
    VhdxMetadataItem item{GuidTextMixed(entry), LoadLe32(entry + 16), LoadLe32(entry + 20),
                          LoadLe32(entry + 24), i};
    layout.items[item.guid] = item;
  }
  const VhdxMetadataItem& parameters = layout.items[kVhdxFileParameters];
  layout.block_size =
      LoadLe32(ReadBytes(file, layout.metadata_offset + parameters.offset, 4).data());
  const VhdxMetadataItem& size = layout.items[kVhdxVirtualDiskSize];
  layout.virtual_size = LoadLe64(ReadBytes(file, layout.metadata_offset + size.offset, 8).data());
  const std::vector<uint8_t> bat = ReadBytes(file, layout.bat_offset, 64 * 8);
  for (size_t i = 0; i < 64; ++i) layout.bat.push_back(LoadLe64(bat.data() + i * 8));
  return layout;
}

void EditVhdxHeader(const fs::path& file, int index, size_t field, std::span<const uint8_t> value) {
  std::vector<uint8_t> header = ReadBytes(file, kVhdxHeaderOffsets[index], kVhdxHeaderBytes);
  std::copy(value.begin(), value.end(), header.begin() + static_cast<std::ptrdiff_t>(field));
  StoreLe32(header.data() + 4, Crc32c(header, 4));
  WriteBytes(file, kVhdxHeaderOffsets[index], header);
}

}  // namespace vsm::corpus
