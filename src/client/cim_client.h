// CimClient: a DSP0200 client of vsmd — each call encodes one CIM operation with the cimxml/
// codec, POSTs it to /cimom over a CimTransport (the HTTP client, on a unix socket or TCP), and
// decodes the answer. Used by the `vsm` CLI and the tests. Not thread-safe: one caller at a time
// (the message ids and the transport's connection are shared).
//
// Errors (Result<T>):
//   - the request never got an answer (cannot connect, connection lost, malformed HTTP): the
//     transport's own Error message, with code kSystemNotAvailable;
//   - vsmd refused the credentials (HTTP 401): kAccessDenied;
//   - any other HTTP status than 200: kSystemNotAvailable naming the status and the CIMError
//     header;
//   - a CIM error answered in the body: "CIM_ERR_NOT_FOUND (6): <description>" with the nearest
//     ReturnCode (kInvalidParameter for NOT_FOUND/INVALID_*, kAccessDenied, kNotSupported,
//     kIncorrectDataType, kSystemNotAvailable for SERVER_IS_SHUTTING_DOWN, else kFailed).
// A method's own outcome (0, 4096, 327xx) is not an error: it is MethodResult::return_value.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cim/cim_class.h"
#include "cim/instance.h"
#include "cim/object_path.h"
#include "cim/operation.h"
#include "core/result.h"

namespace vsm::client {

inline constexpr std::string_view kDefaultNamespace = "root/virtualization";

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct CimHttpReply {
  int status = 0;
  HttpHeaders headers;
  std::string body;
};

// Carries one CIM-XML request (POST /cimom) and brings back the reply, whatever its status.
// Implementations report only transport failures as errors.
class CimTransport {
 public:
  virtual ~CimTransport() = default;
  virtual Result<CimHttpReply> PostCim(const HttpHeaders& cim_headers, const std::string& body) = 0;
};

class CimClient {
 public:
  // `endpoint`: a unix socket path, or an http URL "http://USER:PASSWORD@HOST:PORT" (an optional
  // path names the namespace, as wbemcli's URLs do: ".../root/virtualization"). Nothing is sent
  // yet; kInvalidParameter for a URL that cannot be parsed.
  static Result<std::unique_ptr<CimClient>> Connect(std::string_view endpoint);

  explicit CimClient(std::unique_ptr<CimTransport> transport,
                     std::string name_space = std::string(kDefaultNamespace));

  const std::string& name_space() const { return name_space_; }

  Result<cim::ClassDecl> GetClass(std::string_view class_name);
  // Every instance of `class_name` (and its subclasses), each with its path; only the properties
  // in `property_list` when given.
  Result<std::vector<cim::Instance>> EnumerateInstances(
      std::string_view class_name,
      std::optional<std::vector<std::string>> property_list = std::nullopt);
  Result<std::vector<cim::ObjectPath>> EnumerateInstanceNames(std::string_view class_name);
  Result<cim::Instance> GetInstance(
      const cim::ObjectPath& path,
      std::optional<std::vector<std::string>> property_list = std::nullopt);
  // A WQL query.
  Result<std::vector<cim::Instance>> ExecQuery(std::string_view wql);
  // The instances associated with `path` through `assoc_class` that are of `result_class`
  // ("" = any), each with its path.
  Result<std::vector<cim::Instance>> Associators(const cim::ObjectPath& path,
                                                 std::string_view assoc_class = {},
                                                 std::string_view result_class = {});
  // Calls `method` on `target` (an instance path, or a class path for a static method). The
  // parameters are sent typed (PARAMTYPE) unless NamedValue::untyped.
  Result<cim::MethodResult> InvokeMethod(const cim::ObjectPath& target, std::string_view method,
                                         std::vector<cim::NamedValue> parameters = {});

 private:
  // Sends `operation` and returns its decoded answer, or the Error described above.
  Result<cim::OperationResult> Call(cim::Operation operation);
  template <typename T>
  Result<T> CallExpecting(cim::Operation operation);

  std::unique_ptr<CimTransport> transport_;
  std::string name_space_;
  uint64_t next_message_id_ = 1;
};

// The Error for a CIM error answered by the server: "CIM_ERR_NOT_FOUND (6): <description>",
// coded as the header says.
Error ErrorFromCimError(const cim::CimError& error);

}  // namespace vsm::client
