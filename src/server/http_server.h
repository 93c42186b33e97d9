// HttpServer: CIM-XML's HTTP/1.1 transport, on a TCP address and a unix socket. Only POST to
// /cimom reaches the handler (other targets 404, other methods 501); TCP requests need HTTP
// Basic credentials (401 otherwise); on the unix socket the peer's uid decides the role.
// A bounded pool of worker_count threads serves every connection (leader/followers on one
// epoll set): a worker takes a connection only when a request has begun to arrive on it, so
// idle keep-alive connections hold no thread and a slow handler holds one worker, not the
// server. At most max_connections are open (more are answered 503); an idle connection is
// closed after idle_timeout; a request that has begun must arrive, and its answer be taken,
// within request_timeout. Thread-safe.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/principal.h"
#include "core/result.h"
#include "core/thread_annotations.h"
#include "server/authenticator.h"
#include "server/http_connection.h"
#include "server/http_types.h"

namespace vsm::store {
class Repository;
}

namespace vsm::server {

using RequestHandler = std::function<HttpResponse(const HttpRequest&, const Principal&)>;

struct HttpServerOptions {
  std::string listen;                 // "HOST:PORT" ("" = no TCP); port 0 picks a free one
  std::filesystem::path socket_path;  // "" = no unix socket
  size_t worker_count = 4;            // threads that read, answer and write requests
  size_t max_body_bytes = 4 * 1024 * 1024;
  size_t max_connections = 256;
  std::chrono::seconds idle_timeout{60};
  std::chrono::seconds request_timeout{20};
};

class HttpServer {
 public:
  // Binds and starts serving. Errors name the address and the fix (address in use, a unix socket
  // another process answers on).
  static Result<std::unique_ptr<HttpServer>> Start(const HttpServerOptions& options,
                                                   store::Repository& users,
                                                   RequestHandler handler);
  ~HttpServer();  // Stop()

  uint16_t tcp_port() const { return tcp_port_; }

  // Stops accepting, lets in-flight requests finish, closes idle connections, joins every
  // thread and removes the socket file. Idempotent.
  void Stop();

 private:
  struct Connection {
    Connection(int fd, bool is_unix, const HttpLimits& limits)
        : fd(fd), is_unix(is_unix), http(fd, limits) {}
    const int fd;
    const bool is_unix;
    HttpConnection http;  // used by the one worker that holds the connection
    bool busy = false;    // a worker holds it (guarded by the server's mutex_)
    std::chrono::steady_clock::time_point idle_since;  // guarded by the server's mutex_
  };

  HttpServer(HttpServerOptions options, store::Repository& users, RequestHandler handler);
  void AcceptLoop(int listen_fd, bool is_unix);
  void WorkerLoop();
  // Answers the requests that have arrived on `connection`; false when it must be closed.
  bool Serve(Connection& connection);
  HttpResponse Answer(const HttpRequest& request, int fd, bool is_unix);
  // Waits for the connection's next request in the epoll set (one worker is woken for it).
  void Rearm(uint64_t id, Connection& connection) REQUIRES(mutex_);
  void Close(uint64_t id) REQUIRES(mutex_);
  void CloseIdle(std::chrono::steady_clock::time_point now) REQUIRES(mutex_);

  HttpServerOptions options_;
  Authenticator authenticator_;
  RequestHandler handler_;
  int tcp_fd_ = -1;
  int unix_fd_ = -1;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;  // an eventfd, readable from Stop on: wakes every worker
  uint16_t tcp_port_ = 0;
  std::vector<std::thread> acceptors_;
  std::vector<std::thread> workers_;

  std::mutex mutex_;
  bool stopping_ GUARDED_BY(mutex_) = false;
  // Keyed by an id that is never reused (unlike a file descriptor), so that an epoll event for a
  // connection closed meanwhile finds nothing instead of a stranger.
  std::unordered_map<uint64_t, std::unique_ptr<Connection>> connections_ GUARDED_BY(mutex_);
  uint64_t next_id_ GUARDED_BY(mutex_) = 1;
  std::chrono::steady_clock::time_point next_idle_check_ GUARDED_BY(mutex_);
};

}  // namespace vsm::server
