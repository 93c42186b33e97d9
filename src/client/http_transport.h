// HttpCimTransport: CimTransport over HTTP/1.1 to vsmd, on a unix socket or TCP with Basic
// credentials; one keep-alive connection, reopened once if the server closed it while idle.
#pragma once

#include <memory>
#include <string>

#include "client/cim_client.h"

namespace vsm::client {

struct HttpEndpoint {
  std::string socket_path;  // set for a unix socket
  std::string host;         // else TCP
  uint16_t port = 5988;
  std::string user;
  std::string password;
  std::string name_space;  // from the URL's path, "" if none
  std::string Describe() const;  // "unix socket '/x'" or "127.0.0.1:5988"
};

// "http://USER:PASSWORD@HOST:PORT[/namespace]" or a socket path. kInvalidParameter otherwise.
Result<HttpEndpoint> ParseEndpoint(std::string_view text);

class HttpCimTransport : public CimTransport {
 public:
  explicit HttpCimTransport(HttpEndpoint endpoint) : endpoint_(std::move(endpoint)) {}
  ~HttpCimTransport() override;

  Result<CimHttpReply> PostCim(const HttpHeaders& cim_headers, const std::string& body) override;

 private:
  Result<void> Open();
  void Close();
  Result<CimHttpReply> Exchange(const std::string& request);

  HttpEndpoint endpoint_;
  int fd_ = -1;
};

}  // namespace vsm::client
