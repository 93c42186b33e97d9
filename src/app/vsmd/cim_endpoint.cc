#include "app/vsmd/cim_endpoint.h"

#include <spdlog/spdlog.h>

#include "cimxml/protocol_error.h"
#include "cimxml/response_encoder.h"

namespace vsm::app {

CimReply CimEndpoint::Handle(std::string_view body, const cimxml::RequestHeaders& headers,
                             const Principal& principal) {
  CimReply reply;
  cimxml::DecodeRequestResult decoded = cimxml::DecodeRequest(body, headers);
  if (auto* failure = std::get_if<cimxml::RequestFailure>(&decoded)) {
    if (failure->protocol_error) {
      reply.status = cimxml::ProtocolErrorHttpStatus(*failure->protocol_error);
      reply.headers.emplace_back(
          "CIMError", std::string(cimxml::ProtocolErrorHeaderValue(*failure->protocol_error)));
      reply.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
      reply.body = failure->message + "\n";
      spdlog::debug("refused CIM-XML request from {}: {}", principal.user, failure->message);
      return reply;
    }
    reply.body = cimxml::EncodeFailureResponse(*failure);
  } else {
    const auto& request = std::get<cimxml::DecodedRequest>(decoded);
    cim::OperationResult result = dispatcher_.Execute(request.operation, principal);
    reply.body = cimxml::EncodeResponse(result, request.operation, request.message_id);
  }
  reply.headers.emplace_back("Content-Type", "application/xml; charset=\"utf-8\"");
  reply.headers.emplace_back("CIMOperation", "MethodResponse");
  return reply;
}

}  // namespace vsm::app
