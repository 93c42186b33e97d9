#include "core/return_code.h"

namespace vsm {
namespace {

// The one list of codes. Add at the end; never reuse a number.
constexpr ReturnCodeEntry kReturnCodes[] = {
    {ReturnCode::kCompleted, "Completed", "Completed with No Error"},
    {ReturnCode::kJobStarted, "JobStarted", "Method Parameters Checked - Job Started"},
    {ReturnCode::kFailed, "Failed", "Failed"},
    {ReturnCode::kAccessDenied, "AccessDenied", "Access Denied"},
    {ReturnCode::kNotSupported, "NotSupported", "Not Supported"},
    {ReturnCode::kStatusUnknown, "StatusUnknown", "Status is unknown"},
    {ReturnCode::kTimeout, "Timeout", "Timeout"},
    {ReturnCode::kInvalidParameter, "InvalidParameter", "Invalid parameter"},
    {ReturnCode::kSystemInUse, "SystemInUse", "System is in use"},
    {ReturnCode::kInvalidState, "InvalidState", "Invalid state for this operation"},
    {ReturnCode::kIncorrectDataType, "IncorrectDataType", "Incorrect data type"},
    {ReturnCode::kSystemNotAvailable, "SystemNotAvailable", "System is not available"},
    {ReturnCode::kOutOfMemory, "OutOfMemory", "Out of memory"},
    {ReturnCode::kFileInUse, "FileInUse", "File in Use"},
};

const ReturnCodeEntry* Find(ReturnCode code) {
  for (const auto& entry : kReturnCodes) {
    if (entry.code == code) return &entry;
  }
  return nullptr;
}

}  // namespace

std::string_view ReturnCodeName(ReturnCode code) {
  const ReturnCodeEntry* entry = Find(code);
  return entry ? entry->name : "Unknown";
}

std::string_view ReturnCodeDescription(ReturnCode code) {
  const ReturnCodeEntry* entry = Find(code);
  return entry ? entry->description : "Unknown return code";
}

std::optional<ReturnCode> ReturnCodeFromNumber(uint32_t number) {
  const ReturnCodeEntry* entry = Find(static_cast<ReturnCode>(number));
  if (!entry) return std::nullopt;
  return entry->code;
}

const ReturnCodeEntry* ReturnCodeTableBegin() { return std::begin(kReturnCodes); }
const ReturnCodeEntry* ReturnCodeTableEnd() { return std::end(kReturnCodes); }

}  // namespace vsm
