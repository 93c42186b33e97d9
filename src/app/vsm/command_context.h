// CommandContext: what every `vsm` command is given — the global options, where to print, the
// directory relative paths are taken from — and the one place errors become messages and exit
// codes (0 success, 1 a failed operation, 2 a usage error, 3 vsmd could not be reached). The
// connection to vsmd is made on first use, so local commands (`user add`) never need one.
// Not thread-safe.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>

#include "app/vsm/progress_display.h"
#include "app/vsm/session.h"
#include "client/cim_client.h"
#include "core/result.h"

namespace vsm::cli {

enum ExitCode : int {
  kExitSuccess = 0,
  kExitFailed = 1,
  kExitUsage = 2,
  kExitConnection = 3,
};

struct GlobalOptions {
  std::string socket;  // --socket PATH
  std::string url;     // --url http://USER:PASSWORD@HOST:PORT
  bool json = false;   // --json
};

inline constexpr std::string_view kDefaultSocket = "./var/vsmd.sock";

// Where vsm connects: --url, else --socket, else $VSM_URL, else $VSM_SOCKET, else
// ./var/vsmd.sock (vsmd's default data root is ./var). A socket path is made absolute against
// `cwd`. `getenv` is std::getenv outside tests.
std::string ResolveEndpoint(const GlobalOptions& options, const std::filesystem::path& cwd,
                            const std::function<const char*(const char*)>& getenv);

// The exit code for an Error of a client call: kExitConnection when vsmd could not be reached or
// refused the credentials, kExitFailed otherwise.
int ExitCodeForClientError(const Error& error);

// Makes the client for an endpoint: CimClient::Connect, or a fake in tests.
using ClientFactory =
    std::function<Result<std::unique_ptr<client::CimClient>>(const std::string& endpoint)>;

class CommandContext {
 public:
  CommandContext(GlobalOptions options, std::string endpoint, std::ostream& out,
                 std::ostream& err, bool out_is_terminal, std::filesystem::path cwd,
                 ClientFactory client_factory = {});

  const GlobalOptions& options() const { return options_; }
  bool json() const { return options_.json; }
  std::ostream& out() { return out_; }
  std::ostream& err() { return err_; }
  const std::filesystem::path& cwd() const { return cwd_; }
  const std::string& endpoint() const { return endpoint_; }

  // The session over a connection to the endpoint, made on first use. kInvalidParameter for a
  // malformed endpoint; kSystemNotAvailable if the client cannot be set up.
  Result<Session*> Connect();

  // The display for a job being watched: silent with --json, a live bar on a terminal, lines
  // otherwise.
  std::unique_ptr<ProgressDisplay> NewProgressDisplay();

  // Prints "vsm: <message>" and returns the exit code for a client call's error.
  int FailClient(const Error& error);
  // Prints "vsm: <message>" and returns kExitFailed.
  int Fail(std::string_view message);
  // Prints "vsm: <message>" and a hint to run --help; returns kExitUsage.
  int FailUsage(std::string_view message);
  // Prints the failure line of an operation (a method's return code, a job's error) as is and
  // returns kExitFailed.
  int FailOperation(std::string_view text);

 private:
  GlobalOptions options_;
  std::string endpoint_;
  std::ostream& out_;
  std::ostream& err_;
  bool out_is_terminal_;
  std::filesystem::path cwd_;
  ClientFactory client_factory_;
  std::unique_ptr<client::CimClient> client_;
  std::unique_ptr<Session> session_;
};

}  // namespace vsm::cli
