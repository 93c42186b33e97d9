#include "app/vsmd/config.h"

#include <fmt/format.h>

#include <charconv>
#include <fstream>

namespace vsm::app {
namespace {

std::string Trim(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t\r");
  if (begin == std::string_view::npos) return "";
  size_t end = text.find_last_not_of(" \t\r");
  return std::string(text.substr(begin, end - begin + 1));
}

template <typename T>
bool ParseNumber(const std::string& text, T& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

Result<void> LoadConfigFile(const std::filesystem::path& file, DaemonConfig& config) {
  std::ifstream in(file);
  if (!in) {
    return Error::InvalidParameter(fmt::format("cannot read config file '{}'", file.string()));
  }
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    std::string content = Trim(line.substr(0, line.find('#')));
    if (content.empty()) continue;
    size_t equals = content.find('=');
    if (equals == std::string::npos) {
      return Error::InvalidParameter(fmt::format(
          "{}:{}: expected 'key = value', found '{}'", file.string(), number, content));
    }
    std::string key = Trim(content.substr(0, equals));
    std::string value = Trim(content.substr(equals + 1));
    auto bad_value = [&](std::string_view expected) {
      return Error::InvalidParameter(fmt::format("{}:{}: {} = '{}' is not {}", file.string(),
                                                 number, key, value, expected));
    };
    if (key == "data_root") {
      config.data_root = value;
    } else if (key == "listen") {
      if (!value.empty() && !ParseListenAddress(value).ok()) return bad_value("HOST:PORT");
      config.listen = value;
    } else if (key == "socket") {
      config.socket = value;
    } else if (key == "job_workers") {
      if (!ParseNumber(value, config.job_workers) || config.job_workers == 0) {
        return bad_value("a positive number");
      }
    } else if (key == "copy_parallel_files") {
      if (!ParseNumber(value, config.copy_parallel_files) || config.copy_parallel_files == 0) {
        return bad_value("a positive number");
      }
    } else if (key == "job_time_before_removal_seconds") {
      int64_t seconds;
      if (!ParseNumber(value, seconds) || seconds < 0) return bad_value("a number of seconds");
      config.job_time_before_removal = std::chrono::seconds(seconds);
    } else if (key == "http_workers") {
      if (!ParseNumber(value, config.http_workers) || config.http_workers == 0) {
        return bad_value("a positive number");
      }
    } else if (key == "max_body_bytes") {
      if (!ParseNumber(value, config.max_body_bytes) || config.max_body_bytes < 4096) {
        return bad_value("a number of bytes of at least 4096");
      }
    } else if (key == "log_level") {
      if (value != "debug" && value != "info" && value != "warn" && value != "error") {
        return bad_value("one of debug, info, warn, error");
      }
      config.log_level = value;
    } else {
      return Error::InvalidParameter(fmt::format(
          "{}:{}: unknown key '{}'; known keys: data_root, listen, socket, job_workers, "
          "copy_parallel_files, job_time_before_removal_seconds, http_workers, max_body_bytes, log_level",
          file.string(), number, key));
    }
  }
  return Ok();
}

Result<std::pair<std::string, uint16_t>> ParseListenAddress(const std::string& text) {
  size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
    return Error::InvalidParameter(fmt::format(
        "listen address '{}' is not HOST:PORT, e.g. 127.0.0.1:5988", text));
  }
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  uint16_t port;
  if (!ParseNumber(text.substr(colon + 1), port)) {
    return Error::InvalidParameter(fmt::format(
        "listen address '{}' has no valid port (0-65535)", text));
  }
  return std::make_pair(host, port);
}

}  // namespace vsm::app
