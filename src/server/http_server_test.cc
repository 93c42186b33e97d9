// The transport on its own: an echo handler behind a real listener, driven over raw sockets.
#include "server/http_server.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "store/repository.h"
#include "support/temp_dir.h"

namespace vsm::server {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    users_ = store::NewInMemoryRepository();
    ASSERT_TRUE(users_->SaveUser({"admin", Role::kAdministrator, HashPassword("secret", 1000)}).ok());
    Restart({});
  }

  // Replaces the server with one on the same addresses, with `tuning`'s worker count and
  // timeouts, and `handler` (an echo of the body by default).
  void Restart(HttpServerOptions tuning, RequestHandler handler = nullptr) {
    if (!handler) {
      handler = [](const HttpRequest& request, const Principal& principal) {
        return HttpResponse{200, {{"X-User", principal.user}, {"X-Role", std::string(RoleName(principal.role))}},
                            request.body};
      };
    }
    server_.reset();
    tuning.listen = "127.0.0.1:0";
    tuning.socket_path = temp_ / "vsmd.sock";
    tuning.max_body_bytes = 1024;
    auto started = HttpServer::Start(tuning, *users_, std::move(handler));
    ASSERT_TRUE(started.ok()) << started.error().ToString();
    server_ = std::move(*started);
  }

  // Reads until the peer closes; the bytes read. Gives up (and fails) after 10 s.
  static std::string ReadUntilClosed(int fd) {
    timeval limit{10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
    std::string received;
    char buffer[4096];
    for (;;) {
      ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
      if (n == 0) return received;
      if (n < 0) {
        ADD_FAILURE() << "the server did not close the connection within 10 s";
        return received;
      }
      received.append(buffer, static_cast<size_t>(n));
    }
  }

  int ConnectTcp() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(server_->tcp_port());
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
    return fd;
  }

  int ConnectUnix() {
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::snprintf(address.sun_path, sizeof(address.sun_path), "%s", (temp_ / "vsmd.sock").c_str());
    EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
    return fd;
  }

  // Sends `request` and reads one response (headers and Content-Length body).
  static std::string Exchange(int fd, const std::string& request) {
    send(fd, request.data(), request.size(), MSG_NOSIGNAL);
    std::string response;
    char buffer[4096];
    for (;;) {
      size_t end = response.find("\r\n\r\n");
      if (end != std::string::npos) {
        size_t at = response.find("Content-Length: ");
        size_t length = at == std::string::npos ? 0 : std::stoul(response.substr(at + 16));
        if (response.size() >= end + 4 + length) return response;
      }
      ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
      if (n <= 0) return response;
      response.append(buffer, static_cast<size_t>(n));
    }
  }

  static std::string Post(const std::string& body, const std::string& auth = "Authorization: Basic YWRtaW46c2VjcmV0\r\n") {
    return "POST /cimom HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Length: " + std::to_string(body.size()) +
           "\r\n\r\n" + body;
  }

  testing::TempDir temp_;
  std::unique_ptr<store::Repository> users_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpServerTest, TcpNeedsBasicAuthAndKeepsTheConnectionAlive) {
  int fd = ConnectTcp();
  for (int i = 0; i < 3; ++i) {
    std::string response = Exchange(fd, Post("hello" + std::to_string(i)));
    EXPECT_THAT(response, StartsWith("HTTP/1.1 200 OK"));
    EXPECT_THAT(response, HasSubstr("X-User: admin"));
    EXPECT_THAT(response, HasSubstr("hello" + std::to_string(i)));
  }
  close(fd);
  fd = ConnectTcp();
  std::string refused = Exchange(fd, Post("x", ""));
  EXPECT_THAT(refused, StartsWith("HTTP/1.1 401"));
  EXPECT_THAT(refused, HasSubstr("WWW-Authenticate: Basic realm=\"vsm\""));
  close(fd);
}

TEST_F(HttpServerTest, UnixSocketPeerIsAdministratorForRoot) {
  int fd = ConnectUnix();
  std::string response = Exchange(fd, Post("x", ""));
  EXPECT_THAT(response, StartsWith("HTTP/1.1 200"));
  if (geteuid() == 0) EXPECT_THAT(response, HasSubstr("X-Role: administrator"));
  close(fd);
}

TEST_F(HttpServerTest, RefusesWhatIsNotCimXml) {
  auto once = [&](const std::string& request) {
    int fd = ConnectTcp();
    std::string response = Exchange(fd, request);
    close(fd);
    return response;
  };
  EXPECT_THAT(once("GET /cimom HTTP/1.1\r\nHost: x\r\n\r\n"), StartsWith("HTTP/1.1 501"));
  EXPECT_THAT(once("M-POST /cimom HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"), StartsWith("HTTP/1.1 501"));
  EXPECT_THAT(once("POST /other HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"), StartsWith("HTTP/1.1 404"));
  EXPECT_THAT(once(Post(std::string(2048, 'x'))), StartsWith("HTTP/1.1 413"));
  EXPECT_THAT(once("\x01\x02garbage\r\n\r\n"), StartsWith("HTTP/1.1 400"));
  EXPECT_THAT(once("POST /cimom HTTP/1.1\r\nContent-Length: nope\r\n\r\n"), StartsWith("HTTP/1.1 400"));
}

TEST_F(HttpServerTest, ServesManyClientsAtOnce) {
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 16; ++c) {
    clients.emplace_back([&] {
      int fd = ConnectUnix();
      for (int i = 0; i < 50; ++i) {
        if (Exchange(fd, Post("ping", "")).find("200 OK") != std::string::npos) ++ok;
      }
      close(fd);
    });
  }
  for (auto& client : clients) client.join();
  EXPECT_EQ(ok.load(), 16 * 50);
}

// No more requests are carried out at once than there are workers; the others wait their turn
// and are all answered.
TEST_F(HttpServerTest, WorkerPoolBoundsTheRequestsCarriedOutAtOnce) {
  std::mutex mutex;
  std::condition_variable changed;
  int active = 0;
  int most_active = 0;
  bool released = false;
  Restart({.worker_count = 2}, [&](const HttpRequest& request, const Principal&) {
    std::unique_lock lock(mutex);
    most_active = std::max(most_active, ++active);
    changed.notify_all();
    changed.wait(lock, [&] { return released; });
    --active;
    return HttpResponse{200, {}, request.body};
  });
  std::atomic<int> answered{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 6; ++c) {
    clients.emplace_back([&] {
      int fd = ConnectUnix();
      if (Exchange(fd, Post("held", "")).find("200 OK") != std::string::npos) ++answered;
      close(fd);
    });
  }
  {
    std::unique_lock lock(mutex);
    ASSERT_TRUE(changed.wait_for(lock, std::chrono::seconds(10), [&] { return active == 2; }));
  }
  // Time for a third request to be (wrongly) carried out while both workers are held.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  {
    std::lock_guard lock(mutex);
    EXPECT_EQ(most_active, 2);
    released = true;
  }
  changed.notify_all();
  for (auto& client : clients) client.join();
  EXPECT_EQ(answered.load(), 6);
  EXPECT_EQ(most_active, 2);
}

// Keep-alive connections waiting for their next request hold no worker.
TEST_F(HttpServerTest, IdleConnectionsHoldNoWorker) {
  Restart({.worker_count = 1});
  std::vector<int> idle;
  for (int c = 0; c < 20; ++c) {
    idle.push_back(ConnectUnix());
    EXPECT_THAT(Exchange(idle.back(), Post("first", "")), StartsWith("HTTP/1.1 200"));
  }
  int fresh = ConnectTcp();
  EXPECT_THAT(Exchange(fresh, Post("fresh")), StartsWith("HTTP/1.1 200"));
  close(fresh);
  for (int fd : idle) {
    EXPECT_THAT(Exchange(fd, Post("again", "")), StartsWith("HTTP/1.1 200"));
    close(fd);
  }
}

// Requests sent back to back in one write are each answered, in order.
TEST_F(HttpServerTest, PipelinedRequestsAreAllAnswered) {
  int fd = ConnectUnix();
  const std::string both = Post("first-body", "") + Post("second-body", "");
  send(fd, both.data(), both.size(), MSG_NOSIGNAL);
  shutdown(fd, SHUT_WR);  // the server answers both, then sees the end and closes
  const std::string received = ReadUntilClosed(fd);
  close(fd);
  size_t first = received.find("HTTP/1.1 200");
  ASSERT_NE(first, std::string::npos) << received;
  size_t second = received.find("HTTP/1.1 200", first + 1);
  ASSERT_NE(second, std::string::npos) << received;
  EXPECT_NE(received.find("first-body", first), std::string::npos);
  EXPECT_LT(received.find("first-body"), second);
  EXPECT_NE(received.find("second-body", second), std::string::npos);
}

TEST_F(HttpServerTest, IdleConnectionIsClosedAfterTheIdleTimeout) {
  Restart({.idle_timeout = std::chrono::seconds(1)});
  int fd = ConnectTcp();
  EXPECT_THAT(Exchange(fd, Post("x")), StartsWith("HTTP/1.1 200"));
  EXPECT_EQ(ReadUntilClosed(fd), "");
  close(fd);
}

// A peer that starts a request and stalls holds its worker no longer than request_timeout.
TEST_F(HttpServerTest, StalledRequestIsCutAfterTheRequestTimeout) {
  Restart({.worker_count = 1, .request_timeout = std::chrono::seconds(1)});
  int stalled = ConnectTcp();
  const std::string partial = "POST /cimom HTTP/1.1\r\nHost: x\r\n";
  send(stalled, partial.data(), partial.size(), MSG_NOSIGNAL);
  EXPECT_THAT(ReadUntilClosed(stalled), StartsWith("HTTP/1.1 400"));
  close(stalled);
  int next = ConnectTcp();
  EXPECT_THAT(Exchange(next, Post("next")), StartsWith("HTTP/1.1 200"));
  close(next);
}

TEST_F(HttpServerTest, StopJoinsWithAnIdleClientConnectedAndRemovesTheSocket) {
  int fd = ConnectTcp();
  EXPECT_THAT(Exchange(fd, Post("x")), StartsWith("HTTP/1.1 200"));
  server_->Stop();
  EXPECT_FALSE(std::filesystem::exists(temp_ / "vsmd.sock"));
  close(fd);
}

TEST_F(HttpServerTest, SecondServerOnTheSameSocketIsRefused) {
  auto second = HttpServer::Start({.socket_path = temp_ / "vsmd.sock"}, *users_,
                                  [](const HttpRequest&, const Principal&) { return HttpResponse{}; });
  ASSERT_FALSE(second.ok());
  EXPECT_THAT(second.error().message(), HasSubstr("in use by another process"));
}

}  // namespace
}  // namespace vsm::server
