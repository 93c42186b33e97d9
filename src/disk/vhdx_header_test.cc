#include "disk/vhdx_header.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "disk/byte_order.h"
#include "disk/crc32c.h"

namespace vsm::disk {
namespace {

using ::testing::HasSubstr;

void Reseal(std::vector<uint8_t>& header) {
  StoreLittleEndian32(header.data() + kVhdxHeaderChecksumOffset,
                      Crc32cWithZeroedField(header, kVhdxHeaderChecksumOffset));
}

std::vector<uint8_t> MakeHeader(uint64_t sequence_number) {
  std::vector<uint8_t> header(kVhdxHeaderSize);
  std::memcpy(header.data(), "head", 4);
  StoreLittleEndian32(header.data() + 8, static_cast<uint32_t>(sequence_number));
  StoreLittleEndian32(header.data() + 12, static_cast<uint32_t>(sequence_number >> 32));
  StoreGuidMixedEndian(header.data() + 32, *Guid::Parse("11111111-2222-3333-4444-555555555555"));
  header[66] = 1;     // version
  header[70] = 0x10;  // log length 1 MiB
  header[74] = 0x10;  // log offset 1 MiB
  Reseal(header);
  return header;
}

TEST(ParseVhdxHeaderTest, ParsesAValidHeader) {
  Result<VhdxHeader> header = ParseVhdxHeader(MakeHeader(0x100000002), kVhdxHeader1Offset);
  ASSERT_TRUE(header.ok()) << header.error().ToString();
  EXPECT_EQ(header->sequence_number, 0x100000002u);
  EXPECT_EQ(header->data_write_guid.ToString(), "11111111-2222-3333-4444-555555555555");
  EXPECT_TRUE(header->log_guid.IsNull());
  EXPECT_EQ(header->version, 1);
  EXPECT_EQ(header->log_length_bytes, 1u << 20);
  EXPECT_EQ(header->log_offset, 1u << 20);
}

TEST(ParseVhdxHeaderTest, RejectsBadSignatureChecksumAndVersion) {
  std::vector<uint8_t> header = MakeHeader(1);
  header[0] = 'x';
  EXPECT_EQ(ParseVhdxHeader(header, kVhdxHeader2Offset).error().message(),
            "header 2 at offset 131072: signature is 'xead', expected 'head'");
  header = MakeHeader(1);
  header[4000] = 7;
  EXPECT_THAT(ParseVhdxHeader(header, kVhdxHeader1Offset).error().message(),
              HasSubstr("header 1 at offset 65536: checksum is 0x"));
  header = MakeHeader(1);
  header[66] = 2;
  Reseal(header);
  EXPECT_EQ(ParseVhdxHeader(header, kVhdxHeader1Offset).error().message(),
            "header 1 at offset 65536: version is 2, expected 1");
}

TEST(SelectVhdxHeaderTest, HigherSequenceNumberWins) {
  Result<VhdxHeader> low = ParseVhdxHeader(MakeHeader(5), kVhdxHeader1Offset);
  Result<VhdxHeader> high = ParseVhdxHeader(MakeHeader(6), kVhdxHeader2Offset);
  EXPECT_EQ(SelectVhdxHeader(low, high, "/x.vhdx")->sequence_number, 6u);
  EXPECT_EQ(SelectVhdxHeader(high, low, "/x.vhdx")->sequence_number, 6u);
}

TEST(SelectVhdxHeaderTest, OneValidCopyIsEnough) {
  std::vector<uint8_t> damaged = MakeHeader(9);
  damaged[100] ^= 1;
  Result<VhdxHeader> bad = ParseVhdxHeader(damaged, kVhdxHeader1Offset);
  Result<VhdxHeader> good = ParseVhdxHeader(MakeHeader(3), kVhdxHeader2Offset);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(SelectVhdxHeader(bad, good, "/x.vhdx")->sequence_number, 3u);
  EXPECT_EQ(SelectVhdxHeader(good, bad, "/x.vhdx")->sequence_number, 3u);
}

TEST(SelectVhdxHeaderTest, BothDamagedIsAnErrorNamingBoth) {
  std::vector<uint8_t> damaged = MakeHeader(9);
  damaged[100] ^= 1;
  Result<VhdxHeader> selected = SelectVhdxHeader(
      ParseVhdxHeader(damaged, kVhdxHeader1Offset),
      ParseVhdxHeader(std::vector<uint8_t>(kVhdxHeaderSize), kVhdxHeader2Offset), "/d/x.vhdx");
  ASSERT_FALSE(selected.ok());
  EXPECT_EQ(selected.error().code(), ReturnCode::kInvalidParameter);
  EXPECT_THAT(selected.error().message(),
              HasSubstr("'/d/x.vhdx' is not a valid VHDX: both headers are damaged (header 1 at "
                        "offset 65536: checksum is 0x"));
  EXPECT_THAT(selected.error().message(),
              HasSubstr("; header 2 at offset 131072: signature is 0x00000000, expected 'head')"));
}

TEST(SelectVhdxHeaderTest, PendingLogIsAnErrorNeverIgnored) {
  std::vector<uint8_t> with_log = MakeHeader(8);
  StoreGuidMixedEndian(with_log.data() + 48, *Guid::Parse("AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE"));
  Reseal(with_log);
  Result<VhdxHeader> selected =
      SelectVhdxHeader(ParseVhdxHeader(MakeHeader(7), kVhdxHeader1Offset),
                       ParseVhdxHeader(with_log, kVhdxHeader2Offset), "/d/x.vhdx");
  ASSERT_FALSE(selected.ok());
  EXPECT_EQ(selected.error().code(), ReturnCode::kInvalidParameter);
  EXPECT_EQ(selected.error().message(),
            "'/d/x.vhdx' needs log replay (its header's LogGuid is "
            "AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE); open it once in Hyper-V or run qemu-img check "
            "-r all");
}

}  // namespace
}  // namespace vsm::disk
