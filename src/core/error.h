// Error: a Hyper-V return code plus one human message that names the thing and the fix.
// The only error type; no exception crosses a layer.
#pragma once

#include <string>

#include "core/return_code.h"

namespace vsm {

class Error {
 public:
  Error(ReturnCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Error Failed(std::string message) { return {ReturnCode::kFailed, std::move(message)}; }
  static Error AccessDenied(std::string message) {
    return {ReturnCode::kAccessDenied, std::move(message)};
  }
  static Error NotSupported(std::string message) {
    return {ReturnCode::kNotSupported, std::move(message)};
  }
  static Error Timeout(std::string message) { return {ReturnCode::kTimeout, std::move(message)}; }
  static Error InvalidParameter(std::string message) {
    return {ReturnCode::kInvalidParameter, std::move(message)};
  }
  static Error SystemInUse(std::string message) {
    return {ReturnCode::kSystemInUse, std::move(message)};
  }
  static Error InvalidState(std::string message) {
    return {ReturnCode::kInvalidState, std::move(message)};
  }
  static Error IncorrectDataType(std::string message) {
    return {ReturnCode::kIncorrectDataType, std::move(message)};
  }
  static Error SystemNotAvailable(std::string message) {
    return {ReturnCode::kSystemNotAvailable, std::move(message)};
  }
  static Error OutOfMemory(std::string message) {
    return {ReturnCode::kOutOfMemory, std::move(message)};
  }
  static Error FileInUse(std::string message) {
    return {ReturnCode::kFileInUse, std::move(message)};
  }

  ReturnCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "InvalidParameter (32773): <message>"
  std::string ToString() const;

 private:
  ReturnCode code_;
  std::string message_;
};

}  // namespace vsm
