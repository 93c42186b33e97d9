// The Dispatcher over the real schema, with small fake providers standing in for the Msvm_*
// ones: namespaces, classes, enumeration across subclasses, queries, associations, and method
// parameter typing.
#include "cim/dispatcher.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace vsm::cim {
namespace {

using ::testing::HasSubstr;

ObjectPath SystemPath(const std::string& name) {
  return ObjectPath(kNamespace, "Msvm_ComputerSystem",
                    {{"CreationClassName", Value::String("Msvm_ComputerSystem")}, {"Name", Value::String(name)}});
}
ObjectPath JobPath(const std::string& id) {
  return ObjectPath(kNamespace, "Msvm_ConcreteJob", {{"InstanceID", Value::String(id)}});
}

class FakeSystems : public Provider {
 public:
  std::string_view class_name() const override { return "Msvm_ComputerSystem"; }
  CimResult<std::vector<Instance>> EnumerateInstances(const RequestContext&) override {
    std::vector<Instance> all;
    for (auto [name, state] : {std::pair{"web01", 3}, std::pair{"db01", 3}, std::pair{"host", 2}}) {
      Instance instance("Msvm_ComputerSystem");
      instance.Set("Name", Value::String(name));
      instance.Set("ElementName", Value::String(name));
      instance.Set("EnabledState", Value::Uint16(static_cast<uint16_t>(state)));
      instance.set_path(SystemPath(name));
      all.push_back(instance);
    }
    return all;
  }
  CimResult<MethodResult> InvokeMethod(const RequestContext& context, const ObjectPath&,
                                       const MethodDecl& method, const std::vector<NamedValue>& parameters) override {
    last_parameters = parameters;
    last_principal = context.principal.user;
    return MethodResult{Value::Uint32(32770), {}};
  }
  std::vector<NamedValue> last_parameters;
  std::string last_principal;
};

class FakeJobs : public Provider {
 public:
  std::string_view class_name() const override { return "Msvm_ConcreteJob"; }
  CimResult<std::vector<Instance>> EnumerateInstances(const RequestContext&) override {
    Instance job("Msvm_ConcreteJob");
    job.Set("InstanceID", Value::String("job-1"));
    job.Set("JobState", Value::Uint16(7));
    job.set_path(JobPath("job-1"));
    return std::vector<Instance>{job};
  }
};

class FakeAffected : public Provider {
 public:
  std::string_view class_name() const override { return "Msvm_AffectedJobElement"; }
  CimResult<std::vector<Instance>> EnumerateInstances(const RequestContext&) override {
    Instance link("Msvm_AffectedJobElement");
    link.Set("AffectedElement", Value::Reference(SystemPath("web01")));
    link.Set("AffectingElement", Value::Reference(JobPath("job-1")));
    link.set_path(ObjectPath(kNamespace, "Msvm_AffectedJobElement",
                             {{"AffectedElement", Value::Reference(SystemPath("web01"))},
                              {"AffectingElement", Value::Reference(JobPath("job-1"))}}));
    return std::vector<Instance>{link};
  }
};

class DispatcherTest : public ::testing::Test {
 protected:
  DispatcherTest() : registry_(std::move(*ClassRegistry::LoadEmbedded())), dispatcher_(*registry_) {
    auto systems = std::make_unique<FakeSystems>();
    systems_ = systems.get();
    dispatcher_.Register(std::move(systems));
    dispatcher_.Register(std::make_unique<FakeJobs>());
    dispatcher_.Register(std::make_unique<FakeAffected>());
  }

  OperationResult Run(Operation operation) {
    if (operation.name_space.empty()) operation.name_space = "root/virtualization";
    return dispatcher_.Execute(operation, Principal{"admin", Role::kAdministrator});
  }

  static CimStatus StatusOf(const OperationResult& result) {
    EXPECT_TRUE(std::holds_alternative<CimError>(result));
    return std::holds_alternative<CimError>(result) ? std::get<CimError>(result).status : CimStatus::kFailed;
  }

  std::unique_ptr<ClassRegistry> registry_;
  Dispatcher dispatcher_;
  FakeSystems* systems_;
};

TEST_F(DispatcherTest, NamespaceAndClassAreChecked) {
  EXPECT_EQ(StatusOf(Run({.kind = OperationKind::kGetClass, .name_space = "root/cimv2",
                          .class_name = "Msvm_ComputerSystem"})),
            CimStatus::kInvalidNamespace);
  EXPECT_FALSE(std::holds_alternative<CimError>(Run({.kind = OperationKind::kGetClass,
                                                     .name_space = "root\\Virtualization",
                                                     .class_name = "Msvm_ComputerSystem"})));
  EXPECT_EQ(StatusOf(Run({.kind = OperationKind::kEnumerateInstances, .class_name = "Msvm_Nothing"})),
            CimStatus::kInvalidClass);
}

TEST_F(DispatcherTest, GetClassKeepsKeysEvenWhenLocalOnly) {
  auto result = Run({.kind = OperationKind::kGetClass, .class_name = "Msvm_ConcreteJob", .local_only = true});
  ASSERT_TRUE(std::holds_alternative<ClassDecl>(result));
  const ClassDecl& decl = std::get<ClassDecl>(result);
  EXPECT_NE(decl.FindProperty("InstanceID"), nullptr);
  EXPECT_EQ(decl.FindProperty("PercentComplete"), nullptr);  // inherited
  EXPECT_NE(decl.FindMethod("RequestStateChange"), nullptr);
}

TEST_F(DispatcherTest, EnumeratesAcrossSubclassesWithPropertyList) {
  auto result = Run({.kind = OperationKind::kEnumerateInstances, .class_name = "CIM_ComputerSystem",
                     .property_list = std::vector<std::string>{"ElementName"}});
  ASSERT_TRUE(std::holds_alternative<std::vector<Instance>>(result));
  const auto& instances = std::get<std::vector<Instance>>(result);
  ASSERT_EQ(instances.size(), 3u);
  EXPECT_NE(instances[0].Get("ElementName"), nullptr);
  EXPECT_EQ(instances[0].Get("EnabledState"), nullptr);
  EXPECT_EQ(instances[0].path().FindKey("Name")->AsString(), "web01");
}

TEST_F(DispatcherTest, GetInstanceFindsOrSaysNotFound) {
  auto found = Run({.kind = OperationKind::kGetInstance, .object_path = JobPath("job-1")});
  ASSERT_TRUE(std::holds_alternative<Instance>(found));
  EXPECT_EQ(std::get<Instance>(found).Get("JobState")->AsUnsigned(), 7u);
  EXPECT_EQ(StatusOf(Run({.kind = OperationKind::kGetInstance, .object_path = JobPath("job-2")})),
            CimStatus::kNotFound);
}

TEST_F(DispatcherTest, ExecQueryFiltersAndProjects) {
  auto result = Run({.kind = OperationKind::kExecQuery, .query_language = "WQL",
                     .query = "SELECT ElementName FROM Msvm_ComputerSystem WHERE EnabledState = 3"});
  ASSERT_TRUE(std::holds_alternative<std::vector<Instance>>(result));
  EXPECT_EQ(std::get<std::vector<Instance>>(result).size(), 2u);
  EXPECT_EQ(StatusOf(Run({.kind = OperationKind::kExecQuery, .query_language = "CQL", .query = "x"})),
            CimStatus::kQueryLanguageNotSupported);
  EXPECT_EQ(StatusOf(Run({.kind = OperationKind::kExecQuery, .query_language = "WQL", .query = "SELECT"})),
            CimStatus::kInvalidQuery);
}

TEST_F(DispatcherTest, AssociatorsAndReferencesFollowTheLinks) {
  auto associators = Run({.kind = OperationKind::kAssociators, .object_path = SystemPath("web01"),
                          .assoc_class = "Msvm_AffectedJobElement"});
  ASSERT_TRUE(std::holds_alternative<std::vector<Instance>>(associators));
  ASSERT_EQ(std::get<std::vector<Instance>>(associators).size(), 1u);
  EXPECT_EQ(std::get<std::vector<Instance>>(associators)[0].class_name(), "Msvm_ConcreteJob");

  auto names = Run({.kind = OperationKind::kAssociatorNames, .object_path = JobPath("job-1"),
                    .result_class = "CIM_ComputerSystem"});
  ASSERT_TRUE(std::holds_alternative<std::vector<ObjectPath>>(names));
  EXPECT_EQ(std::get<std::vector<ObjectPath>>(names).at(0), SystemPath("web01"));

  auto references = Run({.kind = OperationKind::kReferences, .object_path = SystemPath("web01"),
                         .role = "AffectedElement"});
  ASSERT_TRUE(std::holds_alternative<std::vector<Instance>>(references));
  EXPECT_EQ(std::get<std::vector<Instance>>(references).size(), 1u);
  auto wrong_role = Run({.kind = OperationKind::kReferenceNames, .object_path = SystemPath("web01"),
                         .role = "AffectingElement"});
  EXPECT_TRUE(std::get<std::vector<ObjectPath>>(wrong_role).empty());
  auto unrelated = Run({.kind = OperationKind::kAssociators, .object_path = SystemPath("db01")});
  EXPECT_TRUE(std::get<std::vector<Instance>>(unrelated).empty());
}

TEST_F(DispatcherTest, InvokeMethodTypesUntypedParameters) {
  Operation call{.kind = OperationKind::kInvokeMethod, .object_path = SystemPath("web01"),
                 .method_name = "requeststatechange"};
  call.parameters = {{"RequestedState", Value::String("2"), true}};
  auto result = Run(call);
  ASSERT_TRUE(std::holds_alternative<MethodResult>(result));
  EXPECT_EQ(std::get<MethodResult>(result).return_value.AsUnsigned(), 32770u);
  ASSERT_EQ(systems_->last_parameters.size(), 1u);
  EXPECT_EQ(systems_->last_parameters[0].value.type(), CimType::kUint16);
  EXPECT_EQ(systems_->last_parameters[0].value.AsUnsigned(), 2u);
  EXPECT_EQ(systems_->last_principal, "admin");

  call.parameters = {{"RequestedState", Value::String("two"), true}};
  auto bad = Run(call);
  EXPECT_EQ(StatusOf(bad), CimStatus::kInvalidParameter);
  EXPECT_THAT(std::get<CimError>(bad).description, HasSubstr("RequestedState"));
  call.parameters = {{"Color", Value::String("red"), true}};
  EXPECT_EQ(StatusOf(Run(call)), CimStatus::kInvalidParameter);
  call.method_name = "Explode";
  call.parameters.clear();
  EXPECT_EQ(StatusOf(Run(call)), CimStatus::kMethodNotFound);
}

}  // namespace
}  // namespace vsm::cim
