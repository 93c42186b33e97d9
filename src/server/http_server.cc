#include "server/http_server.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netdb.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include "disk/posix_error.h"

namespace vsm::server {
namespace {

Result<std::pair<std::string, std::string>> SplitHostPort(const std::string& listen) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos) {
    return Error::InvalidParameter(fmt::format("listen address '{}' is not HOST:PORT", listen));
  }
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  return std::make_pair(host, listen.substr(colon + 1));
}

Result<int> ListenTcp(const std::string& listen, uint16_t* bound_port) {
  VSM_ASSIGN_OR_RETURN(auto host_port, SplitHostPort(listen));
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  int rc = getaddrinfo(host_port.first.c_str(), host_port.second.c_str(), &hints, &found);
  if (rc != 0) {
    return Error::InvalidParameter(fmt::format("cannot listen on {}: {}", listen, gai_strerror(rc)));
  }
  int fd = socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int yes = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  if (fd < 0 || bind(fd, found->ai_addr, found->ai_addrlen) != 0 || ::listen(fd, 128) != 0) {
    int err = errno;
    freeaddrinfo(found);
    if (fd >= 0) close(fd);
    return Error::SystemInUse(fmt::format(
        "cannot listen on {}: {}; is another vsmd running? pass --listen HOST:PORT", listen,
        std::strerror(err)));
  }
  freeaddrinfo(found);
  sockaddr_storage address{};
  socklen_t length = sizeof(address);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  *bound_port = ntohs(address.ss_family == AF_INET6
                          ? reinterpret_cast<sockaddr_in6*>(&address)->sin6_port
                          : reinterpret_cast<sockaddr_in*>(&address)->sin_port);
  return fd;
}

Result<int> ListenUnix(const std::filesystem::path& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.string().size() >= sizeof(address.sun_path)) {
    return Error::InvalidParameter(fmt::format("unix socket path '{}' is too long", path.string()));
  }
  std::strcpy(address.sun_path, path.c_str());
  struct stat st;
  if (lstat(path.c_str(), &st) == 0) {
    int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    bool answered = connect(probe, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
    close(probe);
    if (answered) {
      return Error::SystemInUse(fmt::format(
          "unix socket '{}' is in use by another process; stop it or pass --socket", path.string()));
    }
    unlink(path.c_str());  // a stale socket left by a vsmd that died
  }
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 || listen(fd, 128) != 0) {
    int err = errno;
    close(fd);
    return disk::ErrorFromErrno("cannot listen on unix socket", path, err);
  }
  chmod(path.c_str(), 0666);  // readers connect too; their uid decides what they may do
  return fd;
}

HttpResponse Text(int status, std::string body, HttpHeaders headers = {}) {
  headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
  return HttpResponse{status, std::move(headers), std::move(body) + "\n"};
}

}  // namespace

HttpServer::HttpServer(HttpServerOptions options, store::Repository& users, RequestHandler handler)
    : options_(std::move(options)), authenticator_(users), handler_(std::move(handler)) {}

Result<std::unique_ptr<HttpServer>> HttpServer::Start(const HttpServerOptions& options,
                                                      store::Repository& users, RequestHandler handler) {
  std::unique_ptr<HttpServer> server(new HttpServer(options, users, std::move(handler)));
  if (!options.listen.empty()) {
    VSM_ASSIGN_OR_RETURN(server->tcp_fd_, ListenTcp(options.listen, &server->tcp_port_));
  }
  if (!options.socket_path.empty()) {
    Result<int> fd = ListenUnix(options.socket_path);
    if (!fd.ok()) {
      if (server->tcp_fd_ >= 0) close(server->tcp_fd_);
      return fd.error();
    }
    server->unix_fd_ = *fd;
  }
  HttpServer* self = server.get();
  if (server->tcp_fd_ >= 0) server->acceptors_.emplace_back([self] { self->AcceptLoop(self->tcp_fd_, false); });
  if (server->unix_fd_ >= 0) server->acceptors_.emplace_back([self] { self->AcceptLoop(self->unix_fd_, true); });
  return server;
}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::ReapFinished() {
  for (auto it = connections_.begin(); it != connections_.end();) {
    if (it->done) {
      it->thread.join();
      it = connections_.erase(it);
    } else {
      ++it;
    }
  }
}

void HttpServer::AcceptLoop(int listen_fd, bool is_unix) {
  for (;;) {
    int fd = accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      if (errno == EMFILE || errno == ENFILE) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        continue;
      }
      return;
    }
    timeval timeout{static_cast<time_t>(options_.idle_timeout.count()), 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    std::lock_guard lock(mutex_);
    if (stopping_) {
      close(fd);
      return;
    }
    ReapFinished();
    if (connections_.size() >= options_.max_connections) {
      HttpConnection(fd, {}).WriteResponse(Text(503, "vsmd has too many connections; retry shortly"), false);
      close(fd);
      continue;
    }
    connections_.push_back(Connection{fd, is_unix, {}});
    Connection* connection = &connections_.back();
    connection->thread = std::thread([this, connection] { Serve(connection); });
  }
}

void HttpServer::Serve(Connection* connection) {
  HttpConnection http(connection->fd, {.max_body_bytes = options_.max_body_bytes});
  for (;;) {
    HttpRequest request;
    HttpConnection::ReadOutcome outcome = http.ReadRequest(&request);
    if (outcome == HttpConnection::ReadOutcome::kClosed) break;
    if (outcome == HttpConnection::ReadOutcome::kBadRequest) {
      http.WriteResponse(Text(400, "malformed HTTP request"), false);
      break;
    }
    if (outcome == HttpConnection::ReadOutcome::kTooLarge) {
      http.WriteResponse(Text(413, fmt::format("request body over the limit of {} bytes (max_body_bytes)",
                                               options_.max_body_bytes)),
                         false);
      break;
    }
    if (outcome == HttpConnection::ReadOutcome::kHeaderTooLarge) {
      http.WriteResponse(Text(431, "request headers too large"), false);
      break;
    }
    HttpResponse response = Answer(request, connection->fd, connection->is_unix);
    bool keep_alive = request.version == "HTTP/1.1"
                          ? request.Header("Connection").find("close") == std::string::npos
                          : request.Header("Connection").find("eep-") != std::string::npos;
    {
      std::lock_guard lock(mutex_);
      keep_alive = keep_alive && !stopping_;
    }
    if (!http.WriteResponse(response, keep_alive) || !keep_alive) break;
  }
  shutdown(connection->fd, SHUT_RDWR);
  close(connection->fd);
  std::lock_guard lock(mutex_);
  connection->done = true;
}

HttpResponse HttpServer::Answer(const HttpRequest& request, int fd, bool is_unix) {
  if (request.method != "POST") {
    return Text(501, fmt::format("method {} is not implemented; CIM-XML uses POST /cimom", request.method));
  }
  if (request.target != "/cimom") {
    return Text(404, fmt::format("'{}' is not served; CIM-XML is at /cimom", request.target));
  }
  Principal principal;
  if (is_unix) {
    ucred peer{};
    socklen_t length = sizeof(peer);
    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &length);
    principal = Authenticator::FromPeerCredentials(peer.uid);
  } else {
    Result<Principal> authenticated = authenticator_.AuthenticateBasic(request.Header("Authorization"));
    if (!authenticated.ok()) {
      return Text(401, authenticated.error().message(), {{"WWW-Authenticate", "Basic realm=\"vsm\""}});
    }
    principal = *authenticated;
  }
  spdlog::debug("{} {} {} from {}", request.method, request.target, request.Header("CIMMethod"), principal.user);
  return handler_(request, principal);
}

void HttpServer::Stop() {
  std::list<Connection> connections;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    // Wakes the acceptors; idle connections see end of input, busy ones finish their request.
    if (tcp_fd_ >= 0) shutdown(tcp_fd_, SHUT_RDWR);
    if (unix_fd_ >= 0) shutdown(unix_fd_, SHUT_RDWR);
    for (Connection& connection : connections_) shutdown(connection.fd, SHUT_RD);
  }
  for (std::thread& acceptor : acceptors_) acceptor.join();
  acceptors_.clear();
  {
    std::lock_guard lock(mutex_);
    connections.splice(connections.end(), connections_);
  }
  for (Connection& connection : connections) connection.thread.join();
  if (tcp_fd_ >= 0) close(tcp_fd_);
  if (unix_fd_ >= 0) {
    close(unix_fd_);
    unlink(options_.socket_path.c_str());
  }
}

}  // namespace vsm::server
