#include "core/cim_datetime.h"

#include <fmt/format.h>

#include <charconv>

namespace vsm {
namespace {

bool ParseDigits(std::string_view text, size_t at, size_t count, int64_t& out) {
  if (at + count > text.size()) return false;
  out = 0;
  for (size_t i = at; i < at + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    out = out * 10 + (text[i] - '0');
  }
  return true;
}

}  // namespace

std::string FormatDatetime(std::chrono::system_clock::time_point time) {
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(time.time_since_epoch());
  auto days = std::chrono::floor<std::chrono::days>(micros);
  std::chrono::year_month_day date{std::chrono::sys_days(days)};
  std::chrono::hh_mm_ss clock{micros - days};
  // yyyymmddhhmmss.mmmmmm+000, written digit by digit: every job poll formats several of these.
  std::string text = "00000000000000.000000+000";
  auto put = [&text](size_t at, size_t width, int64_t value) {
    for (size_t i = at + width; i > at; --i) {
      text[i - 1] = static_cast<char>('0' + value % 10);
      value /= 10;
    }
  };
  const int year = static_cast<int>(date.year());
  if (year < 0 || year > 9999) {
    return fmt::format("{:04}{:02}{:02}{:02}{:02}{:02}.{:06}+000", year,
                       static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                       clock.hours().count(), clock.minutes().count(), clock.seconds().count(),
                       clock.subseconds().count());
  }
  put(0, 4, year);
  put(4, 2, static_cast<unsigned>(date.month()));
  put(6, 2, static_cast<unsigned>(date.day()));
  put(8, 2, clock.hours().count());
  put(10, 2, clock.minutes().count());
  put(12, 2, clock.seconds().count());
  put(15, 6, clock.subseconds().count());
  return text;
}

std::string FormatInterval(std::chrono::microseconds interval) {
  if (interval.count() < 0) interval = std::chrono::microseconds(0);
  auto days = std::chrono::floor<std::chrono::days>(interval);
  std::chrono::hh_mm_ss clock{interval - days};
  return fmt::format("{:08}{:02}{:02}{:02}.{:06}:000", days.count(), clock.hours().count(),
                     clock.minutes().count(), clock.seconds().count(), clock.subseconds().count());
}

std::optional<std::chrono::system_clock::time_point> ParseDatetime(std::string_view text) {
  if (text.size() != 25 || text[14] != '.' || (text[21] != '+' && text[21] != '-'))
    return std::nullopt;
  int64_t year, month, day, hour, minute, second, micros, offset;
  if (!ParseDigits(text, 0, 4, year) || !ParseDigits(text, 4, 2, month) ||
      !ParseDigits(text, 6, 2, day) || !ParseDigits(text, 8, 2, hour) ||
      !ParseDigits(text, 10, 2, minute) || !ParseDigits(text, 12, 2, second) ||
      !ParseDigits(text, 15, 6, micros) || !ParseDigits(text, 22, 3, offset)) {
    return std::nullopt;
  }
  std::chrono::year_month_day date{std::chrono::year(static_cast<int>(year)),
                                   std::chrono::month(static_cast<unsigned>(month)),
                                   std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok() || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  auto time = std::chrono::sys_days(date) + std::chrono::hours(hour) +
              std::chrono::minutes(minute) + std::chrono::seconds(second) +
              std::chrono::microseconds(micros);
  auto utc_offset = std::chrono::minutes(text[21] == '+' ? offset : -offset);
  return std::chrono::system_clock::time_point(time - utc_offset);
}

std::optional<std::chrono::microseconds> ParseInterval(std::string_view text) {
  if (text.size() != 25 || text[14] != '.' || text.substr(21) != ":000") return std::nullopt;
  int64_t days, hours, minutes, seconds, micros;
  if (!ParseDigits(text, 0, 8, days) || !ParseDigits(text, 8, 2, hours) ||
      !ParseDigits(text, 10, 2, minutes) || !ParseDigits(text, 12, 2, seconds) ||
      !ParseDigits(text, 15, 6, micros)) {
    return std::nullopt;
  }
  return std::chrono::days(days) + std::chrono::hours(hours) + std::chrono::minutes(minutes) +
         std::chrono::seconds(seconds) + std::chrono::microseconds(micros);
}

}  // namespace vsm
