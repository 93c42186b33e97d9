// HttpServer: CIM-XML's HTTP/1.1 transport, on a TCP address and a unix socket. Only POST to
// /cimom reaches the handler (other targets 404, other methods 501); TCP requests need HTTP
// Basic credentials (401 otherwise); on the unix socket the peer's uid decides the role.
// One thread per connection, at most max_connections of them (more are answered 503);
// keep-alive; an idle connection is closed after idle_timeout. Thread-safe.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
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
  std::string listen;                // "HOST:PORT" ("" = no TCP); port 0 picks a free one
  std::filesystem::path socket_path;  // "" = no unix socket
  size_t worker_count = 4;            // kept for configuration compatibility; see max_connections
  size_t max_body_bytes = 4 * 1024 * 1024;
  size_t max_connections = 256;
  std::chrono::seconds idle_timeout{60};
};

class HttpServer {
 public:
  // Binds and starts serving. Errors name the address and the fix (address in use, a unix socket
  // another process answers on).
  static Result<std::unique_ptr<HttpServer>> Start(const HttpServerOptions& options,
                                                   store::Repository& users, RequestHandler handler);
  ~HttpServer();  // Stop()

  uint16_t tcp_port() const { return tcp_port_; }

  // Stops accepting, lets in-flight requests finish, closes idle connections, joins every
  // thread and removes the socket file. Idempotent.
  void Stop();

 private:
  struct Connection {
    int fd;
    bool is_unix;
    std::thread thread;
    bool done = false;
  };

  HttpServer(HttpServerOptions options, store::Repository& users, RequestHandler handler);
  void AcceptLoop(int listen_fd, bool is_unix);
  void Serve(Connection* connection);
  HttpResponse Answer(const HttpRequest& request, int fd, bool is_unix);
  void ReapFinished() REQUIRES(mutex_);

  HttpServerOptions options_;
  Authenticator authenticator_;
  RequestHandler handler_;
  int tcp_fd_ = -1;
  int unix_fd_ = -1;
  uint16_t tcp_port_ = 0;
  std::vector<std::thread> acceptors_;

  std::mutex mutex_;
  bool stopping_ GUARDED_BY(mutex_) = false;
  std::list<Connection> connections_ GUARDED_BY(mutex_);
};

}  // namespace vsm::server
