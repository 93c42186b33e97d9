// CimEndpoint: the CIM-XML operation endpoint (POST /cimom): decodes a DSP0200 request body,
// carries it out through the Dispatcher as the authenticated principal, and encodes the answer.
// Protocol-level failures become HTTP statuses with a CIMError header, as DSP0200 says.
// Thread-safe.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "cim/dispatcher.h"
#include "cimxml/request_decoder.h"
#include "core/principal.h"

namespace vsm::app {

struct CimReply {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

class CimEndpoint {
 public:
  explicit CimEndpoint(cim::Dispatcher& dispatcher) : dispatcher_(dispatcher) {}

  CimReply Handle(std::string_view body, const cimxml::RequestHeaders& headers,
                  const Principal& principal);

 private:
  cim::Dispatcher& dispatcher_;
};

}  // namespace vsm::app
