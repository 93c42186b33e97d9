#include "server/http_connection.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <fmt/format.h>

namespace vsm::server {
namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) text.remove_suffix(1);
  return text;
}

bool IsToken(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c <= 32 || c >= 127) return false;
  }
  return true;
}

}  // namespace

bool HttpConnection::Fill() {
  char chunk[64 * 1024];
  for (;;) {
    ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
    if (n > 0) {
      buffer_.append(chunk, static_cast<size_t>(n));
      return true;
    }
    if (n < 0 && errno == EINTR) continue;
    return false;
  }
}

HttpConnection::ReadOutcome HttpConnection::ReadRequest(HttpRequest* request) {
  size_t header_end;
  while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (buffer_.size() > limits_.max_header_bytes) return ReadOutcome::kHeaderTooLarge;
    if (!Fill()) return buffer_.empty() ? ReadOutcome::kClosed : ReadOutcome::kBadRequest;
  }
  if (header_end > limits_.max_header_bytes) return ReadOutcome::kHeaderTooLarge;
  std::string_view head(buffer_.data(), header_end);
  size_t line_end = head.find("\r\n");
  std::string_view request_line = head.substr(0, line_end);
  size_t first = request_line.find(' ');
  size_t second = request_line.rfind(' ');
  if (first == std::string_view::npos || second == first) return ReadOutcome::kBadRequest;
  *request = HttpRequest{};
  request->method = std::string(request_line.substr(0, first));
  request->target = std::string(request_line.substr(first + 1, second - first - 1));
  request->version = std::string(request_line.substr(second + 1));
  if (!IsToken(request->method) || !IsToken(request->target) ||
      (request->version != "HTTP/1.1" && request->version != "HTTP/1.0")) {
    return ReadOutcome::kBadRequest;
  }
  size_t at = line_end == std::string_view::npos ? head.size() : line_end + 2;
  while (at < head.size()) {
    size_t end = head.find("\r\n", at);
    if (end == std::string_view::npos) end = head.size();
    std::string_view line = head.substr(at, end - at);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0 || !IsToken(line.substr(0, colon))) {
      return ReadOutcome::kBadRequest;
    }
    request->headers.emplace_back(std::string(line.substr(0, colon)), std::string(Trim(line.substr(colon + 1))));
    at = end + 2;
  }
  if (!request->Header("Transfer-Encoding").empty()) return ReadOutcome::kBadRequest;  // no chunked uploads
  size_t length = 0;
  std::string length_text = request->Header("Content-Length");
  if (!length_text.empty()) {
    auto [end, ec] = std::from_chars(length_text.data(), length_text.data() + length_text.size(), length);
    if (ec != std::errc() || end != length_text.data() + length_text.size()) return ReadOutcome::kBadRequest;
  }
  if (length > limits_.max_body_bytes) return ReadOutcome::kTooLarge;
  size_t body_start = header_end + 4;
  while (buffer_.size() < body_start + length) {
    if (!Fill()) return ReadOutcome::kBadRequest;
  }
  request->body = buffer_.substr(body_start, length);
  buffer_.erase(0, body_start + length);
  return ReadOutcome::kRequest;
}

bool HttpConnection::WriteResponse(const HttpResponse& response, bool keep_alive) {
  std::string out = fmt::format("HTTP/1.1 {} {}\r\n", response.status, ReasonPhrase(response.status));
  for (const auto& [name, value] : response.headers) out += fmt::format("{}: {}\r\n", name, value);
  out += fmt::format("Content-Length: {}\r\nConnection: {}\r\n\r\n", response.body.size(),
                     keep_alive ? "keep-alive" : "close");
  out += response.body;
  size_t sent = 0;
  while (sent < out.size()) {
    ssize_t n = ::send(fd_, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace vsm::server
