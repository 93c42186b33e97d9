#include "cim/msvm_base_provider.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "cim/datetime.h"

namespace vsm::cim::msvm {

ObjectPath MakePath(std::string_view class_name, std::vector<KeyBinding> keys) {
  return ObjectPath(std::string(kNamespace), std::string(class_name), std::move(keys));
}

CimError CimErrorFromServiceError(const Error& error) {
  return CimError{CimStatus::kFailed, error.message()};
}

MethodResult MethodReturn(ReturnCode code, std::vector<NamedValue> out_parameters) {
  std::erase_if(out_parameters, [](const NamedValue& p) { return p.value.is_null(); });
  return MethodResult{Value::Uint32(static_cast<uint32_t>(code)), std::move(out_parameters)};
}

MethodResult MethodFailure(std::string_view class_name, std::string_view method,
                           const Error& error) {
  spdlog::warn("{}.{}: {}", class_name, method, error.ToString());
  return MethodReturn(error.code());
}

std::optional<MethodResult> RequireAdministrator(const RequestContext& context,
                                                 std::string_view class_name,
                                                 std::string_view method) {
  if (context.principal.IsAdministrator()) return std::nullopt;
  return MethodFailure(
      class_name, method,
      Error::AccessDenied(fmt::format(
          "user '{}' has the reader role and may not call {}; ask an administrator to run it or "
          "to grant you the administrator role",
          context.principal.user, method)));
}

const Value* FindParameter(const std::vector<NamedValue>& parameters, std::string_view name) {
  for (const NamedValue& parameter : parameters) {
    if (EqualsIgnoreCase(parameter.name, name)) {
      return parameter.value.is_null() ? nullptr : &parameter.value;
    }
  }
  return nullptr;
}

std::optional<std::string> ValueAsString(const Value* value) {
  if (value == nullptr || value->is_null() || value->is_array()) return std::nullopt;
  switch (value->type()) {
    case CimType::kString:
    case CimType::kChar16:
    case CimType::kDatetime:
      return value->AsString();
    case CimType::kReference:
      return value->AsReference().ToString();
    default:
      return value->ToText();
  }
}

std::optional<bool> ValueAsBoolean(const Value* value) {
  if (value == nullptr || value->is_null() || value->is_array()) return std::nullopt;
  if (value->type() == CimType::kBoolean) return value->AsBoolean();
  std::optional<std::string> text = ValueAsString(value);
  if (!text) return std::nullopt;
  std::optional<Value> converted = Value::FromText(CimType::kBoolean, *text);
  if (!converted) return std::nullopt;
  return converted->AsBoolean();
}

std::optional<uint64_t> ValueAsUnsigned(const Value* value) {
  if (value == nullptr || value->is_null() || value->is_array()) return std::nullopt;
  switch (value->type()) {
    case CimType::kUint8:
    case CimType::kUint16:
    case CimType::kUint32:
    case CimType::kUint64:
      return value->AsUnsigned();
    case CimType::kSint8:
    case CimType::kSint16:
    case CimType::kSint32:
    case CimType::kSint64:
      if (value->AsSigned() < 0) return std::nullopt;
      return static_cast<uint64_t>(value->AsSigned());
    case CimType::kString:
    case CimType::kChar16: {
      std::optional<Value> converted = Value::FromText(CimType::kUint64, value->AsString());
      if (!converted) return std::nullopt;
      return converted->AsUnsigned();
    }
    default:
      return std::nullopt;
  }
}

std::optional<std::vector<std::string>> ValueAsStringArray(const Value* value) {
  if (value == nullptr || value->is_null()) return std::nullopt;
  if (!value->is_array()) {
    std::optional<std::string> single = ValueAsString(value);
    if (!single) return std::nullopt;
    return std::vector<std::string>{*single};
  }
  std::vector<std::string> strings;
  for (const Value& element : value->elements()) {
    if (std::optional<std::string> text = ValueAsString(&element)) strings.push_back(*text);
  }
  return strings;
}

std::optional<std::string> StringParameter(const std::vector<NamedValue>& parameters,
                                           std::string_view name) {
  return ValueAsString(FindParameter(parameters, name));
}

std::optional<bool> BooleanParameter(const std::vector<NamedValue>& parameters,
                                     std::string_view name) {
  return ValueAsBoolean(FindParameter(parameters, name));
}

std::optional<uint64_t> UnsignedParameter(const std::vector<NamedValue>& parameters,
                                          std::string_view name) {
  return ValueAsUnsigned(FindParameter(parameters, name));
}

std::optional<ObjectPath> ValueAsReference(const Value* value) {
  if (value == nullptr || value->is_null() || value->is_array()) return std::nullopt;
  std::optional<ObjectPath> path;
  if (value->type() == CimType::kReference) {
    path = value->AsReference();
  } else if (std::optional<std::string> text = ValueAsString(value)) {
    path = ObjectPath::Parse(*text);
  }
  if (path && path->name_space().empty()) path->set_name_space(std::string(kNamespace));
  return path;
}

std::optional<ObjectPath> ReferenceParameter(const std::vector<NamedValue>& parameters,
                                             std::string_view name) {
  return ValueAsReference(FindParameter(parameters, name));
}

std::optional<std::vector<std::string>> StringArrayParameter(
    const std::vector<NamedValue>& parameters, std::string_view name) {
  return ValueAsStringArray(FindParameter(parameters, name));
}

void SetReference(Instance& instance, std::string name, const ObjectPath& target,
                  std::string reference_class) {
  instance.Set(name, Value::Reference(target));
  for (Property& property : instance.mutable_properties()) {
    if (EqualsIgnoreCase(property.name, name)) property.reference_class = std::move(reference_class);
  }
}

Value TimestampValue(std::chrono::system_clock::time_point time) {
  return Value::Datetime(FormatDatetime(time));
}

Value IntervalValue(std::chrono::microseconds duration) {
  return Value::Datetime(FormatInterval(duration));
}

}  // namespace vsm::cim::msvm
