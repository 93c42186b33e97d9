// TempDir: a fresh directory under $TMPDIR (or /tmp), removed with everything in it at scope end.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace vsm::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// The names of the entries of `directory` (hidden ones included), sorted.
std::vector<std::string> ListDirectory(const std::filesystem::path& directory);

// Runs `command` through /bin/sh; returns its exit status and, in *output, what it printed
// (stdout and stderr).
int RunCommand(const std::string& command, std::string* output = nullptr);

// Shell-quotes `text` in single quotes.
std::string ShellQuote(const std::string& text);

// The SHA-256 of a file as sha256sum prints it.
std::string Sha256Sum(const std::filesystem::path& file);

}  // namespace vsm::testing
