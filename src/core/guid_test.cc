#include "core/guid.h"

#include <gtest/gtest.h>

#include <set>

namespace vsm {
namespace {

TEST(GuidTest, RoundTripsThroughText) {
  Guid guid = Guid::Generate();
  std::optional<Guid> parsed = Guid::Parse(guid.ToString());
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(*parsed, guid);
}

TEST(GuidTest, WritesUpperCaseWithDashes) {
  auto guid = Guid::Parse("{4f1c2d3e-0a1b-4c5d-8e9f-0123456789ab}");
  ASSERT_TRUE(guid.has_value());
  EXPECT_EQ(guid->ToString(), "4F1C2D3E-0A1B-4C5D-8E9F-0123456789AB");
}

TEST(GuidTest, RejectsMalformedText) {
  EXPECT_FALSE(Guid::Parse(""));
  EXPECT_FALSE(Guid::Parse("4F1C2D3E-0A1B-4C5D-8E9F-0123456789A"));
  EXPECT_FALSE(Guid::Parse("4F1C2D3E-0A1B-4C5D-8E9F-0123456789AG"));
  EXPECT_FALSE(Guid::Parse("4F1C2D3E00A1B-4C5D-8E9F-0123456789AB"));
}

TEST(GuidTest, GeneratedGuidsAreVersion4AndDistinct) {
  std::set<Guid> seen;
  for (int i = 0; i < 1000; ++i) {
    Guid guid = Guid::Generate();
    EXPECT_FALSE(guid.IsNull());
    EXPECT_EQ(guid.bytes()[6] >> 4, 4);
    seen.insert(guid);
  }
  EXPECT_EQ(seen.size(), 1000u);
  EXPECT_TRUE(Guid().IsNull());
}

}  // namespace
}  // namespace vsm
