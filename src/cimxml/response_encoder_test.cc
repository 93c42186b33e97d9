#include "cimxml/response_encoder.h"

#include <map>
#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cimxml/test_util.h"

namespace vsm::cimxml {
namespace {

using cim::CimType;
using cim::OperationKind;
using cim::Value;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::ExpectMatchesGolden;

constexpr std::string_view kNamespace = "root/virtualization";

cim::Operation Op(OperationKind kind) {
  cim::Operation op;
  op.kind = kind;
  op.name_space = std::string(kNamespace);
  return op;
}

cim::Operation Invoke(std::string method) {
  cim::Operation op = Op(OperationKind::kInvokeMethod);
  op.method_name = std::move(method);
  return op;
}

cim::ObjectPath JobPath(std::string id) {
  return cim::ObjectPath(std::string(kNamespace), "Msvm_ConcreteJob",
                         {{"InstanceID", Value::String(std::move(id))}});
}

cim::ObjectPath SystemPath(std::string guid) {
  return cim::ObjectPath(std::string(kNamespace), "Msvm_ComputerSystem",
                         {{"CreationClassName", Value::String("Msvm_ComputerSystem")},
                          {"Name", Value::String(std::move(guid))}});
}

cim::Instance System(std::string guid, std::string element_name, uint16_t enabled_state) {
  cim::Instance system("Msvm_ComputerSystem");
  system.Set("CreationClassName", Value::String("Msvm_ComputerSystem"));
  system.Set("Name", Value::String(guid));
  system.Set("ElementName", Value::String(std::move(element_name)));
  system.Set("Caption", Value::Null(CimType::kString));
  system.Set("EnabledState", Value::Uint16(enabled_state));
  system.Set("OperationalStatus", Value::Uint16Array({2, 17}));
  system.Set("TimeOfLastStateChange", Value::Datetime("20240101120000.000000+000"));
  system.Set("Notes", Value::Null(CimType::kString, true));
  system.Set("Tags", Value::Array(CimType::kString, {}));
  system.Set("Host", Value::Reference(cim::ObjectPath(std::string(kNamespace), "Msvm_Host",
                                                      {{"Name", Value::String("hv1")}})));
  system.Set("Parent", Value::Null(CimType::kReference));
  system.set_path(SystemPath(std::move(guid)));
  return system;
}

cim::Instance Job(std::string id) {
  cim::Instance job("Msvm_ConcreteJob");
  job.Set("InstanceID", Value::String(id));
  job.Set("JobState", Value::Uint16(4));
  job.Set("PercentComplete", Value::Uint16(40));
  job.Set("Cancellable", Value::Boolean(true));
  job.Set("ErrorDescription", Value::Null(CimType::kString));
  job.Set("TimeBeforeRemoval", Value::Datetime("00000000000500.000000:000"));
  job.set_path(JobPath(std::move(id)));
  return job;
}

cim::Qualifier Q(std::string name) { return {std::move(name), Value::Boolean(true)}; }

// The class of reference §2.3 (plus a property array and a ValueMap).
cim::ClassDecl VsmsClass() {
  cim::ClassDecl c;
  c.name = "Msvm_VirtualSystemManagementService";
  c.superclass = "CIM_VirtualSystemManagementService";
  for (const char* key : {"SystemCreationClassName", "SystemName", "CreationClassName", "Name"}) {
    cim::PropertyDecl p;
    p.name = key;
    p.qualifiers = {Q("Key")};
    p.class_origin = "CIM_Service";
    c.properties.push_back(p);
  }
  cim::PropertyDecl element_name;
  element_name.name = "ElementName";
  c.properties.push_back(element_name);
  cim::PropertyDecl status;
  status.name = "OperationalStatus";
  status.type = CimType::kUint16;
  status.is_array = true;
  status.qualifiers = {{"ValueMap", Value::StringArray({"2", "17"})}};
  c.properties.push_back(status);

  cim::MethodDecl import;
  import.name = "ImportVirtualSystem";
  import.class_origin = "Msvm_VirtualSystemManagementService";
  cim::ParameterDecl dir;
  dir.name = "ImportDirectory";
  dir.qualifiers = {Q("In")};
  cim::ParameterDecl new_id;
  new_id.name = "GenerateNewID";
  new_id.type = CimType::kBoolean;
  new_id.qualifiers = {Q("In")};
  cim::ParameterDecl job;
  job.name = "Job";
  job.type = CimType::kReference;
  job.reference_class = "CIM_ConcreteJob";
  job.qualifiers = {Q("Out")};
  import.parameters = {dir, new_id, job};
  c.methods.push_back(import);
  return c;
}

// Exactly the response of reference §2.4 (667 bytes), which wbemcli printed as
// "ImportVirtualSystem: 4096, Job (reference): root/virtualization:Msvm_ConcreteJob.InstanceID=…".
constexpr std::string_view kReferenceImportResponse =
    "<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n"
    "<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\">\n"
    "<MESSAGE ID=\"4711\" PROTOCOLVERSION=\"1.0\">\n"
    "<SIMPLERSP>\n"
    "<METHODRESPONSE NAME=\"ImportVirtualSystem\"><RETURNVALUE PARAMTYPE=\"uint32\"><VALUE>4096"
    "</VALUE></RETURNVALUE><PARAMVALUE NAME=\"Job\" PARAMTYPE=\"reference\"><VALUE.REFERENCE>"
    "<LOCALINSTANCEPATH><LOCALNAMESPACEPATH><NAMESPACE NAME=\"root\"/><NAMESPACE NAME=\""
    "virtualization\"/></LOCALNAMESPACEPATH><INSTANCENAME CLASSNAME=\"Msvm_ConcreteJob\">"
    "<KEYBINDING NAME=\"InstanceID\"><KEYVALUE VALUETYPE=\"string\">job-1</KEYVALUE></KEYBINDING>"
    "</INSTANCENAME></LOCALINSTANCEPATH></VALUE.REFERENCE></PARAMVALUE></METHODRESPONSE>\n"
    "</SIMPLERSP>\n"
    "</MESSAGE>\n"
    "</CIM>";

std::string ImportJobResponse() {
  cim::MethodResult result;
  result.return_value = Value::Uint32(4096);
  result.out_parameters.push_back({"Job", Value::Reference(JobPath("job-1")), false});
  return EncodeResponse(result, Invoke("ImportVirtualSystem"), "4711");
}

TEST(ResponseEncoderTest, ImportVirtualSystemJobMatchesTheReferenceByteForByte) {
  std::string body = ImportJobResponse();
  EXPECT_EQ(body, kReferenceImportResponse);
  EXPECT_EQ(body.size(), 667u);
  ExpectMatchesGolden(body, "import-virtual-system-job.out.xml");
}

TEST(ResponseEncoderTest, SynchronousMethodOmitsNullOutParameters) {
  cim::MethodResult result;
  result.return_value = Value::Uint32(0);
  result.out_parameters.push_back({"Job", Value::Null(CimType::kReference), false});
  std::string body = EncodeResponse(result, Invoke("ImportVirtualSystem"), "4711");
  EXPECT_THAT(body, Not(HasSubstr("PARAMVALUE")));
  ExpectMatchesGolden(body, "invoke-method-completed.out.xml");
}

TEST(ResponseEncoderTest, MethodErrorIsAnErrorElementWithoutChildren) {
  cim::OperationResult result =
      cim::CimError{cim::CimStatus::kMethodNotFound, "No method 'Frob' on class 'A'"};
  std::string body = EncodeResponse(result, Invoke("Frob"), "4711");
  EXPECT_THAT(body, HasSubstr("<METHODRESPONSE NAME=\"Frob\"><ERROR CODE=\"17\" "
                              "DESCRIPTION=\"No method 'Frob' on class 'A'\"/></METHODRESPONSE>"));
  ExpectMatchesGolden(body, "invoke-method-not-found.out.xml");
}

TEST(ResponseEncoderTest, GetInstanceNotFound) {
  cim::OperationResult result = cim::CimError{cim::CimStatus::kNotFound, "No such instance"};
  std::string body = EncodeResponse(result, Op(OperationKind::kGetInstance), "4711");
  EXPECT_THAT(body, HasSubstr("<IMETHODRESPONSE NAME=\"GetInstance\"><ERROR CODE=\"6\" "
                              "DESCRIPTION=\"No such instance\"/></IMETHODRESPONSE>"));
  ExpectMatchesGolden(body, "get-instance-not-found.out.xml");
}

TEST(ResponseEncoderTest, GetInstance) {
  std::string body = EncodeResponse(Job("job-1"), Op(OperationKind::kGetInstance), "4711");
  ExpectMatchesGolden(body, "get-instance-job.out.xml");
}

TEST(ResponseEncoderTest, EnumerateInstancesEscapesText) {
  std::vector<cim::Instance> systems = {
      System("6A1F2B3C-4D5E-4F60-8A7B-9C0D1E2F3A4B", "R&D <test> \"vm\"", 2),
      System("0B1C2D3E-4F50-4162-8374-95A6B7C8D9E0", "web", 3)};
  std::string body = EncodeResponse(systems, Op(OperationKind::kEnumerateInstances), "4711");
  EXPECT_THAT(body, HasSubstr("<VALUE>R&amp;D &lt;test&gt; \"vm\"</VALUE>"));
  ExpectMatchesGolden(body, "enumerate-instances.out.xml");
}

TEST(ResponseEncoderTest, EnumerateInstancesEmpty) {
  std::string body = EncodeResponse(std::vector<cim::Instance>{},
                                    Op(OperationKind::kEnumerateInstances), "4711");
  EXPECT_THAT(body, HasSubstr("<IRETURNVALUE></IRETURNVALUE>"));
}

TEST(ResponseEncoderTest, EnumerateInstanceNames) {
  std::vector<cim::ObjectPath> names = {SystemPath("6A1F"), SystemPath("0B1C")};
  std::string body = EncodeResponse(names, Op(OperationKind::kEnumerateInstanceNames), "4711");
  ExpectMatchesGolden(body, "enumerate-instance-names.out.xml");
}

TEST(ResponseEncoderTest, GetClassWithKeyQualifiersAndMethods) {
  cim::Operation op = Op(OperationKind::kGetClass);
  op.include_qualifiers = true;
  std::string body = EncodeResponse(VsmsClass(), op, "4711");
  EXPECT_THAT(body, HasSubstr("<PROPERTY NAME=\"SystemCreationClassName\" TYPE=\"string\">"
                              "<QUALIFIER NAME=\"Key\" TYPE=\"boolean\" OVERRIDABLE=\"false\">"
                              "<VALUE>TRUE</VALUE></QUALIFIER></PROPERTY>"));
  EXPECT_THAT(body, HasSubstr("<PARAMETER.REFERENCE NAME=\"Job\" REFERENCECLASS=\"CIM_ConcreteJob\">"
                              "<QUALIFIER NAME=\"Out\" TYPE=\"boolean\"><VALUE>TRUE</VALUE>"
                              "</QUALIFIER></PARAMETER.REFERENCE>"));
  EXPECT_THAT(body, Not(HasSubstr("CLASSORIGIN")));
  ExpectMatchesGolden(body, "get-class.out.xml");
}

TEST(ResponseEncoderTest, GetClassHonoursIncludeFlags) {
  cim::Operation op = Op(OperationKind::kGetClass);
  op.include_qualifiers = false;
  op.include_class_origin = true;
  std::string body = EncodeResponse(VsmsClass(), op, "4711");
  EXPECT_THAT(body, Not(HasSubstr("QUALIFIER")));
  EXPECT_THAT(body, HasSubstr("<PROPERTY NAME=\"Name\" TYPE=\"string\" CLASSORIGIN=\"CIM_Service\">"));
}

TEST(ResponseEncoderTest, EnumerateClassNames) {
  std::vector<std::string> names = {"Msvm_ComputerSystem", "Msvm_ConcreteJob"};
  std::string body = EncodeResponse(names, Op(OperationKind::kEnumerateClassNames), "4711");
  ExpectMatchesGolden(body, "enumerate-class-names.out.xml");
}

TEST(ResponseEncoderTest, AssociatorsAreObjectsWithPath) {
  std::vector<cim::Instance> jobs = {Job("job-1")};
  std::string body = EncodeResponse(jobs, Op(OperationKind::kAssociators), "4711");
  EXPECT_THAT(body, HasSubstr("<VALUE.OBJECTWITHPATH><INSTANCEPATH><NAMESPACEPATH>"
                              "<HOST>localhost</HOST>"));
  ExpectMatchesGolden(body, "associators.out.xml");
}

TEST(ResponseEncoderTest, AssociatorNamesAreObjectPaths) {
  cim::ObjectPath path = SystemPath("6A1F");
  path.set_host("hv1");
  std::vector<cim::ObjectPath> names = {path};
  std::string body = EncodeResponse(names, Op(OperationKind::kAssociatorNames), "4711");
  EXPECT_THAT(body, HasSubstr("<OBJECTPATH><INSTANCEPATH><NAMESPACEPATH><HOST>hv1</HOST>"));
  ExpectMatchesGolden(body, "associator-names.out.xml");
}

TEST(ResponseEncoderTest, ResultOfTheWrongShapeIsFailed) {
  std::string body = EncodeResponse(Job("j"), Op(OperationKind::kEnumerateInstances), "4711");
  EXPECT_THAT(body, HasSubstr("<ERROR CODE=\"1\" DESCRIPTION=\"Internal error"));
  body = EncodeResponse(Job("j"), Invoke("ImportVirtualSystem"), "4711");
  EXPECT_THAT(body, HasSubstr("<METHODRESPONSE NAME=\"ImportVirtualSystem\"><ERROR CODE=\"1\""));
}

TEST(ResponseEncoderTest, MessageIdIsEchoedAndEscaped) {
  std::string body = EncodeResponse(std::vector<std::string>{},
                                    Op(OperationKind::kEnumerateClassNames), "a\"<b");
  EXPECT_THAT(body, HasSubstr("<MESSAGE ID=\"a&quot;&lt;b\" PROTOCOLVERSION=\"1.0\">"));
}

// The attributes wbemcli 1.6.3 accepts on each element (reference §2.5); QUALIFIER is not
// checked by wbemcli, so its DSP0201 attributes are allowed.
const std::map<std::string, std::set<std::string>>& AllowedAttributes() {
  static const auto* allowed = new std::map<std::string, std::set<std::string>>{
      {"CIM", {"CIMVERSION", "DTDVERSION"}},
      {"MESSAGE", {"ID", "PROTOCOLVERSION"}},
      {"SIMPLERSP", {}},
      {"IMETHODRESPONSE", {"NAME"}},
      {"METHODRESPONSE", {"NAME"}},
      {"ERROR", {"CODE", "DESCRIPTION"}},
      {"RETURNVALUE", {"PARAMTYPE"}},
      {"PARAMVALUE", {"NAME", "PARAMTYPE"}},
      {"IRETURNVALUE", {}},
      {"CLASS", {"NAME", "SUPERCLASS"}},
      {"INSTANCE", {"CLASSNAME"}},
      {"INSTANCENAME", {"CLASSNAME"}},
      {"VALUE.NAMEDINSTANCE", {"CLASSNAME"}},
      {"PROPERTY", {"NAME", "TYPE", "CLASSORIGIN", "PROPAGATED", "EMBEDDEDOBJECT"}},
      {"PROPERTY.ARRAY", {"NAME", "TYPE", "CLASSORIGIN", "PROPAGATED", "ARRAYSIZE"}},
      {"PROPERTY.REFERENCE", {"NAME", "REFERENCECLASS", "CLASSORIGIN", "PROPAGATED"}},
      {"METHOD", {"NAME", "TYPE", "CLASSORIGIN", "PROPAGATED"}},
      {"PARAMETER", {"NAME", "TYPE"}},
      {"PARAMETER.ARRAY", {"NAME", "TYPE", "ARRAYSIZE"}},
      {"PARAMETER.REFERENCE", {"NAME", "REFERENCECLASS"}},
      {"PARAMETER.REFARRAY", {"NAME", "REFERENCECLASS", "ARRAYSIZE"}},
      {"KEYBINDING", {"NAME"}},
      {"NAMESPACE", {"NAME"}},
      {"CLASSNAME", {"NAME"}},
      {"KEYVALUE", {"VALUETYPE", "TYPE"}},
      {"QUALIFIER", {"NAME", "TYPE", "OVERRIDABLE", "TOSUBCLASS", "TRANSLATABLE", "PROPAGATED"}},
      {"VALUE", {}},
      {"VALUE.ARRAY", {}},
      {"VALUE.NULL", {}},
      {"VALUE.REFERENCE", {}},
      {"VALUE.REFARRAY", {}},
      {"VALUE.OBJECTWITHPATH", {}},
      {"OBJECTPATH", {}},
      {"INSTANCEPATH", {}},
      {"LOCALINSTANCEPATH", {}},
      {"CLASSPATH", {}},
      {"LOCALCLASSPATH", {}},
      {"NAMESPACEPATH", {}},
      {"LOCALNAMESPACEPATH", {}},
      {"HOST", {}},
  };
  return *allowed;
}

// Every start tag of `xml` after the declaration, as (element, attribute names).
std::vector<std::pair<std::string, std::vector<std::string>>> StartTags(std::string_view xml) {
  std::vector<std::pair<std::string, std::vector<std::string>>> tags;
  size_t i = 0;
  while ((i = xml.find('<', i)) != std::string_view::npos) {
    ++i;
    if (i >= xml.size() || xml[i] == '/' || xml[i] == '?') continue;
    size_t end = xml.find('>', i);
    std::string_view tag = xml.substr(i, end - i);
    size_t name_end = tag.find_first_of(" />");
    std::pair<std::string, std::vector<std::string>> entry{std::string(tag.substr(0, name_end)), {}};
    size_t pos = name_end;
    while (pos != std::string_view::npos && (pos = tag.find('=', pos)) != std::string_view::npos) {
      size_t start = tag.rfind(' ', pos) + 1;
      entry.second.emplace_back(tag.substr(start, pos - start));
      pos = tag.find('"', tag.find('"', pos) + 1) + 1;
    }
    tags.push_back(std::move(entry));
  }
  return tags;
}

TEST(ResponseEncoderTest, WritesOnlyAttributesWbemcliAccepts) {
  std::vector<std::string> bodies = {
      ImportJobResponse(),
      EncodeResponse(VsmsClass(), Op(OperationKind::kGetClass), "1"),
      EncodeResponse(std::vector<cim::Instance>{System("a", "b", 2), Job("j")},
                     Op(OperationKind::kEnumerateInstances), "1"),
      EncodeResponse(std::vector<cim::Instance>{Job("j")}, Op(OperationKind::kReferences), "1"),
      EncodeResponse(std::vector<cim::ObjectPath>{JobPath("j")},
                     Op(OperationKind::kReferenceNames), "1"),
      EncodeResponse(cim::CimError{cim::CimStatus::kFailed, "x"}, Op(OperationKind::kGetClass),
                     "1"),
  };
  for (const std::string& body : bodies) {
    EXPECT_TRUE(body.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n<CIM "));
    for (const auto& [element, attributes] : StartTags(body)) {
      auto allowed = AllowedAttributes().find(element);
      ASSERT_NE(allowed, AllowedAttributes().end()) << "unexpected element " << element;
      for (const auto& attribute : attributes) {
        EXPECT_TRUE(allowed->second.count(attribute))
            << element << " must not carry " << attribute;
      }
    }
  }
}

}  // namespace
}  // namespace vsm::cimxml
