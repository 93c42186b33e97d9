#include "client/http_transport.h"

#include <fmt/format.h>
#include <netdb.h>
#include <openssl/evp.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <charconv>
#include <cstring>
#include <strings.h>

namespace vsm::client {
namespace {

std::string Base64(std::string_view text) {
  std::string out(4 * ((text.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string PercentDecode(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      int value = 0;
      std::from_chars(text.data() + i + 1, text.data() + i + 3, value, 16);
      out.push_back(static_cast<char>(value));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

bool SendAll(int fd, const std::string& data) {
  size_t sent = 0;
  while (sent < data.size()) {
    ssize_t n = send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

std::string HttpEndpoint::Describe() const {
  return socket_path.empty() ? fmt::format("{}:{}", host, port) : fmt::format("unix socket '{}'", socket_path);
}

Result<HttpEndpoint> ParseEndpoint(std::string_view text) {
  HttpEndpoint endpoint;
  constexpr std::string_view kHttp = "http://";
  if (text.substr(0, kHttp.size()) != kHttp) {
    if (text.empty()) return Error::InvalidParameter("no vsmd socket or URL given");
    endpoint.socket_path = std::string(text);
    return endpoint;
  }
  std::string_view rest = text.substr(kHttp.size());
  size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) {
    std::string_view path = rest.substr(slash + 1);
    while (!path.empty() && path.back() == '/') path.remove_suffix(1);
    endpoint.name_space = std::string(path);
  }
  size_t at = authority.rfind('@');
  if (at != std::string_view::npos) {
    std::string_view credentials = authority.substr(0, at);
    size_t colon = credentials.find(':');
    endpoint.user = PercentDecode(credentials.substr(0, colon));
    if (colon != std::string_view::npos) endpoint.password = PercentDecode(credentials.substr(colon + 1));
    authority = authority.substr(at + 1);
  }
  size_t colon = authority.rfind(':');
  if (colon != std::string_view::npos && (authority.front() != '[' || authority[colon - 1] == ']')) {
    std::string_view port = authority.substr(colon + 1);
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), endpoint.port);
    if (ec != std::errc() || end != port.data() + port.size()) {
      return Error::InvalidParameter(fmt::format("URL '{}' has no valid port", text));
    }
    authority = authority.substr(0, colon);
  }
  if (authority.size() >= 2 && authority.front() == '[') authority = authority.substr(1, authority.size() - 2);
  if (authority.empty()) return Error::InvalidParameter(fmt::format("URL '{}' has no host", text));
  endpoint.host = std::string(authority);
  return endpoint;
}

HttpCimTransport::~HttpCimTransport() { Close(); }

void HttpCimTransport::Close() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

Result<void> HttpCimTransport::Open() {
  auto refused = [&](int err) {
    return Error::SystemNotAvailable(fmt::format(
        "cannot connect to vsmd at {}: {}; is vsmd running? start it with `make run`{}",
        endpoint_.Describe(), std::strerror(err),
        endpoint_.socket_path.empty() ? "" : ", or pass --socket PATH or --url http://USER:PASSWORD@HOST:PORT"));
  };
  if (!endpoint_.socket_path.empty()) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (endpoint_.socket_path.size() >= sizeof(address.sun_path)) {
      return Error::InvalidParameter(fmt::format("socket path '{}' is too long", endpoint_.socket_path));
    }
    std::strcpy(address.sun_path, endpoint_.socket_path.c_str());
    fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
      int err = errno;
      Close();
      return refused(err);
    }
  } else {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    int rc = getaddrinfo(endpoint_.host.c_str(), std::to_string(endpoint_.port).c_str(), &hints, &found);
    if (rc != 0) {
      return Error::SystemNotAvailable(fmt::format("cannot resolve '{}': {}", endpoint_.host, gai_strerror(rc)));
    }
    int err = 0;
    for (addrinfo* a = found; a; a = a->ai_next) {
      fd_ = socket(a->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
      if (connect(fd_, a->ai_addr, a->ai_addrlen) == 0) break;
      err = errno;
      Close();
    }
    freeaddrinfo(found);
    if (fd_ < 0) return refused(err);
  }
  timeval timeout{300, 0};
  setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  return Ok();
}

Result<CimHttpReply> HttpCimTransport::Exchange(const std::string& request) {
  if (!SendAll(fd_, request)) return Error::Failed("the connection to vsmd was closed");
  std::string buffer;
  char chunk[65536];
  size_t header_end;
  while ((header_end = buffer.find("\r\n\r\n")) == std::string::npos) {
    ssize_t n = recv(fd_, chunk, sizeof(chunk), 0);
    if (n <= 0) return Error::Failed("the connection to vsmd was closed");
    buffer.append(chunk, static_cast<size_t>(n));
  }
  CimHttpReply reply;
  std::string_view head(buffer.data(), header_end);
  size_t line_end = head.find("\r\n");
  std::string_view status_line = head.substr(0, line_end);
  size_t space = status_line.find(' ');
  if (space == std::string_view::npos) return Error::Failed("vsmd sent a malformed HTTP status line");
  std::from_chars(status_line.data() + space + 1, status_line.data() + status_line.size(), reply.status);
  size_t content_length = 0;
  size_t at = line_end == std::string_view::npos ? head.size() : line_end + 2;
  while (at < head.size()) {
    size_t end = head.find("\r\n", at);
    if (end == std::string_view::npos) end = head.size();
    std::string_view line = head.substr(at, end - at);
    size_t colon = line.find(':');
    if (colon != std::string_view::npos) {
      std::string name(line.substr(0, colon));
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      if (strcasecmp(name.c_str(), "Content-Length") == 0) {
        std::from_chars(value.data(), value.data() + value.size(), content_length);
      }
      reply.headers.emplace_back(std::move(name), std::string(value));
    }
    at = end + 2;
  }
  size_t body_start = header_end + 4;
  while (buffer.size() < body_start + content_length) {
    ssize_t n = recv(fd_, chunk, sizeof(chunk), 0);
    if (n <= 0) return Error::Failed("the connection to vsmd closed in the middle of a reply");
    buffer.append(chunk, static_cast<size_t>(n));
  }
  reply.body = buffer.substr(body_start, content_length);
  for (const auto& [name, value] : reply.headers) {
    if (strcasecmp(name.c_str(), "Connection") == 0 && value.find("close") != std::string::npos) Close();
  }
  return reply;
}

Result<CimHttpReply> HttpCimTransport::PostCim(const HttpHeaders& cim_headers, const std::string& body) {
  std::string request = fmt::format("POST /cimom HTTP/1.1\r\nHost: {}\r\n",
                                    endpoint_.socket_path.empty() ? endpoint_.Describe() : "localhost");
  if (!endpoint_.user.empty()) {
    request += "Authorization: Basic " + Base64(endpoint_.user + ":" + endpoint_.password) + "\r\n";
  }
  request += "Content-Type: application/xml; charset=\"utf-8\"\r\nCIMProtocolVersion: 1.0\r\n";
  for (const auto& [name, value] : cim_headers) request += name + ": " + value + "\r\n";
  request += fmt::format("Content-Length: {}\r\n\r\n", body.size()) + body;

  bool reused = fd_ >= 0;
  if (!reused) VSM_RETURN_IF_ERROR(Open());
  Result<CimHttpReply> reply = Exchange(request);
  if (!reply.ok() && reused) {
    // The server may have closed the idle connection: one fresh attempt.
    Close();
    VSM_RETURN_IF_ERROR(Open());
    reply = Exchange(request);
  }
  if (!reply.ok()) {
    Close();
    return reply;
  }
  if (reply->status == 401) {
    return Error::AccessDenied(fmt::format("authentication failed for user '{}' at {}", endpoint_.user,
                                           endpoint_.Describe()));
  }
  return reply;
}

Result<std::unique_ptr<CimClient>> CimClient::Connect(std::string_view endpoint) {
  VSM_ASSIGN_OR_RETURN(HttpEndpoint parsed, ParseEndpoint(endpoint));
  std::string name_space = parsed.name_space.empty() ? std::string(kDefaultNamespace) : parsed.name_space;
  return std::make_unique<CimClient>(std::make_unique<HttpCimTransport>(std::move(parsed)), name_space);
}

}  // namespace vsm::client
