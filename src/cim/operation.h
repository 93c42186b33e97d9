// Operation: one DSP0200 CIM operation, decoded from the wire by cimxml/ and carried out by the
// Dispatcher; OperationResult: what it answers. The vocabulary shared by cimxml/ and cim/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "cim/cim_class.h"
#include "cim/instance.h"
#include "cim/object_path.h"
#include "cim/value.h"

namespace vsm::cim {

enum class OperationKind {
  kGetClass,
  kEnumerateClasses,
  kEnumerateClassNames,
  kGetInstance,
  kEnumerateInstances,
  kEnumerateInstanceNames,
  kExecQuery,
  kAssociators,
  kAssociatorNames,
  kReferences,
  kReferenceNames,
  kInvokeMethod,
};

// The DSP0200 name: "GetClass", "EnumerateInstances", ...
std::string_view OperationKindName(OperationKind kind);
std::optional<OperationKind> OperationKindFromName(std::string_view name);

struct NamedValue {
  std::string name;
  Value value;
  // True when the sender gave no PARAMTYPE/TYPE: `value` is then a string (or string array) to be
  // converted to the declared parameter type by the Dispatcher.
  bool untyped = false;
};

struct Operation {
  OperationKind kind = OperationKind::kGetClass;
  std::string name_space;  // "root/virtualization"
  // GetClass, Enumerate*: the ClassName IPARAMVALUE.
  std::string class_name;
  // GetInstance InstanceName; Associators/References ObjectName; InvokeMethod target path
  // (an instance path, or a class path for a static method).
  ObjectPath object_path;
  // InvokeMethod.
  std::string method_name;
  std::vector<NamedValue> parameters;
  // Intrinsic parameters (defaults as DSP0200 gives them).
  std::optional<std::vector<std::string>> property_list;
  bool local_only = false;
  bool deep_inheritance = true;
  bool include_qualifiers = false;
  bool include_class_origin = false;
  std::string query_language;  // ExecQuery: "WQL"
  std::string query;
  std::string assoc_class;  // Associators/References filters ("" = any)
  std::string result_class;
  std::string role;
  std::string result_role;
};

// CIM status codes (DSP0200), carried in an ERROR element.
enum class CimStatus : uint32_t {
  kFailed = 1,
  kAccessDenied = 2,
  kInvalidNamespace = 3,
  kInvalidParameter = 4,
  kInvalidClass = 5,
  kNotFound = 6,
  kNotSupported = 7,
  kClassHasChildren = 8,
  kClassHasInstances = 9,
  kInvalidSuperclass = 10,
  kAlreadyExists = 11,
  kNoSuchProperty = 12,
  kTypeMismatch = 13,
  kQueryLanguageNotSupported = 14,
  kInvalidQuery = 15,
  kMethodNotAvailable = 16,
  kMethodNotFound = 17,
  kServerLimitsExceeded = 27,
  kServerIsShuttingDown = 28,
};

// "CIM_ERR_NOT_FOUND", ...
std::string_view CimStatusName(CimStatus status);

struct CimError {
  CimStatus status = CimStatus::kFailed;
  std::string description;
};

struct MethodResult {
  Value return_value;                    // uint32 for every Msvm method
  std::vector<NamedValue> out_parameters;  // only the non-null ones are written to the wire
};

// What an operation answers:
//   GetClass -> ClassDecl; EnumerateClasses -> std::vector<ClassDecl>;
//   EnumerateClassNames -> std::vector<std::string>;
//   GetInstance -> Instance; EnumerateInstances, ExecQuery, Associators, References ->
//   std::vector<Instance> (each with its path set); EnumerateInstanceNames, AssociatorNames,
//   ReferenceNames -> std::vector<ObjectPath>; InvokeMethod -> MethodResult; any failure -> CimError.
using OperationResult =
    std::variant<CimError, ClassDecl, std::vector<ClassDecl>, std::vector<std::string>, Instance,
                 std::vector<Instance>, std::vector<ObjectPath>, MethodResult>;

}  // namespace vsm::cim
