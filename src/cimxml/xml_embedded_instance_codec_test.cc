#include "cimxml/xml_embedded_instance_codec.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cimxml/test_util.h"

namespace vsm::cimxml {
namespace {

using cim::CimType;
using cim::Value;
using ::testing::HasSubstr;

cim::Instance SettingData() {
  cim::Instance vssd("Msvm_VirtualSystemSettingData");
  vssd.Set("InstanceID", Value::String("Microsoft:6A1F"));
  vssd.Set("ElementName", Value::String("web & <db>"));
  vssd.Set("Notes", Value::StringArray({"one", "two \"2\""}));
  vssd.Set("Caption", Value::Null(CimType::kString));
  vssd.Set("VirtualQuantity", Value::Uint64(4096));
  vssd.Set("AutomaticRecoveryAction", Value::Uint16(3));
  vssd.Set("Parent", Value::Reference(cim::ObjectPath(
                         "root/virtualization", "Msvm_VirtualSystemSettingData",
                         {{"InstanceID", Value::String("Microsoft:parent")}})));
  return vssd;
}

TEST(XmlEmbeddedInstanceCodecTest, FormatThenParseRoundTrips) {
  XmlEmbeddedInstanceCodec codec;
  std::string text = codec.Format(SettingData());
  EXPECT_TRUE(text.starts_with("<INSTANCE CLASSNAME=\"Msvm_VirtualSystemSettingData\">"));
  EXPECT_THAT(text, HasSubstr("<VALUE>web &amp; &lt;db&gt;</VALUE>"));
  cim::CimResult<cim::Instance> parsed = codec.Parse(text);
  ASSERT_FALSE(cim::IsError(parsed)) << std::get<cim::CimError>(parsed).description;
  EXPECT_TRUE(testing::SameInstance(std::get<cim::Instance>(parsed), SettingData()));
  EXPECT_EQ(codec.Format(std::get<cim::Instance>(parsed)), text);
}

TEST(XmlEmbeddedInstanceCodecTest, ParsesHyperVStyleTextWithDeclaration) {
  XmlEmbeddedInstanceCodec codec;
  auto parsed = codec.Parse(
      "<?xml version=\"1.0\"?>\n<INSTANCE CLASSNAME=\"Msvm_VirtualSystemGlobalSettingData\">"
      "<PROPERTY NAME=\"ElementName\" TYPE=\"string\"><VALUE>vm1</VALUE></PROPERTY>"
      "<PROPERTY NAME=\"SnapshotDataRoot\" TYPE=\"string\"></PROPERTY>"
      "<PROPERTY.ARRAY NAME=\"Ids\" TYPE=\"uint16\"><VALUE.ARRAY><VALUE>1</VALUE>"
      "<VALUE>0x2</VALUE></VALUE.ARRAY></PROPERTY.ARRAY></INSTANCE>\n");
  ASSERT_FALSE(cim::IsError(parsed)) << std::get<cim::CimError>(parsed).description;
  const cim::Instance& instance = std::get<cim::Instance>(parsed);
  EXPECT_EQ(instance.class_name(), "Msvm_VirtualSystemGlobalSettingData");
  EXPECT_EQ(instance.Get("ElementName")->AsString(), "vm1");
  EXPECT_TRUE(instance.Get("SnapshotDataRoot")->is_null());
  EXPECT_EQ(*instance.Get("Ids"), Value::Uint16Array({1, 2}));
}

TEST(XmlEmbeddedInstanceCodecTest, RejectsWhatIsNotAnInstance) {
  XmlEmbeddedInstanceCodec codec;
  for (const char* text : {"", "not xml", "<CLASS NAME=\"A\"/>", "<INSTANCE>", "<INSTANCE/>",
                           "<INSTANCE CLASSNAME=\"A\"><PROPERTY NAME=\"n\" TYPE=\"uint8\">"
                           "<VALUE>300</VALUE></PROPERTY></INSTANCE>",
                           "<INSTANCE CLASSNAME=\"A\"><PROPERTY NAME=\"n\" TYPE=\"string\">"
                           "<VALUE>R&D</VALUE></PROPERTY></INSTANCE>"}) {
    auto parsed = codec.Parse(text);
    ASSERT_TRUE(cim::IsError(parsed)) << text;
    EXPECT_EQ(std::get<cim::CimError>(parsed).status, cim::CimStatus::kInvalidParameter);
    EXPECT_THAT(std::get<cim::CimError>(parsed).description, HasSubstr("Embedded instance"));
  }
}

}  // namespace
}  // namespace vsm::cimxml
