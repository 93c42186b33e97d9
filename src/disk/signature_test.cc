#include "disk/signature.h"

#include <gtest/gtest.h>

#include <vector>

namespace vsm::disk {
namespace {

TEST(SignatureTest, MatchesPrefix) {
  const std::vector<uint8_t> bytes = {'c', 'o', 'n', 'e', 'c', 't', 'i', 'x', 0};
  EXPECT_TRUE(HasSignature(bytes, "conectix"));
  EXPECT_FALSE(HasSignature(bytes, "cxsparse"));
  EXPECT_FALSE(HasSignature(std::span(bytes).first(4), "conectix"));
}

TEST(SignatureTest, DescribesPrintableAsTextAndOtherAsHex) {
  const std::vector<uint8_t> text = {'h', 'e', 'a', 'd', 'x'};
  EXPECT_EQ(DescribeSignature(text, 4), "'head'");
  const std::vector<uint8_t> binary = {0x00, 0xff, 'a', 'b'};
  EXPECT_EQ(DescribeSignature(binary, 4), "0x00ff6162");
  EXPECT_EQ(DescribeSignature(binary, 8), "0x00ff6162");
}

}  // namespace
}  // namespace vsm::disk
