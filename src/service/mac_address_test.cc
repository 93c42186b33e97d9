#include "service/mac_address.h"

#include <gtest/gtest.h>

namespace vsm::service {
namespace {

TEST(MacAddressTest, GeneratesHyperVRangeAddresses) {
  std::string mac = GenerateDynamicMacAddress();
  EXPECT_EQ(mac.size(), 12u);
  EXPECT_EQ(mac.substr(0, 6), "00155D");
  EXPECT_EQ(NormalizeMacAddress(mac), mac);
}

TEST(MacAddressTest, NormalizesCommonForms) {
  EXPECT_EQ(NormalizeMacAddress("00:15:5d:0a:0b:0c"), "00155D0A0B0C");
  EXPECT_EQ(NormalizeMacAddress("00-15-5D-0A-0B-0C"), "00155D0A0B0C");
  EXPECT_FALSE(NormalizeMacAddress("00155D0A0B0"));
  EXPECT_FALSE(NormalizeMacAddress("01155D0A0B0C"));  // multicast
  EXPECT_FALSE(NormalizeMacAddress("000000000000"));
  EXPECT_FALSE(NormalizeMacAddress("0:015:5D0A0B0C"));
  EXPECT_FALSE(NormalizeMacAddress("00155D0A0B0G"));
}

}  // namespace
}  // namespace vsm::service
