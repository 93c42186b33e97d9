#include "server/http_server.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netdb.h>
#include <spdlog/spdlog.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <system_error>

#include "disk/posix_error.h"

namespace vsm::server {
namespace {

// How often idle connections are looked for (and the longest a worker sleeps in epoll_wait).
constexpr std::chrono::milliseconds kIdleCheckInterval{500};

Result<std::pair<std::string, std::string>> SplitHostPort(const std::string& listen) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos) {
    return Error::InvalidParameter(fmt::format("listen address '{}' is not HOST:PORT", listen));
  }
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
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
    return Error::InvalidParameter(
        fmt::format("cannot listen on {}: {}", listen, gai_strerror(rc)));
  }
  int fd = socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int yes = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  if (fd < 0 || bind(fd, found->ai_addr, found->ai_addrlen) != 0 || ::listen(fd, 128) != 0) {
    int err = errno;
    freeaddrinfo(found);
    if (fd >= 0) close(fd);
    return Error::SystemInUse(
        fmt::format("cannot listen on {}: {}; is another vsmd running? pass --listen HOST:PORT",
                    listen, std::strerror(err)));
  }
  freeaddrinfo(found);
  sockaddr_storage address{};
  socklen_t length = sizeof(address);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  *bound_port =
      ntohs(address.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&address)->sin6_port
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
      return Error::SystemInUse(
          fmt::format("unix socket '{}' is in use by another process; stop it or pass --socket",
                      path.string()));
    }
    unlink(path.c_str());  // a stale socket left by a vsmd that died
  }
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      listen(fd, 128) != 0) {
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
                                                      store::Repository& users,
                                                      RequestHandler handler) {
  std::unique_ptr<HttpServer> server(new HttpServer(options, users, std::move(handler)));
  // The destructor (Stop) closes whatever was opened if a later step fails.
  server->epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  server->wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (server->epoll_fd_ < 0 || server->wake_fd_ < 0) {
    return Error::Failed(
        fmt::format("cannot set up the HTTP server's event set: {}; check the "
                    "limit of open files (ulimit -n)",
                    std::strerror(errno)));
  }
  epoll_event wake{};
  wake.events = EPOLLIN;  // level-triggered: once written, every worker sees it
  wake.data.u64 = 0;      // no connection has id 0
  epoll_ctl(server->epoll_fd_, EPOLL_CTL_ADD, server->wake_fd_, &wake);
  if (!options.listen.empty()) {
    VSM_ASSIGN_OR_RETURN(server->tcp_fd_, ListenTcp(options.listen, &server->tcp_port_));
  }
  if (!options.socket_path.empty()) {
    VSM_ASSIGN_OR_RETURN(server->unix_fd_, ListenUnix(options.socket_path));
  }
  HttpServer* self = server.get();
  try {
    for (size_t i = 0; i < std::max<size_t>(1, options.worker_count); ++i) {
      server->workers_.emplace_back([self] { self->WorkerLoop(); });
    }
    if (server->tcp_fd_ >= 0) {
      server->acceptors_.emplace_back([self] { self->AcceptLoop(self->tcp_fd_, false); });
    }
    if (server->unix_fd_ >= 0) {
      server->acceptors_.emplace_back([self] { self->AcceptLoop(self->unix_fd_, true); });
    }
  } catch (const std::system_error& error) {
    return Error::Failed(
        fmt::format("cannot start the HTTP server's threads: {}; lower "
                    "http_workers or raise the thread limit (ulimit -u)",
                    error.what()));
  }
  return server;
}

HttpServer::~HttpServer() { Stop(); }

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
    // A request that has begun must arrive, and its answer be taken, in request_timeout: a
    // worker waits no longer on a slow or stalled peer. Waiting between requests costs no
    // worker (the epoll set does it) and ends after idle_timeout.
    timeval timeout{static_cast<time_t>(options_.request_timeout.count()), 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
    std::lock_guard lock(mutex_);
    if (stopping_) {
      close(fd);
      return;
    }
    if (connections_.size() >= options_.max_connections) {
      HttpConnection(fd, {}).WriteResponse(
          Text(503, "vsmd has too many connections; retry shortly"), false);
      close(fd);
      continue;
    }
    const uint64_t id = next_id_++;
    auto connection = std::make_unique<Connection>(
        fd, is_unix, HttpLimits{.max_body_bytes = options_.max_body_bytes});
    Connection& added = *connection;
    connections_.emplace(id, std::move(connection));
    Rearm(id, added);
  }
}

void HttpServer::Rearm(uint64_t id, Connection& connection) {
  connection.busy = false;
  connection.idle_since = std::chrono::steady_clock::now();
  epoll_event event{};
  // One-shot: the event goes to one worker, and the connection is out of the set until that
  // worker puts it back.
  event.events = EPOLLIN | EPOLLRDHUP | EPOLLONESHOT;
  event.data.u64 = id;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, connection.fd, &event) != 0 &&
      epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, connection.fd, &event) != 0) {
    spdlog::warn("cannot watch an HTTP connection: {}; closing it", std::strerror(errno));
    Close(id);
  }
}

void HttpServer::Close(uint64_t id) {
  auto found = connections_.find(id);
  if (found == connections_.end()) return;
  const int fd = found->second->fd;
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  connections_.erase(found);
  shutdown(fd, SHUT_RDWR);
  close(fd);
}

void HttpServer::CloseIdle(std::chrono::steady_clock::time_point now) {
  if (now < next_idle_check_) return;
  next_idle_check_ = now + kIdleCheckInterval;
  std::vector<uint64_t> expired;
  for (const auto& [id, connection] : connections_) {
    if (!connection->busy && now - connection->idle_since >= options_.idle_timeout) {
      expired.push_back(id);
    }
  }
  for (uint64_t id : expired) Close(id);
}

void HttpServer::WorkerLoop() {
  for (;;) {
    epoll_event event{};
    const int ready =
        epoll_wait(epoll_fd_, &event, 1, static_cast<int>(kIdleCheckInterval.count()));
    if (ready < 0 && errno != EINTR) {
      spdlog::error("HTTP worker stops: epoll_wait: {}", std::strerror(errno));
      return;
    }
    std::unique_lock lock(mutex_);
    CloseIdle(std::chrono::steady_clock::now());
    if (stopping_) return;
    if (ready <= 0 || event.data.u64 == 0) continue;
    auto found = connections_.find(event.data.u64);
    if (found == connections_.end()) continue;  // closed as idle after its event came
    const uint64_t id = found->first;
    Connection& connection = *found->second;
    connection.busy = true;
    lock.unlock();
    const bool keep = Serve(connection);
    lock.lock();
    if (keep && !stopping_) {
      Rearm(id, connection);
    } else {
      Close(id);
    }
  }
}

bool HttpServer::Serve(Connection& connection) {
  HttpConnection& http = connection.http;
  do {
    HttpRequest request;
    HttpConnection::ReadOutcome outcome = http.ReadRequest(&request);
    if (outcome == HttpConnection::ReadOutcome::kClosed) return false;
    if (outcome == HttpConnection::ReadOutcome::kBadRequest) {
      http.WriteResponse(Text(400, "malformed HTTP request"), false);
      return false;
    }
    if (outcome == HttpConnection::ReadOutcome::kTooLarge) {
      http.WriteResponse(
          Text(413, fmt::format("request body over the limit of {} bytes (max_body_bytes)",
                                options_.max_body_bytes)),
          false);
      return false;
    }
    if (outcome == HttpConnection::ReadOutcome::kHeaderTooLarge) {
      http.WriteResponse(Text(431, "request headers too large"), false);
      return false;
    }
    HttpResponse response = Answer(request, connection.fd, connection.is_unix);
    bool keep_alive = request.version == "HTTP/1.1"
                          ? request.Header("Connection").find("close") == std::string::npos
                          : request.Header("Connection").find("eep-") != std::string::npos;
    {
      std::lock_guard lock(mutex_);
      keep_alive = keep_alive && !stopping_;
    }
    if (!http.WriteResponse(response, keep_alive) || !keep_alive) return false;
    // A pipelined request already read is answered now: epoll would not report it.
  } while (http.HasBufferedInput());
  return true;
}

HttpResponse HttpServer::Answer(const HttpRequest& request, int fd, bool is_unix) {
  if (request.method != "POST") {
    return Text(
        501, fmt::format("method {} is not implemented; CIM-XML uses POST /cimom", request.method));
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
    Result<Principal> authenticated =
        authenticator_.AuthenticateBasic(request.Header("Authorization"));
    if (!authenticated.ok()) {
      return Text(401, authenticated.error().message(),
                  {{"WWW-Authenticate", "Basic realm=\"vsm\""}});
    }
    principal = *authenticated;
  }
  spdlog::debug("{} {} {} from {}", request.method, request.target, request.Header("CIMMethod"),
                principal.user);
  return handler_(request, principal);
}

void HttpServer::Stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    // Wakes the acceptors; a worker waiting for the rest of a request sees end of input, one
    // answering finishes and closes.
    if (tcp_fd_ >= 0) shutdown(tcp_fd_, SHUT_RDWR);
    if (unix_fd_ >= 0) shutdown(unix_fd_, SHUT_RDWR);
    for (const auto& [id, connection] : connections_) shutdown(connection->fd, SHUT_RD);
  }
  for (std::thread& acceptor : acceptors_) acceptor.join();
  acceptors_.clear();
  if (wake_fd_ >= 0) {
    const uint64_t one = 1;
    (void)!write(wake_fd_, &one, sizeof(one));
  }
  for (std::thread& worker : workers_) worker.join();
  workers_.clear();
  {
    std::lock_guard lock(mutex_);
    std::vector<uint64_t> ids;
    for (const auto& [id, connection] : connections_) ids.push_back(id);
    for (uint64_t id : ids) Close(id);
  }
  if (tcp_fd_ >= 0) close(tcp_fd_);
  if (unix_fd_ >= 0) {
    close(unix_fd_);
    unlink(options_.socket_path.c_str());
  }
  if (wake_fd_ >= 0) close(wake_fd_);
  if (epoll_fd_ >= 0) close(epoll_fd_);
  tcp_fd_ = unix_fd_ = wake_fd_ = epoll_fd_ = -1;
}

}  // namespace vsm::server
