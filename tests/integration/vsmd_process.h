// VsmdProcess: a real vsmd started for a test on a temporary data root, a free loopback port and
// a unix socket, with an administrator and a reader user; and the clients that drive it
// (wbemcli, vsm), run as separate processes exactly as a user would.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace vsm::testing {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

class VsmdProcess {
 public:
  // `data_root` is created if missing. Users admin/secret (administrator) and auditor/readonly
  // (reader) are added before the start.
  explicit VsmdProcess(std::filesystem::path data_root, std::vector<std::string> extra_args = {});
  ~VsmdProcess();  // Stop()

  // Starts vsmd and waits until it answers on its socket and port. False (with the log in
  // log()) if it exits or does not answer within 20 s.
  bool Start();
  // SIGTERM, then wait for exit; returns its exit status.
  int Stop();
  // SIGKILL: no chance to clean up.
  void Kill();
  bool IsRunning();

  uint16_t port() const { return port_; }
  const std::filesystem::path& data_root() const { return data_root_; }
  std::filesystem::path socket_path() const { return data_root_ / "vsmd.sock"; }
  std::string log() const;

  // http://USER:PASSWORD@127.0.0.1:PORT/root/virtualization
  std::string Url(const std::string& user = "admin", const std::string& password = "secret") const;

  // Runs build/bin/vsm with --socket <socket> (unless `args` carry --url) and `args`.
  CommandResult Vsm(const std::vector<std::string>& args) const;
  // Runs wbemcli with `args` (each shell-quoted).
  CommandResult Wbemcli(const std::vector<std::string>& args) const;

 private:
  std::filesystem::path data_root_;
  std::vector<std::string> extra_args_;
  uint16_t port_ = 0;
  pid_t pid_ = -1;
};

// The directory holding vsmd and vsm (VSM_BIN_DIR, set by CTest).
std::filesystem::path BinaryDirectory();

// Runs a shell command line, returning its status and output.
CommandResult Run(const std::string& command_line);

// A TCP port on 127.0.0.1 that nothing listens on right now.
uint16_t FindFreePort();

}  // namespace vsm::testing
