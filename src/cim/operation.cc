#include "cim/operation.h"

namespace vsm::cim {
namespace {

struct OperationKindEntry {
  OperationKind kind;
  std::string_view name;
};

// The one list of DSP0200 operation names.
constexpr OperationKindEntry kOperationKinds[] = {
    {OperationKind::kGetClass, "GetClass"},
    {OperationKind::kEnumerateClasses, "EnumerateClasses"},
    {OperationKind::kEnumerateClassNames, "EnumerateClassNames"},
    {OperationKind::kGetInstance, "GetInstance"},
    {OperationKind::kEnumerateInstances, "EnumerateInstances"},
    {OperationKind::kEnumerateInstanceNames, "EnumerateInstanceNames"},
    {OperationKind::kExecQuery, "ExecQuery"},
    {OperationKind::kAssociators, "Associators"},
    {OperationKind::kAssociatorNames, "AssociatorNames"},
    {OperationKind::kReferences, "References"},
    {OperationKind::kReferenceNames, "ReferenceNames"},
    {OperationKind::kInvokeMethod, "InvokeMethod"},
};

struct CimStatusEntry {
  CimStatus status;
  std::string_view name;
};

// The one list of CIM status names (DSP0200 Table 1).
constexpr CimStatusEntry kCimStatuses[] = {
    {CimStatus::kFailed, "CIM_ERR_FAILED"},
    {CimStatus::kAccessDenied, "CIM_ERR_ACCESS_DENIED"},
    {CimStatus::kInvalidNamespace, "CIM_ERR_INVALID_NAMESPACE"},
    {CimStatus::kInvalidParameter, "CIM_ERR_INVALID_PARAMETER"},
    {CimStatus::kInvalidClass, "CIM_ERR_INVALID_CLASS"},
    {CimStatus::kNotFound, "CIM_ERR_NOT_FOUND"},
    {CimStatus::kNotSupported, "CIM_ERR_NOT_SUPPORTED"},
    {CimStatus::kClassHasChildren, "CIM_ERR_CLASS_HAS_CHILDREN"},
    {CimStatus::kClassHasInstances, "CIM_ERR_CLASS_HAS_INSTANCES"},
    {CimStatus::kInvalidSuperclass, "CIM_ERR_INVALID_SUPERCLASS"},
    {CimStatus::kAlreadyExists, "CIM_ERR_ALREADY_EXISTS"},
    {CimStatus::kNoSuchProperty, "CIM_ERR_NO_SUCH_PROPERTY"},
    {CimStatus::kTypeMismatch, "CIM_ERR_TYPE_MISMATCH"},
    {CimStatus::kQueryLanguageNotSupported, "CIM_ERR_QUERY_LANGUAGE_NOT_SUPPORTED"},
    {CimStatus::kInvalidQuery, "CIM_ERR_INVALID_QUERY"},
    {CimStatus::kMethodNotAvailable, "CIM_ERR_METHOD_NOT_AVAILABLE"},
    {CimStatus::kMethodNotFound, "CIM_ERR_METHOD_NOT_FOUND"},
    {CimStatus::kServerLimitsExceeded, "CIM_ERR_SERVER_LIMITS_EXCEEDED"},
    {CimStatus::kServerIsShuttingDown, "CIM_ERR_SERVER_IS_SHUTTING_DOWN"},
};

}  // namespace

std::string_view OperationKindName(OperationKind kind) {
  for (const auto& entry : kOperationKinds) {
    if (entry.kind == kind) return entry.name;
  }
  return "Unknown";
}

// DSP0200 names are case-sensitive; an intrinsic name spelt otherwise is an unknown operation.
std::optional<OperationKind> OperationKindFromName(std::string_view name) {
  for (const auto& entry : kOperationKinds) {
    if (entry.name == name) return entry.kind;
  }
  return std::nullopt;
}

std::string_view CimStatusName(CimStatus status) {
  for (const auto& entry : kCimStatuses) {
    if (entry.status == status) return entry.name;
  }
  return "CIM_ERR_UNKNOWN";
}

}  // namespace vsm::cim
