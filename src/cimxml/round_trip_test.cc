// Round trips through both halves of the codec: client EncodeRequest -> server DecodeRequest, and
// server EncodeResponse -> client DecodeResponse, for every OperationKind.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cimxml/request_decoder.h"
#include "cimxml/request_encoder.h"
#include "cimxml/response_decoder.h"
#include "cimxml/response_encoder.h"
#include "cimxml/test_util.h"

namespace vsm::cimxml {
namespace {

using cim::CimType;
using cim::OperationKind;
using cim::Value;
using testing::SameInstance;

constexpr OperationKind kAllKinds[] = {
    OperationKind::kGetClass,           OperationKind::kEnumerateClasses,
    OperationKind::kEnumerateClassNames, OperationKind::kGetInstance,
    OperationKind::kEnumerateInstances, OperationKind::kEnumerateInstanceNames,
    OperationKind::kExecQuery,          OperationKind::kAssociators,
    OperationKind::kAssociatorNames,    OperationKind::kReferences,
    OperationKind::kReferenceNames,     OperationKind::kInvokeMethod,
};

const std::string kNamespace = "root/virtualization";

cim::ObjectPath SystemPath() {
  return cim::ObjectPath(kNamespace, "Msvm_ComputerSystem",
                         {{"CreationClassName", Value::String("Msvm_ComputerSystem")},
                          {"Name", Value::String("6A1F \"quoted\" & <odd>")}});
}

// An operation of `kind` with every parameter that applies set away from its default.
cim::Operation SampleOperation(OperationKind kind) {
  cim::Operation op;
  op.kind = kind;
  op.name_space = kNamespace;
  op.local_only = true;
  op.deep_inheritance = false;
  op.include_qualifiers = true;
  op.include_class_origin = true;
  switch (kind) {
    case OperationKind::kGetClass:
    case OperationKind::kEnumerateClasses:
    case OperationKind::kEnumerateClassNames:
    case OperationKind::kEnumerateInstances:
    case OperationKind::kEnumerateInstanceNames:
      op.class_name = "Msvm_ComputerSystem";
      break;
    case OperationKind::kGetInstance:
    case OperationKind::kAssociators:
    case OperationKind::kAssociatorNames:
    case OperationKind::kReferences:
    case OperationKind::kReferenceNames:
      op.object_path = SystemPath();
      op.class_name = op.object_path.class_name();
      break;
    case OperationKind::kExecQuery:
      op.query_language = "WQL";
      op.query = "SELECT * FROM Msvm_ConcreteJob WHERE ElementName = 'a&b' AND JobState < 7";
      break;
    case OperationKind::kInvokeMethod:
      op.method_name = "ExportVirtualSystem";
      op.object_path = cim::ObjectPath(
          kNamespace, "Msvm_VirtualSystemManagementService",
          {{"CreationClassName", Value::String("Msvm_VirtualSystemManagementService")},
           {"Name", Value::String("vmms")},
           {"SystemCreationClassName", Value::String("Msvm_ComputerSystem")},
           {"SystemName", Value::String("hv1")}});
      op.class_name = op.object_path.class_name();
      op.parameters = {
          {"ComputerSystem", Value::Reference(SystemPath()), false},
          {"CopyVmState", Value::Boolean(true), false},
          {"ExportDirectory", Value::String("/srv/export & <more>"), false},
          {"Untyped", Value::String("TRUE"), true},
          {"Counts", Value::Uint16Array({1, 2, 3}), false},
          {"Timeout", Value::Datetime("00000000000500.000000:000"), false},
          {"Nothing", Value::Null(CimType::kUint32), false},
      };
      break;
  }
  if (kind == OperationKind::kGetClass || kind == OperationKind::kGetInstance ||
      kind == OperationKind::kEnumerateInstances || kind == OperationKind::kAssociators ||
      kind == OperationKind::kReferences) {
    op.property_list = std::vector<std::string>{"ElementName", "EnabledState"};
  }
  if (kind == OperationKind::kAssociators || kind == OperationKind::kAssociatorNames) {
    op.assoc_class = "Msvm_SystemDevice";
    op.result_class = "Msvm_DiskDrive";
    op.role = "GroupComponent";
    op.result_role = "PartComponent";
  }
  if (kind == OperationKind::kReferences || kind == OperationKind::kReferenceNames) {
    op.result_class = "Msvm_SystemDevice";
    op.role = "GroupComponent";
  }
  return op;
}

class RequestRoundTripTest : public ::testing::TestWithParam<OperationKind> {};

TEST_P(RequestRoundTripTest, ClientEncodeServerDecode) {
  cim::Operation sent = SampleOperation(GetParam());
  std::string body = EncodeRequest(sent, "77");
  DecodeRequestResult result = DecodeRequest(body, RequestHeadersFor(sent));
  ASSERT_TRUE(std::holds_alternative<DecodedRequest>(result))
      << std::get<RequestFailure>(result).message << "\n"
      << body;
  const DecodedRequest& decoded = std::get<DecodedRequest>(result);
  const cim::Operation& got = decoded.operation;
  EXPECT_EQ(decoded.message_id, "77");
  EXPECT_EQ(got.kind, sent.kind);
  EXPECT_EQ(got.name_space, sent.name_space);
  EXPECT_EQ(got.class_name, sent.class_name);
  EXPECT_EQ(got.object_path, sent.object_path);
  EXPECT_EQ(got.method_name, sent.method_name);
  EXPECT_EQ(got.property_list, sent.property_list);
  EXPECT_EQ(got.query_language, sent.query_language);
  EXPECT_EQ(got.query, sent.query);
  EXPECT_EQ(got.assoc_class, sent.assoc_class);
  EXPECT_EQ(got.result_class, sent.result_class);
  EXPECT_EQ(got.role, sent.role);
  EXPECT_EQ(got.result_role, sent.result_role);
  // Booleans the kind takes arrive as sent.
  std::string_view name = cim::OperationKindName(sent.kind);
  bool takes_qualifiers = sent.kind != OperationKind::kEnumerateClassNames &&
                          sent.kind != OperationKind::kEnumerateInstanceNames &&
                          sent.kind != OperationKind::kExecQuery &&
                          sent.kind != OperationKind::kAssociatorNames &&
                          sent.kind != OperationKind::kReferenceNames &&
                          sent.kind != OperationKind::kInvokeMethod;
  if (takes_qualifiers) {
    EXPECT_EQ(got.include_qualifiers, sent.include_qualifiers) << name;
    EXPECT_EQ(got.include_class_origin, sent.include_class_origin) << name;
  }
  if (sent.kind == OperationKind::kEnumerateInstances ||
      sent.kind == OperationKind::kEnumerateClasses ||
      sent.kind == OperationKind::kEnumerateClassNames) {
    EXPECT_EQ(got.deep_inheritance, sent.deep_inheritance) << name;
  }
  if (sent.kind == OperationKind::kGetClass || sent.kind == OperationKind::kGetInstance ||
      sent.kind == OperationKind::kEnumerateInstances ||
      sent.kind == OperationKind::kEnumerateClasses) {
    EXPECT_EQ(got.local_only, sent.local_only) << name;
  }
  ASSERT_EQ(got.parameters.size(), sent.parameters.size());
  for (size_t i = 0; i < sent.parameters.size(); ++i) {
    EXPECT_EQ(got.parameters[i].name, sent.parameters[i].name);
    EXPECT_EQ(got.parameters[i].untyped, sent.parameters[i].untyped) << sent.parameters[i].name;
    EXPECT_EQ(got.parameters[i].value, sent.parameters[i].value) << sent.parameters[i].name;
  }
}

INSTANTIATE_TEST_SUITE_P(EveryKind, RequestRoundTripTest, ::testing::ValuesIn(kAllKinds),
                         [](const auto& info) {
                           return std::string(cim::OperationKindName(info.param));
                         });

cim::Instance SampleSystem(std::string name) {
  cim::Instance system("Msvm_ComputerSystem");
  system.Set("CreationClassName", Value::String("Msvm_ComputerSystem"));
  system.Set("Name", Value::String(name));
  system.Set("ElementName", Value::String("vm & <friends> \"quoted\"\ttab\nline"));
  system.Set("Caption", Value::Null(CimType::kString));
  system.Set("EnabledState", Value::Uint16(2));
  system.Set("OperationalStatus", Value::Uint16Array({2, 17}));
  system.Set("Tags", Value::Null(CimType::kString, true));
  system.Set("Empty", Value::Array(CimType::kString, {}));
  system.Set("Delta", Value::Signed(CimType::kSint32, -5));
  system.Set("Ratio", Value::Real64(0.25));
  system.Set("Started", Value::Datetime("20240101120000.000000+000"));
  system.Set("Enabled", Value::Boolean(false));
  system.Set("Host", Value::Reference(cim::ObjectPath(kNamespace, "Msvm_Host",
                                                      {{"Name", Value::String("hv1")}})));
  system.set_path(cim::ObjectPath(kNamespace, "Msvm_ComputerSystem",
                                  {{"CreationClassName", Value::String("Msvm_ComputerSystem")},
                                   {"Name", Value::String(name)}}));
  return system;
}

cim::ClassDecl SampleClass(std::string name) {
  cim::ClassDecl decl;
  decl.name = std::move(name);
  decl.superclass = "CIM_ComputerSystem";
  decl.qualifiers = {{"Description", Value::String("A virtual system")}};
  cim::PropertyDecl key;
  key.name = "Name";
  key.qualifiers = {{"Key", Value::Boolean(true)}};
  key.class_origin = "CIM_ManagedSystemElement";
  cim::PropertyDecl state;
  state.name = "EnabledState";
  state.type = CimType::kUint16;
  state.default_value = Value::Uint16(5);
  state.qualifiers = {{"ValueMap", Value::StringArray({"2", "3"})}};
  state.class_origin = "CIM_EnabledLogicalElement";
  cim::PropertyDecl status;
  status.name = "OperationalStatus";
  status.type = CimType::kUint16;
  status.is_array = true;
  status.class_origin = "CIM_ManagedSystemElement";
  cim::PropertyDecl host;
  host.name = "Host";
  host.type = CimType::kReference;
  host.reference_class = "Msvm_Host";
  host.class_origin = decl.name;
  decl.properties = {key, state, status, host};
  cim::MethodDecl method;
  method.name = "RequestStateChange";
  method.class_origin = "CIM_EnabledLogicalElement";
  cim::ParameterDecl requested;
  requested.name = "RequestedState";
  requested.type = CimType::kUint16;
  requested.qualifiers = {{"In", Value::Boolean(true)}};
  cim::ParameterDecl job;
  job.name = "Job";
  job.type = CimType::kReference;
  job.reference_class = "CIM_ConcreteJob";
  job.qualifiers = {{"In", Value::Boolean(false)}, {"Out", Value::Boolean(true)}};
  cim::ParameterDecl names;
  names.name = "Names";
  names.is_array = true;
  cim::ParameterDecl refs;
  refs.name = "Refs";
  refs.type = CimType::kReference;
  refs.is_array = true;
  refs.reference_class = "CIM_Setting";
  method.parameters = {requested, job, names, refs};
  method.qualifiers = {{"Description", Value::String("Changes state")}};
  decl.methods = {method};
  return decl;
}

void ExpectSameClass(const cim::ClassDecl& a, const cim::ClassDecl& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.superclass, b.superclass);
  ASSERT_EQ(a.qualifiers.size(), b.qualifiers.size());
  ASSERT_EQ(a.properties.size(), b.properties.size());
  for (size_t i = 0; i < a.properties.size(); ++i) {
    const auto& pa = a.properties[i];
    const auto& pb = b.properties[i];
    EXPECT_EQ(pa.name, pb.name);
    EXPECT_EQ(pa.type, pb.type) << pa.name;
    EXPECT_EQ(pa.is_array, pb.is_array) << pa.name;
    EXPECT_EQ(pa.reference_class, pb.reference_class) << pa.name;
    EXPECT_EQ(pa.class_origin, pb.class_origin) << pa.name;
    EXPECT_EQ(pa.default_value, pb.default_value) << pa.name;
    ASSERT_EQ(pa.qualifiers.size(), pb.qualifiers.size()) << pa.name;
    for (size_t q = 0; q < pa.qualifiers.size(); ++q) {
      EXPECT_EQ(pa.qualifiers[q].name, pb.qualifiers[q].name);
      EXPECT_EQ(pa.qualifiers[q].value, pb.qualifiers[q].value);
    }
  }
  ASSERT_EQ(a.methods.size(), b.methods.size());
  for (size_t m = 0; m < a.methods.size(); ++m) {
    EXPECT_EQ(a.methods[m].name, b.methods[m].name);
    EXPECT_EQ(a.methods[m].return_type, b.methods[m].return_type);
    EXPECT_EQ(a.methods[m].class_origin, b.methods[m].class_origin);
    EXPECT_EQ(a.methods[m].qualifiers.size(), b.methods[m].qualifiers.size());
    ASSERT_EQ(a.methods[m].parameters.size(), b.methods[m].parameters.size());
    for (size_t p = 0; p < a.methods[m].parameters.size(); ++p) {
      const auto& pa = a.methods[m].parameters[p];
      const auto& pb = b.methods[m].parameters[p];
      EXPECT_EQ(pa.name, pb.name);
      EXPECT_EQ(pa.type, pb.type) << pa.name;
      EXPECT_EQ(pa.is_array, pb.is_array) << pa.name;
      EXPECT_EQ(pa.reference_class, pb.reference_class) << pa.name;
      EXPECT_EQ(pa.IsIn(), pb.IsIn()) << pa.name;
      EXPECT_EQ(pa.IsOut(), pb.IsOut()) << pa.name;
    }
  }
}

// A result of the shape `kind` answers.
cim::OperationResult SampleResult(OperationKind kind) {
  switch (kind) {
    case OperationKind::kGetClass:
      return SampleClass("Msvm_ComputerSystem");
    case OperationKind::kEnumerateClasses:
      return std::vector<cim::ClassDecl>{SampleClass("Msvm_ComputerSystem"),
                                         SampleClass("Msvm_Other")};
    case OperationKind::kEnumerateClassNames:
      return std::vector<std::string>{"Msvm_ComputerSystem", "Msvm_ConcreteJob"};
    case OperationKind::kGetInstance:
      return SampleSystem("a");
    case OperationKind::kEnumerateInstances:
    case OperationKind::kExecQuery:
    case OperationKind::kAssociators:
    case OperationKind::kReferences:
      return std::vector<cim::Instance>{SampleSystem("a"), SampleSystem("b \"c\"")};
    case OperationKind::kEnumerateInstanceNames:
    case OperationKind::kAssociatorNames:
    case OperationKind::kReferenceNames:
      return std::vector<cim::ObjectPath>{SampleSystem("a").path(), SampleSystem("b").path()};
    case OperationKind::kInvokeMethod: {
      cim::MethodResult result;
      result.return_value = Value::Uint32(4096);
      result.out_parameters = {
          {"Job", Value::Reference(cim::ObjectPath(kNamespace, "Msvm_ConcreteJob",
                                                   {{"InstanceID", Value::String("job-1")}})),
           false},
          {"Names", Value::StringArray({"x", "y & z"}), false},
          {"Omitted", Value::Null(CimType::kString), false},
      };
      return result;
    }
  }
  return cim::CimError{};
}

class ResponseRoundTripTest : public ::testing::TestWithParam<OperationKind> {};

TEST_P(ResponseRoundTripTest, ServerEncodeClientDecode) {
  OperationKind kind = GetParam();
  cim::Operation op = SampleOperation(kind);
  cim::OperationResult sent = SampleResult(kind);
  std::string body = EncodeResponse(sent, op, "77");
  cim::OperationResult got = DecodeResponse(body, kind, kNamespace);
  ASSERT_EQ(got.index(), sent.index())
      << (std::holds_alternative<cim::CimError>(got) ? std::get<cim::CimError>(got).description
                                                     : "")
      << "\n"
      << body;
  if (const auto* decl = std::get_if<cim::ClassDecl>(&sent)) {
    ExpectSameClass(*decl, std::get<cim::ClassDecl>(got));
  } else if (const auto* decls = std::get_if<std::vector<cim::ClassDecl>>(&sent)) {
    const auto& got_decls = std::get<std::vector<cim::ClassDecl>>(got);
    ASSERT_EQ(got_decls.size(), decls->size());
    for (size_t i = 0; i < decls->size(); ++i) ExpectSameClass((*decls)[i], got_decls[i]);
  } else if (const auto* names = std::get_if<std::vector<std::string>>(&sent)) {
    EXPECT_EQ(std::get<std::vector<std::string>>(got), *names);
  } else if (const auto* instance = std::get_if<cim::Instance>(&sent)) {
    EXPECT_TRUE(SameInstance(std::get<cim::Instance>(got), *instance));
  } else if (const auto* instances = std::get_if<std::vector<cim::Instance>>(&sent)) {
    const auto& got_instances = std::get<std::vector<cim::Instance>>(got);
    ASSERT_EQ(got_instances.size(), instances->size());
    for (size_t i = 0; i < instances->size(); ++i) {
      EXPECT_TRUE(SameInstance(got_instances[i], (*instances)[i]));
      EXPECT_EQ(got_instances[i].path(), (*instances)[i].path());
    }
  } else if (const auto* paths = std::get_if<std::vector<cim::ObjectPath>>(&sent)) {
    EXPECT_EQ(std::get<std::vector<cim::ObjectPath>>(got), *paths);
  } else if (const auto* method = std::get_if<cim::MethodResult>(&sent)) {
    const auto& got_method = std::get<cim::MethodResult>(got);
    EXPECT_EQ(got_method.return_value, method->return_value);
    // The null out-parameter is not sent.
    ASSERT_EQ(got_method.out_parameters.size(), 2u);
    for (size_t i = 0; i < 2; ++i) {
      EXPECT_EQ(got_method.out_parameters[i].name, method->out_parameters[i].name);
      EXPECT_EQ(got_method.out_parameters[i].value, method->out_parameters[i].value);
      EXPECT_FALSE(got_method.out_parameters[i].untyped);
    }
  }
}

TEST_P(ResponseRoundTripTest, ErrorsRoundTrip) {
  cim::Operation op = SampleOperation(GetParam());
  cim::CimError sent{cim::CimStatus::kInvalidNamespace, "Namespace 'x & y' does not exist"};
  cim::OperationResult got = DecodeResponse(EncodeResponse(sent, op, "1"), op.kind);
  ASSERT_TRUE(std::holds_alternative<cim::CimError>(got));
  EXPECT_EQ(std::get<cim::CimError>(got).status, sent.status);
  EXPECT_EQ(std::get<cim::CimError>(got).description, sent.description);
}

INSTANTIATE_TEST_SUITE_P(EveryKind, ResponseRoundTripTest, ::testing::ValuesIn(kAllKinds),
                         [](const auto& info) {
                           return std::string(cim::OperationKindName(info.param));
                         });

TEST(ResponseDecoderTest, UnreadableResponsesAreFailed) {
  for (const char* body : {"", "<html>nope</html>", "<CIM><MESSAGE ID=\"1\"></MESSAGE></CIM>",
                           "<CIM><MESSAGE><SIMPLERSP><IMETHODRESPONSE NAME=\"GetInstance\">"
                           "</IMETHODRESPONSE></SIMPLERSP></MESSAGE></CIM>"}) {
    cim::OperationResult got = DecodeResponse(body, OperationKind::kGetInstance);
    ASSERT_TRUE(std::holds_alternative<cim::CimError>(got)) << body;
    EXPECT_EQ(std::get<cim::CimError>(got).status, cim::CimStatus::kFailed) << body;
  }
}

TEST(ResponseDecoderTest, ReadsTheReferenceImportResponse) {
  cim::OperationResult got = DecodeResponse(
      testing::ReadTestData("import-virtual-system-job.out.xml"), OperationKind::kInvokeMethod);
  ASSERT_TRUE(std::holds_alternative<cim::MethodResult>(got));
  const auto& result = std::get<cim::MethodResult>(got);
  EXPECT_EQ(result.return_value, Value::Uint32(4096));
  ASSERT_EQ(result.out_parameters.size(), 1u);
  EXPECT_EQ(result.out_parameters[0].value.AsReference().ToString(),
            "root/virtualization:Msvm_ConcreteJob.InstanceID=\"job-1\"");
}

TEST(ResponseDecoderTest, MissingIReturnValueIsAnEmptyList) {
  std::string body =
      "<CIM><MESSAGE ID=\"1\"><SIMPLERSP><IMETHODRESPONSE NAME=\"EnumerateInstances\"/>"
      "</SIMPLERSP></MESSAGE></CIM>";
  cim::OperationResult got = DecodeResponse(body, OperationKind::kEnumerateInstances);
  ASSERT_TRUE(std::holds_alternative<std::vector<cim::Instance>>(got));
  EXPECT_TRUE(std::get<std::vector<cim::Instance>>(got).empty());
}

TEST(RequestEncoderTest, HeadersNameTheMethodAndObject) {
  cim::Operation op = SampleOperation(OperationKind::kInvokeMethod);
  RequestHeaders headers = RequestHeadersFor(op);
  EXPECT_EQ(headers.cim_operation, "MethodCall");
  EXPECT_EQ(headers.cim_method, "ExportVirtualSystem");
  EXPECT_EQ(headers.cim_object,
            "root%2Fvirtualization%3AMsvm_VirtualSystemManagementService.CreationClassName="
            "\"Msvm_VirtualSystemManagementService\",Name=\"vmms\",SystemCreationClassName="
            "\"Msvm_ComputerSystem\",SystemName=\"hv1\"");
  headers = RequestHeadersFor(SampleOperation(OperationKind::kEnumerateInstances));
  EXPECT_EQ(headers.cim_method, "EnumerateInstances");
  EXPECT_EQ(headers.cim_object, "root%2Fvirtualization");
}

TEST(RequestEncoderTest, GetClassRequestLooksLikeWbemcli) {
  cim::Operation op;
  op.kind = OperationKind::kGetClass;
  op.name_space = kNamespace;
  op.class_name = "Msvm_VirtualSystemManagementService";
  op.include_qualifiers = true;
  op.include_class_origin = true;
  EXPECT_EQ(EncodeRequest(op, "4711"),
            "<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n"
            "<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\">\n"
            "<MESSAGE ID=\"4711\" PROTOCOLVERSION=\"1.0\">\n"
            "<SIMPLEREQ>\n"
            "<IMETHODCALL NAME=\"GetClass\"><LOCALNAMESPACEPATH><NAMESPACE NAME=\"root\"/>"
            "<NAMESPACE NAME=\"virtualization\"/></LOCALNAMESPACEPATH>"
            "<IPARAMVALUE NAME=\"ClassName\"><CLASSNAME NAME=\"Msvm_VirtualSystemManagementService\"/>"
            "</IPARAMVALUE><IPARAMVALUE NAME=\"LocalOnly\"><VALUE>FALSE</VALUE></IPARAMVALUE>"
            "<IPARAMVALUE NAME=\"IncludeQualifiers\"><VALUE>TRUE</VALUE></IPARAMVALUE>"
            "<IPARAMVALUE NAME=\"IncludeClassOrigin\"><VALUE>TRUE</VALUE></IPARAMVALUE>"
            "</IMETHODCALL>\n"
            "</SIMPLEREQ>\n"
            "</MESSAGE>\n"
            "</CIM>");
}

}  // namespace
}  // namespace vsm::cimxml
