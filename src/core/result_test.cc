#include "core/result.h"

#include <gtest/gtest.h>

#include <string>

namespace vsm {
namespace {

Result<int> Half(int n) {
  if (n % 2 != 0) return Error::InvalidParameter("odd");
  return n / 2;
}

Result<int> Quarter(int n) {
  VSM_ASSIGN_OR_RETURN(int half, Half(n));
  return Half(half);
}

Result<void> CheckEven(int n) {
  VSM_RETURN_IF_ERROR(Half(n));
  return Ok();
}

TEST(ResultTest, CarriesValueOrError) {
  EXPECT_EQ(*Quarter(8), 2);
  Result<int> failed = Quarter(6);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code(), ReturnCode::kInvalidParameter);
  EXPECT_TRUE(CheckEven(4).ok());
  EXPECT_EQ(CheckEven(5).error().message(), "odd");
}

}  // namespace
}  // namespace vsm
