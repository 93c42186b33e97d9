#include "cim/wql.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace vsm::cim {
namespace {

using ::testing::HasSubstr;

Instance Vm(const std::string& name, uint16_t state) {
  Instance instance("Msvm_ComputerSystem");
  instance.Set("ElementName", Value::String(name));
  instance.Set("EnabledState", Value::Uint16(state));
  instance.Set("Caption", Value::String("Virtual Machine"));
  instance.Set("Notes", Value::Null(CimType::kString));
  return instance;
}

bool Matches(const std::string& query, const Instance& instance) {
  auto parsed = WqlQuery::Parse(query);
  EXPECT_TRUE(std::holds_alternative<WqlQuery>(parsed)) << query;
  return std::holds_alternative<WqlQuery>(parsed) && std::get<WqlQuery>(parsed).Matches(instance);
}

TEST(WqlTest, SelectsClassAndProperties) {
  auto parsed = WqlQuery::Parse("select ElementName, EnabledState from Msvm_ComputerSystem");
  ASSERT_TRUE(std::holds_alternative<WqlQuery>(parsed));
  const WqlQuery& query = std::get<WqlQuery>(parsed);
  EXPECT_EQ(query.class_name(), "Msvm_ComputerSystem");
  ASSERT_TRUE(query.properties().has_value());
  EXPECT_EQ(query.properties()->size(), 2u);
  EXPECT_FALSE(std::get<WqlQuery>(WqlQuery::Parse("SELECT * FROM X")).properties().has_value());
}

TEST(WqlTest, EvaluatesConditions) {
  Instance web = Vm("web01", 3);
  EXPECT_TRUE(Matches("SELECT * FROM Msvm_ComputerSystem WHERE ElementName = 'web01'", web));
  EXPECT_TRUE(Matches("SELECT * FROM Msvm_ComputerSystem WHERE Caption = \"Virtual Machine\"", web));
  EXPECT_FALSE(Matches("SELECT * FROM Msvm_ComputerSystem WHERE ElementName <> 'web01'", web));
  EXPECT_TRUE(Matches("SELECT * FROM Msvm_ComputerSystem WHERE EnabledState >= 3 AND EnabledState < 4", web));
  EXPECT_TRUE(Matches("SELECT * FROM Msvm_ComputerSystem WHERE EnabledState = 2 OR ElementName = 'web01'", web));
  EXPECT_TRUE(Matches("SELECT * FROM Msvm_ComputerSystem WHERE NOT (EnabledState != 3)", web));
  EXPECT_TRUE(Matches("SELECT * FROM Msvm_ComputerSystem WHERE Notes IS NULL", web));
  EXPECT_FALSE(Matches("SELECT * FROM Msvm_ComputerSystem WHERE ElementName IS NULL", web));
  EXPECT_TRUE(Matches("SELECT * FROM Msvm_ComputerSystem WHERE ElementName IS NOT NULL", web));
  EXPECT_FALSE(Matches("SELECT * FROM Msvm_ComputerSystem WHERE Missing = 'x'", web));
  EXPECT_FALSE(Matches("SELECT * FROM Msvm_ComputerSystem WHERE EnabledState = 'three'", web));
}

TEST(WqlTest, ParseErrorsSayWhereAndWhat) {
  for (const char* bad : {"", "SELECT", "SELECT * Msvm_ComputerSystem", "SELECT * FROM",
                          "SELECT * FROM X WHERE", "SELECT * FROM X WHERE a = ", "SELECT * FROM X WHERE (a = 1",
                          "SELECT * FROM X WHERE a == 1", "SELECT * FROM X extra", "SELECT * FROM X WHERE a = 'open"}) {
    auto parsed = WqlQuery::Parse(bad);
    ASSERT_TRUE(std::holds_alternative<CimError>(parsed)) << bad;
    EXPECT_EQ(std::get<CimError>(parsed).status, CimStatus::kInvalidQuery);
    EXPECT_THAT(std::get<CimError>(parsed).description, HasSubstr("expected")) << bad;
  }
}

}  // namespace
}  // namespace vsm::cim
