// HTTP requests and responses as the server hands them to its handler.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vsm::server {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

// The value of header `name` (case-insensitive), or "" if absent.
std::string FindHeader(const HttpHeaders& headers, std::string_view name);

struct HttpRequest {
  std::string method;
  std::string target;
  std::string version;  // "HTTP/1.1"
  HttpHeaders headers;
  std::string body;
  std::string Header(std::string_view name) const { return FindHeader(headers, name); }
};

struct HttpResponse {
  int status = 200;
  HttpHeaders headers;
  std::string body;
};

// "OK", "Bad Request", ...
std::string_view ReasonPhrase(int status);

}  // namespace vsm::server
