// ReturnCode: the uint32 outcome of every Msvm_VirtualSystemManagementService method, with the
// names Hyper-V gives them. The numbers, names and descriptions are listed once, in
// return_code.cc; the MOF ValueMaps, the CIM layer and the CLI all read that table.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace vsm {

enum class ReturnCode : uint32_t {
  kCompleted = 0,
  kJobStarted = 4096,
  kFailed = 32768,
  kAccessDenied = 32769,
  kNotSupported = 32770,
  kStatusUnknown = 32771,
  kTimeout = 32772,
  kInvalidParameter = 32773,
  kSystemInUse = 32774,
  kInvalidState = 32775,
  kIncorrectDataType = 32776,
  kSystemNotAvailable = 32777,
  kOutOfMemory = 32778,
  kFileInUse = 32779,
};

// The identifier-style name, e.g. "InvalidParameter".
std::string_view ReturnCodeName(ReturnCode code);
// Hyper-V's description, e.g. "Invalid parameter".
std::string_view ReturnCodeDescription(ReturnCode code);
// The code for a number, if the number is one of the table's.
std::optional<ReturnCode> ReturnCodeFromNumber(uint32_t number);

struct ReturnCodeEntry {
  ReturnCode code;
  std::string_view name;
  std::string_view description;
};
// Every code, in numeric order.
const ReturnCodeEntry* ReturnCodeTableBegin();
const ReturnCodeEntry* ReturnCodeTableEnd();

}  // namespace vsm
