#include "cim/instance.h"

#include <gtest/gtest.h>

namespace vsm::cim {
namespace {

TEST(InstanceTest, SetReplacesInPlaceCaseInsensitively) {
  Instance instance("Msvm_ConcreteJob");
  instance.Set("InstanceID", Value::String("j"));
  instance.Set("JobState", Value::Uint16(4));
  instance.Set("jobstate", Value::Uint16(7));
  ASSERT_EQ(instance.properties().size(), 2u);
  EXPECT_EQ(instance.properties()[1].name, "JobState");
  EXPECT_EQ(instance.Get("JOBSTATE")->AsUnsigned(), 7u);
  EXPECT_EQ(instance.Get("Missing"), nullptr);
}

TEST(InstanceTest, FilterPropertiesKeepsNamedOnes) {
  Instance instance("Msvm_ConcreteJob");
  instance.Set("InstanceID", Value::String("j"));
  instance.Set("JobState", Value::Uint16(4));
  instance.Set("PercentComplete", Value::Uint16(50));
  instance.set_path(ObjectPath("root/virtualization", "Msvm_ConcreteJob",
                               {{"InstanceID", Value::String("j")}}));
  instance.FilterProperties({"jobstate", "percentcomplete", "NoSuch"});
  ASSERT_EQ(instance.properties().size(), 2u);
  EXPECT_EQ(instance.properties()[0].name, "JobState");
  EXPECT_EQ(instance.path().keys().size(), 1u);
  instance.FilterProperties({});
  EXPECT_TRUE(instance.properties().empty());
}

}  // namespace
}  // namespace vsm::cim
