#include "app/vsm/command_context.h"

#include <fmt/format.h>

#include "app/vsm/requests.h"

namespace vsm::cli {
namespace {

bool IsUrl(std::string_view endpoint) {
  return endpoint.starts_with("http://") || endpoint.starts_with("https://");
}

std::string SocketEndpoint(std::string_view path, const std::filesystem::path& cwd) {
  return MakeAbsolute(std::filesystem::path(path), cwd).string();
}

}  // namespace

std::string ResolveEndpoint(const GlobalOptions& options, const std::filesystem::path& cwd,
                            const std::function<const char*(const char*)>& getenv) {
  if (!options.url.empty()) return options.url;
  if (!options.socket.empty()) return SocketEndpoint(options.socket, cwd);
  const char* url = getenv("VSM_URL");
  if (url != nullptr && *url != '\0') return url;
  const char* socket = getenv("VSM_SOCKET");
  if (socket != nullptr && *socket != '\0') {
    // $VSM_SOCKET may hold a URL too; take it as the user meant it.
    if (IsUrl(socket)) return socket;
    return SocketEndpoint(socket, cwd);
  }
  return SocketEndpoint(kDefaultSocket, cwd);
}

int ExitCodeForClientError(const Error& error) {
  if (error.code() == ReturnCode::kSystemNotAvailable ||
      error.code() == ReturnCode::kAccessDenied) {
    return kExitConnection;
  }
  return kExitFailed;
}

CommandContext::CommandContext(GlobalOptions options, std::string endpoint, std::ostream& out,
                               std::ostream& err, bool out_is_terminal,
                               std::filesystem::path cwd, ClientFactory client_factory)
    : options_(std::move(options)),
      endpoint_(std::move(endpoint)),
      out_(out),
      err_(err),
      out_is_terminal_(out_is_terminal),
      cwd_(std::move(cwd)),
      client_factory_(std::move(client_factory)) {
  if (!client_factory_) {
    client_factory_ = [](const std::string& endpoint) {
      return client::CimClient::Connect(endpoint);
    };
  }
}

Result<Session*> CommandContext::Connect() {
  if (session_) return session_.get();
  if (endpoint_.find("://") != std::string::npos && !endpoint_.starts_with("http://")) {
    return Error::InvalidParameter(fmt::format(
        "'{}' is neither a unix socket path nor an http:// URL; vsm speaks plain HTTP: "
        "http://USER:PASSWORD@HOST:PORT",
        endpoint_));
  }
  Result<std::unique_ptr<client::CimClient>> client = client_factory_(endpoint_);
  if (!client.ok()) return client.error();
  client_ = std::move(*client);
  session_ = std::make_unique<Session>(*client_);
  return session_.get();
}

std::unique_ptr<ProgressDisplay> CommandContext::NewProgressDisplay() {
  if (json()) return NewSilentProgress();
  if (out_is_terminal_) return NewTerminalProgress(out_, TerminalWidth());
  return NewLineProgress(out_);
}

int CommandContext::FailClient(const Error& error) {
  err_ << "vsm: " << error.message() << '\n';
  return ExitCodeForClientError(error);
}

int CommandContext::Fail(std::string_view message) {
  err_ << "vsm: " << message << '\n';
  return kExitFailed;
}

int CommandContext::FailUsage(std::string_view message) {
  err_ << "vsm: " << message << "\nRun with --help for more information.\n";
  return kExitUsage;
}

int CommandContext::FailOperation(std::string_view text) {
  out_.flush();
  err_ << text << '\n';
  return kExitFailed;
}

}  // namespace vsm::cli
