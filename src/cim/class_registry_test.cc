#include "cim/class_registry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cim/mof_parser.h"

namespace vsm::cim {
namespace {

using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

TEST(ClassRegistryTest, EmbeddedSchemaResolvesEveryClass) {
  auto registry = ClassRegistry::LoadEmbedded();
  ASSERT_TRUE(registry.ok()) << registry.error().ToString();
  for (const ClassDecl* decl : (*registry)->All()) {
    if (!decl->superclass.empty()) EXPECT_NE((*registry)->Find(decl->superclass), nullptr) << decl->name;
  }
  const ClassDecl* service = (*registry)->Find("msvm_virtualsystemmanagementservice");
  ASSERT_NE(service, nullptr);
  EXPECT_THAT(service->KeyNames(), UnorderedElementsAre("SystemCreationClassName", "SystemName",
                                                        "CreationClassName", "Name"));
  const MethodDecl* import = service->FindMethod("ImportVirtualSystem");
  ASSERT_NE(import, nullptr);
  EXPECT_EQ(import->return_type, CimType::kUint32);
  const ParameterDecl* job = import->FindParameter("Job");
  ASSERT_NE(job, nullptr);
  EXPECT_EQ(job->type, CimType::kReference);
  EXPECT_EQ(job->reference_class, "CIM_ConcreteJob");
  EXPECT_TRUE(job->IsOut());
  EXPECT_FALSE(job->IsIn());
  EXPECT_TRUE(import->FindParameter("ImportDirectory")->IsIn());
  // Inherited members are flattened in, with their origin.
  const ClassDecl* job_class = (*registry)->Find("Msvm_ConcreteJob");
  const PropertyDecl* percent = job_class->FindProperty("PercentComplete");
  ASSERT_NE(percent, nullptr);
  EXPECT_EQ(percent->class_origin, "CIM_Job");
  EXPECT_TRUE((*registry)->IsSubclassOf("Msvm_MemorySettingData", "CIM_ResourceAllocationSettingData"));
  EXPECT_TRUE((*registry)->Find("Msvm_AffectedJobElement")->IsAssociation());
}

TEST(ClassRegistryTest, DirectoryMatchesEmbedded) {
  const char* source = getenv("VSM_SOURCE_DIR");
  ASSERT_NE(source, nullptr);
  auto from_directory = ClassRegistry::LoadDirectory(std::string(source) + "/schema");
  ASSERT_TRUE(from_directory.ok()) << from_directory.error().ToString();
  EXPECT_EQ((*from_directory)->All().size(), (*ClassRegistry::LoadEmbedded())->All().size());
}

TEST(ClassRegistryTest, ErrorsNameSourceAndPosition) {
  auto missing_brace = ParseMof("class A {\n  string Name;\n", "a.mof");
  ASSERT_FALSE(missing_brace.ok());
  EXPECT_THAT(missing_brace.error().message(), HasSubstr("a.mof:3:1"));
  auto bad_type = ParseMof("class A {\n  strng Name;\n};", "b.mof");
  EXPECT_THAT(bad_type.error().message(), HasSubstr("unknown type 'strng'"));
  auto orphan = ClassRegistry::LoadSources({{"c.mof", "class B : Missing { };"}});
  ASSERT_FALSE(orphan.ok());
  EXPECT_THAT(orphan.error().message(), HasSubstr("derives from Missing"));
  auto twice = ClassRegistry::LoadSources({{"d.mof", "class C { };"}, {"e.mof", "class C { };"}});
  EXPECT_THAT(twice.error().message(), HasSubstr("declared in both d.mof and e.mof"));
}

TEST(ClassRegistryTest, ParsesQualifiersArraysDefaultsAndRefs) {
  auto parsed = ParseMof(R"mof(
    [Association, Description ("joins" " things")]
    class L {
      [Key] X REF Left;
      [ValueMap {"1", "2"}] uint16 States[] = {1, 2};
      string Word = "hi";
      uint32 Do([In (false), Out] string Out1, [In] uint8 Bytes[]);
    };)mof", "f.mof");
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  const ClassDecl& decl = (*parsed)[0];
  EXPECT_TRUE(decl.IsAssociation());
  EXPECT_EQ(FindQualifier(decl.qualifiers, "Description")->value.AsString(), "joins things");
  EXPECT_EQ(decl.properties[0].type, CimType::kReference);
  EXPECT_TRUE(decl.properties[0].IsKey());
  EXPECT_TRUE(decl.properties[1].is_array);
  EXPECT_EQ(decl.properties[2].default_value->AsString(), "hi");
  EXPECT_TRUE(decl.methods[0].parameters[1].is_array);
  EXPECT_FALSE(decl.methods[0].parameters[0].IsIn());
}

}  // namespace
}  // namespace vsm::cim
