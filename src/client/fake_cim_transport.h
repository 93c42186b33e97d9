// FakeCimTransport: a CimTransport for tests that answers in-process, through the real codec:
// each request is decoded with cimxml::DecodeRequest, handed to a handler as a cim::Operation,
// and the handler's OperationResult is encoded with cimxml::EncodeResponse. Transport faults and
// HTTP statuses can be injected. Header-only; not thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "cim/operation.h"
#include "cimxml/request_decoder.h"
#include "cimxml/response_encoder.h"
#include "client/cim_client.h"

namespace vsm::client::testing {

class FakeCimTransport final : public CimTransport {
 public:
  using Handler = std::function<cim::OperationResult(const cim::Operation&)>;

  // Shared with the test, which keeps scripting it after the client owns the transport.
  struct State {
    Handler handler;
    std::vector<cim::Operation> operations;  // every request received, decoded
    std::vector<HttpHeaders> headers;        // the CIM headers of each request
    std::optional<Error> transport_error;    // set: every PostCim fails with it
    std::optional<CimHttpReply> http_reply;  // set: answered instead of a CIM-XML response
  };

  explicit FakeCimTransport(std::shared_ptr<State> state) : state_(std::move(state)) {}

  Result<CimHttpReply> PostCim(const HttpHeaders& cim_headers, const std::string& body) override {
    state_->headers.push_back(cim_headers);
    if (state_->transport_error) return *state_->transport_error;
    if (state_->http_reply) return *state_->http_reply;
    cimxml::DecodeRequestResult decoded = cimxml::DecodeRequest(body);
    if (auto* failure = std::get_if<cimxml::RequestFailure>(&decoded)) {
      return CimHttpReply{400, {{"CIMError", "request-not-valid"}}, failure->message};
    }
    auto& request = std::get<cimxml::DecodedRequest>(decoded);
    state_->operations.push_back(request.operation);
    cim::OperationResult result =
        state_->handler ? state_->handler(request.operation)
                        : cim::OperationResult(cim::CimError{cim::CimStatus::kNotSupported, "no handler"});
    return CimHttpReply{200,
                        {{"CIMOperation", "MethodResponse"}},
                        cimxml::EncodeResponse(result, request.operation, request.message_id)};
  }

 private:
  std::shared_ptr<State> state_;
};

// A CimClient over a FakeCimTransport sharing `state`.
inline std::unique_ptr<CimClient> NewFakeCimClient(std::shared_ptr<FakeCimTransport::State> state) {
  return std::make_unique<CimClient>(std::make_unique<FakeCimTransport>(std::move(state)));
}

}  // namespace vsm::client::testing
