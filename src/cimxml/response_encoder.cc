#include "cimxml/response_encoder.h"

#include <cassert>

#include <fmt/format.h>

#include "cimxml/message_frame.h"
#include "cimxml/object_writer.h"

namespace vsm::cimxml {
namespace {

using cim::OperationKind;

// The path an instance is named by: its own, or at least its class.
cim::ObjectPath PathOf(const cim::Instance& instance) {
  cim::ObjectPath path = instance.path();
  if (path.class_name().empty()) path.set_class_name(instance.class_name());
  return path;
}

template <typename T>
const T* As(const cim::OperationResult& result) {
  return std::get_if<T>(&result);
}

void WriteParamValue(XmlWriter& w, const cim::NamedValue& parameter) {
  w.Open("PARAMVALUE", {{"NAME", parameter.name},
                        {"PARAMTYPE", cim::CimTypeName(parameter.value.type())}});
  WriteValue(w, parameter.value);
  w.Close();
}

void WriteMethodResult(XmlWriter& w, const cim::MethodResult& result) {
  // RETURNVALUE first: wbemcli reads the parameters only after it (§0.5).
  if (!result.return_value.is_null()) {
    w.Open("RETURNVALUE", {{"PARAMTYPE", cim::CimTypeName(result.return_value.type())}});
    WriteValue(w, result.return_value);
    w.Close();
  }
  // A null out-parameter, though DTD-valid, crashes wbemcli (§0.5): leave it out.
  for (const auto& parameter : result.out_parameters) {
    if (!parameter.value.is_null()) WriteParamValue(w, parameter);
  }
}

// Writes the IRETURNVALUE content for `operation.kind`; false if `result` has the wrong shape.
bool WriteReturnValue(XmlWriter& w, const cim::OperationResult& result,
                      const cim::Operation& operation) {
  ClassWriteOptions class_options{.include_qualifiers = operation.include_qualifiers,
                                  .include_class_origin = operation.include_class_origin};
  switch (operation.kind) {
    case OperationKind::kGetClass: {
      const auto* decl = As<cim::ClassDecl>(result);
      if (decl == nullptr) return false;
      WriteClass(w, *decl, class_options);
      return true;
    }
    case OperationKind::kEnumerateClasses: {
      const auto* decls = As<std::vector<cim::ClassDecl>>(result);
      if (decls == nullptr) return false;
      for (const auto& decl : *decls) WriteClass(w, decl, class_options);
      return true;
    }
    case OperationKind::kEnumerateClassNames: {
      const auto* names = As<std::vector<std::string>>(result);
      if (names == nullptr) return false;
      for (const auto& name : *names) WriteClassName(w, name);
      return true;
    }
    case OperationKind::kGetInstance: {
      const auto* instance = As<cim::Instance>(result);
      if (instance == nullptr) return false;
      WriteInstance(w, *instance);
      return true;
    }
    case OperationKind::kEnumerateInstances: {
      const auto* instances = As<std::vector<cim::Instance>>(result);
      if (instances == nullptr) return false;
      for (const auto& instance : *instances) {
        w.Open("VALUE.NAMEDINSTANCE");
        WriteInstanceName(w, PathOf(instance));
        WriteInstance(w, instance);
        w.Close();
      }
      return true;
    }
    case OperationKind::kExecQuery:
    case OperationKind::kAssociators:
    case OperationKind::kReferences: {
      const auto* instances = As<std::vector<cim::Instance>>(result);
      if (instances == nullptr) return false;
      for (const auto& instance : *instances) {
        w.Open("VALUE.OBJECTWITHPATH");
        WriteFullPath(w, PathOf(instance));
        WriteInstance(w, instance);
        w.Close();
      }
      return true;
    }
    case OperationKind::kEnumerateInstanceNames: {
      const auto* paths = As<std::vector<cim::ObjectPath>>(result);
      if (paths == nullptr) return false;
      for (const auto& path : *paths) WriteInstanceName(w, path);
      return true;
    }
    case OperationKind::kAssociatorNames:
    case OperationKind::kReferenceNames: {
      const auto* paths = As<std::vector<cim::ObjectPath>>(result);
      if (paths == nullptr) return false;
      for (const auto& path : *paths) {
        w.Open("OBJECTPATH");
        WriteFullPath(w, path);
        w.Close();
      }
      return true;
    }
    case OperationKind::kInvokeMethod:
      return false;
  }
  return false;
}

void WriteError(XmlWriter& w, const cim::CimError& error) {
  // No child INSTANCEs: wbemcli rejects them (§0.6).
  w.Empty("ERROR", {{"CODE", fmt::format("{}", static_cast<uint32_t>(error.status))},
                    {"DESCRIPTION", error.description}});
}

std::string Frame(std::string_view message_id, bool intrinsic, std::string_view method_name,
                  std::string_view content) {
  XmlWriter w;
  OpenMessage(w, message_id, "SIMPLERSP");
  w.Open(intrinsic ? "IMETHODRESPONSE" : "METHODRESPONSE", {{"NAME", method_name}});
  w.Raw(content);
  w.Close();
  CloseMessage(w);
  return w.Take();
}

}  // namespace

std::string EncodeResponse(const cim::OperationResult& result, const cim::Operation& operation,
                           std::string_view message_id) {
  bool intrinsic = operation.kind != OperationKind::kInvokeMethod;
  std::string_view method_name =
      intrinsic ? cim::OperationKindName(operation.kind) : std::string_view(operation.method_name);
  if (const auto* error = As<cim::CimError>(result)) {
    return EncodeErrorResponse(*error, method_name, intrinsic, message_id);
  }
  XmlWriter content;
  if (!intrinsic) {
    const auto* method_result = As<cim::MethodResult>(result);
    if (method_result == nullptr) {
      return EncodeErrorResponse(
          {cim::CimStatus::kFailed,
           fmt::format("Internal error: {} produced no method result", method_name)},
          method_name, intrinsic, message_id);
    }
    WriteMethodResult(content, *method_result);
    return Frame(message_id, intrinsic, method_name, content.str());
  }
  content.Open("IRETURNVALUE");
  if (!WriteReturnValue(content, result, operation)) {
    return EncodeErrorResponse(
        {cim::CimStatus::kFailed,
         fmt::format("Internal error: {} produced a result of the wrong kind", method_name)},
        method_name, intrinsic, message_id);
  }
  content.Close();
  return Frame(message_id, intrinsic, method_name, content.str());
}

std::string EncodeErrorResponse(const cim::CimError& error, std::string_view method_name,
                                bool intrinsic, std::string_view message_id) {
  XmlWriter content;
  WriteError(content, error);
  return Frame(message_id, intrinsic, method_name, content.str());
}

std::string EncodeFailureResponse(const RequestFailure& failure) {
  assert(!failure.protocol_error);
  return EncodeErrorResponse(failure.error, failure.method_name, failure.intrinsic,
                             failure.message_id);
}

}  // namespace vsm::cimxml
