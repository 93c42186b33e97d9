// The commands end to end against a scripted vsmd: requests go through the real CimClient and
// cimxml codec to a handler that plays Msvm_* providers.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <deque>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/vsm/command_context.h"
#include "app/vsm/job_commands.h"
#include "app/vsm/property_reader.h"
#include "app/vsm/system_commands.h"
#include "cim/object_path.h"
#include "cimxml/xml_embedded_instance_codec.h"
#include "client/fake_cim_transport.h"

namespace vsm::cli {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kWeb1 = "4F1C2D3E-0A1B-4C5D-8E9F-0123456789AB";
constexpr const char* kWeb2 = "9A8B7C6D-1111-4222-8333-444455556666";
constexpr const char* kNs = "root/virtualization";

cim::ObjectPath SystemPath(const std::string& guid) {
  return cim::ObjectPath(kNs, "Msvm_ComputerSystem",
                         {{"CreationClassName", cim::Value::String("Msvm_ComputerSystem")},
                          {"Name", cim::Value::String(guid)}});
}

cim::Instance System(const std::string& guid, const std::string& name,
                     const std::string& caption = "Virtual Machine") {
  cim::Instance instance("Msvm_ComputerSystem");
  instance.Set("CreationClassName", cim::Value::String("Msvm_ComputerSystem"));
  instance.Set("Name", cim::Value::String(guid));
  instance.Set("ElementName", cim::Value::String(name));
  instance.Set("Caption", cim::Value::String(caption));
  instance.Set("EnabledState", cim::Value::Uint16(3));
  instance.set_path(SystemPath(guid));
  return instance;
}

cim::ObjectPath ServicePath() {
  return cim::ObjectPath(
      kNs, "Msvm_VirtualSystemManagementService",
      {{"CreationClassName", cim::Value::String("Msvm_VirtualSystemManagementService")},
       {"Name", cim::Value::String("vmms")},
       {"SystemCreationClassName", cim::Value::String("Msvm_ComputerSystem")},
       {"SystemName", cim::Value::String("hv1")}});
}

cim::Instance JobInstance(uint16_t state, uint16_t percent, uint16_t error_code = 0,
                          const std::string& error_description = "") {
  cim::Instance job("Msvm_ConcreteJob");
  job.Set("InstanceID", cim::Value::String("job-1"));
  job.Set("Name", cim::Value::String("ImportVirtualSystem"));
  job.Set("JobType", cim::Value::Uint16(61));
  job.Set("Description", cim::Value::String("Importing virtual system"));
  job.Set("JobState", cim::Value::Uint16(state));
  job.Set("PercentComplete", cim::Value::Uint16(percent));
  job.Set("ErrorCode", cim::Value::Uint16(error_code));
  if (!error_description.empty()) {
    job.Set("ErrorDescription", cim::Value::String(error_description));
  }
  job.set_path(cim::ObjectPath(kNs, "Msvm_ConcreteJob", {{"InstanceID", cim::Value::String("job-1")}}));
  return job;
}

// A vsmd with scripted answers. Method calls are recorded; a method answers `method_return`
// (4096 with the job "job-1" by default); GetInstance of the job pops `job_states`.
class FakeVsmd {
 public:
  std::vector<cim::Instance> systems = {System("HOST", "hv1", "Hosting Computer System"),
                                        System(kWeb1, "web01")};
  uint32_t method_return = 4096;
  std::deque<cim::Instance> job_states;
  std::optional<std::string> affected_system;  // GUID associated to the job
  std::vector<cim::Operation> calls;           // InvokeMethod operations

  cim::OperationResult Handle(const cim::Operation& op) {
    using cim::OperationKind;
    switch (op.kind) {
      case OperationKind::kEnumerateInstances:
        if (op.class_name == "Msvm_ComputerSystem") return systems;
        if (op.class_name == "Msvm_ConcreteJob") return std::vector<cim::Instance>{JobInstance(7, 100)};
        return std::vector<cim::Instance>{};
      case OperationKind::kEnumerateInstanceNames:
        return std::vector<cim::ObjectPath>{ServicePath()};
      case OperationKind::kGetInstance:
        if (op.object_path.class_name() == "Msvm_ConcreteJob") {
          if (job_states.empty()) return cim::CimError{cim::CimStatus::kNotFound, "No such job"};
          cim::Instance job = job_states.front();
          if (job_states.size() > 1) job_states.pop_front();
          return job;
        }
        for (const cim::Instance& system : systems) {
          if (system.path() == op.object_path) return system;
        }
        return cim::CimError{cim::CimStatus::kNotFound, "No such system"};
      case OperationKind::kAssociators:
        return Associators(op);
      case OperationKind::kInvokeMethod:
        return Invoke(op);
      default:
        return cim::CimError{cim::CimStatus::kNotSupported, "not in this fake"};
    }
  }

 private:
  cim::OperationResult Associators(const cim::Operation& op) {
    if (op.assoc_class == "Msvm_AffectedJobElement") {
      if (!affected_system) return std::vector<cim::Instance>{};
      for (const cim::Instance& system : systems) {
        if (KeyString(system.path(), "Name") == *affected_system) {
          return std::vector<cim::Instance>{system};
        }
      }
      return std::vector<cim::Instance>{};
    }
    if (op.assoc_class == "Msvm_SettingsDefineState") {
      cim::Instance vssd("Msvm_VirtualSystemSettingData");
      vssd.Set("InstanceID", cim::Value::String("Microsoft:" + KeyString(op.object_path, "Name")));
      vssd.Set("Notes", cim::Value::String("n"));
      vssd.set_path(cim::ObjectPath(kNs, "Msvm_VirtualSystemSettingData",
                                    {{"InstanceID", *vssd.Get("InstanceID")}}));
      return std::vector<cim::Instance>{vssd};
    }
    if (op.assoc_class == "Msvm_VirtualSystemSettingDataComponent") {
      cim::Instance memory("Msvm_MemorySettingData");
      memory.Set("VirtualQuantity", cim::Value::Uint64(1024));
      cim::Instance processor("Msvm_ProcessorSettingData");
      processor.Set("VirtualQuantity", cim::Value::Uint64(2));
      cim::Instance disk("Msvm_ResourceAllocationSettingData");
      disk.Set("ResourceType", cim::Value::Uint16(21));
      disk.Set("ResourceSubType", cim::Value::String("Microsoft Virtual Hard Disk"));
      disk.Set("Connection", cim::Value::StringArray({"/disks/boot.vhd"}));
      for (cim::Instance* i : {&memory, &processor, &disk}) {
        i->set_path(cim::ObjectPath(kNs, i->class_name(), {{"InstanceID", cim::Value::String("x")}}));
      }
      return std::vector<cim::Instance>{memory, processor, disk};
    }
    return cim::CimError{cim::CimStatus::kInvalidClass, "no such association"};
  }

  cim::OperationResult Invoke(const cim::Operation& op) {
    calls.push_back(op);
    std::vector<cim::NamedValue> out;
    if (method_return == 4096) {
      out.push_back({"Job", cim::Value::Reference(JobInstance(4, 0).path())});
    } else if (method_return == 0 && op.method_name == "DefineVirtualSystem") {
      out.push_back({"DefinedSystem", cim::Value::Reference(SystemPath(kWeb2))});
    }
    return cim::MethodResult{cim::Value::Uint32(method_return), out};
  }
};

class CommandsTest : public ::testing::Test {
 protected:
  CommandsTest() {
    state_->handler = [this](const cim::Operation& op) { return vsmd_.Handle(op); };
  }

  // Runs `command` with a context over the fake vsmd; stdout is not a terminal.
  int Run(const std::function<int(CommandContext&)>& command, bool json = false) {
    out_.str("");
    err_.str("");
    GlobalOptions options;
    options.json = json;
    CommandContext context(options, "/run/vsmd.sock", out_, err_, /*out_is_terminal=*/false,
                           "/home/ops", [this](const std::string&) -> Result<std::unique_ptr<client::CimClient>> {
                             if (unreachable_) return Error::SystemNotAvailable("connect to '/run/vsmd.sock': Connection refused");
                             return client::testing::NewFakeCimClient(state_);
                           });
    return command(context);
  }

  std::string out() const { return out_.str(); }
  std::string err() const { return err_.str(); }

  FakeVsmd vsmd_;
  std::shared_ptr<client::testing::FakeCimTransport::State> state_ =
      std::make_shared<client::testing::FakeCimTransport::State>();
  bool unreachable_ = false;
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(CommandsTest, DefinePrintsTheNewGuid) {
  vsmd_.method_return = 0;
  DefineOptions options;
  options.name = "web02";
  options.memory_mb = 512;
  options.disks = {"disks/a.vhd"};
  EXPECT_EQ(Run([&](CommandContext& c) { return RunDefine(c, options); }), 0) << err();
  EXPECT_EQ(out(), std::string(kWeb2) + "\n");
  ASSERT_EQ(vsmd_.calls.size(), 1u);
  const cim::Operation& call = vsmd_.calls[0];
  EXPECT_EQ(call.method_name, "DefineVirtualSystem");
  EXPECT_EQ(call.object_path, ServicePath());
  cimxml::XmlEmbeddedInstanceCodec codec;
  auto settings = codec.Parse(call.parameters[0].value.AsString());
  ASSERT_TRUE(std::holds_alternative<cim::Instance>(settings));
  EXPECT_EQ(StringProperty(std::get<cim::Instance>(settings), "ElementName"), "web02");
  EXPECT_THAT(call.parameters[1].value.elements()[1].AsString(), HasSubstr("/home/ops/disks/a.vhd"));
}

TEST_F(CommandsTest, DefineRefusedForAReaderNamesTheCode) {
  vsmd_.method_return = 32769;
  DefineOptions options;
  options.name = "x";
  EXPECT_EQ(Run([&](CommandContext& c) { return RunDefine(c, options); }), kExitFailed);
  EXPECT_THAT(err(), HasSubstr("AccessDenied (32769): Access Denied (DefineVirtualSystem 'x')"));
}

TEST_F(CommandsTest, DefineWithABadNicIsAUsageError) {
  DefineOptions options;
  options.name = "x";
  options.nics = {"sw=nope"};
  EXPECT_EQ(Run([&](CommandContext& c) { return RunDefine(c, options); }), kExitUsage);
  EXPECT_TRUE(vsmd_.calls.empty());
}

TEST_F(CommandsTest, ListSkipsTheHostAndPrintsJson) {
  EXPECT_EQ(Run([](CommandContext& c) { return RunList(c); }, /*json=*/true), 0) << err();
  nlohmann::json systems = nlohmann::json::parse(out());
  ASSERT_EQ(systems.size(), 1u);
  EXPECT_EQ(systems[0]["id"], kWeb1);
  EXPECT_EQ(systems[0]["name"], "web01");
  EXPECT_EQ(systems[0]["memory_mb"], 1024);
  EXPECT_EQ(systems[0]["cpus"], 2);
  EXPECT_EQ(systems[0]["drives"][0]["path"], "/disks/boot.vhd");
}

TEST_F(CommandsTest, ListAsATable) {
  EXPECT_EQ(Run([](CommandContext& c) { return RunList(c); }), 0) << err();
  EXPECT_THAT(out(), HasSubstr("ID"));
  EXPECT_THAT(out(), HasSubstr(std::string(kWeb1) + "  web01  Off    1024       2"));
  EXPECT_THAT(out(), Not(HasSubstr("hv1")));
}

TEST_F(CommandsTest, ShowAnAmbiguousNameListsBothGuids) {
  vsmd_.systems.push_back(System(kWeb2, "web01"));
  EXPECT_EQ(Run([](CommandContext& c) { return RunShow(c, "web01"); }), kExitFailed);
  EXPECT_THAT(err(), AllOf(HasSubstr(kWeb1), HasSubstr(kWeb2), HasSubstr("ambiguous")));
}

TEST_F(CommandsTest, ShowByGuid) {
  EXPECT_EQ(Run([](CommandContext& c) { return RunShow(c, kWeb1); }, true), 0) << err();
  nlohmann::json system = nlohmann::json::parse(out());
  EXPECT_EQ(system["name"], "web01");
  EXPECT_EQ(system["notes"], "n");
}

TEST_F(CommandsTest, ImportFollowsTheJobAndNamesTheImportedSystem) {
  vsmd_.systems.push_back(System(kWeb2, "web01"));
  vsmd_.job_states = {JobInstance(4, 40), JobInstance(7, 100)};
  vsmd_.affected_system = kWeb2;
  ImportOptions options;
  options.directory = "exports/web01";
  options.new_id = true;
  EXPECT_EQ(Run([&](CommandContext& c) { return RunImport(c, options); }), 0) << err();
  EXPECT_EQ(out(),
            "40% Importing virtual system\n"
            "100% Importing virtual system\n"
            "imported 'web01' as " + std::string(kWeb2) + "\n");
  ASSERT_EQ(vsmd_.calls.size(), 1u);
  EXPECT_EQ(vsmd_.calls[0].parameters[0].value.AsString(), "/home/ops/exports/web01");
  EXPECT_TRUE(vsmd_.calls[0].parameters[1].value.AsBoolean());
}

TEST_F(CommandsTest, ImportWithJsonPrintsTheFinalJob) {
  vsmd_.systems.push_back(System(kWeb2, "web01"));
  vsmd_.job_states = {JobInstance(7, 100)};
  vsmd_.affected_system = kWeb2;
  ImportOptions options;
  options.directory = "/srv/exports/web01";
  EXPECT_EQ(Run([&](CommandContext& c) { return RunImport(c, options); }, true), 0) << err();
  nlohmann::json job = nlohmann::json::parse(out());
  EXPECT_EQ(job["id"], "job-1");
  EXPECT_EQ(job["state_code"], 7);
  EXPECT_EQ(job["state"], "Completed");
  EXPECT_EQ(job["affected_system"], kWeb2);
}

TEST_F(CommandsTest, ImportRefusedAtOnceNamesCodeAndDirectory) {
  vsmd_.method_return = 32773;
  ImportOptions options;
  options.directory = "nowhere";
  EXPECT_EQ(Run([&](CommandContext& c) { return RunImport(c, options); }), kExitFailed);
  EXPECT_THAT(err(), HasSubstr("InvalidParameter (32773): Invalid parameter (ImportVirtualSystem "
                               "of '/home/ops/nowhere'); not found on this host: "
                               "'/home/ops/nowhere'"));
}

TEST_F(CommandsTest, FailedJobPrintsCodeNumberAndDescription) {
  vsmd_.job_states = {JobInstance(10, 30, 32774, "'web01' is already imported from this package")};
  ImportOptions options;
  options.directory = "/srv/exports/web01";
  EXPECT_EQ(Run([&](CommandContext& c) { return RunImport(c, options); }), kExitFailed);
  EXPECT_THAT(err(),
              HasSubstr("SystemInUse (32774): 'web01' is already imported from this package"));
}

TEST_F(CommandsTest, FailedJobWithJsonStillPrintsTheJob) {
  vsmd_.job_states = {JobInstance(10, 30, 32773, "bad package")};
  ImportOptions options;
  options.directory = "/srv/exports/web01";
  EXPECT_EQ(Run([&](CommandContext& c) { return RunImport(c, options); }, true), kExitFailed);
  nlohmann::json job = nlohmann::json::parse(out());
  EXPECT_EQ(job["error_code"], 32773);
  EXPECT_EQ(job["error_name"], "InvalidParameter");
}

TEST_F(CommandsTest, ExportNoWaitPrintsTheJobId) {
  vsmd_.job_states = {JobInstance(4, 0)};
  ExportOptions options;
  options.system = "web01";
  options.directory = "exports";
  options.no_wait = true;
  EXPECT_EQ(Run([&](CommandContext& c) { return RunExport(c, options); }), 0) << err();
  EXPECT_EQ(out(), "job-1\n");
  ASSERT_EQ(vsmd_.calls.size(), 1u);
  EXPECT_EQ(vsmd_.calls[0].method_name, "ExportVirtualSystem");
  EXPECT_EQ(vsmd_.calls[0].parameters[0].value.AsReference(), SystemPath(kWeb1));
  EXPECT_TRUE(vsmd_.calls[0].parameters[1].value.AsBoolean());
  EXPECT_EQ(vsmd_.calls[0].parameters[2].value.AsString(), "/home/ops/exports");

  EXPECT_EQ(Run([&](CommandContext& c) { return RunExport(c, options); }, true), 0) << err();
  EXPECT_EQ(nlohmann::json::parse(out())["id"], "job-1");
}

TEST_F(CommandsTest, ExportSaysWhereThePackageIs) {
  vsmd_.job_states = {JobInstance(7, 100)};
  ExportOptions options;
  options.system = kWeb1;
  options.directory = "/srv/exports";
  options.config_only = true;
  EXPECT_EQ(Run([&](CommandContext& c) { return RunExport(c, options); }), 0) << err();
  EXPECT_THAT(out(), HasSubstr("exported 'web01' (" + std::string(kWeb1) +
                               ") to '/srv/exports/web01' (configuration only)\n"));
  EXPECT_FALSE(vsmd_.calls[0].parameters[1].value.AsBoolean());
}

TEST_F(CommandsTest, DestroyCallsTheServiceWithTheSystem) {
  vsmd_.method_return = 0;
  EXPECT_EQ(Run([](CommandContext& c) { return RunDestroy(c, "web01"); }), 0) << err();
  EXPECT_THAT(out(), HasSubstr("destroyed 'web01'"));
  ASSERT_EQ(vsmd_.calls.size(), 1u);
  EXPECT_EQ(vsmd_.calls[0].method_name, "DestroyVirtualSystem");
  EXPECT_EQ(vsmd_.calls[0].parameters[0].value.AsReference(), SystemPath(kWeb1));
}

TEST_F(CommandsTest, JobWatchOfACancelledJobFails) {
  vsmd_.job_states = {JobInstance(8, 30)};
  EXPECT_EQ(Run([](CommandContext& c) { return RunJobWatch(c, "job-1"); }), kExitFailed);
  EXPECT_THAT(err(), HasSubstr("job job-1 ended Terminated"));
}

TEST_F(CommandsTest, JobShowAndUnknownJob) {
  vsmd_.job_states = {JobInstance(7, 100)};
  vsmd_.affected_system = kWeb1;
  EXPECT_EQ(Run([](CommandContext& c) { return RunJobShow(c, "job-1"); }, true), 0) << err();
  nlohmann::json job = nlohmann::json::parse(out());
  EXPECT_EQ(job["affected_system"], kWeb1);
  EXPECT_EQ(job["percent_complete"], 100);

  vsmd_.job_states.clear();
  EXPECT_EQ(Run([](CommandContext& c) { return RunJobShow(c, "nope"); }), kExitFailed);
  EXPECT_THAT(err(), HasSubstr("CIM_ERR_NOT_FOUND (6): No such job"));
}

TEST_F(CommandsTest, JobCancelSendsTerminateAndReportsRefusals) {
  vsmd_.method_return = 0;
  EXPECT_EQ(Run([](CommandContext& c) { return RunJobCancel(c, "job-1"); }), 0) << err();
  ASSERT_EQ(vsmd_.calls.size(), 1u);
  EXPECT_EQ(vsmd_.calls[0].method_name, "RequestStateChange");
  EXPECT_EQ(KeyString(vsmd_.calls[0].object_path, "InstanceID"), "job-1");
  EXPECT_EQ(vsmd_.calls[0].parameters[0].value.AsUnsigned(), 4u);

  vsmd_.method_return = 32775;
  EXPECT_EQ(Run([](CommandContext& c) { return RunJobCancel(c, "job-1"); }), kExitFailed);
  EXPECT_THAT(err(), HasSubstr("InvalidState (32775)"));
}

TEST_F(CommandsTest, JobListJson) {
  EXPECT_EQ(Run([](CommandContext& c) { return RunJobList(c); }, true), 0) << err();
  nlohmann::json jobs = nlohmann::json::parse(out());
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0]["type"], "ImportVirtualSystem");
}

TEST_F(CommandsTest, UnreachableVsmdExitsThree) {
  unreachable_ = true;
  EXPECT_EQ(Run([](CommandContext& c) { return RunList(c); }), kExitConnection);
  state_->transport_error = Error::Failed("connect to '/run/vsmd.sock': Connection refused");
  unreachable_ = false;
  EXPECT_EQ(Run([](CommandContext& c) { return RunList(c); }), kExitConnection);
  EXPECT_THAT(err(), HasSubstr("connect to '/run/vsmd.sock': Connection refused"));
}

TEST(EndpointTest, OnlyPlainHttpUrlsAreAccepted) {
  std::ostringstream out;
  std::ostringstream err;
  GlobalOptions options;
  options.url = "https://admin:secret@h:5989";
  CommandContext context(options, options.url, out, err, false, "/");
  EXPECT_EQ(RunList(context), kExitUsage);
  EXPECT_THAT(err.str(), HasSubstr("plain HTTP"));
}

TEST(EndpointTest, AMalformedUrlIsAUsageError) {
  std::ostringstream out;
  std::ostringstream err;
  GlobalOptions options;
  options.url = "http://admin:secret@h:port";
  CommandContext context(options, options.url, out, err, false, "/");
  EXPECT_EQ(RunList(context), kExitUsage);
}

TEST(EndpointTest, AMissingSocketIsAConnectionError) {
  std::ostringstream out;
  std::ostringstream err;
  CommandContext context(GlobalOptions{}, "/nonexistent/vsmd.sock", out, err, false, "/");
  EXPECT_EQ(RunList(context), kExitConnection);
  EXPECT_THAT(err.str(), HasSubstr("/nonexistent/vsmd.sock"));
}

}  // namespace
}  // namespace vsm::cli
