#include "support/temp_dir.h"

#include <stdlib.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <stdexcept>

namespace vsm::testing {

TempDir::TempDir() {
  const char* base = getenv("TMPDIR");
  std::string pattern = std::string(base && *base ? base : "/tmp") + "/vsm-test-XXXXXX";
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed for " + pattern);
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  // Tests may leave read-only files; remove_all handles them as root.
  std::filesystem::remove_all(path_, ec);
}

std::vector<std::string> ListDirectory(const std::filesystem::path& directory) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(directory, ec)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

int RunCommand(const std::string& command, std::string* output) {
  std::string full = command + " 2>&1";
  FILE* pipe = popen(full.c_str(), "r");
  if (!pipe) return -1;
  std::array<char, 4096> buffer;
  std::string collected;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) collected.append(buffer.data(), n);
  int status = pclose(pipe);
  if (output) *output = collected;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string ShellQuote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

std::string Sha256Sum(const std::filesystem::path& file) {
  std::string output;
  if (RunCommand("sha256sum " + ShellQuote(file.string()), &output) != 0) return "";
  return output.substr(0, output.find(' '));
}

}  // namespace vsm::testing
