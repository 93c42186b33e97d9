// The `vsm snapshot` commands end to end against a scripted vsmd: requests go through the real
// CimClient and cimxml codec to a handler that plays the Msvm_* providers, with the snapshots as
// Msvm_VirtualSystemSettingData (SettingType 5) linked by Msvm_PreviousSettingData.
#include "app/vsm/snapshot_commands.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <deque>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/vsm/property_reader.h"
#include "cim/object_path.h"
#include "client/fake_cim_transport.h"

namespace vsm::cli {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr const char* kWeb1 = "4F1C2D3E-0A1B-4C5D-8E9F-0123456789AB";
constexpr const char* kFirst = "11111111-2222-4333-8444-555555555555";
constexpr const char* kSecond = "AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE";
constexpr const char* kThird = "00000000-AAAA-4BBB-8CCC-DDDDEEEEFFFF";
constexpr const char* kNew = "CCCCCCCC-1111-4222-8333-444444444444";
constexpr const char* kNs = "root/virtualization";
constexpr const char* kDefaultName = "web01 - (1/25/2026 - 6:45:55 AM)";

cim::ObjectPath SystemPath(const std::string& guid) {
  return cim::ObjectPath(kNs, "Msvm_ComputerSystem",
                         {{"CreationClassName", cim::Value::String("Msvm_ComputerSystem")},
                          {"Name", cim::Value::String(guid)}});
}

cim::ObjectPath VssdPath(const std::string& guid) {
  return cim::ObjectPath(kNs, "Msvm_VirtualSystemSettingData",
                         {{"InstanceID", cim::Value::String("Microsoft:" + guid)}});
}

cim::ObjectPath JobPath() {
  return cim::ObjectPath(kNs, "Msvm_ConcreteJob", {{"InstanceID", cim::Value::String("job-1")}});
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

// A snapshot's VSSD as vsmd presents it. `minute` orders creation times.
cim::Instance SnapshotVssd(const std::string& guid, const std::string& name,
                           const std::string& parent, int minute) {
  cim::Instance vssd("Msvm_VirtualSystemSettingData");
  vssd.Set("InstanceID", cim::Value::String("Microsoft:" + guid));
  vssd.Set("SystemName", cim::Value::String(kWeb1));
  vssd.Set("ElementName", cim::Value::String(name));
  vssd.Set("SettingType", cim::Value::Uint16(5));
  vssd.Set("CreationTime", cim::Value::String(fmt::format("2026012506{:02}55.000000+000", minute)));
  vssd.Set("Parent", parent.empty() ? cim::Value::Null(cim::CimType::kString)
                                    : cim::Value::String(VssdPath(parent).ToString()));
  vssd.set_path(VssdPath(guid));
  return vssd;
}

cim::Instance JobInstance(const std::string& type, uint16_t state, uint16_t percent,
                          uint16_t error_code = 0, const std::string& error_description = "") {
  cim::Instance job("Msvm_ConcreteJob");
  job.Set("InstanceID", cim::Value::String("job-1"));
  job.Set("Name", cim::Value::String(type));
  job.Set("Description", cim::Value::String("Snapshot job"));
  job.Set("JobState", cim::Value::Uint16(state));
  job.Set("PercentComplete", cim::Value::Uint16(percent));
  job.Set("ErrorCode", cim::Value::Uint16(error_code));
  if (!error_description.empty()) {
    job.Set("ErrorDescription", cim::Value::String(error_description));
  }
  job.set_path(JobPath());
  return job;
}

const cim::Value* Parameter(const cim::Operation& call, std::string_view name) {
  for (const cim::NamedValue& parameter : call.parameters) {
    if (parameter.name == name) return &parameter.value;
  }
  return nullptr;
}

// A vsmd with one virtual system, web01, and scripted snapshots. A method answers
// `method_return` (4096 with the job "job-1" by default); CreateVirtualSystemSnapshot then adds
// the snapshot kNew (child of the newest snapshot, as vsmd's current state derives from it), so
// that it is listed once the job has been followed. GetInstance of the job pops `job_states`.
class FakeVsmd {
 public:
  std::vector<cim::Instance> systems = {System("HOST", "hv1", "Hosting Computer System"),
                                        System(kWeb1, "web01")};
  std::vector<cim::Instance> snapshots;
  uint32_t method_return = 4096;
  std::deque<cim::Instance> job_states;
  std::vector<cim::Operation> calls;  // InvokeMethod operations

  cim::OperationResult Handle(const cim::Operation& op) {
    using cim::OperationKind;
    switch (op.kind) {
      case OperationKind::kEnumerateInstances:
        if (op.class_name == "Msvm_ComputerSystem") return systems;
        return std::vector<cim::Instance>{};
      case OperationKind::kEnumerateInstanceNames:
        return std::vector<cim::ObjectPath>{cim::ObjectPath(
            kNs, "Msvm_VirtualSystemManagementService",
            {{"CreationClassName", cim::Value::String("Msvm_VirtualSystemManagementService")},
             {"Name", cim::Value::String("vmms")},
             {"SystemCreationClassName", cim::Value::String("Msvm_ComputerSystem")},
             {"SystemName", cim::Value::String("hv1")}})};
      case OperationKind::kGetInstance:
        if (op.object_path.class_name() == "Msvm_ConcreteJob" && !job_states.empty()) {
          cim::Instance job = job_states.front();
          if (job_states.size() > 1) job_states.pop_front();
          return job;
        }
        return cim::CimError{cim::CimStatus::kNotFound, "not found"};
      case OperationKind::kAssociators:
        if (op.assoc_class == "Msvm_PreviousSettingData") {
          if (KeyString(op.object_path, "Name") != kWeb1) return std::vector<cim::Instance>{};
          return snapshots;
        }
        if (op.assoc_class == "Msvm_AffectedJobElement") {
          return std::vector<cim::Instance>{systems[1]};
        }
        return cim::CimError{cim::CimStatus::kInvalidClass, "no such association"};
      case OperationKind::kInvokeMethod:
        return Invoke(op);
      default:
        return cim::CimError{cim::CimStatus::kNotSupported, "not in this fake"};
    }
  }

 private:
  cim::OperationResult Invoke(const cim::Operation& op) {
    calls.push_back(op);
    std::vector<cim::NamedValue> out;
    if (method_return == 4096) out.push_back({"Job", cim::Value::Reference(JobPath())});
    if (op.method_name == "CreateVirtualSystemSnapshot" && method_return == 4096) {
      out.push_back({"SnapshotSettingData", cim::Value::Reference(VssdPath(kNew))});
      const cim::Value* name = Parameter(op, "ElementName");
      std::string parent =
          snapshots.empty() ? "" : KeyString(snapshots.back().path(), "InstanceID").substr(10);
      snapshots.push_back(SnapshotVssd(kNew, name ? name->AsString() : kDefaultName, parent, 59));
    }
    return cim::MethodResult{cim::Value::Uint32(method_return), out};
  }
};

class SnapshotCommandsTest : public ::testing::Test {
 protected:
  SnapshotCommandsTest() {
    state_->handler = [this](const cim::Operation& op) { return vsmd_.Handle(op); };
  }

  // Runs `command` with a context over the fake vsmd; stdout is not a terminal.
  int Run(const std::function<int(CommandContext&)>& command, bool json = false) {
    out_.str("");
    err_.str("");
    GlobalOptions options;
    options.json = json;
    CommandContext context(
        options, "/run/vsmd.sock", out_, err_, /*out_is_terminal=*/false, "/home/ops",
        [this](const std::string&) -> Result<std::unique_ptr<client::CimClient>> {
          return client::testing::NewFakeCimClient(state_);
        });
    return command(context);
  }

  // First a root, then its child, then a second root (after an apply of the first): a tree.
  void AddThreeSnapshots() {
    vsmd_.snapshots = {SnapshotVssd(kThird, "nightly", "", 3),
                       SnapshotVssd(kFirst, "before upgrade", "", 1),
                       SnapshotVssd(kSecond, "after upgrade", kFirst, 2)};
  }

  std::string out() const { return out_.str(); }
  std::string err() const { return err_.str(); }

  FakeVsmd vsmd_;
  std::shared_ptr<client::testing::FakeCimTransport::State> state_ =
      std::make_shared<client::testing::FakeCimTransport::State>();
  std::ostringstream out_;
  std::ostringstream err_;
};

// --- create ---------------------------------------------------------------------------------

TEST_F(SnapshotCommandsTest, CreateFollowsTheJobAndNamesTheSnapshot) {
  vsmd_.job_states = {JobInstance("CreateVirtualSystemSnapshot", 4, 50),
                      JobInstance("CreateVirtualSystemSnapshot", 7, 100)};
  SnapshotCreateOptions options{.system = "web01", .name = "before upgrade"};
  EXPECT_EQ(Run([&](CommandContext& c) { return RunSnapshotCreate(c, options); }), 0) << err();
  EXPECT_EQ(out(),
            "50% Snapshot job\n"
            "100% Snapshot job\n"
            "created snapshot 'before upgrade' (" +
                std::string(kNew) + ") of 'web01' (" + kWeb1 + ")\n");
  ASSERT_EQ(vsmd_.calls.size(), 1u);
  const cim::Operation& call = vsmd_.calls[0];
  EXPECT_EQ(call.method_name, "CreateVirtualSystemSnapshot");
  ASSERT_NE(Parameter(call, "SourceSystem"), nullptr);
  EXPECT_EQ(Parameter(call, "SourceSystem")->AsReference(), SystemPath(kWeb1));
  ASSERT_NE(Parameter(call, "ElementName"), nullptr);
  EXPECT_EQ(Parameter(call, "ElementName")->AsString(), "before upgrade");
}

TEST_F(SnapshotCommandsTest, CreateWithoutNameLeavesTheNameToVsmdAndReportsIt) {
  vsmd_.job_states = {JobInstance("CreateVirtualSystemSnapshot", 7, 100)};
  SnapshotCreateOptions options{.system = kWeb1};
  EXPECT_EQ(Run([&](CommandContext& c) { return RunSnapshotCreate(c, options); }), 0) << err();
  ASSERT_EQ(vsmd_.calls.size(), 1u);
  EXPECT_EQ(Parameter(vsmd_.calls[0], "ElementName"), nullptr);
  EXPECT_THAT(out(), HasSubstr("created snapshot '" + std::string(kDefaultName) + "' (" + kNew));
}

TEST_F(SnapshotCommandsTest, CreateWithJsonPrintsTheJobWithTheSnapshotInTheTree) {
  AddThreeSnapshots();
  vsmd_.job_states = {JobInstance("CreateVirtualSystemSnapshot", 7, 100)};
  SnapshotCreateOptions options{.system = "web01", .name = "again"};
  EXPECT_EQ(Run([&](CommandContext& c) { return RunSnapshotCreate(c, options); }, true), 0)
      << err();
  nlohmann::json job = nlohmann::json::parse(out());
  EXPECT_EQ(job["id"], "job-1");
  EXPECT_EQ(job["type"], "CreateVirtualSystemSnapshot");
  EXPECT_EQ(job["state_code"], 7);
  EXPECT_EQ(job["affected_system"], kWeb1);
  EXPECT_EQ(job["snapshot"]["id"], kNew);
  EXPECT_EQ(job["snapshot"]["name"], "again");
  EXPECT_EQ(job["snapshot"]["system"], kWeb1);
  EXPECT_EQ(job["snapshot"]["parent"], kSecond);  // the newest snapshot, listed last by the fake
  EXPECT_EQ(job["snapshot"]["depth"], 2);
}

TEST_F(SnapshotCommandsTest, CreateWhoseJobFailsPrintsTheJobErrorAndExitsOne) {
  vsmd_.job_states = {JobInstance("CreateVirtualSystemSnapshot", 10, 0, 32774,
                                  "virtual system 'web01' is in use by job 42")};
  SnapshotCreateOptions options{.system = "web01"};
  EXPECT_EQ(Run([&](CommandContext& c) { return RunSnapshotCreate(c, options); }, true),
            kExitFailed);
  nlohmann::json job = nlohmann::json::parse(out());
  EXPECT_EQ(job["error_code"], 32774);
  EXPECT_TRUE(job["snapshot"].is_null());
  EXPECT_THAT(err(), HasSubstr("SystemInUse (32774): virtual system 'web01' is in use by job 42"));
}

TEST_F(SnapshotCommandsTest, CreateRefusedAtOnceNamesTheCodeTheSystemAndTheFix) {
  vsmd_.method_return = 32775;
  SnapshotCreateOptions options{.system = "web01"};
  EXPECT_EQ(Run([&](CommandContext& c) { return RunSnapshotCreate(c, options); }), kExitFailed);
  EXPECT_THAT(
      err(),
      HasSubstr(
          "InvalidState (32775): Invalid state for this operation (CreateVirtualSystemSnapshot "
          "of 'web01' (" +
          std::string(kWeb1) + "))"));
  EXPECT_THAT(err(), HasSubstr("must be off and have fewer than 50 snapshots"));
  EXPECT_THAT(out(), IsEmpty());

  vsmd_.method_return = 32769;
  EXPECT_EQ(Run([&](CommandContext& c) { return RunSnapshotCreate(c, options); }), kExitFailed);
  EXPECT_THAT(err(), AllOf(HasSubstr("AccessDenied (32769)"), HasSubstr("administrator")));
}

TEST_F(SnapshotCommandsTest, CreateWithABadNameIsAUsageErrorAndSendsNothing) {
  for (const std::string& name : {std::string(), std::string(101, 'x'), std::string("a/b")}) {
    SnapshotCreateOptions options{.system = "web01", .name = name};
    EXPECT_EQ(Run([&](CommandContext& c) { return RunSnapshotCreate(c, options); }), kExitUsage)
        << name;
    EXPECT_THAT(err(), HasSubstr("--name")) << name;
  }
  EXPECT_THAT(state_->operations, IsEmpty());
}

TEST_F(SnapshotCommandsTest, CreateOfAnUnknownSystemListsTheSystems) {
  SnapshotCreateOptions options{.system = "db01"};
  EXPECT_EQ(Run([&](CommandContext& c) { return RunSnapshotCreate(c, options); }), kExitFailed);
  EXPECT_THAT(err(), AllOf(HasSubstr("'db01'"), HasSubstr(kWeb1)));
  EXPECT_THAT(vsmd_.calls, IsEmpty());
}

// --- list -----------------------------------------------------------------------------------

TEST_F(SnapshotCommandsTest, ListPrintsTheTreeWithParents) {
  AddThreeSnapshots();
  EXPECT_EQ(Run([](CommandContext& c) { return RunSnapshotList(c, "web01"); }), 0) << err();
  std::istringstream lines(out());
  std::vector<std::string> rows;
  for (std::string line; std::getline(lines, line);) rows.push_back(line);
  ASSERT_EQ(rows.size(), 4u) << out();
  EXPECT_THAT(rows[0],
              AllOf(HasSubstr("ID"), HasSubstr("NAME"), HasSubstr("PARENT"), HasSubstr("CREATED")));
  // Oldest root first, its child indented under it with the parent's GUID, then the other root.
  EXPECT_THAT(rows[1], AllOf(HasSubstr(std::string(kFirst) + "  before upgrade "),
                             HasSubstr(" -  "), HasSubstr("2026-01-25T06:01:55+00:00")));
  EXPECT_THAT(rows[2],
              AllOf(HasSubstr(std::string(kSecond) + "    after upgrade "), HasSubstr(kFirst)));
  EXPECT_THAT(rows[3], AllOf(HasSubstr(std::string(kThird) + "  nightly "),
                             HasSubstr("2026-01-25T06:03:55+00:00")));
}

TEST_F(SnapshotCommandsTest, ListWithJsonIsAnArrayInTreeOrder) {
  AddThreeSnapshots();
  EXPECT_EQ(Run([](CommandContext& c) { return RunSnapshotList(c, kWeb1); }, true), 0) << err();
  nlohmann::json snapshots = nlohmann::json::parse(out());
  ASSERT_EQ(snapshots.size(), 3u);
  EXPECT_EQ(snapshots[0]["id"], kFirst);
  EXPECT_EQ(snapshots[0]["parent"], "");
  EXPECT_EQ(snapshots[0]["depth"], 0);
  EXPECT_EQ(snapshots[1]["id"], kSecond);
  EXPECT_EQ(snapshots[1]["name"], "after upgrade");
  EXPECT_EQ(snapshots[1]["parent"], kFirst);
  EXPECT_EQ(snapshots[1]["depth"], 1);
  EXPECT_EQ(snapshots[1]["system"], kWeb1);
  EXPECT_EQ(snapshots[2]["id"], kThird);
  EXPECT_EQ(snapshots[2]["creation_time"], "2026-01-25T06:03:55+00:00");
}

TEST_F(SnapshotCommandsTest, ListWithoutSnapshotsSaysHowToTakeOne) {
  EXPECT_EQ(Run([](CommandContext& c) { return RunSnapshotList(c, "web01"); }), 0) << err();
  EXPECT_EQ(out(), "'web01' (" + std::string(kWeb1) + ") has no snapshots ('vsm snapshot create " +
                       kWeb1 + "' takes one)\n");
  EXPECT_EQ(Run([](CommandContext& c) { return RunSnapshotList(c, "web01"); }, true), 0);
  EXPECT_EQ(nlohmann::json::parse(out()), nlohmann::json::array());
}

TEST_F(SnapshotCommandsTest, ListOfAnUnknownSystemFails) {
  EXPECT_EQ(Run([](CommandContext& c) { return RunSnapshotList(c, "nope"); }), kExitFailed);
  EXPECT_THAT(err(), HasSubstr("'nope'"));
}

// --- apply ----------------------------------------------------------------------------------

TEST_F(SnapshotCommandsTest, ApplyByNameSendsTheSystemAndTheSnapshotsVssd) {
  AddThreeSnapshots();
  vsmd_.job_states = {JobInstance("ApplyVirtualSystemSnapshot", 7, 100)};
  SnapshotTargetOptions options{.system = "web01", .snapshot = "before upgrade"};
  EXPECT_EQ(Run([&](CommandContext& c) { return RunSnapshotApply(c, options); }), 0) << err();
  ASSERT_EQ(vsmd_.calls.size(), 1u);
  const cim::Operation& call = vsmd_.calls[0];
  EXPECT_EQ(call.method_name, "ApplyVirtualSystemSnapshot");
  EXPECT_EQ(Parameter(call, "ComputerSystem")->AsReference(), SystemPath(kWeb1));
  EXPECT_EQ(Parameter(call, "SnapshotSettingData")->AsReference(), VssdPath(kFirst));
  EXPECT_THAT(out(), HasSubstr("applied snapshot 'before upgrade' (" + std::string(kFirst) +
                               ") to 'web01' (" + kWeb1 + ")"));
}

TEST_F(SnapshotCommandsTest, ApplyWithAnAmbiguousNameListsTheChoicesAndCallsNothing) {
  AddThreeSnapshots();
  vsmd_.snapshots.push_back(SnapshotVssd(kNew, "nightly", kThird, 4));
  SnapshotTargetOptions options{.system = "web01", .snapshot = "nightly"};
  EXPECT_EQ(Run([&](CommandContext& c) { return RunSnapshotApply(c, options); }), kExitFailed);
  EXPECT_THAT(err(), AllOf(HasSubstr("'nightly' is ambiguous"), HasSubstr(kThird), HasSubstr(kNew),
                           HasSubstr("pass the GUID")));
  EXPECT_THAT(err(), Not(HasSubstr(kFirst)));
  EXPECT_THAT(vsmd_.calls, IsEmpty());
}

TEST_F(SnapshotCommandsTest, ApplyOfAnUnknownSnapshotListsTheSystemsSnapshots) {
  AddThreeSnapshots();
  SnapshotTargetOptions options{.system = "web01", .snapshot = "weekly"};
  EXPECT_EQ(Run([&](CommandContext& c) { return RunSnapshotApply(c, options); }), kExitFailed);
  EXPECT_THAT(err(), AllOf(HasSubstr("'weekly'"), HasSubstr("'before upgrade'"), HasSubstr(kFirst),
                           HasSubstr(kSecond), HasSubstr(kThird)));
  EXPECT_THAT(vsmd_.calls, IsEmpty());
}

TEST_F(SnapshotCommandsTest, ApplyRefusedAtOnceSaysTheSystemMustBeOff) {
  AddThreeSnapshots();
  vsmd_.method_return = 32775;
  SnapshotTargetOptions options{.system = "web01", .snapshot = kSecond};
  EXPECT_EQ(Run([&](CommandContext& c) { return RunSnapshotApply(c, options); }), kExitFailed);
  EXPECT_THAT(err(), AllOf(HasSubstr("InvalidState (32775)"),
                           HasSubstr("ApplyVirtualSystemSnapshot of snapshot 'after upgrade'"),
                           HasSubstr("'web01' must be off")));
}

// --- remove ---------------------------------------------------------------------------------

TEST_F(SnapshotCommandsTest, RemoveByGuidWithJsonPrintsTheFinalJob) {
  AddThreeSnapshots();
  vsmd_.job_states = {JobInstance("RemoveVirtualSystemSnapshot", 4, 30),
                      JobInstance("RemoveVirtualSystemSnapshot", 7, 100)};
  SnapshotTargetOptions options{.system = "web01",
                                .snapshot = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"};
  EXPECT_EQ(Run([&](CommandContext& c) { return RunSnapshotRemove(c, options); }, true), 0)
      << err();
  nlohmann::json job = nlohmann::json::parse(out());  // one document: no progress lines
  EXPECT_EQ(job["type"], "RemoveVirtualSystemSnapshot");
  EXPECT_EQ(job["state_code"], 7);
  EXPECT_FALSE(job.contains("snapshot"));
  ASSERT_EQ(vsmd_.calls.size(), 1u);
  EXPECT_EQ(vsmd_.calls[0].method_name, "RemoveVirtualSystemSnapshot");
  ASSERT_EQ(vsmd_.calls[0].parameters.size(), 1u);
  EXPECT_EQ(Parameter(vsmd_.calls[0], "SnapshotSettingData")->AsReference(), VssdPath(kSecond));
}

TEST_F(SnapshotCommandsTest, RemoveWhoseMergeFailsReportsVsmdsDescription) {
  AddThreeSnapshots();
  vsmd_.job_states = {JobInstance("RemoveVirtualSystemSnapshot", 10, 60, 32768,
                                  "merging '/d/a.avhdx' into '/d/a.vhdx' failed: No space")};
  SnapshotTargetOptions options{.system = "web01", .snapshot = "nightly"};
  EXPECT_EQ(Run([&](CommandContext& c) { return RunSnapshotRemove(c, options); }), kExitFailed);
  EXPECT_THAT(err(), HasSubstr("Failed (32768): merging '/d/a.avhdx' into '/d/a.vhdx' failed"));
  EXPECT_THAT(out(), Not(HasSubstr("removed snapshot")));
}

TEST_F(SnapshotCommandsTest, RemoveRefusedAsInvalidParameterPointsAtTheList) {
  AddThreeSnapshots();
  vsmd_.method_return = 32773;
  SnapshotTargetOptions options{.system = "web01", .snapshot = "nightly"};
  EXPECT_EQ(Run([&](CommandContext& c) { return RunSnapshotRemove(c, options); }), kExitFailed);
  EXPECT_THAT(err(), AllOf(HasSubstr("InvalidParameter (32773)"), HasSubstr("'nightly'"),
                           HasSubstr("vsm snapshot list " + std::string(kWeb1))));
}

}  // namespace
}  // namespace vsm::cli
