#include "core/cim_datetime.h"

#include <gtest/gtest.h>

namespace vsm {
namespace {

TEST(DatetimeTest, FormatsAndParsesPointsInTime) {
  auto time = std::chrono::sys_days(std::chrono::year(2026) / 11 / 25) + std::chrono::hours(6) +
              std::chrono::minutes(38) + std::chrono::seconds(2) +
              std::chrono::microseconds(123456);
  EXPECT_EQ(FormatDatetime(time), "20261125063802.123456+000");
  EXPECT_EQ(ParseDatetime("20261125063802.123456+000"), time);
  EXPECT_EQ(ParseDatetime("20261125083802.123456+120"), time);  // UTC+2h
  EXPECT_FALSE(ParseDatetime("2026112506380.123456+000"));
  EXPECT_FALSE(ParseDatetime("20261325063802.123456+000"));
}

TEST(DatetimeTest, FormatsEveryFieldWithItsLeadingZeros) {
  EXPECT_EQ(FormatDatetime(std::chrono::system_clock::time_point{}), "19700101000000.000000+000");
  auto leap = std::chrono::sys_days(std::chrono::year(2000) / 2 / 29) + std::chrono::hours(23) +
              std::chrono::minutes(59) + std::chrono::seconds(59) +
              std::chrono::microseconds(999999);
  EXPECT_EQ(FormatDatetime(leap), "20000229235959.999999+000");
  auto small = std::chrono::sys_days(std::chrono::year(2031) / 1 / 2) + std::chrono::hours(3) +
               std::chrono::minutes(4) + std::chrono::seconds(5) + std::chrono::microseconds(6);
  EXPECT_EQ(FormatDatetime(small), "20310102030405.000006+000");
  EXPECT_EQ(ParseDatetime(FormatDatetime(small)), small);
}

TEST(DatetimeTest, FormatsAndParsesIntervals) {
  EXPECT_EQ(FormatInterval(std::chrono::minutes(5)), "00000000000500.000000:000");
  auto interval = std::chrono::days(3) + std::chrono::hours(4) + std::chrono::microseconds(7);
  EXPECT_EQ(ParseInterval(FormatInterval(interval)), interval);
  EXPECT_FALSE(ParseInterval("00000000000500.000000+000"));
}

}  // namespace
}  // namespace vsm
