#include "cim/cim_class.h"

#include <gtest/gtest.h>

namespace vsm::cim {
namespace {

Qualifier Q(std::string name, bool value) { return {std::move(name), Value::Boolean(value)}; }

PropertyDecl Prop(std::string name, std::vector<Qualifier> qualifiers = {}) {
  PropertyDecl property;
  property.name = std::move(name);
  property.qualifiers = std::move(qualifiers);
  return property;
}

ParameterDecl Param(std::string name, std::vector<Qualifier> qualifiers = {}) {
  ParameterDecl parameter;
  parameter.name = std::move(name);
  parameter.qualifiers = std::move(qualifiers);
  return parameter;
}

TEST(ClassDeclTest, KeysAndLookupsAreCaseInsensitive) {
  ClassDecl c;
  c.name = "Msvm_ComputerSystem";
  c.properties.push_back(Prop("CreationClassName", {Q("Key", true)}));
  c.properties.push_back(Prop("Name", {Q("key", true)}));
  c.properties.push_back(Prop("ElementName"));
  c.properties.push_back(Prop("NotKey", {Q("Key", false)}));
  c.properties.push_back(Prop("ValuelessKey", {{"KEY", Value()}}));
  EXPECT_EQ(c.KeyNames(),
            (std::vector<std::string>{"CreationClassName", "Name", "ValuelessKey"}));
  ASSERT_NE(c.FindProperty("elementname"), nullptr);
  EXPECT_EQ(c.FindProperty("nope"), nullptr);
  EXPECT_FALSE(c.IsAssociation());
  c.qualifiers.push_back(Q("Association", true));
  EXPECT_TRUE(c.IsAssociation());
}

TEST(ClassDeclTest, ParameterDirection) {
  ParameterDecl plain = Param("ImportDirectory");
  ParameterDecl in = Param("A", {Q("In", true)});
  ParameterDecl out_only = Param("Job", {Q("In", false), Q("Out", true)});
  ParameterDecl out_bare = Param("Error", {Q("Out", true)});
  ParameterDecl in_out = Param("B", {Q("In", true), Q("Out", true)});
  EXPECT_TRUE(plain.IsIn());
  EXPECT_FALSE(plain.IsOut());
  EXPECT_TRUE(in.IsIn());
  EXPECT_FALSE(out_only.IsIn());
  EXPECT_TRUE(out_only.IsOut());
  EXPECT_FALSE(out_bare.IsIn());
  EXPECT_TRUE(in_out.IsIn());
  EXPECT_TRUE(in_out.IsOut());

  MethodDecl m;
  m.name = "ImportVirtualSystem";
  m.parameters = {plain, out_only};
  ClassDecl c;
  c.name = "Msvm_VirtualSystemManagementService";
  c.methods = {m};
  ASSERT_NE(c.FindMethod("importvirtualsystem"), nullptr);
  EXPECT_NE(c.FindMethod("ImportVirtualSystem")->FindParameter("JOB"), nullptr);
  EXPECT_EQ(c.FindMethod("ImportVirtualSystem")->FindParameter("Nope"), nullptr);
  EXPECT_EQ(c.FindMethod("Other"), nullptr);
  EXPECT_NE(FindQualifier(out_only.qualifiers, "out"), nullptr);
}

}  // namespace
}  // namespace vsm::cim
