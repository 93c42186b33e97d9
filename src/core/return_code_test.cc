#include "core/return_code.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace vsm {
namespace {

TEST(ReturnCodeTest, NamesEveryCodeOfTheSpec) {
  EXPECT_EQ(ReturnCodeDescription(ReturnCode::kJobStarted), "Method Parameters Checked - Job Started");
  EXPECT_EQ(ReturnCodeDescription(ReturnCode::kInvalidParameter), "Invalid parameter");
  EXPECT_EQ(ReturnCodeName(ReturnCode::kSystemInUse), "SystemInUse");
  for (uint32_t number : {0u, 4096u, 32768u, 32769u, 32770u, 32771u, 32772u, 32773u, 32774u,
                          32775u, 32776u, 32777u, 32778u, 32779u}) {
    EXPECT_TRUE(ReturnCodeFromNumber(number).has_value()) << number;
  }
  EXPECT_FALSE(ReturnCodeFromNumber(1).has_value());
  EXPECT_EQ(ReturnCodeTableEnd() - ReturnCodeTableBegin(), 14);
}

TEST(ReturnCodeTest, ErrorToStringNamesCodeNumberAndMessage) {
  Error error = Error::InvalidParameter("ImportDirectory '' is empty");
  EXPECT_EQ(error.ToString(), "InvalidParameter (32773): ImportDirectory '' is empty");
}

}  // namespace
}  // namespace vsm
