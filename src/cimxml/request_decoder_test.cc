#include "cimxml/request_decoder.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cimxml/response_encoder.h"
#include "cimxml/test_util.h"

namespace vsm::cimxml {
namespace {

using cim::CimStatus;
using cim::CimType;
using cim::OperationKind;
using cim::Value;
using ::testing::HasSubstr;
using testing::ReadTestData;

cim::Operation DecodeOk(std::string_view file, const RequestHeaders& headers = {}) {
  DecodeRequestResult result = DecodeRequest(ReadTestData(file), headers);
  if (const auto* failure = std::get_if<RequestFailure>(&result)) {
    ADD_FAILURE() << file << ": " << failure->message;
    return {};
  }
  EXPECT_EQ(std::get<DecodedRequest>(result).message_id, "4711");
  return std::get<DecodedRequest>(result).operation;
}

cim::ObjectPath Vsms() {
  return cim::ObjectPath(
      "root/virtualization", "Msvm_VirtualSystemManagementService",
      {{"CreationClassName", Value::String("Msvm_VirtualSystemManagementService")},
       {"Name", Value::String("vmms")},
       {"SystemCreationClassName", Value::String("Msvm_ComputerSystem")},
       {"SystemName", Value::String("hv1")}});
}

TEST(RequestDecoderTest, WbemcliEnumerateInstances) {
  cim::Operation op = DecodeOk("enumerate-instances.in.xml");
  EXPECT_EQ(op.kind, OperationKind::kEnumerateInstances);
  EXPECT_EQ(op.name_space, "root/virtualization");
  EXPECT_EQ(op.class_name, "Msvm_VirtualSystemManagementService");
  EXPECT_TRUE(op.deep_inheritance);
  EXPECT_FALSE(op.local_only);
  EXPECT_FALSE(op.include_qualifiers);
  EXPECT_TRUE(op.include_class_origin);
  EXPECT_FALSE(op.property_list.has_value());
}

TEST(RequestDecoderTest, WbemcliEnumerateInstancesWithPropertyList) {
  cim::Operation op = DecodeOk("enumerate-instances-property-list.in.xml");
  EXPECT_EQ(op.class_name, "Msvm_ComputerSystem");
  ASSERT_TRUE(op.property_list.has_value());
  EXPECT_EQ(*op.property_list, (std::vector<std::string>{"ElementName", "EnabledState"}));
}

TEST(RequestDecoderTest, WbemcliEnumerateInstanceNames) {
  cim::Operation op = DecodeOk("enumerate-instance-names.in.xml");
  EXPECT_EQ(op.kind, OperationKind::kEnumerateInstanceNames);
  EXPECT_EQ(op.class_name, "Msvm_ComputerSystem");
}

TEST(RequestDecoderTest, WbemcliGetInstanceWithPropertyList) {
  cim::Operation op = DecodeOk("get-instance-property-list.in.xml");
  EXPECT_EQ(op.kind, OperationKind::kGetInstance);
  EXPECT_EQ(op.name_space, "root/virtualization");
  EXPECT_FALSE(op.local_only);
  EXPECT_FALSE(op.include_qualifiers);
  EXPECT_TRUE(op.include_class_origin);
  ASSERT_TRUE(op.property_list.has_value());
  EXPECT_EQ(*op.property_list, (std::vector<std::string>{"JobState", "PercentComplete"}));
  EXPECT_EQ(op.class_name, "Msvm_ConcreteJob");
  EXPECT_EQ(op.object_path,
            cim::ObjectPath("root/virtualization", "Msvm_ConcreteJob",
                            {{"InstanceID", Value::String(
                                                "Microsoft:7D5E4A3C-1B2C-4D5E-8F90-A1B2C3D4E5F6")}}));
  EXPECT_EQ(op.object_path.name_space(), "root/virtualization");
}

TEST(RequestDecoderTest, WbemcliGetClassWithSelfClosingNamespaces) {
  cim::Operation op = DecodeOk("get-class.in.xml");
  EXPECT_EQ(op.kind, OperationKind::kGetClass);
  EXPECT_EQ(op.name_space, "root/virtualization");
  EXPECT_EQ(op.class_name, "Msvm_VirtualSystemManagementService");
  EXPECT_FALSE(op.local_only);
  EXPECT_TRUE(op.include_qualifiers);
  EXPECT_TRUE(op.include_class_origin);
}

TEST(RequestDecoderTest, WbemcliImportVirtualSystemHasUntypedParameters) {
  cim::Operation op = DecodeOk("import-virtual-system.in.xml");
  EXPECT_EQ(op.kind, OperationKind::kInvokeMethod);
  EXPECT_EQ(op.method_name, "ImportVirtualSystem");
  EXPECT_EQ(op.name_space, "root/virtualization");
  EXPECT_EQ(op.class_name, "Msvm_VirtualSystemManagementService");
  EXPECT_EQ(op.object_path, Vsms());
  EXPECT_EQ(op.object_path.keys().size(), 4u);
  ASSERT_EQ(op.parameters.size(), 2u);
  EXPECT_EQ(op.parameters[0].name, "ImportDirectory");
  EXPECT_TRUE(op.parameters[0].untyped);
  EXPECT_EQ(op.parameters[0].value, Value::String("/var/lib/vmms/export/vm1"));
  EXPECT_EQ(op.parameters[1].name, "GenerateNewID");
  EXPECT_TRUE(op.parameters[1].untyped);
  EXPECT_EQ(op.parameters[1].value, Value::String("true"));
}

TEST(RequestDecoderTest, WbemcliExportVirtualSystemWithInstancePathReference) {
  cim::Operation op = DecodeOk("export-virtual-system.in.xml");
  EXPECT_EQ(op.method_name, "ExportVirtualSystem");
  EXPECT_EQ(op.object_path, Vsms());
  ASSERT_EQ(op.parameters.size(), 3u);
  const cim::NamedValue& system = op.parameters[0];
  EXPECT_EQ(system.name, "ComputerSystem");
  EXPECT_FALSE(system.untyped);
  ASSERT_EQ(system.value.type(), CimType::kReference);
  const cim::ObjectPath& ref = system.value.AsReference();
  EXPECT_EQ(ref.host(), "127.0.0.1");
  EXPECT_EQ(ref.name_space(), "root/virtualization");
  EXPECT_EQ(ref, cim::ObjectPath("root/virtualization", "Msvm_ComputerSystem",
                                 {{"CreationClassName", Value::String("Msvm_ComputerSystem")},
                                  {"Name", Value::String("6A1F2B3C-4D5E-4F60-8A7B-9C0D1E2F3A4B")}}));
  EXPECT_EQ(op.parameters[1].name, "CopyVmState");
  EXPECT_TRUE(op.parameters[1].untyped);
  EXPECT_EQ(op.parameters[1].value.AsString(), "true");
  EXPECT_EQ(op.parameters[2].value.AsString(), "/srv/export");
}

TEST(RequestDecoderTest, WbemcliAssociators) {
  cim::Operation op = DecodeOk("associators.in.xml");
  EXPECT_EQ(op.kind, OperationKind::kAssociators);
  EXPECT_EQ(op.object_path,
            cim::ObjectPath("root/virtualization", "Msvm_ComputerSystem",
                            {{"CreationClassName", Value::String("Msvm_ComputerSystem")},
                             {"Name", Value::String("x")}}));
  EXPECT_EQ(op.class_name, "Msvm_ComputerSystem");
  EXPECT_FALSE(op.include_qualifiers);
  EXPECT_TRUE(op.include_class_origin);
  EXPECT_EQ(op.assoc_class, "");
}

TEST(RequestDecoderTest, WbemcliEnumerateClassNames) {
  cim::Operation op = DecodeOk("enumerate-class-names.in.xml");
  EXPECT_EQ(op.kind, OperationKind::kEnumerateClassNames);
  EXPECT_EQ(op.class_name, "");
  EXPECT_TRUE(op.deep_inheritance);
}

TEST(RequestDecoderTest, StaticMethodOnClassPathWithTypedArrayAndNullParameters) {
  cim::Operation op = DecodeOk("static-method-class-path.in.xml");
  EXPECT_EQ(op.kind, OperationKind::kInvokeMethod);
  EXPECT_TRUE(op.object_path.IsClassPath());
  EXPECT_EQ(op.object_path.class_name(), "Msvm_VirtualSystemManagementService");
  EXPECT_EQ(op.object_path.name_space(), "root/virtualization");
  ASSERT_EQ(op.parameters.size(), 4u);
  EXPECT_FALSE(op.parameters[0].untyped);
  EXPECT_EQ(op.parameters[0].value, Value::String("/x"));
  EXPECT_FALSE(op.parameters[1].untyped);
  EXPECT_EQ(op.parameters[1].value, Value::Boolean(false));
  EXPECT_TRUE(op.parameters[2].untyped);
  EXPECT_EQ(op.parameters[2].value, Value::StringArray({"a", "b"}));
  EXPECT_TRUE(op.parameters[3].untyped);
  EXPECT_TRUE(op.parameters[3].value.is_null());
}

TEST(RequestDecoderTest, AssociatorNamesWithClassObjectNameAndParametersInAnyOrder) {
  cim::Operation op = DecodeOk("associators-of-class.in.xml");
  EXPECT_EQ(op.kind, OperationKind::kAssociatorNames);
  EXPECT_TRUE(op.object_path.IsClassPath());
  EXPECT_EQ(op.object_path.class_name(), "Msvm_ComputerSystem");
  EXPECT_EQ(op.object_path.name_space(), "root/virtualization");
  EXPECT_EQ(op.assoc_class, "Msvm_AffectedJobElement");
  EXPECT_EQ(op.result_class, "Msvm_ConcreteJob");
  EXPECT_EQ(op.role, "Antecedent");
  EXPECT_EQ(op.result_role, "Dependent");
}

TEST(RequestDecoderTest, ExecQueryUnescapesTheQuery) {
  cim::Operation op = DecodeOk("exec-query.in.xml");
  EXPECT_EQ(op.kind, OperationKind::kExecQuery);
  EXPECT_EQ(op.query_language, "WQL");
  EXPECT_EQ(op.query, "SELECT * FROM Msvm_ConcreteJob WHERE JobState < 7");
}

TEST(RequestDecoderTest, LenientAboutCaseAndMissingNamespaceWithCimObjectHeader) {
  std::string body = R"(<?xml version="1.0"?><CIM CIMVERSION="2.0" DTDVERSION="2.0">)"
                     R"(<MESSAGE ID="9" PROTOCOLVERSION="1.0"><SIMPLEREQ>)"
                     R"(<IMETHODCALL NAME="getclass"><IPARAMVALUE name="classname">)"
                     R"(<CLASSNAME NAME="Msvm_ConcreteJob"/></IPARAMVALUE></IMETHODCALL>)"
                     R"(</SIMPLEREQ></MESSAGE></CIM>)";
  RequestHeaders headers;
  headers.cim_object = "root%2Fvirtualization";
  auto result = DecodeRequest(body, headers);
  ASSERT_TRUE(std::holds_alternative<DecodedRequest>(result))
      << std::get<RequestFailure>(result).message;
  const auto& decoded = std::get<DecodedRequest>(result);
  EXPECT_EQ(decoded.message_id, "9");
  EXPECT_EQ(decoded.operation.kind, OperationKind::kGetClass);
  EXPECT_EQ(decoded.operation.name_space, "root/virtualization");
  EXPECT_EQ(decoded.operation.class_name, "Msvm_ConcreteJob");
  // DSP0200's GetClass defaults.
  EXPECT_TRUE(decoded.operation.local_only);
  EXPECT_TRUE(decoded.operation.include_qualifiers);
  EXPECT_FALSE(decoded.operation.include_class_origin);
}

TEST(RequestDecoderTest, KeyValueTypesAndCdata) {
  std::string body =
      R"(<CIM CIMVERSION="2.0" DTDVERSION="2.0"><MESSAGE ID="1" PROTOCOLVERSION="1.0">)"
      R"(<SIMPLEREQ><IMETHODCALL NAME="GetInstance"><LOCALNAMESPACEPATH>)"
      R"(<NAMESPACE NAME="root"/><NAMESPACE NAME="virtualization"/></LOCALNAMESPACEPATH>)"
      R"(<IPARAMVALUE NAME="InstanceName"><INSTANCENAME CLASSNAME="X">)"
      R"(<KEYBINDING NAME="S"><KEYVALUE><![CDATA[a&b<c>]]></KEYVALUE></KEYBINDING>)"
      R"(<KEYBINDING NAME="N"><KEYVALUE VALUETYPE="numeric">0x10</KEYVALUE></KEYBINDING>)"
      R"(<KEYBINDING NAME="M"><KEYVALUE VALUETYPE="numeric">-3</KEYVALUE></KEYBINDING>)"
      R"(<KEYBINDING NAME="T"><KEYVALUE VALUETYPE="numeric" TYPE="uint16">7</KEYVALUE></KEYBINDING>)"
      R"(<KEYBINDING NAME="B"><KEYVALUE VALUETYPE="boolean">True</KEYVALUE></KEYBINDING>)"
      R"(<KEYBINDING NAME="R"><VALUE.REFERENCE><INSTANCENAME CLASSNAME="Y"><KEYBINDING NAME="K">)"
      R"(<KEYVALUE>k</KEYVALUE></KEYBINDING></INSTANCENAME></VALUE.REFERENCE></KEYBINDING>)"
      R"(</INSTANCENAME></IPARAMVALUE></IMETHODCALL></SIMPLEREQ></MESSAGE></CIM>)";
  auto result = DecodeRequest(body);
  ASSERT_TRUE(std::holds_alternative<DecodedRequest>(result))
      << std::get<RequestFailure>(result).message;
  const cim::ObjectPath& path = std::get<DecodedRequest>(result).operation.object_path;
  EXPECT_EQ(path.FindKey("S")->AsString(), "a&b<c>");
  EXPECT_EQ(path.FindKey("N")->AsUnsigned(), 16u);
  EXPECT_EQ(path.FindKey("M")->AsSigned(), -3);
  EXPECT_EQ(*path.FindKey("T"), Value::Uint16(7));
  EXPECT_EQ(*path.FindKey("B"), Value::Boolean(true));
  ASSERT_EQ(path.FindKey("R")->type(), CimType::kReference);
  EXPECT_EQ(path.FindKey("R")->AsReference().class_name(), "Y");
}

// Faults as data: the file, and how the request must be refused.
struct FaultCase {
  const char* file;
  std::optional<ProtocolError> protocol_error;
  CimStatus status;  // when no protocol error
  const char* message_part;
};

class RequestFaultTest : public ::testing::TestWithParam<FaultCase> {};

TEST_P(RequestFaultTest, IsRefusedAsExpected) {
  const FaultCase& c = GetParam();
  DecodeRequestResult result = DecodeRequest(ReadTestData(c.file));
  ASSERT_TRUE(std::holds_alternative<RequestFailure>(result)) << c.file << " was accepted";
  const RequestFailure& failure = std::get<RequestFailure>(result);
  EXPECT_EQ(failure.protocol_error, c.protocol_error) << failure.message;
  EXPECT_THAT(failure.message, HasSubstr(c.message_part));
  if (!c.protocol_error) {
    EXPECT_EQ(failure.error.status, c.status) << failure.message;
    EXPECT_EQ(failure.message_id, "4711");
    // A CIM fault is answered in the body, as an ERROR element with no children.
    std::string body = EncodeFailureResponse(failure);
    EXPECT_THAT(body, HasSubstr(fmt::format("<ERROR CODE=\"{}\" DESCRIPTION=\"",
                                            static_cast<uint32_t>(c.status))));
    EXPECT_THAT(body, HasSubstr(fmt::format("NAME=\"{}\"", failure.method_name)));
  }
}

INSTANTIATE_TEST_SUITE_P(
    Faults, RequestFaultTest,
    ::testing::Values(
        FaultCase{"bad-unescaped-ampersand.in.xml", ProtocolError::kRequestNotWellFormed, {},
                  "'&' must be written as '&amp;'"},
        FaultCase{"bad-unescaped-less-than.in.xml", ProtocolError::kRequestNotWellFormed, {},
                  "not well-formed"},
        FaultCase{"bad-truncated.in.xml", ProtocolError::kRequestNotWellFormed, {},
                  "not well-formed"},
        FaultCase{"bad-wrong-root.in.xml", ProtocolError::kRequestNotValid, {},
                  "<soap:Envelope>"},
        FaultCase{"bad-no-target-path.in.xml", ProtocolError::kRequestNotValid, {},
                  "LOCALINSTANCEPATH"},
        FaultCase{"bad-multireq.in.xml", ProtocolError::kMultipleRequestsUnsupported, {},
                  "MULTIREQ"},
        FaultCase{"bad-export-method-call.in.xml", ProtocolError::kUnsupportedOperation, {},
                  "not a CIM listener"},
        FaultCase{"bad-cim-version.in.xml", ProtocolError::kUnsupportedCimVersion, {},
                  "CIMVERSION '3.0'"},
        FaultCase{"bad-unknown-intrinsic.in.xml", std::nullopt, CimStatus::kNotSupported,
                  "'DeleteInstance' is not supported"},
        FaultCase{"bad-missing-class-name.in.xml", std::nullopt, CimStatus::kInvalidParameter,
                  "EnumerateInstances requires the parameter 'ClassName'"},
        FaultCase{"bad-unknown-parameter.in.xml", std::nullopt, CimStatus::kInvalidParameter,
                  "'Frobnicate' is not a parameter of GetClass"},
        FaultCase{"bad-boolean-value.in.xml", std::nullopt, CimStatus::kInvalidParameter,
                  "'yes' is not TRUE or FALSE"},
        FaultCase{"bad-typed-parameter-value.in.xml", std::nullopt, CimStatus::kInvalidParameter,
                  "'maybe' is not a boolean value"}),
    [](const ::testing::TestParamInfo<FaultCase>& info) {
      std::string name = info.param.file;
      name = name.substr(0, name.find('.'));
      for (char& c : name) {
        if (c == '-') c = '_';
      }
      return name;
    });

TEST(RequestDecoderTest, UnknownIntrinsicAnswersInAnImethodResponse) {
  auto result = DecodeRequest(ReadTestData("bad-unknown-intrinsic.in.xml"));
  const auto& failure = std::get<RequestFailure>(result);
  EXPECT_TRUE(failure.intrinsic);
  EXPECT_EQ(failure.method_name, "DeleteInstance");
  EXPECT_THAT(EncodeFailureResponse(failure),
              HasSubstr("<IMETHODRESPONSE NAME=\"DeleteInstance\"><ERROR CODE=\"7\""));
}

TEST(RequestDecoderTest, HeadersOtherThanMethodCallAreUnsupported) {
  RequestHeaders headers;
  headers.cim_operation = "ExportMethodCall";
  auto result = DecodeRequest(ReadTestData("get-class.in.xml"), headers);
  ASSERT_TRUE(std::holds_alternative<RequestFailure>(result));
  EXPECT_EQ(std::get<RequestFailure>(result).protocol_error, ProtocolError::kUnsupportedOperation);

  headers.cim_operation = "MethodCall";
  headers.cim_protocol_version = "2.0";
  result = DecodeRequest(ReadTestData("get-class.in.xml"), headers);
  ASSERT_TRUE(std::holds_alternative<RequestFailure>(result));
  EXPECT_EQ(std::get<RequestFailure>(result).protocol_error,
            ProtocolError::kUnsupportedProtocolVersion);
}

TEST(RequestDecoderTest, DuplicateAndMissingParametersAreInvalid) {
  std::string prefix =
      R"(<CIM CIMVERSION="2.0" DTDVERSION="2.0"><MESSAGE ID="1" PROTOCOLVERSION="1.0"><SIMPLEREQ>)";
  std::string suffix = "</SIMPLEREQ></MESSAGE></CIM>";
  std::string ns = R"(<LOCALNAMESPACEPATH><NAMESPACE NAME="root"/></LOCALNAMESPACEPATH>)";
  auto status_of = [&](const std::string& call) {
    auto result = DecodeRequest(prefix + call + suffix);
    EXPECT_TRUE(std::holds_alternative<RequestFailure>(result)) << call;
    if (!std::holds_alternative<RequestFailure>(result)) return CimStatus::kFailed;
    return std::get<RequestFailure>(result).error.status;
  };
  EXPECT_EQ(status_of(R"(<IMETHODCALL NAME="GetClass">)" + ns +
                      R"(<IPARAMVALUE NAME="ClassName"><CLASSNAME NAME="A"/></IPARAMVALUE>)"
                      R"(<IPARAMVALUE NAME="classname"><CLASSNAME NAME="B"/></IPARAMVALUE>)"
                      "</IMETHODCALL>"),
            CimStatus::kInvalidParameter);
  EXPECT_EQ(status_of(R"(<IMETHODCALL NAME="GetInstance">)" + ns + "</IMETHODCALL>"),
            CimStatus::kInvalidParameter);
  EXPECT_EQ(status_of(R"(<IMETHODCALL NAME="GetInstance">)" + ns +
                      R"(<IPARAMVALUE NAME="InstanceName"><CLASSNAME NAME="A"/></IPARAMVALUE>)"
                      "</IMETHODCALL>"),
            CimStatus::kInvalidParameter);
  EXPECT_EQ(status_of(R"(<IMETHODCALL NAME="ExecQuery">)" + ns +
                      R"(<IPARAMVALUE NAME="Query"><VALUE>SELECT * FROM A</VALUE></IPARAMVALUE>)"
                      "</IMETHODCALL>"),
            CimStatus::kInvalidParameter);
  EXPECT_EQ(status_of(R"(<METHODCALL NAME="M"><LOCALCLASSPATH>)" + ns +
                      R"(<CLASSNAME NAME="A"/></LOCALCLASSPATH>)"
                      R"(<PARAMVALUE NAME="P"><VALUE>1</VALUE></PARAMVALUE>)"
                      R"(<PARAMVALUE NAME="p"><VALUE>2</VALUE></PARAMVALUE></METHODCALL>)"),
            CimStatus::kInvalidParameter);
}

TEST(ProtocolErrorTest, HeaderValuesAndStatuses) {
  EXPECT_EQ(ProtocolErrorHeaderValue(ProtocolError::kRequestNotWellFormed),
            "request-not-well-formed");
  EXPECT_EQ(ProtocolErrorHttpStatus(ProtocolError::kRequestNotWellFormed), 400);
  EXPECT_EQ(ProtocolErrorHeaderValue(ProtocolError::kRequestNotValid), "request-not-valid");
  EXPECT_EQ(ProtocolErrorHeaderValue(ProtocolError::kUnsupportedOperation),
            "unsupported-operation");
  EXPECT_EQ(ProtocolErrorHttpStatus(ProtocolError::kMultipleRequestsUnsupported), 501);
}

}  // namespace
}  // namespace vsm::cimxml
