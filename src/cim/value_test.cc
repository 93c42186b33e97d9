#include "cim/value.h"

#include <gtest/gtest.h>

#include "cim/object_path.h"

namespace vsm::cim {
namespace {

TEST(ValueTest, DefaultIsNullString) {
  Value v;
  EXPECT_TRUE(v.is_null());
  EXPECT_FALSE(v.is_array());
  EXPECT_EQ(v.type(), CimType::kString);
}

TEST(ValueTest, TypeNamesRoundTripCaseInsensitively) {
  for (CimType type : {CimType::kBoolean, CimType::kString, CimType::kChar16, CimType::kUint8,
                       CimType::kSint8, CimType::kUint16, CimType::kSint16, CimType::kUint32,
                       CimType::kSint32, CimType::kUint64, CimType::kSint64, CimType::kReal32,
                       CimType::kReal64, CimType::kDatetime, CimType::kReference}) {
    EXPECT_EQ(CimTypeFromName(CimTypeName(type)), type) << CimTypeName(type);
  }
  EXPECT_EQ(CimTypeFromName("UINT32"), CimType::kUint32);
  EXPECT_EQ(CimTypeFromName("Boolean"), CimType::kBoolean);
  EXPECT_FALSE(CimTypeFromName("int").has_value());
}

TEST(ValueTest, BooleansParseInAnyCase) {
  for (const char* text : {"true", "TRUE", "True", " tRuE "}) {
    auto v = Value::FromText(CimType::kBoolean, text);
    ASSERT_TRUE(v.has_value()) << text;
    EXPECT_TRUE(v->AsBoolean());
  }
  for (const char* text : {"false", "FALSE", "False"}) {
    auto v = Value::FromText(CimType::kBoolean, text);
    ASSERT_TRUE(v.has_value()) << text;
    EXPECT_FALSE(v->AsBoolean());
  }
  EXPECT_FALSE(Value::FromText(CimType::kBoolean, "yes").has_value());
  EXPECT_FALSE(Value::FromText(CimType::kBoolean, "1").has_value());
  EXPECT_EQ(Value::Boolean(true).ToText(), "TRUE");
  EXPECT_EQ(Value::Boolean(false).ToText(), "FALSE");
}

TEST(ValueTest, UnsignedParsesDecimalAndHexWithinRange) {
  EXPECT_EQ(Value::FromText(CimType::kUint32, "4096")->AsUnsigned(), 4096u);
  EXPECT_EQ(Value::FromText(CimType::kUint32, "0x1000")->AsUnsigned(), 4096u);
  EXPECT_EQ(Value::FromText(CimType::kUint16, "0XfFfF")->AsUnsigned(), 65535u);
  EXPECT_EQ(Value::FromText(CimType::kUint8, "255")->type(), CimType::kUint8);
  EXPECT_FALSE(Value::FromText(CimType::kUint8, "256").has_value());
  EXPECT_FALSE(Value::FromText(CimType::kUint16, "65536").has_value());
  EXPECT_FALSE(Value::FromText(CimType::kUint32, "4294967296").has_value());
  EXPECT_EQ(Value::FromText(CimType::kUint64, "18446744073709551615")->AsUnsigned(),
            UINT64_MAX);
  EXPECT_FALSE(Value::FromText(CimType::kUint64, "18446744073709551616").has_value());
  EXPECT_FALSE(Value::FromText(CimType::kUint32, "-1").has_value());
  EXPECT_FALSE(Value::FromText(CimType::kUint32, "12abc").has_value());
  EXPECT_FALSE(Value::FromText(CimType::kUint32, "").has_value());
  EXPECT_FALSE(Value::FromText(CimType::kUint32, "0x").has_value());
}

TEST(ValueTest, SignedParsesSignAndRange) {
  EXPECT_EQ(Value::FromText(CimType::kSint8, "-128")->AsSigned(), -128);
  EXPECT_FALSE(Value::FromText(CimType::kSint8, "-129").has_value());
  EXPECT_FALSE(Value::FromText(CimType::kSint8, "128").has_value());
  EXPECT_EQ(Value::FromText(CimType::kSint16, "+7")->AsSigned(), 7);
  EXPECT_EQ(Value::FromText(CimType::kSint32, "-0x10")->AsSigned(), -16);
  EXPECT_EQ(Value::FromText(CimType::kSint64, "-9223372036854775808")->AsSigned(), INT64_MIN);
  EXPECT_FALSE(Value::FromText(CimType::kSint64, "9223372036854775808").has_value());
}

TEST(ValueTest, RealsParse) {
  EXPECT_DOUBLE_EQ(Value::FromText(CimType::kReal64, "1.5e3")->AsReal(), 1500.0);
  EXPECT_EQ(Value::FromText(CimType::kReal32, "2.5")->type(), CimType::kReal32);
  EXPECT_FALSE(Value::FromText(CimType::kReal64, "x").has_value());
}

TEST(ValueTest, StringsChar16AndDatetimes) {
  EXPECT_EQ(Value::FromText(CimType::kString, " a <b> ")->AsString(), " a <b> ");
  EXPECT_EQ(Value::FromText(CimType::kChar16, "x")->type(), CimType::kChar16);
  auto dt = Value::FromText(CimType::kDatetime, "20240101120000.000000+000");
  ASSERT_TRUE(dt.has_value());
  EXPECT_EQ(dt->AsString(), "20240101120000.000000+000");
  EXPECT_TRUE(Value::FromText(CimType::kDatetime, "00000000000500.000000:000").has_value());
  EXPECT_FALSE(Value::FromText(CimType::kDatetime, "2024-01-01").has_value());
}

TEST(ValueTest, ReferencesParseFromPathText) {
  auto v = Value::FromText(CimType::kReference,
                           "root/virtualization:Msvm_ConcreteJob.InstanceID=\"job-1\"");
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->AsReference().class_name(), "Msvm_ConcreteJob");
  EXPECT_FALSE(Value::FromText(CimType::kReference, "not a path!").has_value());
}

TEST(ValueTest, TextRoundTripsForEveryScalarType) {
  std::vector<Value> values = {
      Value::Boolean(true),         Value::String("vm & <disk>"), Value::Uint8(200),
      Value::Uint16(65535),         Value::Uint32(4096),          Value::Uint64(UINT64_MAX),
      Value::Signed(CimType::kSint8, -5), Value::Signed(CimType::kSint16, -300),
      Value::Signed(CimType::kSint32, 123456), Value::Signed(CimType::kSint64, INT64_MIN),
      Value::Real64(0.1),           Value::Datetime("20240101120000.000000+000"),
  };
  for (const Value& v : values) {
    auto parsed = Value::FromText(v.type(), v.ToText());
    ASSERT_TRUE(parsed.has_value()) << v.ToText();
    EXPECT_EQ(*parsed, v) << v.ToText();
  }
}

TEST(ValueTest, EqualityComparesTypeNullnessAndArrays) {
  EXPECT_NE(Value::Uint16(1), Value::Uint32(1));
  EXPECT_NE(Value::Null(CimType::kUint16), Value::Uint16(0));
  EXPECT_EQ(Value::Null(CimType::kUint16, true), Value::Null(CimType::kUint16, true));
  EXPECT_NE(Value::Null(CimType::kUint16, true), Value::Null(CimType::kUint16, false));
  EXPECT_EQ(Value::StringArray({"a", "b"}), Value::StringArray({"a", "b"}));
  EXPECT_NE(Value::StringArray({"a", "b"}), Value::StringArray({"b", "a"}));
  Value arr = Value::Uint16Array({2, 17});
  ASSERT_TRUE(arr.is_array());
  EXPECT_EQ(arr.type(), CimType::kUint16);
  ASSERT_EQ(arr.elements().size(), 2u);
  EXPECT_EQ(arr.elements()[1].AsUnsigned(), 17u);
  ObjectPath a("root/virtualization", "Msvm_ConcreteJob", {{"InstanceID", Value::String("x")}});
  ObjectPath b("ROOT\\virtualization", "msvm_concretejob", {{"instanceid", Value::String("x")}});
  EXPECT_EQ(Value::Reference(a), Value::Reference(b));
}

}  // namespace
}  // namespace vsm::cim
