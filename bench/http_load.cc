// vsm-bench-http: a closed-loop HTTP/1.1 load generator for the benchmark suite. Each of N
// connections (keep-alive) sends the same raw request again as soon as the previous answer is
// complete, for a fixed time; every answer must be 200 with a body holding the expected text.
// Prints one JSON object: requests, errors, seconds, throughput and latency percentiles.
// Used to compare vsmd's job polling (CIM-XML GetInstance) with nginx serving the same bytes.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Worker {
  std::vector<double> latencies_ms;
  uint64_t errors = 0;
  std::string first_error;
};

int Connect(const std::string& host, uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  if (::inet_pton(AF_INET, host.c_str(), &address.sin_addr) != 1 ||
      ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    ::close(fd);
    return -1;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  return fd;
}

bool SendAll(int fd, const std::string& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

// Reads one response (headers, then Content-Length bytes of body) into `response`; `buffer`
// keeps bytes that arrived past it. Returns an error text, or "" on success.
std::string ReadResponse(int fd, std::string& buffer, std::string& response) {
  char chunk[65536];
  size_t header_end;
  while ((header_end = buffer.find("\r\n\r\n")) == std::string::npos) {
    ssize_t n = ::recv(fd, chunk, sizeof(chunk), 0);
    if (n <= 0) return "connection closed before the headers ended";
    buffer.append(chunk, static_cast<size_t>(n));
  }
  const std::string headers = buffer.substr(0, header_end);
  std::string lower = headers;
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  size_t length_at = lower.find("content-length:");
  if (length_at == std::string::npos) return "no Content-Length in: " + headers.substr(0, 200);
  size_t length = std::stoul(lower.substr(length_at + 15));
  const size_t total = header_end + 4 + length;
  while (buffer.size() < total) {
    ssize_t n = ::recv(fd, chunk, sizeof(chunk), 0);
    if (n <= 0) return "connection closed in the body";
    buffer.append(chunk, static_cast<size_t>(n));
  }
  response = buffer.substr(0, total);
  buffer.erase(0, total);
  if (response.compare(0, 12, "HTTP/1.1 200") != 0) return "status: " + headers.substr(0, 80);
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("closed-loop HTTP load generator for vsm's benchmarks");
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  size_t connections = 16;
  double seconds = 5;
  std::string request_file;
  std::string expect;
  std::string save_body;
  app.add_option("--host", host, "IPv4 address");
  app.add_option("--port", port, "TCP port")->required();
  app.add_option("--connections", connections, "concurrent keep-alive connections");
  app.add_option("--seconds", seconds, "how long to run");
  app.add_option("--request", request_file, "file holding the raw HTTP request")->required();
  app.add_option("--expect", expect, "text every response body must contain")->required();
  app.add_option("--save-body", save_body, "write the body of the last good response here");
  CLI11_PARSE(app, argc, argv);

  std::ifstream in(request_file, std::ios::binary);
  if (!in) {
    std::cerr << "vsm-bench-http: cannot read '" << request_file << "'\n";
    return 2;
  }
  std::stringstream content;
  content << in.rdbuf();
  const std::string request = content.str();

  std::vector<Worker> workers(connections);
  std::string last_body;  // of worker 0, for --save-body
  std::atomic<bool> stop = false;
  std::vector<std::thread> threads;
  const Clock::time_point start = Clock::now();
  for (size_t i = 0; i < connections; ++i) {
    threads.emplace_back([&, i] {
      Worker& worker = workers[i];
      int fd = -1;
      std::string buffer;
      std::string response;
      while (!stop.load()) {
        if (fd < 0) {
          fd = Connect(host, port);
          buffer.clear();
          if (fd < 0) {
            ++worker.errors;
            if (worker.first_error.empty()) worker.first_error = "cannot connect";
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
            continue;
          }
        }
        const Clock::time_point sent = Clock::now();
        std::string error = SendAll(fd, request) ? ReadResponse(fd, buffer, response)
                                                 : std::string("send failed");
        if (error.empty() && response.find(expect) == std::string::npos) {
          error = "the response lacks '" + expect + "'";
        }
        if (!error.empty()) {
          ++worker.errors;
          if (worker.first_error.empty()) worker.first_error = error;
          ::close(fd);
          fd = -1;
          continue;
        }
        worker.latencies_ms.push_back(
            std::chrono::duration<double, std::milli>(Clock::now() - sent).count());
        if (i == 0 && !save_body.empty()) last_body = response.substr(response.find("\r\n\r\n") + 4);
      }
      if (fd >= 0) ::close(fd);
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (std::thread& thread : threads) thread.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();

  std::vector<double> latencies;
  uint64_t errors = 0;
  std::string first_error;
  for (const Worker& worker : workers) {
    latencies.insert(latencies.end(), worker.latencies_ms.begin(), worker.latencies_ms.end());
    errors += worker.errors;
    if (first_error.empty()) first_error = worker.first_error;
  }
  std::sort(latencies.begin(), latencies.end());
  auto percentile = [&](double p) {
    if (latencies.empty()) return 0.0;
    size_t index = static_cast<size_t>(p * static_cast<double>(latencies.size() - 1));
    return latencies[index];
  };
  std::printf(
      "{\"requests\": %zu, \"errors\": %llu, \"seconds\": %.3f, \"throughput\": %.1f, "
      "\"p50_ms\": %.3f, \"p99_ms\": %.3f, \"max_ms\": %.3f}\n",
      latencies.size(), static_cast<unsigned long long>(errors), elapsed,
      static_cast<double>(latencies.size()) / elapsed, percentile(0.50), percentile(0.99),
      latencies.empty() ? 0.0 : latencies.back());
  if (!save_body.empty()) std::ofstream(save_body, std::ios::binary) << last_body;
  if (!first_error.empty()) std::fprintf(stderr, "vsm-bench-http: first error: %s\n", first_error.c_str());
  return latencies.empty() ? 1 : 0;
}
