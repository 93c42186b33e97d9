#include "app/vsm/requests.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "app/vsm/property_reader.h"
#include "cimxml/xml_embedded_instance_codec.h"

namespace vsm::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::filesystem::path kCwd = "/home/ops/work";

TEST(MakeAbsoluteTest, RelativePathsAreTakenFromTheWorkingDirectory) {
  EXPECT_EQ(MakeAbsolute("disks/a.vhd", kCwd), "/home/ops/work/disks/a.vhd");
  EXPECT_EQ(MakeAbsolute("../exports", kCwd), "/home/ops/exports");
  EXPECT_EQ(MakeAbsolute("./var/vsmd.sock", kCwd), "/home/ops/work/var/vsmd.sock");
  EXPECT_EQ(MakeAbsolute("/srv//exports/./app01", kCwd), "/srv/exports/app01");
}

TEST(ParseNicSpecTest, SwitchAlone) {
  Result<NicSpec> nic = ParseNicSpec("External");
  ASSERT_TRUE(nic.ok());
  EXPECT_EQ(nic->switch_name, "External");
  EXPECT_EQ(nic->mac_address, "");
}

TEST(ParseNicSpecTest, MacInAnyCommonFormIsNormalised) {
  for (const char* text : {"External=00:15:5d:0a:0b:0c", "External=00-15-5D-0A-0B-0C",
                           "External=00155D0A0B0C"}) {
    Result<NicSpec> nic = ParseNicSpec(text);
    ASSERT_TRUE(nic.ok()) << text;
    EXPECT_EQ(nic->switch_name, "External");
    EXPECT_EQ(nic->mac_address, "00155D0A0B0C") << text;
  }
}

TEST(ParseNicSpecTest, BadSpecsNameTheFault) {
  Result<NicSpec> no_switch = ParseNicSpec("=00155D0A0B0C");
  ASSERT_FALSE(no_switch.ok());
  EXPECT_EQ(no_switch.error().code(), ReturnCode::kInvalidParameter);
  EXPECT_THAT(no_switch.error().message(), HasSubstr("names no switch"));

  for (const char* text : {"External=", "External=00155D0A0B", "External=00155D0A0B0G"}) {
    Result<NicSpec> bad = ParseNicSpec(text);
    ASSERT_FALSE(bad.ok()) << text;
    EXPECT_THAT(bad.error().message(), HasSubstr("is not a MAC address"));
  }
}

DefineOptions FullOptions() {
  DefineOptions options;
  options.name = "web01";
  options.memory_mb = 2048;
  options.cpus = 4;
  options.disks = {"disks/boot.vhd", "/srv/data.vhdx"};
  options.dvd = "iso/install.iso";
  options.nics = {"External", "Internal=00:15:5D:00:00:01"};
  options.notes = "front end";
  return options;
}

TEST(BuildDefineRequestTest, EveryOptionBecomesASetting) {
  Result<DefineRequest> request = BuildDefineRequest(FullOptions(), kCwd);
  ASSERT_TRUE(request.ok()) << request.error().ToString();

  EXPECT_EQ(request->system_settings.class_name(), "Msvm_VirtualSystemSettingData");
  EXPECT_EQ(StringProperty(request->system_settings, "ElementName"), "web01");
  EXPECT_EQ(StringProperty(request->system_settings, "Notes"), "front end");

  const auto& resources = request->resource_settings;
  ASSERT_EQ(resources.size(), 7u);
  EXPECT_EQ(resources[0].class_name(), "Msvm_MemorySettingData");
  EXPECT_EQ(UnsignedProperty(resources[0], "VirtualQuantity"), 2048u);
  EXPECT_EQ(UnsignedProperty(resources[0], "ResourceType"), 4u);
  EXPECT_EQ(resources[1].class_name(), "Msvm_ProcessorSettingData");
  EXPECT_EQ(UnsignedProperty(resources[1], "VirtualQuantity"), 4u);
  EXPECT_EQ(UnsignedProperty(resources[1], "ResourceType"), 3u);

  EXPECT_EQ(resources[2].class_name(), "Msvm_ResourceAllocationSettingData");
  EXPECT_EQ(UnsignedProperty(resources[2], "ResourceType"), 21u);
  EXPECT_EQ(StringProperty(resources[2], "ResourceSubType"), "Microsoft Virtual Hard Disk");
  EXPECT_THAT(ReadStringArray(resources[2].Get("Connection")),
              ElementsAre("/home/ops/work/disks/boot.vhd"));
  EXPECT_THAT(ReadStringArray(resources[3].Get("Connection")), ElementsAre("/srv/data.vhdx"));

  EXPECT_EQ(UnsignedProperty(resources[4], "ResourceType"), 21u);
  EXPECT_EQ(StringProperty(resources[4], "ResourceSubType"), "Microsoft ISO Image");
  EXPECT_THAT(ReadStringArray(resources[4].Get("Connection")),
              ElementsAre("/home/ops/work/iso/install.iso"));

  EXPECT_EQ(UnsignedProperty(resources[5], "ResourceType"), 10u);
  EXPECT_EQ(StringProperty(resources[5], "ResourceSubType"), "Microsoft Synthetic Ethernet Port");
  EXPECT_THAT(ReadStringArray(resources[5].Get("Connection")), ElementsAre("External"));
  EXPECT_EQ(resources[5].Get("Address"), nullptr);
  EXPECT_EQ(resources[5].Get("StaticMacAddress"), nullptr);

  EXPECT_THAT(ReadStringArray(resources[6].Get("Connection")), ElementsAre("Internal"));
  EXPECT_EQ(StringProperty(resources[6], "Address"), "00155D000001");
  EXPECT_TRUE(BooleanProperty(resources[6], "StaticMacAddress"));
}

TEST(BuildDefineRequestTest, UnsetOptionsAreLeftToVsmd) {
  DefineOptions options;
  options.name = "bare";
  Result<DefineRequest> request = BuildDefineRequest(options, kCwd);
  ASSERT_TRUE(request.ok());
  EXPECT_TRUE(request->resource_settings.empty());
  EXPECT_EQ(request->system_settings.Get("Notes"), nullptr);
}

TEST(BuildDefineRequestTest, BadValuesAreUsageErrors) {
  DefineOptions options;
  EXPECT_FALSE(BuildDefineRequest(options, kCwd).ok());  // no name
  options.name = std::string(101, 'x');
  EXPECT_FALSE(BuildDefineRequest(options, kCwd).ok());
  options.name = "ok";
  options.memory_mb = 0;
  EXPECT_THAT(BuildDefineRequest(options, kCwd).error().message(), HasSubstr("--memory"));
  options.memory_mb.reset();
  options.cpus = 0;
  EXPECT_THAT(BuildDefineRequest(options, kCwd).error().message(), HasSubstr("--cpus"));
  options.cpus.reset();
  options.nics = {"sw=zz"};
  EXPECT_THAT(BuildDefineRequest(options, kCwd).error().message(), HasSubstr("sw=zz"));
}

TEST(DefineParametersTest, SettingsAreEmbeddedAsInstanceText) {
  Result<DefineRequest> request = BuildDefineRequest(FullOptions(), kCwd);
  ASSERT_TRUE(request.ok());
  cimxml::XmlEmbeddedInstanceCodec codec;
  std::vector<cim::NamedValue> parameters = DefineParameters(*request, codec);
  ASSERT_EQ(parameters.size(), 2u);

  EXPECT_EQ(parameters[0].name, "SystemSettingData");
  EXPECT_EQ(parameters[0].value.type(), cim::CimType::kString);
  EXPECT_FALSE(parameters[0].value.is_array());
  auto system = codec.Parse(parameters[0].value.AsString());
  ASSERT_TRUE(std::holds_alternative<cim::Instance>(system));
  EXPECT_EQ(StringProperty(std::get<cim::Instance>(system), "ElementName"), "web01");

  EXPECT_EQ(parameters[1].name, "ResourceSettingData");
  ASSERT_TRUE(parameters[1].value.is_array());
  ASSERT_EQ(parameters[1].value.elements().size(), 7u);
  auto disk = codec.Parse(parameters[1].value.elements()[2].AsString());
  ASSERT_TRUE(std::holds_alternative<cim::Instance>(disk));
  EXPECT_THAT(ReadStringArray(std::get<cim::Instance>(disk).Get("Connection")),
              ElementsAre("/home/ops/work/disks/boot.vhd"));
}

TEST(MethodParametersTest, ExportImportDestroyAndCancel) {
  cim::ObjectPath system("root/virtualization", "Msvm_ComputerSystem",
                         {{"CreationClassName", cim::Value::String("Msvm_ComputerSystem")},
                          {"Name", cim::Value::String("4F1C2D3E-0A1B-4C5D-8E9F-0123456789AB")}});

  auto exported = ExportParameters(system, "/srv/exports", /*config_only=*/true);
  ASSERT_EQ(exported.size(), 3u);
  EXPECT_EQ(exported[0].name, "ComputerSystem");
  EXPECT_EQ(exported[0].value.AsReference(), system);
  EXPECT_EQ(exported[1].name, "CopyVmState");
  EXPECT_FALSE(exported[1].value.AsBoolean());
  EXPECT_EQ(exported[2].name, "ExportDirectory");
  EXPECT_EQ(exported[2].value.AsString(), "/srv/exports");
  EXPECT_TRUE(ExportParameters(system, "/srv/exports", false)[1].value.AsBoolean());

  auto imported = ImportParameters("/srv/exports/web01", /*generate_new_id=*/true);
  ASSERT_EQ(imported.size(), 2u);
  EXPECT_EQ(imported[0].name, "ImportDirectory");
  EXPECT_EQ(imported[0].value.AsString(), "/srv/exports/web01");
  EXPECT_EQ(imported[1].name, "GenerateNewID");
  EXPECT_TRUE(imported[1].value.AsBoolean());

  auto destroyed = DestroyParameters(system);
  ASSERT_EQ(destroyed.size(), 1u);
  EXPECT_EQ(destroyed[0].value.AsReference(), system);

  auto cancel = CancelJobParameters();
  ASSERT_EQ(cancel.size(), 1u);
  EXPECT_EQ(cancel[0].name, "RequestedState");
  EXPECT_EQ(cancel[0].value.type(), cim::CimType::kUint16);
  EXPECT_EQ(cancel[0].value.AsUnsigned(), 4u);

  cim::ObjectPath job = JobPath("1234-abcd");
  EXPECT_EQ(job.class_name(), "Msvm_ConcreteJob");
  EXPECT_EQ(KeyString(job, "InstanceID"), "1234-abcd");
}

TEST(SnapshotParametersTest, CreateApplyAndRemove) {
  cim::ObjectPath system("root/virtualization", "Msvm_ComputerSystem",
                         {{"CreationClassName", cim::Value::String("Msvm_ComputerSystem")},
                          {"Name", cim::Value::String("4F1C2D3E-0A1B-4C5D-8E9F-0123456789AB")}});
  cim::ObjectPath snapshot(
      "root/virtualization", "Msvm_VirtualSystemSettingData",
      {{"InstanceID", cim::Value::String("Microsoft:11111111-2222-4333-8444-555555555555")}});

  auto named = CreateSnapshotParameters(system, std::string("before upgrade"));
  ASSERT_EQ(named.size(), 2u);
  EXPECT_EQ(named[0].name, "SourceSystem");
  EXPECT_EQ(named[0].value.type(), cim::CimType::kReference);
  EXPECT_EQ(named[0].value.AsReference(), system);
  EXPECT_EQ(named[1].name, "ElementName");
  EXPECT_EQ(named[1].value.AsString(), "before upgrade");
  // Without --name, ElementName is not sent at all: vsmd then gives Hyper-V's default name.
  auto unnamed = CreateSnapshotParameters(system, std::nullopt);
  ASSERT_EQ(unnamed.size(), 1u);
  EXPECT_EQ(unnamed[0].name, "SourceSystem");

  auto applied = ApplySnapshotParameters(system, snapshot);
  ASSERT_EQ(applied.size(), 2u);
  EXPECT_EQ(applied[0].name, "ComputerSystem");
  EXPECT_EQ(applied[0].value.AsReference(), system);
  EXPECT_EQ(applied[1].name, "SnapshotSettingData");
  EXPECT_EQ(applied[1].value.type(), cim::CimType::kReference);
  EXPECT_EQ(applied[1].value.AsReference(), snapshot);

  auto removed = RemoveSnapshotParameters(snapshot);
  ASSERT_EQ(removed.size(), 1u);
  EXPECT_EQ(removed[0].name, "SnapshotSettingData");
  EXPECT_EQ(removed[0].value.AsReference(), snapshot);
}

TEST(CheckSnapshotNameTest, RefusesWhatVsmdWouldRefuse) {
  EXPECT_TRUE(CheckSnapshotName("before upgrade").ok());
  EXPECT_TRUE(CheckSnapshotName(std::string(100, 'x')).ok());
  for (const std::string& bad : {std::string(), std::string(101, 'x'), std::string("."),
                                 std::string(".."), std::string("a/b"), std::string("tab\there")}) {
    Result<void> checked = CheckSnapshotName(bad);
    ASSERT_FALSE(checked.ok()) << bad;
    EXPECT_EQ(checked.error().code(), ReturnCode::kInvalidParameter);
    EXPECT_THAT(checked.error().message(), HasSubstr("--name")) << bad;
  }
  EXPECT_THAT(CheckSnapshotName("").error().message(), HasSubstr("leave --name out"));
}

}  // namespace
}  // namespace vsm::cli
