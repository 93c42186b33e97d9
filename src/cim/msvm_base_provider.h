// What every Msvm_* provider shares: the namespace they serve, how a service Error becomes a
// method's return value or a CimError, and lenient readers for method parameters and for the
// properties of embedded instances. Stateless functions; thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cim/instance.h"
#include "cim/object_path.h"
#include "cim/operation.h"
#include "cim/provider.h"
#include "core/error.h"
#include "core/return_code.h"

namespace vsm::cim::msvm {

inline constexpr std::string_view kNamespace = "root/virtualization";

// A local instance path in root/virtualization.
ObjectPath MakePath(std::string_view class_name, std::vector<KeyBinding> keys);

// A failed query (a repository failure): CIM_ERR_FAILED with the error's message.
CimError CimErrorFromServiceError(const Error& error);

// A method's outcome as the uint32 ReturnCode number, with `out_parameters` (only non-null ones).
MethodResult MethodReturn(ReturnCode code, std::vector<NamedValue> out_parameters = {});
// A failed method: its ReturnCode number; logs "<Class>.<Method>: <error>".
MethodResult MethodFailure(std::string_view class_name, std::string_view method,
                           const Error& error);
// 32769 for a reader (a reader may enumerate, get and query, never call a method), else nullopt.
std::optional<MethodResult> RequireAdministrator(const RequestContext& context,
                                                 std::string_view class_name,
                                                 std::string_view method);

// Method parameters, read leniently: a parameter that is absent or null is nullopt; a value of
// another type than expected is converted from its text where that is unambiguous.
const Value* FindParameter(const std::vector<NamedValue>& parameters, std::string_view name);
std::optional<std::string> StringParameter(const std::vector<NamedValue>& parameters,
                                           std::string_view name);
std::optional<bool> BooleanParameter(const std::vector<NamedValue>& parameters,
                                     std::string_view name);
std::optional<uint64_t> UnsignedParameter(const std::vector<NamedValue>& parameters,
                                          std::string_view name);
// A REF parameter, or a string parameter holding an object path's text.
std::optional<ObjectPath> ReferenceParameter(const std::vector<NamedValue>& parameters,
                                             std::string_view name);
// A string[] parameter (a single string counts as a one-element array); null elements skipped.
std::optional<std::vector<std::string>> StringArrayParameter(
    const std::vector<NamedValue>& parameters, std::string_view name);

// The same readers over a single value (for embedded instances' properties and path keys).
std::optional<std::string> ValueAsString(const Value* value);
std::optional<bool> ValueAsBoolean(const Value* value);
std::optional<uint64_t> ValueAsUnsigned(const Value* value);
std::optional<std::vector<std::string>> ValueAsStringArray(const Value* value);
// A reference, or a string holding an object path's text; a path without a namespace is taken
// to be in root/virtualization.
std::optional<ObjectPath> ValueAsReference(const Value* value);

// Sets a reference property: its value and the class it is declared to point to.
void SetReference(Instance& instance, std::string name, const ObjectPath& target,
                  std::string reference_class);

// CIM datetime values, through cim/datetime.h.
Value TimestampValue(std::chrono::system_clock::time_point time);
Value IntervalValue(std::chrono::microseconds duration);

}  // namespace vsm::cim::msvm
