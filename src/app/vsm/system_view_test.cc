#include "app/vsm/system_view.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "app/vsm/property_reader.h"

namespace vsm::cli {
namespace {

cim::Instance ComputerSystem(const std::string& caption) {
  cim::Instance instance("Msvm_ComputerSystem");
  instance.Set("Name", cim::Value::String("4F1C2D3E-0A1B-4C5D-8E9F-0123456789AB"));
  instance.Set("ElementName", cim::Value::String("web01"));
  instance.Set("Caption", cim::Value::String(caption));
  instance.Set("EnabledState", cim::Value::Uint16(3));
  return instance;
}

cim::Instance Rasd(uint16_t type, const std::string& sub_type, const std::string& connection) {
  cim::Instance rasd("Msvm_ResourceAllocationSettingData");
  rasd.Set("ResourceType", cim::Value::Uint16(type));
  rasd.Set("ResourceSubType", cim::Value::String(sub_type));
  rasd.Set("Connection", cim::Value::StringArray({connection}));
  return rasd;
}

TEST(SystemViewTest, ComputerSystemGivesIdentityAndState) {
  SystemView view = SystemViewFromComputerSystem(ComputerSystem("Virtual Machine"));
  EXPECT_EQ(view.id, "4F1C2D3E-0A1B-4C5D-8E9F-0123456789AB");
  EXPECT_EQ(view.name, "web01");
  EXPECT_EQ(view.state_code, 3);
  EXPECT_EQ(view.state, "Off");
  EXPECT_FALSE(view.memory_mb.has_value());
}

TEST(SystemViewTest, TheHostIsNotAVirtualMachine) {
  EXPECT_TRUE(IsVirtualMachine(ComputerSystem("Virtual Machine")));
  EXPECT_FALSE(IsVirtualMachine(ComputerSystem("Hosting Computer System")));
}

TEST(SystemViewTest, SettingsFillMemoryProcessorsDrivesAndAdapters) {
  cim::Instance vssd("Msvm_VirtualSystemSettingData");
  vssd.Set("Notes", cim::Value::String("front end"));
  vssd.Set("CreationTime", cim::Value::Datetime("20260125064555.000000+000"));
  cim::Instance memory("Msvm_MemorySettingData");
  memory.Set("VirtualQuantity", cim::Value::Uint64(1024));
  cim::Instance processor("Msvm_ProcessorSettingData");
  processor.Set("VirtualQuantity", cim::Value::Uint64(2));
  cim::Instance drive = Rasd(22, "Microsoft Synthetic Disk Drive", "");
  cim::Instance disk = Rasd(21, "Microsoft Virtual Hard Disk", "/disks/boot.vhd");
  cim::Instance iso = Rasd(21, "Microsoft ISO Image", "/iso/install.iso");
  cim::Instance nic = Rasd(10, "Microsoft Synthetic Ethernet Port", "External");
  nic.Set("Address", cim::Value::String("00155D000001"));
  nic.Set("StaticMacAddress", cim::Value::Boolean(true));

  SystemView view = SystemViewFromComputerSystem(ComputerSystem("Virtual Machine"));
  ApplySettings({vssd, memory, processor, drive, disk, iso, nic}, view);
  EXPECT_EQ(view.notes, "front end");
  EXPECT_EQ(view.creation_time, "2026-01-25T06:45:55+00:00");
  EXPECT_EQ(view.memory_mb, 1024u);
  EXPECT_EQ(view.cpus, 2u);
  ASSERT_EQ(view.drives.size(), 2u);
  EXPECT_EQ(view.drives[0].type, "disk");
  EXPECT_EQ(view.drives[0].path, "/disks/boot.vhd");
  EXPECT_EQ(view.drives[1].type, "dvd");
  EXPECT_EQ(view.drives[1].path, "/iso/install.iso");
  ASSERT_EQ(view.network_adapters.size(), 1u);
  EXPECT_EQ(view.network_adapters[0].switch_name, "External");
  EXPECT_EQ(view.network_adapters[0].mac_address, "00155D000001");
  EXPECT_TRUE(view.network_adapters[0].static_mac);
}

cim::Instance Job(uint16_t state, uint16_t percent, uint16_t error_code,
                  const std::string& error_description) {
  cim::Instance job("Msvm_ConcreteJob");
  job.Set("InstanceID", cim::Value::String("job-1"));
  job.Set("Name", cim::Value::String("ImportVirtualSystem"));
  job.Set("Description", cim::Value::String("Importing virtual system from '/x'"));
  job.Set("JobType", cim::Value::Uint16(61));
  job.Set("JobState", cim::Value::Uint16(state));
  job.Set("PercentComplete", cim::Value::Uint16(percent));
  job.Set("ErrorCode", cim::Value::Uint16(error_code));
  job.Set("ErrorDescription", error_description.empty() ? cim::Value::Null(cim::CimType::kString)
                                                        : cim::Value::String(error_description));
  job.Set("TimeSubmitted", cim::Value::Datetime("20260125064555.123456+060"));
  job.Set("Cancellable", cim::Value::Boolean(true));
  job.Set("ElapsedTime", cim::Value::Datetime("00000000000002.250000:000"));
  return job;
}

TEST(JobViewTest, ReadsTheConcreteJob) {
  JobView job = JobViewFromInstance(Job(4, 42, 0, ""));
  EXPECT_EQ(job.id, "job-1");
  EXPECT_EQ(job.type, "ImportVirtualSystem");
  EXPECT_EQ(job.state_code, 4);
  EXPECT_EQ(job.state, "Running");
  EXPECT_EQ(job.percent_complete, 42);
  EXPECT_EQ(job.error_code, 0u);
  EXPECT_EQ(job.error_name, "");
  EXPECT_EQ(job.description, "Importing virtual system from '/x'");
  EXPECT_EQ(job.time_submitted, "2026-01-25T06:45:55+01:00");
  EXPECT_TRUE(job.cancellable);
  EXPECT_DOUBLE_EQ(job.elapsed_seconds, 2.25);
  EXPECT_FALSE(job.IsFinished());
  EXPECT_FALSE(job.Succeeded());
}

TEST(JobViewTest, FinishedStates) {
  for (uint16_t state : {2, 3, 4, 5, 6, 11, 12}) {
    EXPECT_FALSE(JobViewFromInstance(Job(state, 0, 0, "")).IsFinished()) << state;
  }
  for (uint16_t state : {7, 8, 9, 10, 13}) {
    EXPECT_TRUE(JobViewFromInstance(Job(state, 0, 0, "")).IsFinished()) << state;
  }
  EXPECT_TRUE(JobViewFromInstance(Job(7, 100, 0, "")).Succeeded());
  EXPECT_FALSE(JobViewFromInstance(Job(7, 100, 32773, "x")).Succeeded());
}

TEST(JobViewTest, FailureTextNamesCodeNumberAndDescription) {
  JobView failed = JobViewFromInstance(Job(10, 30, 32773, "ImportDirectory '/x' has no config.xml"));
  EXPECT_EQ(failed.error_name, "InvalidParameter");
  EXPECT_EQ(JobFailureText(failed),
            "InvalidParameter (32773): ImportDirectory '/x' has no config.xml");

  JobView no_description = JobViewFromInstance(Job(10, 30, 32774, ""));
  EXPECT_EQ(JobFailureText(no_description), "SystemInUse (32774): System is in use");

  JobView cancelled = JobViewFromInstance(Job(8, 30, 0, ""));
  EXPECT_EQ(JobFailureText(cancelled), "job job-1 ended Terminated: the job was cancelled");
}

TEST(PropertyReaderTest, LenientReads) {
  cim::Value text_number = cim::Value::String("42");
  EXPECT_EQ(ReadUnsigned(&text_number), 42u);
  cim::Value not_number = cim::Value::String("4x");
  EXPECT_FALSE(ReadUnsigned(&not_number).has_value());
  cim::Value text_bool = cim::Value::String("TRUE");
  EXPECT_EQ(ReadBoolean(&text_bool), true);
  cim::Value null = cim::Value::Null(cim::CimType::kUint16);
  EXPECT_FALSE(ReadUnsigned(&null).has_value());
  EXPECT_FALSE(ReadString(nullptr).has_value());
  cim::Value single = cim::Value::String("External");
  EXPECT_EQ(ReadStringArray(&single), std::vector<std::string>{"External"});
}

TEST(PropertyReaderTest, DatetimeToIso8601) {
  EXPECT_EQ(DatetimeToIso8601("20260125064555.123456+000"), "2026-01-25T06:45:55+00:00");
  EXPECT_EQ(DatetimeToIso8601("20260125064555.123456-330"), "2026-01-25T06:45:55-05:30");
  EXPECT_EQ(DatetimeToIso8601("00000000000500.000000:000"), "00000000000500.000000:000");
  EXPECT_EQ(DatetimeToIso8601(""), "");
}

}  // namespace
}  // namespace vsm::cli
