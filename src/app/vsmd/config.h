// DaemonConfig: vsmd's settings, from built-in defaults, then an optional config file, then the
// command line (each overriding the one before).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>

#include "core/result.h"

namespace vsm::app {

struct DaemonConfig {
  std::filesystem::path data_root = "./var";
  std::string listen = "127.0.0.1:5988";  // HOST:PORT for CIM-XML over HTTP; "" disables TCP
  std::filesystem::path socket;            // "" = <data_root>/vsmd.sock
  size_t job_workers = 2;
  size_t copy_parallel_files = 2;  // disk files one job copies or verifies at once
  std::chrono::seconds job_time_before_removal{300};
  size_t http_workers = 4;
  size_t max_body_bytes = 4 * 1024 * 1024;
  std::string log_level = "info";

  std::filesystem::path SocketPath() const {
    return socket.empty() ? data_root / "vsmd.sock" : socket;
  }
  std::filesystem::path DatabasePath() const { return data_root / "vsm.db"; }
};

// Reads a config file of `key = value` lines ('#' starts a comment) into `config`. Keys:
// data_root, listen, socket, job_workers, copy_parallel_files, job_time_before_removal_seconds,
// http_workers, max_body_bytes, log_level. An unknown key or a bad value is kInvalidParameter naming the file,
// the line and the key.
Result<void> LoadConfigFile(const std::filesystem::path& file, DaemonConfig& config);

// Splits "HOST:PORT" (IPv6 as "[::1]:5988"). kInvalidParameter naming the text otherwise.
Result<std::pair<std::string, uint16_t>> ParseListenAddress(const std::string& text);

}  // namespace vsm::app
