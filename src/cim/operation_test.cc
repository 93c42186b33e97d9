#include "cim/operation.h"

#include <gtest/gtest.h>

#include "cim/provider.h"

namespace vsm::cim {
namespace {

TEST(OperationTest, KindNamesRoundTrip) {
  for (int i = 0; i <= static_cast<int>(OperationKind::kInvokeMethod); ++i) {
    auto kind = static_cast<OperationKind>(i);
    EXPECT_EQ(OperationKindFromName(OperationKindName(kind)), kind) << i;
  }
  EXPECT_EQ(OperationKindName(OperationKind::kEnumerateInstances), "EnumerateInstances");
  EXPECT_FALSE(OperationKindFromName("DeleteInstance").has_value());
  EXPECT_FALSE(OperationKindFromName("getclass").has_value());
}

TEST(OperationTest, StatusNames) {
  EXPECT_EQ(CimStatusName(CimStatus::kNotFound), "CIM_ERR_NOT_FOUND");
  EXPECT_EQ(CimStatusName(CimStatus::kMethodNotFound), "CIM_ERR_METHOD_NOT_FOUND");
  EXPECT_EQ(CimStatusName(CimStatus::kServerIsShuttingDown), "CIM_ERR_SERVER_IS_SHUTTING_DOWN");
}

class TwoJobsProvider : public Provider {
 public:
  std::string_view class_name() const override { return "Msvm_ConcreteJob"; }
  CimResult<std::vector<Instance>> EnumerateInstances(const RequestContext&) override {
    std::vector<Instance> out;
    for (const char* id : {"job-1", "job-2"}) {
      Instance job("Msvm_ConcreteJob");
      job.Set("InstanceID", Value::String(id));
      job.set_path(ObjectPath("root/virtualization", "Msvm_ConcreteJob",
                              {{"InstanceID", Value::String(id)}}));
      out.push_back(std::move(job));
    }
    return out;
  }
};

TEST(ProviderTest, DefaultGetInstanceSearchesTheEnumeration) {
  TwoJobsProvider provider;
  RequestContext context;
  context.name_space = "root/virtualization";
  auto found = provider.GetInstance(
      context, ObjectPath("root/virtualization", "msvm_concretejob",
                          {{"instanceid", Value::String("job-2")}}));
  ASSERT_FALSE(IsError(found));
  EXPECT_EQ(std::get<Instance>(found).Get("InstanceID")->AsString(), "job-2");

  auto missing = provider.GetInstance(
      context, ObjectPath("root/virtualization", "Msvm_ConcreteJob",
                          {{"InstanceID", Value::String("job-9")}}));
  ASSERT_TRUE(IsError(missing));
  const CimError& error = std::get<CimError>(missing);
  EXPECT_EQ(error.status, CimStatus::kNotFound);
  EXPECT_EQ(error.description,
            "No such instance: root/virtualization:Msvm_ConcreteJob.InstanceID=\"job-9\"");
}

TEST(ProviderTest, DefaultInvokeMethodIsNotAvailable) {
  TwoJobsProvider provider;
  MethodDecl method;
  method.name = "RequestStateChange";
  auto result = provider.InvokeMethod({}, ObjectPath(), method, {});
  ASSERT_TRUE(IsError(result));
  EXPECT_EQ(std::get<CimError>(result).status, CimStatus::kMethodNotAvailable);
}

}  // namespace
}  // namespace vsm::cim
