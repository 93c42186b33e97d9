// HttpConnection: reads HTTP/1.1 requests from a connected socket and writes responses, with
// the limits that keep a hostile peer from costing more than they allow. Used by one thread.
#pragma once

#include <cstddef>
#include <string>

#include "server/http_types.h"

namespace vsm::server {

struct HttpLimits {
  size_t max_header_bytes = 16 * 1024;
  size_t max_body_bytes = 4 * 1024 * 1024;
};

class HttpConnection {
 public:
  HttpConnection(int fd, HttpLimits limits) : fd_(fd), limits_(limits) {}

  enum class ReadOutcome {
    kRequest,      // *request holds a request
    kClosed,       // the peer closed (or timed out) between requests
    kBadRequest,   // answer 400 and close
    kTooLarge,     // answer 413 and close
    kHeaderTooLarge,  // answer 431 and close
  };
  ReadOutcome ReadRequest(HttpRequest* request);

  // Writes `response` with Content-Length (never chunked). False if the peer is gone.
  bool WriteResponse(const HttpResponse& response, bool keep_alive);

  // True when bytes of a next request (pipelined) have been read already.
  bool HasBufferedInput() const { return !buffer_.empty(); }

 private:
  // Reads more bytes into buffer_; false on EOF, error or timeout.
  bool Fill();

  int fd_;
  HttpLimits limits_;
  std::string buffer_;
};

}  // namespace vsm::server
