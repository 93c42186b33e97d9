#include "vsmd_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "support/temp_dir.h"

namespace vsm::testing {
namespace {

bool CanConnectTcp(uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  close(fd);
  return ok;
}

bool CanConnectUnix(const std::filesystem::path& path) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::snprintf(address.sun_path, sizeof(address.sun_path), "%s", path.c_str());
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  close(fd);
  return ok;
}

std::string Join(const std::vector<std::string>& args) {
  std::string line;
  for (const auto& arg : args) line += " " + ShellQuote(arg);
  return line;
}

}  // namespace

std::filesystem::path BinaryDirectory() {
  const char* dir = getenv("VSM_BIN_DIR");
  return dir ? std::filesystem::path(dir) : std::filesystem::path(VSM_BIN_DIR_DEFAULT);
}

CommandResult Run(const std::string& command_line) {
  CommandResult result;
  result.exit_code = RunCommand(command_line, &result.output);
  return result;
}

uint16_t FindFreePort() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  socklen_t length = sizeof(address);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

VsmdProcess::VsmdProcess(std::filesystem::path data_root, std::vector<std::string> extra_args)
    : data_root_(std::move(data_root)), extra_args_(std::move(extra_args)) {
  std::filesystem::create_directories(data_root_);
}

VsmdProcess::~VsmdProcess() {
  if (pid_ > 0) Stop();
}

std::string VsmdProcess::Url(const std::string& user, const std::string& password) const {
  return "http://" + user + ":" + password + "@127.0.0.1:" + std::to_string(port_) +
         "/root/virtualization";
}

std::string VsmdProcess::log() const {
  std::ifstream in(data_root_ / "vsmd-test.log");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool VsmdProcess::Start() {
  std::string vsm = (BinaryDirectory() / "vsm").string();
  for (auto [user, password, role] :
       {std::tuple{"admin", "secret", "administrator"}, std::tuple{"auditor", "readonly", "reader"}}) {
    CommandResult added = Run("printf %s " + ShellQuote(password) + " | " + ShellQuote(vsm) +
                              " user add " + user + " --role " + role +
                              " --password-stdin --data-root " + ShellQuote(data_root_.string()));
    if (added.exit_code != 0) {
      std::ofstream(data_root_ / "vsmd-test.log") << "vsm user add failed: " << added.output;
      return false;
    }
  }
  port_ = FindFreePort();
  std::vector<std::string> args = {(BinaryDirectory() / "vsmd").string(),
                                   "--data-root", data_root_.string(),
                                   "--listen", "127.0.0.1:" + std::to_string(port_),
                                   "--socket", socket_path().string()};
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  pid_ = fork();
  if (pid_ == 0) {
    int log = open((data_root_ / "vsmd-test.log").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(log, STDOUT_FILENO);
    dup2(log, STDERR_FILENO);
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (!IsRunning()) return false;
    if (CanConnectTcp(port_) && CanConnectUnix(socket_path())) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

bool VsmdProcess::IsRunning() {
  if (pid_ <= 0) return false;
  int status;
  pid_t done = waitpid(pid_, &status, WNOHANG);
  if (done == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

int VsmdProcess::Stop() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void VsmdProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

CommandResult VsmdProcess::Vsm(const std::vector<std::string>& args) const {
  bool has_endpoint = false;
  for (const auto& arg : args) has_endpoint |= (arg == "--url" || arg == "--socket");
  std::string line = ShellQuote((BinaryDirectory() / "vsm").string());
  if (!has_endpoint) line += " --socket " + ShellQuote(socket_path().string());
  return Run(line + Join(args) + " </dev/null");
}

CommandResult VsmdProcess::Wbemcli(const std::vector<std::string>& args) const {
  return Run("wbemcli" + Join(args) + " </dev/null");
}

}  // namespace vsm::testing
