#include "client/cim_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "client/fake_cim_transport.h"

namespace vsm::client {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::FakeCimTransport;

cim::ObjectPath SystemPath(const std::string& guid) {
  return cim::ObjectPath("root/virtualization", "Msvm_ComputerSystem",
                         {{"CreationClassName", cim::Value::String("Msvm_ComputerSystem")},
                          {"Name", cim::Value::String(guid)}});
}

cim::Instance System(const std::string& guid, const std::string& name) {
  cim::Instance instance("Msvm_ComputerSystem");
  instance.Set("CreationClassName", cim::Value::String("Msvm_ComputerSystem"));
  instance.Set("Name", cim::Value::String(guid));
  instance.Set("ElementName", cim::Value::String(name));
  instance.Set("EnabledState", cim::Value::Uint16(3));
  instance.set_path(SystemPath(guid));
  return instance;
}

class CimClientTest : public ::testing::Test {
 protected:
  std::shared_ptr<FakeCimTransport::State> state_ = std::make_shared<FakeCimTransport::State>();
  std::unique_ptr<CimClient> client_ = testing::NewFakeCimClient(state_);
};

TEST_F(CimClientTest, EnumerateInstancesSendsClassAndPropertyListAndReadsPaths) {
  state_->handler = [](const cim::Operation&) -> cim::OperationResult {
    return std::vector<cim::Instance>{System("A", "web01"), System("B", "db01")};
  };
  auto instances = client_->EnumerateInstances(
      "Msvm_ComputerSystem", std::vector<std::string>{"Name", "ElementName"});
  ASSERT_TRUE(instances.ok()) << instances.error().ToString();
  ASSERT_EQ(instances->size(), 2u);
  EXPECT_EQ(instances->at(1).Get("ElementName")->AsString(), "db01");
  EXPECT_EQ(instances->at(1).path(), SystemPath("B"));

  ASSERT_EQ(state_->operations.size(), 1u);
  const cim::Operation& sent = state_->operations[0];
  EXPECT_EQ(sent.kind, cim::OperationKind::kEnumerateInstances);
  EXPECT_EQ(sent.name_space, "root/virtualization");
  EXPECT_EQ(sent.class_name, "Msvm_ComputerSystem");
  ASSERT_TRUE(sent.property_list.has_value());
  EXPECT_THAT(*sent.property_list, ElementsAre("Name", "ElementName"));
}

TEST_F(CimClientTest, RequestsCarryTheCimHeaders) {
  state_->handler = [](const cim::Operation&) -> cim::OperationResult {
    return std::vector<cim::ObjectPath>{};
  };
  ASSERT_TRUE(client_->EnumerateInstanceNames("Msvm_ConcreteJob").ok());
  ASSERT_EQ(state_->headers.size(), 1u);
  auto has = [&](const std::string& name, const std::string& value) {
    for (const auto& [key, v] : state_->headers[0]) {
      if (key == name && v == value) return true;
    }
    return false;
  };
  EXPECT_TRUE(has("CIMOperation", "MethodCall"));
  EXPECT_TRUE(has("CIMMethod", "EnumerateInstanceNames"));
  EXPECT_TRUE(has("CIMProtocolVersion", "1.0"));
}

TEST_F(CimClientTest, EnumerateInstanceNames) {
  state_->handler = [](const cim::Operation&) -> cim::OperationResult {
    return std::vector<cim::ObjectPath>{SystemPath("A")};
  };
  auto names = client_->EnumerateInstanceNames("Msvm_ComputerSystem");
  ASSERT_TRUE(names.ok());
  EXPECT_THAT(*names, ElementsAre(SystemPath("A")));
}

TEST_F(CimClientTest, GetInstanceKeepsTheRequestedPath) {
  state_->handler = [](const cim::Operation& op) -> cim::OperationResult {
    EXPECT_EQ(op.object_path, SystemPath("A"));
    return System("A", "web01");
  };
  auto instance = client_->GetInstance(SystemPath("A"));
  ASSERT_TRUE(instance.ok());
  EXPECT_EQ(instance->Get("ElementName")->AsString(), "web01");
  EXPECT_EQ(instance->path(), SystemPath("A"));
}

TEST_F(CimClientTest, GetClass) {
  state_->handler = [](const cim::Operation& op) -> cim::OperationResult {
    cim::ClassDecl decl;
    decl.name = op.class_name;
    cim::PropertyDecl property;
    property.name = "InstanceID";
    decl.properties.push_back(property);
    return decl;
  };
  auto decl = client_->GetClass("Msvm_ConcreteJob");
  ASSERT_TRUE(decl.ok()) << decl.error().ToString();
  EXPECT_EQ(decl->name, "Msvm_ConcreteJob");
  EXPECT_NE(decl->FindProperty("InstanceID"), nullptr);
}

TEST_F(CimClientTest, ExecQueryAndAssociatorsSendTheirParameters) {
  state_->handler = [](const cim::Operation&) -> cim::OperationResult {
    return std::vector<cim::Instance>{System("A", "web01")};
  };
  ASSERT_TRUE(client_->ExecQuery("SELECT * FROM Msvm_ComputerSystem WHERE Name = 'A'").ok());
  auto associated = client_->Associators(SystemPath("A"), "Msvm_SettingsDefineState",
                                         "Msvm_VirtualSystemSettingData");
  ASSERT_TRUE(associated.ok());
  EXPECT_EQ(associated->size(), 1u);

  ASSERT_EQ(state_->operations.size(), 2u);
  EXPECT_EQ(state_->operations[0].kind, cim::OperationKind::kExecQuery);
  EXPECT_EQ(state_->operations[0].query_language, "WQL");
  EXPECT_EQ(state_->operations[0].query, "SELECT * FROM Msvm_ComputerSystem WHERE Name = 'A'");
  EXPECT_EQ(state_->operations[1].kind, cim::OperationKind::kAssociators);
  EXPECT_EQ(state_->operations[1].object_path, SystemPath("A"));
  EXPECT_EQ(state_->operations[1].assoc_class, "Msvm_SettingsDefineState");
  EXPECT_EQ(state_->operations[1].result_class, "Msvm_VirtualSystemSettingData");
}

TEST_F(CimClientTest, InvokeMethodSendsTypedParametersAndReadsOutParameters) {
  cim::ObjectPath job("root/virtualization", "Msvm_ConcreteJob",
                      {{"InstanceID", cim::Value::String("job-1")}});
  state_->handler = [&](const cim::Operation& op) -> cim::OperationResult {
    EXPECT_EQ(op.method_name, "ImportVirtualSystem");
    EXPECT_EQ(op.object_path.class_name(), "Msvm_VirtualSystemManagementService");
    EXPECT_EQ(op.parameters.size(), 2u);
    EXPECT_EQ(op.parameters[1].name, "GenerateNewID");
    EXPECT_EQ(op.parameters[1].value.type(), cim::CimType::kBoolean);
    EXPECT_FALSE(op.parameters[1].untyped);
    return cim::MethodResult{cim::Value::Uint32(4096), {{"Job", cim::Value::Reference(job)}}};
  };
  cim::ObjectPath service("root/virtualization", "Msvm_VirtualSystemManagementService",
                          {{"Name", cim::Value::String("vmms")}});
  auto result = client_->InvokeMethod(
      service, "ImportVirtualSystem",
      {{"ImportDirectory", cim::Value::String("/srv/exports/web01")},
       {"GenerateNewID", cim::Value::Boolean(true)}});
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_EQ(result->return_value.AsUnsigned(), 4096u);
  ASSERT_EQ(result->out_parameters.size(), 1u);
  EXPECT_EQ(result->out_parameters[0].value.AsReference(), job);
}

TEST_F(CimClientTest, CimErrorsNameStatusNumberAndDescription) {
  state_->handler = [](const cim::Operation&) -> cim::OperationResult {
    return cim::CimError{cim::CimStatus::kNotFound, "No such Msvm_ConcreteJob: x"};
  };
  auto instance = client_->GetInstance(SystemPath("A"));
  ASSERT_FALSE(instance.ok());
  EXPECT_EQ(instance.error().message(), "CIM_ERR_NOT_FOUND (6): No such Msvm_ConcreteJob: x");
  EXPECT_EQ(instance.error().code(), ReturnCode::kInvalidParameter);
}

TEST(ErrorFromCimErrorTest, StatusesMapToTheNearestReturnCode) {
  auto code = [](cim::CimStatus status) {
    return ErrorFromCimError(cim::CimError{status, "x"}).code();
  };
  EXPECT_EQ(code(cim::CimStatus::kAccessDenied), ReturnCode::kAccessDenied);
  EXPECT_EQ(code(cim::CimStatus::kInvalidClass), ReturnCode::kInvalidParameter);
  EXPECT_EQ(code(cim::CimStatus::kNotSupported), ReturnCode::kNotSupported);
  EXPECT_EQ(code(cim::CimStatus::kTypeMismatch), ReturnCode::kIncorrectDataType);
  EXPECT_EQ(code(cim::CimStatus::kServerIsShuttingDown), ReturnCode::kSystemNotAvailable);
  EXPECT_EQ(code(cim::CimStatus::kFailed), ReturnCode::kFailed);
  EXPECT_EQ(ErrorFromCimError(cim::CimError{cim::CimStatus::kInvalidParameter, "bad"}).message(),
            "CIM_ERR_INVALID_PARAMETER (4): bad");
}

TEST_F(CimClientTest, TransportFailuresKeepTheTransportsWordsAndAreUnavailable) {
  state_->transport_error = Error::Failed("connect to '/run/vsmd.sock': No such file or directory");
  auto names = client_->EnumerateInstanceNames("Msvm_ComputerSystem");
  ASSERT_FALSE(names.ok());
  EXPECT_EQ(names.error().code(), ReturnCode::kSystemNotAvailable);
  EXPECT_EQ(names.error().message(), "connect to '/run/vsmd.sock': No such file or directory");
}

TEST_F(CimClientTest, Http401IsAccessDenied) {
  state_->http_reply = CimHttpReply{401, {{"WWW-Authenticate", "Basic realm=\"vsm\""}}, ""};
  auto names = client_->EnumerateInstanceNames("Msvm_ComputerSystem");
  ASSERT_FALSE(names.ok());
  EXPECT_EQ(names.error().code(), ReturnCode::kAccessDenied);
  EXPECT_THAT(names.error().message(), HasSubstr("HTTP 401"));
}

TEST_F(CimClientTest, OtherHttpStatusesNameTheCimErrorHeader) {
  state_->http_reply = CimHttpReply{400, {{"CIMError", "request-not-well-formed"}}, ""};
  auto names = client_->EnumerateInstanceNames("Msvm_ComputerSystem");
  ASSERT_FALSE(names.ok());
  EXPECT_EQ(names.error().code(), ReturnCode::kSystemNotAvailable);
  EXPECT_THAT(names.error().message(), HasSubstr("HTTP 400"));
  EXPECT_THAT(names.error().message(), HasSubstr("request-not-well-formed"));
}

TEST_F(CimClientTest, BodyThatIsNotCimXmlIsAFailure) {
  state_->http_reply = CimHttpReply{200, {}, "<html>hello</html>"};
  auto names = client_->EnumerateInstanceNames("Msvm_ComputerSystem");
  ASSERT_FALSE(names.ok());
  EXPECT_THAT(names.error().message(), HasSubstr("CIM_ERR_FAILED"));
}

}  // namespace
}  // namespace vsm::client
