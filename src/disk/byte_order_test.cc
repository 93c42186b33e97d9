#include "disk/byte_order.h"

#include <gtest/gtest.h>

namespace vsm::disk {
namespace {

TEST(ByteOrderTest, LoadsBigAndLittleEndianIntegers) {
  const uint8_t bytes[8] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08};
  EXPECT_EQ(LoadBigEndian16(bytes), 0x0102);
  EXPECT_EQ(LoadBigEndian32(bytes), 0x01020304u);
  EXPECT_EQ(LoadBigEndian64(bytes), 0x0102030405060708u);
  EXPECT_EQ(LoadLittleEndian16(bytes), 0x0201);
  EXPECT_EQ(LoadLittleEndian32(bytes), 0x04030201u);
  EXPECT_EQ(LoadLittleEndian64(bytes), 0x0807060504030201u);
}

TEST(ByteOrderTest, StoresRoundTrip) {
  uint8_t bytes[4];
  StoreBigEndian32(bytes, 0xDEADBEEF);
  EXPECT_EQ(LoadBigEndian32(bytes), 0xDEADBEEFu);
  StoreLittleEndian32(bytes, 0xDEADBEEF);
  EXPECT_EQ(LoadLittleEndian32(bytes), 0xDEADBEEFu);
}

// The BAT region GUID as qemu-img writes it in a VHDX region table.
TEST(ByteOrderTest, VhdxGuidsAreMixedEndianOnDisk) {
  const uint8_t on_disk[16] = {0x66, 0x77, 0xC2, 0x2D, 0x23, 0xF6, 0x00, 0x42,
                               0x9D, 0x64, 0x11, 0x5E, 0x9B, 0xFD, 0x4A, 0x08};
  EXPECT_EQ(LoadGuidMixedEndian(on_disk).ToString(), "2DC27766-F623-4200-9D64-115E9BFD4A08");
  uint8_t stored[16];
  StoreGuidMixedEndian(stored, LoadGuidMixedEndian(on_disk));
  EXPECT_EQ(std::vector<uint8_t>(stored, stored + 16), std::vector<uint8_t>(on_disk, on_disk + 16));
}

TEST(ByteOrderTest, VhdGuidsAreInStoredOrder) {
  const uint8_t on_disk[16] = {0x89, 0xC2, 0xDD, 0xB1, 0xC2, 0xBB, 0x44, 0x1B,
                               0x9A, 0xCC, 0x16, 0x22, 0x96, 0x28, 0x66, 0xD4};
  EXPECT_EQ(LoadGuidInStoredOrder(on_disk).ToString(), "89C2DDB1-C2BB-441B-9ACC-1622962866D4");
}

}  // namespace
}  // namespace vsm::disk
