#include "app/vsm/vm_resolver.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace vsm::cli {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

constexpr const char* kWeb1 = "4F1C2D3E-0A1B-4C5D-8E9F-0123456789AB";
constexpr const char* kWeb2 = "9A8B7C6D-1111-4222-8333-444455556666";
constexpr const char* kDb = "00000000-AAAA-4BBB-8CCC-DDDDEEEEFFFF";

SystemView System(const std::string& id, const std::string& name) {
  SystemView system;
  system.id = id;
  system.name = name;
  return system;
}

std::vector<SystemView> Systems() {
  return {System(kWeb1, "web"), System(kWeb2, "web"), System(kDb, "db01")};
}

TEST(ResolveSystemTest, ByGuidInAnyCaseWithOrWithoutBraces) {
  EXPECT_EQ(*ResolveSystem(kWeb2, Systems()), 1u);
  EXPECT_EQ(*ResolveSystem("9a8b7c6d-1111-4222-8333-444455556666", Systems()), 1u);
  EXPECT_EQ(*ResolveSystem("{9A8B7C6D-1111-4222-8333-444455556666}", Systems()), 1u);
}

TEST(ResolveSystemTest, ByUniqueName) {
  EXPECT_EQ(*ResolveSystem("db01", Systems()), 2u);
  EXPECT_EQ(*ResolveSystem("DB01", Systems()), 2u);
}

TEST(ResolveSystemTest, ExactCaseWinsOverOtherCase) {
  std::vector<SystemView> systems = {System(kWeb1, "Web"), System(kWeb2, "web")};
  EXPECT_EQ(*ResolveSystem("web", systems), 1u);
  EXPECT_EQ(*ResolveSystem("Web", systems), 0u);
  EXPECT_FALSE(ResolveSystem("WEB", systems).ok());
}

TEST(ResolveSystemTest, AmbiguousNameListsTheCandidates) {
  Result<size_t> resolved = ResolveSystem("web", Systems());
  ASSERT_FALSE(resolved.ok());
  EXPECT_EQ(resolved.error().code(), ReturnCode::kInvalidParameter);
  EXPECT_THAT(resolved.error().message(),
              AllOf(HasSubstr("ambiguous"), HasSubstr(kWeb1), HasSubstr(kWeb2),
                    HasSubstr("pass the GUID")));
  EXPECT_THAT(resolved.error().message(), ::testing::Not(HasSubstr(kDb)));
}

TEST(ResolveSystemTest, UnknownNameListsEverySystem) {
  Result<size_t> resolved = ResolveSystem("no-such-vm", Systems());
  ASSERT_FALSE(resolved.ok());
  EXPECT_THAT(resolved.error().message(),
              AllOf(HasSubstr("'no-such-vm'"), HasSubstr(kWeb1), HasSubstr(kDb),
                    HasSubstr("'db01'")));
}

TEST(ResolveSystemTest, UnknownGuidIsAnError) {
  Result<size_t> resolved = ResolveSystem("11111111-2222-4333-8444-555555555555", Systems());
  ASSERT_FALSE(resolved.ok());
  EXPECT_THAT(resolved.error().message(), HasSubstr("11111111-2222-4333-8444-555555555555"));
}

TEST(ResolveSystemTest, NoSystemsAtAll) {
  Result<size_t> resolved = ResolveSystem("web", {});
  ASSERT_FALSE(resolved.ok());
  EXPECT_THAT(resolved.error().message(), HasSubstr("vsmd has no virtual systems"));
}

}  // namespace
}  // namespace vsm::cli
