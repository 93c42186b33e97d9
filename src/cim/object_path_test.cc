#include "cim/object_path.h"

#include <gtest/gtest.h>

namespace vsm::cim {
namespace {

ObjectPath Vsms() {
  return ObjectPath("root/virtualization", "Msvm_VirtualSystemManagementService",
                    {{"CreationClassName", Value::String("Msvm_VirtualSystemManagementService")},
                     {"Name", Value::String("vmms")},
                     {"SystemCreationClassName", Value::String("Msvm_ComputerSystem")},
                     {"SystemName", Value::String("hv1")}});
}

TEST(ObjectPathTest, ToStringWritesWbemcliForm) {
  EXPECT_EQ(Vsms().ToString(),
            "root/virtualization:Msvm_VirtualSystemManagementService."
            "CreationClassName=\"Msvm_VirtualSystemManagementService\",Name=\"vmms\","
            "SystemCreationClassName=\"Msvm_ComputerSystem\",SystemName=\"hv1\"");
  EXPECT_EQ(ObjectPath("root/virtualization", "Msvm_ComputerSystem").ToString(),
            "root/virtualization:Msvm_ComputerSystem");
  ObjectPath typed("", "X", {{"A", Value::Uint16(3)}, {"B", Value::Boolean(true)},
                             {"C", Value::Signed(CimType::kSint32, -2)}});
  EXPECT_EQ(typed.ToString(), "X.A=3,B=true,C=-2");
}

TEST(ObjectPathTest, ParseRoundTrips) {
  ObjectPath vsms = Vsms();
  auto parsed = ObjectPath::Parse(vsms.ToString());
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(*parsed, vsms);
  EXPECT_EQ(parsed->ToString(), vsms.ToString());
  EXPECT_EQ(parsed->name_space(), "root/virtualization");
  EXPECT_EQ(parsed->keys().size(), 4u);
}

TEST(ObjectPathTest, EscapedQuotesAndBackslashesRoundTrip) {
  ObjectPath p("root/virtualization", "Msvm_ConcreteJob",
               {{"InstanceID", Value::String("a \"quoted\", back\\slash = x.y")}});
  std::string text = p.ToString();
  EXPECT_EQ(text,
            "root/virtualization:Msvm_ConcreteJob.InstanceID=\"a \\\"quoted\\\", "
            "back\\\\slash = x.y\"");
  auto parsed = ObjectPath::Parse(text);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->FindKey("InstanceID")->AsString(), "a \"quoted\", back\\slash = x.y");
  EXPECT_EQ(parsed->ToString(), text);
}

TEST(ObjectPathTest, ReferenceKeysRoundTrip) {
  ObjectPath system("root/virtualization", "Msvm_ComputerSystem",
                    {{"CreationClassName", Value::String("Msvm_ComputerSystem")},
                     {"Name", Value::String("6A1F")}});
  ObjectPath assoc("root/virtualization", "Msvm_SettingsDefineState",
                   {{"ManagedElement", Value::Reference(system)},
                    {"SettingData", Value::String("plain")}});
  auto parsed = ObjectPath::Parse(assoc.ToString());
  ASSERT_TRUE(parsed.has_value()) << assoc.ToString();
  const Value* ref = parsed->FindKey("ManagedElement");
  ASSERT_NE(ref, nullptr);
  ASSERT_EQ(ref->type(), CimType::kReference);
  EXPECT_EQ(ref->AsReference(), system);
  EXPECT_EQ(parsed->FindKey("SettingData")->type(), CimType::kString);
  EXPECT_EQ(*parsed, assoc);
  EXPECT_EQ(parsed->ToString(), assoc.ToString());
}

TEST(ObjectPathTest, ParsesHostsAndMissingNamespace) {
  auto p = ObjectPath::Parse("localhost:5988/root/virtualization:Msvm_ConcreteJob.InstanceID=\"j\"");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->host(), "localhost:5988");
  EXPECT_EQ(p->name_space(), "root/virtualization");
  EXPECT_EQ(p->class_name(), "Msvm_ConcreteJob");

  p = ObjectPath::Parse("127.0.0.1/root/virtualization:Msvm_ComputerSystem.Name=\"x\"");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->host(), "127.0.0.1");
  EXPECT_EQ(p->name_space(), "root/virtualization");

  p = ObjectPath::Parse("//hv1/root/virtualization:Msvm_ComputerSystem");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->host(), "hv1");
  EXPECT_TRUE(p->IsClassPath());

  ObjectPath with_host = *p;
  with_host.SetKey("Name", Value::String("x"));
  auto again = ObjectPath::Parse(with_host.ToString());
  ASSERT_TRUE(again.has_value()) << with_host.ToString();
  EXPECT_EQ(again->host(), "hv1");
  EXPECT_EQ(again->name_space(), "root/virtualization");

  p = ObjectPath::Parse("Msvm_ConcreteJob.InstanceID=\"job-1\"");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->name_space(), "");
  EXPECT_EQ(p->class_name(), "Msvm_ConcreteJob");
}

TEST(ObjectPathTest, ParsesUnquotedValues) {
  auto p = ObjectPath::Parse("root/cimv2:X.A=12,B=TRUE,C=-3,D=0x10,E=1.5");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->FindKey("A")->AsUnsigned(), 12u);
  EXPECT_TRUE(p->FindKey("b")->AsBoolean());
  EXPECT_EQ(p->FindKey("C")->AsSigned(), -3);
  EXPECT_EQ(p->FindKey("D")->AsUnsigned(), 16u);
  EXPECT_DOUBLE_EQ(p->FindKey("E")->AsReal(), 1.5);
}

TEST(ObjectPathTest, RejectsMalformedText) {
  for (const char* text : {"", "root/x:", "root/x:Class.", "root/x:Class.A", "root/x:Class.A=\"open",
                           "root/x:Class.A=bare word", "root/x:Cl ass", "root/x:Class.=1",
                           "\"root\":X.A=1"}) {
    EXPECT_FALSE(ObjectPath::Parse(text).has_value()) << text;
  }
}

TEST(ObjectPathTest, EqualityIgnoresCaseKeyOrderSeparatorsAndHost) {
  ObjectPath a = Vsms();
  ObjectPath b("ROOT\\Virtualization", "MSVM_VirtualSystemManagementService",
               {{"systemname", Value::String("hv1")},
                {"SYSTEMCREATIONCLASSNAME", Value::String("Msvm_ComputerSystem")},
                {"name", Value::String("vmms")},
                {"creationclassname", Value::String("Msvm_VirtualSystemManagementService")}});
  b.set_host("elsewhere");
  EXPECT_EQ(a, b);
  ObjectPath c = Vsms();
  c.SetKey("name", Value::String("VMMS"));
  EXPECT_FALSE(a == c) << "key values stay case-sensitive";
  ObjectPath d = Vsms();
  d.set_name_space("root/cimv2");
  EXPECT_FALSE(a == d);
  ObjectPath e("root/virtualization", "Msvm_VirtualSystemManagementService");
  EXPECT_FALSE(a == e);
}

TEST(ObjectPathTest, NumericKeysCompareAcrossWidths) {
  ObjectPath a("root/x", "C", {{"K", Value::Uint16(7)}});
  ObjectPath b("root/x", "C", {{"K", Value::Uint64(7)}});
  ObjectPath c("root/x", "C", {{"K", Value::String("7")}});
  ObjectPath d("root/x", "C", {{"K", Value::Signed(CimType::kSint64, -7)}});
  EXPECT_EQ(a, b);
  EXPECT_EQ(a, c);
  EXPECT_FALSE(a == d);
}

TEST(ObjectPathTest, SetKeyReplacesCaseInsensitively) {
  ObjectPath p("root/x", "C");
  EXPECT_TRUE(p.IsClassPath());
  p.SetKey("Name", Value::String("a"));
  p.SetKey("NAME", Value::String("b"));
  ASSERT_EQ(p.keys().size(), 1u);
  EXPECT_EQ(p.FindKey("name")->AsString(), "b");
  EXPECT_EQ(p.FindKey("missing"), nullptr);
}

TEST(EqualsIgnoreCaseTest, ComparesAscii) {
  EXPECT_TRUE(EqualsIgnoreCase("Msvm_X", "MSVM_x"));
  EXPECT_FALSE(EqualsIgnoreCase("a", "ab"));
}

}  // namespace
}  // namespace vsm::cim
