// The Msvm_* providers over the real stack: an in-memory catalogue, a running JobManager and the
// service, with disks made by qemu-img. Systems are defined through DefineVirtualSystem with
// embedded instances (a fake codec stands in for cimxml's), then every class is enumerated and
// fetched by key, and every reference the associations give is resolved.
#include "cim/providers.h"

#include <gmock/gmock.h>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include "cim/msvm_computer_system_provider.h"
#include "cim/msvm_define_virtual_system_provider.h"
#include "cim/msvm_setting_data_provider.h"
#include "jobs/job_manager.h"
#include "service/virtual_system_management_service.h"
#include "store/repository.h"
#include "support/qemu_disks.h"
#include "support/temp_dir.h"

namespace vsm::cim {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;
using namespace std::chrono_literals;

constexpr std::string_view kHost = "vsm-test-host";
const Principal kAdministrator{"root", Role::kAdministrator};
const Principal kReader{"auditor", Role::kReader};

// Stands in for cimxml's codec: Format files the instance away and answers a token; Parse gives
// the instance back for the token and rejects any other text.
class FakeEmbeddedInstanceCodec final : public EmbeddedInstanceCodec {
 public:
  CimResult<Instance> Parse(std::string_view text) const override {
    std::lock_guard lock(mutex_);
    auto found = instances_.find(std::string(text));
    if (found == instances_.end()) {
      return CimError{CimStatus::kInvalidParameter, fmt::format("'{}' is not an instance", text)};
    }
    return found->second;
  }
  std::string Format(const Instance& instance) const override {
    std::lock_guard lock(mutex_);
    std::string token = fmt::format("<INSTANCE #{} {}>", instances_.size(), instance.class_name());
    instances_.emplace(token, instance);
    return token;
  }

 private:
  mutable std::mutex mutex_;
  mutable std::map<std::string, Instance> instances_;
};

// A Repository that passes every call through until told to fail: then each call answers
// kFailed, as a broken catalogue would.
class FaultyRepository final : public store::Repository {
 public:
  explicit FaultyRepository(std::unique_ptr<store::Repository> inner) : inner_(std::move(inner)) {}
  void set_failing(bool failing) { failing_ = failing; }

  Result<void> AddSystem(const SystemDefinition& s) override { return Pass(&Repository::AddSystem, s); }
  Result<void> UpdateSystem(const SystemDefinition& s) override {
    return Pass(&Repository::UpdateSystem, s);
  }
  Result<void> RemoveSystem(const Guid& id) override { return Pass(&Repository::RemoveSystem, id); }
  Result<std::optional<SystemDefinition>> FindSystem(const Guid& id) override {
    return Pass(&Repository::FindSystem, id);
  }
  Result<std::vector<SystemDefinition>> FindSystemsByName(std::string_view name) override {
    return Pass(&Repository::FindSystemsByName, name);
  }
  Result<std::optional<SystemDefinition>> FindSystemByPackageDirectory(
      std::string_view directory) override {
    return Pass(&Repository::FindSystemByPackageDirectory, directory);
  }
  Result<std::vector<SystemDefinition>> FindSystemsUsingFile(std::string_view path) override {
    return Pass(&Repository::FindSystemsUsingFile, path);
  }
  Result<std::vector<SystemDefinition>> ListSystems() override {
    return Pass(&Repository::ListSystems);
  }
  Result<void> AddSnapshot(const SnapshotRecord& s) override { return Pass(&Repository::AddSnapshot, s); }
  Result<void> RemoveSnapshot(const Guid& id) override { return Pass(&Repository::RemoveSnapshot, id); }
  Result<std::optional<SnapshotRecord>> FindSnapshot(const Guid& id) override {
    return Pass(&Repository::FindSnapshot, id);
  }
  Result<std::vector<SnapshotRecord>> ListSnapshots(const Guid& id) override {
    return Pass(&Repository::ListSnapshots, id);
  }
  Result<void> AddCreatedDisk(const CreatedDisk& disk) override {
    return Pass(&Repository::AddCreatedDisk, disk);
  }
  Result<std::vector<CreatedDisk>> ListCreatedDisks(const Guid& id) override {
    return Pass(&Repository::ListCreatedDisks, id);
  }
  Result<void> CommitSnapshotChange(const store::SnapshotChange& change) override {
    return Pass(&Repository::CommitSnapshotChange, change);
  }
  Result<void> AddSystemWithSnapshots(const SystemDefinition& system,
                                      const std::vector<SnapshotRecord>& snapshots,
                                      const std::vector<CreatedDisk>& disks) override {
    return Pass(&Repository::AddSystemWithSnapshots, system, snapshots, disks);
  }
  Result<void> SaveJob(const JobRecord& job) override { return Pass(&Repository::SaveJob, job); }
  Result<std::optional<JobRecord>> FindJob(std::string_view id) override {
    return Pass(&Repository::FindJob, id);
  }
  Result<std::vector<JobRecord>> ListJobs() override { return Pass(&Repository::ListJobs); }
  Result<void> RemoveJob(std::string_view id) override { return Pass(&Repository::RemoveJob, id); }
  Result<void> SaveUser(const store::UserRecord& user) override {
    return Pass(&Repository::SaveUser, user);
  }
  Result<std::optional<store::UserRecord>> FindUser(std::string_view name) override {
    return Pass(&Repository::FindUser, name);
  }
  Result<std::vector<store::UserRecord>> ListUsers() override {
    return Pass(&Repository::ListUsers);
  }
  Result<void> RemoveUser(std::string_view name) override {
    return Pass(&Repository::RemoveUser, name);
  }

 private:
  template <typename R, typename... Params, typename... Args>
  R Pass(R (Repository::*method)(Params...), Args&&... args) {
    if (failing_) return Error::Failed("catalogue 'vsm.db' is unreadable: disk I/O error");
    return ((*inner_).*method)(std::forward<Args>(args)...);
  }

  std::unique_ptr<store::Repository> inner_;
  std::atomic<bool> failing_ = false;
};

class ProvidersTest : public ::testing::Test {
 protected:
  ProvidersTest()
      : repository_(store::NewInMemoryRepository()),
        jobs_(repository_, jobs::JobManagerOptions{}),
        service_(repository_, jobs_, service::ServiceOptions{.data_root = temp_ / "data"}),
        providers_(MakeMsvmProviders(service_, codec_, std::string(kHost))) {
    EXPECT_TRUE(jobs_.Recover().ok());
    jobs_.Start();
    fs::create_directories(temp_ / "disks");
    fs::create_directories(temp_ / "exports");
  }

  Provider& ProviderFor(std::string_view class_name) {
    for (auto& provider : providers_) {
      if (EqualsIgnoreCase(provider->class_name(), class_name)) return *provider;
    }
    ADD_FAILURE() << "no provider for " << class_name;
    return *providers_.front();
  }

  std::vector<Instance> Enumerate(std::string_view class_name) {
    CimResult<std::vector<Instance>> result =
        ProviderFor(class_name).EnumerateInstances(Context(kAdministrator));
    if (IsError(result)) {
      ADD_FAILURE() << class_name << ": " << std::get<CimError>(result).description;
      return {};
    }
    return std::get<std::vector<Instance>>(std::move(result));
  }

  CimResult<Instance> Get(const ObjectPath& path, const Principal& caller = kAdministrator) {
    return ProviderFor(path.class_name()).GetInstance(Context(caller), path);
  }

  Instance MustGet(const ObjectPath& path) {
    CimResult<Instance> result = Get(path);
    if (IsError(result)) {
      ADD_FAILURE() << path.ToString() << ": " << std::get<CimError>(result).description;
      return Instance{};
    }
    return std::get<Instance>(std::move(result));
  }

  CimResult<MethodResult> Call(const ObjectPath& target, std::string_view method,
                               std::vector<NamedValue> parameters,
                               const Principal& caller = kAdministrator) {
    MethodDecl decl;
    decl.name = std::string(method);
    return ProviderFor(target.class_name()).InvokeMethod(Context(caller), target, decl, parameters);
  }

  // The method's outcome, failing the test on a CimError.
  MethodResult MustCall(const ObjectPath& target, std::string_view method,
                        std::vector<NamedValue> parameters,
                        const Principal& caller = kAdministrator) {
    CimResult<MethodResult> result = Call(target, method, std::move(parameters), caller);
    if (IsError(result)) {
      ADD_FAILURE() << method << ": " << std::get<CimError>(result).description;
      return MethodResult{Value::Uint32(0xffffffff), {}};
    }
    return std::get<MethodResult>(std::move(result));
  }

  ObjectPath ServicePath() { return Enumerate("Msvm_VirtualSystemManagementService").at(0).path(); }

  std::string Embed(Instance instance) { return codec_.Format(instance); }

  fs::path MakeDisk(const std::string& name) {
    fs::path path = temp_ / "disks" / name;
    EXPECT_TRUE(testing::MakeQemuDisk(path, testing::QemuDiskKind::kVhdDynamic, 8));
    return path;
  }

  static Instance Rasd(std::string class_name, uint16_t resource_type) {
    Instance rasd{std::move(class_name)};
    rasd.Set("ResourceType", Value::Uint16(resource_type));
    return rasd;
  }

  // web01: 2048 MB, 2 processors; a VHD given as a storage extent alone (IDE 0/0), a VHD on a
  // named SCSI controller through an explicit drive, an ISO given alone (IDE 1/0) and a NIC.
  MethodResult DefineWeb01() {
    Instance vssd{"Msvm_VirtualSystemSettingData"};
    vssd.Set("ElementName", Value::String("web01"));
    vssd.Set("Notes", Value::String("front end"));
    vssd.Set("BIOSGUID", Value::String("{4F1C2D3E-0A1B-4C5D-8E9F-0123456789AB}"));

    Instance memory{"Msvm_MemorySettingData"};
    memory.Set("VirtualQuantity", Value::Uint64(2048));
    Instance processor{"Msvm_ProcessorSettingData"};
    processor.Set("VirtualQuantity", Value::Uint64(2));

    Instance boot = Rasd("Msvm_ResourceAllocationSettingData", 21);
    boot.Set("ResourceSubType", Value::String("Microsoft Virtual Hard Disk"));
    boot.Set("Connection", Value::StringArray({MakeDisk("boot.vhd").string()}));

    Instance scsi = Rasd("Msvm_ResourceAllocationSettingData", 6);
    scsi.Set("InstanceID", Value::String("scsi"));
    Instance data_drive = Rasd("Msvm_ResourceAllocationSettingData", 22);
    data_drive.Set("InstanceID", Value::String("data-drive"));
    data_drive.Set("Parent", Value::String("scsi"));
    data_drive.Set("Address", Value::String("3"));
    Instance data = Rasd("Msvm_ResourceAllocationSettingData", 21);
    data.Set("ResourceSubType", Value::String("Microsoft Virtual Hard Disk"));
    data.Set("Parent", Value::String("data-drive"));
    data.Set("Connection", Value::StringArray({MakeDisk("data.vhd").string()}));

    fs::path iso = temp_ / "disks" / "install.iso";
    std::ofstream(iso) << "ISO";
    Instance dvd = Rasd("Msvm_ResourceAllocationSettingData", 21);
    dvd.Set("ResourceSubType", Value::String("Microsoft ISO Image"));
    dvd.Set("Connection", Value::StringArray({iso.string()}));

    Instance nic = Rasd("Msvm_ResourceAllocationSettingData", 10);
    nic.Set("Connection", Value::StringArray({"External"}));
    nic.Set("Address", Value::String("00155D0A0B0C"));
    nic.Set("StaticMacAddress", Value::Boolean(true));

    std::vector<std::string> resources;
    for (const Instance& rasd : {memory, processor, boot, scsi, data_drive, data, dvd, nic}) {
      resources.push_back(Embed(rasd));
    }
    return MustCall(ServicePath(), "DefineVirtualSystem",
                    {{"SystemSettingData", Value::String(Embed(vssd))},
                     {"ResourceSettingData", Value::StringArray(resources)}});
  }

  // Defines web01 and returns its Guid.
  Guid DefineWeb01Guid() {
    MethodResult result = DefineWeb01();
    EXPECT_EQ(ReturnValue(result), 0u);
    const Value* defined = Out(result, "DefinedSystem");
    if (defined == nullptr) {
      ADD_FAILURE() << "no DefinedSystem";
      return Guid{};
    }
    return *Guid::Parse(defined->AsReference().FindKey("Name")->AsString());
  }

  JobRecord WaitForJob(const ObjectPath& job_path) {
    for (int i = 0; i < 600; ++i) {
      Instance job = MustGet(job_path);
      uint64_t state = job.Get("JobState")->AsUnsigned();
      if (state != 2 && state != 3 && state != 4) break;
      std::this_thread::sleep_for(100ms);
    }
    auto record = service_.FindJob(job_path.FindKey("InstanceID")->AsString());
    EXPECT_TRUE(record.ok() && record->has_value());
    return record.ok() && record->has_value() ? **record : JobRecord{};
  }

  static uint64_t ReturnValue(const MethodResult& result) {
    return result.return_value.AsUnsigned();
  }
  static const Value* Out(const MethodResult& result, std::string_view name) {
    for (const NamedValue& out : result.out_parameters) {
      if (EqualsIgnoreCase(out.name, name)) return &out.value;
    }
    return nullptr;
  }
  static std::string Text(const Instance& instance, std::string_view property) {
    const Value* value = instance.Get(property);
    if (value == nullptr || value->is_null()) return "<null>";
    if (value->is_array()) {
      std::string joined;
      for (const Value& element : value->elements()) joined += element.ToText() + ";";
      return joined;
    }
    return value->type() == CimType::kReference ? value->AsReference().ToString() : value->ToText();
  }

  static RequestContext Context(const Principal& caller) {
    return RequestContext{caller, "root/virtualization"};
  }

  testing::TempDir temp_;
  FaultyRepository repository_;
  FakeEmbeddedInstanceCodec codec_;
  jobs::JobManager jobs_;
  service::VirtualSystemManagementService service_;
  std::vector<std::unique_ptr<Provider>> providers_;
};

const char* const kAllClasses[] = {
    "Msvm_VirtualSystemManagementService", "Msvm_ComputerSystem",
    "Msvm_VirtualSystemSettingData",       "Msvm_VirtualSystemGlobalSettingData",
    "Msvm_MemorySettingData",              "Msvm_ProcessorSettingData",
    "Msvm_ResourceAllocationSettingData",  "Msvm_ConcreteJob",
    "Msvm_SettingsDefineState",            "Msvm_VirtualSystemSettingDataComponent",
    "Msvm_AffectedJobElement",             "Msvm_PreviousSettingData",
};

// --- The service and the host ------------------------------------------------------------------

TEST_F(ProvidersTest, FactoryServesEveryClassOnce) {
  ASSERT_THAT(providers_, SizeIs(std::size(kAllClasses)));
  for (const char* class_name : kAllClasses) {
    int count = 0;
    for (const auto& provider : providers_) count += EqualsIgnoreCase(provider->class_name(), class_name);
    EXPECT_EQ(count, 1) << class_name;
  }
}

TEST_F(ProvidersTest, ServiceInstanceHasHyperVKeys) {
  std::vector<Instance> services = Enumerate("Msvm_VirtualSystemManagementService");
  ASSERT_THAT(services, SizeIs(1));
  const ObjectPath& path = services[0].path();
  EXPECT_EQ(path.name_space(), "root/virtualization");
  EXPECT_EQ(path.FindKey("CreationClassName")->AsString(), "Msvm_VirtualSystemManagementService");
  EXPECT_EQ(path.FindKey("Name")->AsString(), "vmms");
  EXPECT_EQ(path.FindKey("SystemCreationClassName")->AsString(), "Msvm_ComputerSystem");
  EXPECT_EQ(path.FindKey("SystemName")->AsString(), kHost);
  EXPECT_EQ(Text(services[0], "EnabledState"), "2");
  EXPECT_EQ(Text(services[0], "HealthState"), "5");
  EXPECT_EQ(Text(services[0], "OperationalStatus"), "2;");
  EXPECT_THAT(Text(services[0], "ElementName"), HasSubstr("Virtual System Management Service"));
  EXPECT_EQ(Text(MustGet(path), "Name"), "vmms");

  ObjectPath elsewhere = path;
  elsewhere.SetKey("SystemName", Value::String("other-host"));
  CimResult<Instance> missing = Get(elsewhere);
  ASSERT_TRUE(IsError(missing));
  EXPECT_EQ(std::get<CimError>(missing).status, CimStatus::kNotFound);
  CimResult<MethodResult> call = Call(elsewhere, "ImportVirtualSystem", {});
  ASSERT_TRUE(IsError(call));
  EXPECT_EQ(std::get<CimError>(call).status, CimStatus::kNotFound);
}

TEST_F(ProvidersTest, HostIsTheOnlyComputerSystemAtFirst) {
  std::vector<Instance> systems = Enumerate("Msvm_ComputerSystem");
  ASSERT_THAT(systems, SizeIs(1));
  EXPECT_EQ(Text(systems[0], "Name"), kHost);
  EXPECT_EQ(Text(systems[0], "ElementName"), kHost);
  EXPECT_EQ(Text(systems[0], "Caption"), "Hosting Computer System");
  EXPECT_EQ(Text(systems[0], "EnabledState"), "2");
  EXPECT_EQ(Text(MustGet(systems[0].path()), "Caption"), "Hosting Computer System");
}

// --- DefineVirtualSystem and the instances it yields -----------------------------------------

TEST_F(ProvidersTest, DefineVirtualSystemAnswersZeroAndTheSystemReference) {
  MethodResult result = DefineWeb01();
  ASSERT_EQ(ReturnValue(result), 0u);
  ASSERT_THAT(result.out_parameters, SizeIs(1));
  const Value* defined = Out(result, "DefinedSystem");
  ASSERT_NE(defined, nullptr);
  ASSERT_EQ(defined->type(), CimType::kReference);
  const ObjectPath& path = defined->AsReference();
  EXPECT_EQ(path.class_name(), "Msvm_ComputerSystem");
  EXPECT_EQ(path.name_space(), "root/virtualization");

  Instance system = MustGet(path);
  EXPECT_EQ(Text(system, "ElementName"), "web01");
  EXPECT_EQ(Text(system, "Caption"), "Virtual Machine");
  EXPECT_EQ(Text(system, "Description"), "Microsoft Virtual Machine");
  EXPECT_EQ(Text(system, "EnabledState"), "3");
  EXPECT_EQ(Text(system, "RequestedState"), "12");
  EXPECT_EQ(Text(system, "HealthState"), "5");
  EXPECT_EQ(Text(system, "OperationalStatus"), "2;");
  EXPECT_NE(Text(system, "InstallDate"), "<null>");
  EXPECT_EQ(Text(system, "TimeOfLastStateChange"), Text(system, "InstallDate"));
  ASSERT_TRUE(Guid::Parse(Text(system, "Name")).has_value());
  EXPECT_THAT(Enumerate("Msvm_ComputerSystem"), SizeIs(2));
}

TEST_F(ProvidersTest, SettingDataPresentsTheDefinition) {
  Guid id = DefineWeb01Guid();
  std::string g = id.ToString();

  std::vector<Instance> vssds = Enumerate("Msvm_VirtualSystemSettingData");
  ASSERT_THAT(vssds, SizeIs(1));
  EXPECT_EQ(Text(vssds[0], "InstanceID"), "Microsoft:" + g);
  EXPECT_EQ(Text(vssds[0], "SystemName"), g);
  EXPECT_EQ(Text(vssds[0], "ElementName"), "web01");
  EXPECT_EQ(Text(vssds[0], "Notes"), "front end");
  EXPECT_EQ(Text(vssds[0], "BIOSGUID"), "{4F1C2D3E-0A1B-4C5D-8E9F-0123456789AB}");
  EXPECT_EQ(Text(vssds[0], "SettingType"), "3");
  EXPECT_EQ(Text(vssds[0], "VirtualSystemType"), "301");
  EXPECT_EQ(Text(vssds[0], "Parent"), "<null>");

  std::vector<Instance> globals = Enumerate("Msvm_VirtualSystemGlobalSettingData");
  ASSERT_THAT(globals, SizeIs(1));
  EXPECT_EQ(Text(globals[0], "InstanceID"), "Microsoft:" + g + "\\Global");
  EXPECT_EQ(Text(globals[0], "ExternalDataRoot"), "");
  EXPECT_EQ(Text(globals[0], "Version"), "1.0");

  std::vector<Instance> memory = Enumerate("Msvm_MemorySettingData");
  ASSERT_THAT(memory, SizeIs(1));
  EXPECT_EQ(Text(memory[0], "InstanceID"),
            "Microsoft:" + g + "\\4764334d-e001-4176-82ee-5594ec9b530e");
  EXPECT_EQ(Text(memory[0], "ResourceType"), "4");
  EXPECT_EQ(Text(memory[0], "AllocationUnits"), "MB");
  EXPECT_EQ(Text(memory[0], "VirtualQuantity"), "2048");

  std::vector<Instance> processors = Enumerate("Msvm_ProcessorSettingData");
  ASSERT_THAT(processors, SizeIs(1));
  EXPECT_EQ(Text(processors[0], "InstanceID"),
            "Microsoft:" + g + "\\b637f346-6a0e-4dec-af52-bd70cb80a21d");
  EXPECT_EQ(Text(processors[0], "ResourceType"), "3");
  EXPECT_EQ(Text(processors[0], "AllocationUnits"), "Processor Cores");
  EXPECT_EQ(Text(processors[0], "VirtualQuantity"), "2");

  // 2 IDE + 1 SCSI controllers, 3 drives each with its media, 1 NIC.
  std::map<std::string, Instance> rasds;
  for (Instance& rasd : Enumerate("Msvm_ResourceAllocationSettingData")) {
    rasds.emplace(Text(rasd, "InstanceID").substr(std::string("Microsoft:").size() + 36),
                  std::move(rasd));
  }
  const std::string ide0 = "\\83F8638B-8DCA-4152-9EDA-2CA8B33039B4\\0";
  const std::string ide1 = "\\83F8638B-8DCA-4152-9EDA-2CA8B33039B4\\1";
  const std::string scsi0 = "\\D422512D-2BF2-4752-809D-7B82B5FCB1B4\\0";
  std::vector<std::string> keys;
  for (const auto& [key, rasd] : rasds) keys.push_back(key);
  EXPECT_THAT(keys, ::testing::UnorderedElementsAre(
                        ide0, ide1, scsi0, ide0 + "\\0\\D", ide0 + "\\0\\L", ide1 + "\\0\\D",
                        ide1 + "\\0\\L", scsi0 + "\\3\\D", scsi0 + "\\3\\L",
                        "\\SyntheticEthernetPort\\0"));
  ASSERT_EQ(rasds.size(), 10u);

  EXPECT_EQ(Text(rasds[ide0], "ResourceType"), "5");
  EXPECT_EQ(Text(rasds[ide0], "ResourceSubType"), "Microsoft Emulated IDE Controller");
  EXPECT_EQ(Text(rasds[scsi0], "ResourceType"), "6");
  EXPECT_EQ(Text(rasds[scsi0], "ResourceSubType"), "Microsoft Synthetic SCSI Controller");

  const Instance& boot_drive = rasds[ide0 + "\\0\\D"];
  EXPECT_EQ(Text(boot_drive, "ResourceType"), "22");
  EXPECT_EQ(Text(boot_drive, "ResourceSubType"), "Microsoft Synthetic Disk Drive");
  EXPECT_EQ(Text(boot_drive, "Parent"), rasds[ide0].path().ToString());
  EXPECT_EQ(Text(boot_drive, "Address"), "0");
  const Instance& boot_disk = rasds[ide0 + "\\0\\L"];
  EXPECT_EQ(Text(boot_disk, "ResourceType"), "21");
  EXPECT_EQ(Text(boot_disk, "ResourceSubType"), "Microsoft Virtual Hard Disk");
  EXPECT_EQ(Text(boot_disk, "Parent"), boot_drive.path().ToString());
  EXPECT_EQ(Text(boot_disk, "Connection"), (temp_ / "disks/boot.vhd").string() + ";");

  EXPECT_EQ(Text(rasds[scsi0 + "\\3\\D"], "Parent"), rasds[scsi0].path().ToString());
  EXPECT_EQ(Text(rasds[scsi0 + "\\3\\D"], "Address"), "3");
  EXPECT_EQ(Text(rasds[scsi0 + "\\3\\L"], "Connection"), (temp_ / "disks/data.vhd").string() + ";");

  EXPECT_EQ(Text(rasds[ide1 + "\\0\\D"], "ResourceType"), "16");
  EXPECT_EQ(Text(rasds[ide1 + "\\0\\D"], "ResourceSubType"), "Microsoft Synthetic DVD Drive");
  EXPECT_EQ(Text(rasds[ide1 + "\\0\\L"], "ResourceSubType"), "Microsoft ISO Image");

  const Instance& nic = rasds["\\SyntheticEthernetPort\\0"];
  EXPECT_EQ(Text(nic, "ResourceType"), "10");
  EXPECT_EQ(Text(nic, "ResourceSubType"), "Microsoft Synthetic Ethernet Port");
  EXPECT_EQ(Text(nic, "Address"), "00155D0A0B0C");
  EXPECT_EQ(Text(nic, "Connection"), "External;");
  EXPECT_EQ(Text(nic, "StaticMacAddress"), "TRUE");
}

TEST_F(ProvidersTest, EveryInstanceIsFoundByItsKeys) {
  Guid id = DefineWeb01Guid();
  // A snapshot too, for its VSSD and its Msvm_PreviousSettingData.
  MethodResult snapshot = MustCall(ServicePath(), "CreateVirtualSystemSnapshot",
                                   {{"SourceSystem", Value::Reference(ComputerSystemPath(id))}});
  ASSERT_EQ(ReturnValue(snapshot), 4096u);
  ASSERT_EQ(WaitForJob(Out(snapshot, "Job")->AsReference()).state, JobState::kCompleted);
  // A job too: an import of an empty directory fails in its job.
  fs::create_directories(temp_ / "empty");
  MethodResult import = MustCall(ServicePath(), "ImportVirtualSystem",
                                 {{"ImportDirectory", Value::String((temp_ / "empty").string())},
                                  {"GenerateNewID", Value::Boolean(false)}});
  ASSERT_EQ(ReturnValue(import), 4096u);
  WaitForJob(Out(import, "Job")->AsReference());

  for (const char* class_name : kAllClasses) {
    std::vector<Instance> instances = Enumerate(class_name);
    if (std::string_view(class_name) != "Msvm_AffectedJobElement") {
      EXPECT_FALSE(instances.empty()) << class_name;
    }
    for (const Instance& instance : instances) {
      const ObjectPath& path = instance.path();
      EXPECT_TRUE(EqualsIgnoreCase(path.class_name(), class_name)) << path.ToString();
      EXPECT_EQ(path.name_space(), "root/virtualization") << path.ToString();
      EXPECT_FALSE(path.IsClassPath()) << path.ToString();
      for (const KeyBinding& key : path.keys()) {
        const Value* property = instance.Get(key.name);
        ASSERT_NE(property, nullptr) << path.ToString() << " lacks key property " << key.name;
        EXPECT_TRUE(*property == key.value) << path.ToString() << " " << key.name;
      }
      Instance fetched = MustGet(path);
      EXPECT_EQ(fetched.path(), path);
      EXPECT_EQ(fetched.properties().size(), instance.properties().size()) << path.ToString();
    }
  }
}

TEST_F(ProvidersTest, EveryAssociationReferenceResolves) {
  Guid id = DefineWeb01Guid();
  int references = 0;
  for (const char* class_name : {"Msvm_SettingsDefineState", "Msvm_VirtualSystemSettingDataComponent",
                                 "Msvm_AffectedJobElement"}) {
    for (const Instance& association : Enumerate(class_name)) {
      for (const Property& property : association.properties()) {
        ASSERT_EQ(property.value.type(), CimType::kReference) << class_name << "." << property.name;
        EXPECT_FALSE(property.reference_class.empty()) << class_name << "." << property.name;
        MustGet(property.value.AsReference());
        ++references;
      }
    }
  }
  // SettingsDefineState: 1 association; the component: global, memory, processor and 10 RASDs.
  EXPECT_EQ(references, 2 * (1 + 13));

  std::vector<Instance> defines = Enumerate("Msvm_SettingsDefineState");
  ASSERT_THAT(defines, SizeIs(1));
  EXPECT_EQ(defines[0].Get("ManagedElement")->AsReference().FindKey("Name")->AsString(),
            id.ToString());
  EXPECT_EQ(defines[0].Get("SettingData")->AsReference().FindKey("InstanceID")->AsString(),
            "Microsoft:" + id.ToString());
}

TEST_F(ProvidersTest, GetInstanceFindsSettingDataByLowerCaseGuid) {
  Guid id = DefineWeb01Guid();
  std::string lower = id.ToString();
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  ObjectPath path("root/virtualization", "Msvm_MemorySettingData",
                  {{"InstanceID", Value::String("Microsoft:" + lower +
                                                "\\4764334d-e001-4176-82ee-5594ec9b530e")}});
  EXPECT_EQ(Text(MustGet(path), "VirtualQuantity"), "2048");

  ObjectPath wrong_class = path;
  wrong_class.set_class_name("Msvm_ProcessorSettingData");
  CimResult<Instance> missing = Get(wrong_class);
  ASSERT_TRUE(IsError(missing));
  EXPECT_EQ(std::get<CimError>(missing).status, CimStatus::kNotFound);

  ObjectPath unknown("root/virtualization", "Msvm_VirtualSystemSettingData",
                     {{"InstanceID", Value::String("Microsoft:" + Guid::Generate().ToString())}});
  EXPECT_EQ(std::get<CimError>(Get(unknown)).status, CimStatus::kNotFound);
}

TEST_F(ProvidersTest, DefineWithUnreadableEmbeddedInstanceIsInvalidParameter) {
  MethodResult result = MustCall(ServicePath(), "DefineVirtualSystem",
                                 {{"SystemSettingData", Value::String("<INSTANCE broken")}});
  EXPECT_EQ(ReturnValue(result), 32773u);
  EXPECT_TRUE(result.out_parameters.empty());

  Instance unknown = Rasd("Msvm_ResourceAllocationSettingData", 17);
  result = MustCall(ServicePath(), "DefineVirtualSystem",
                    {{"ResourceSettingData", Value::StringArray({Embed(unknown)})}});
  EXPECT_EQ(ReturnValue(result), 32773u);
  EXPECT_THAT(Enumerate("Msvm_ComputerSystem"), SizeIs(1));
}

TEST_F(ProvidersTest, DefineWithMissingDiskAnswersTheServiceCode) {
  Instance disk = Rasd("Msvm_ResourceAllocationSettingData", 21);
  disk.Set("ResourceSubType", Value::String("Microsoft Virtual Hard Disk"));
  disk.Set("Connection", Value::StringArray({(temp_ / "missing.vhd").string()}));
  MethodResult result = MustCall(ServicePath(), "DefineVirtualSystem",
                                 {{"ResourceSettingData", Value::StringArray({Embed(disk)})}});
  EXPECT_EQ(ReturnValue(result), 32773u);
}

// --- ReadSystemDefinition: placement of drives -----------------------------------------------

TEST_F(ProvidersTest, StorageExtentsAlonePlaceDisksOnIdeThenScsi) {
  std::vector<std::string> resources;
  for (int i = 0; i < 5; ++i) {
    Instance disk = Rasd("Msvm_ResourceAllocationSettingData", 21);
    disk.Set("ResourceSubType", Value::String("Microsoft Virtual Hard Disk"));
    disk.Set("Connection", Value::StringArray({fmt::format("/disks/{}.vhd", i)}));
    resources.push_back(Embed(disk));
  }
  Result<SystemDefinition> definition = ReadSystemDefinition(codec_, std::nullopt, resources);
  ASSERT_TRUE(definition.ok()) << definition.error().ToString();
  EXPECT_EQ(definition->name, "New Virtual Machine");
  ASSERT_THAT(definition->drives, SizeIs(5));
  auto position = [](const Drive& d) {
    return fmt::format("{}{}/{}", d.controller == ControllerKind::kIde ? "IDE" : "SCSI",
                       d.controller_index, d.slot);
  };
  std::vector<std::string> positions;
  for (const Drive& drive : definition->drives) positions.push_back(position(drive));
  EXPECT_THAT(positions, ElementsAre("IDE0/0", "IDE0/1", "IDE1/0", "SCSI0/0", "SCSI0/1"));
  EXPECT_EQ(definition->scsi_controller_count, 1u);
  EXPECT_EQ(definition->drives[3].path, "/disks/3.vhd");
}

TEST_F(ProvidersTest, DriveWithoutStorageExtentIsInvalidParameter) {
  Instance drive = Rasd("Msvm_ResourceAllocationSettingData", 22);
  Result<SystemDefinition> definition =
      ReadSystemDefinition(codec_, std::nullopt, {Embed(drive)});
  ASSERT_FALSE(definition.ok());
  EXPECT_EQ(definition.error().code(), ReturnCode::kInvalidParameter);
  EXPECT_THAT(definition.error().message(), HasSubstr("ResourceSettingData[0]"));

  Instance orphan = Rasd("Msvm_ResourceAllocationSettingData", 21);
  orphan.Set("Connection", Value::StringArray({"/disks/a.vhd"}));
  orphan.Set("Parent", Value::String("no-such-drive"));
  definition = ReadSystemDefinition(codec_, std::nullopt, {Embed(orphan)});
  ASSERT_FALSE(definition.ok());
  EXPECT_THAT(definition.error().message(), HasSubstr("no-such-drive"));
}

TEST_F(ProvidersTest, EmptyDvdDriveAndDriveNamedByVsmInstanceId) {
  Instance dvd = Rasd("Msvm_ResourceAllocationSettingData", 16);
  Instance disk = Rasd("Msvm_ResourceAllocationSettingData", 21);
  disk.Set("Connection", Value::StringArray({"/disks/a.vhdx"}));
  SettingDataId drive_id{.kind = SettingDataId::Kind::kDrive, .system = Guid{},
                         .controller = ControllerKind::kScsi,
                         .controller_index = 1, .slot = 7};
  disk.Set("Parent", Value::String(SettingDataPath(drive_id).ToString()));
  Result<SystemDefinition> definition =
      ReadSystemDefinition(codec_, std::nullopt, {Embed(dvd), Embed(disk)});
  ASSERT_TRUE(definition.ok()) << definition.error().ToString();
  ASSERT_THAT(definition->drives, SizeIs(2));
  EXPECT_EQ(definition->drives[0].kind, DriveKind::kDvd);
  EXPECT_EQ(definition->drives[0].path, "");
  EXPECT_EQ(definition->drives[0].controller_index, 1u);  // IDE 1/0, as Hyper-V puts DVDs
  EXPECT_EQ(definition->drives[1].controller, ControllerKind::kScsi);
  EXPECT_EQ(definition->drives[1].controller_index, 1u);
  EXPECT_EQ(definition->drives[1].slot, 7u);
  EXPECT_EQ(definition->scsi_controller_count, 2u);
}

TEST(SettingDataIdTest, EveryFormRoundTrips) {
  Guid system = Guid::Generate();
  using Kind = SettingDataId::Kind;
  for (SettingDataId id : {
           SettingDataId{.kind = Kind::kVirtualSystem, .system = system},
           SettingDataId{.kind = Kind::kGlobal, .system = system},
           SettingDataId{.kind = Kind::kMemory, .system = system},
           SettingDataId{.kind = Kind::kProcessor, .system = system},
           SettingDataId{.kind = Kind::kController, .system = system,
                         .controller = ControllerKind::kScsi, .controller_index = 3},
           SettingDataId{.kind = Kind::kDrive, .system = system, .controller_index = 1, .slot = 1},
           SettingDataId{.kind = Kind::kMedia, .system = system,
                         .controller = ControllerKind::kScsi, .slot = 63},
           SettingDataId{.kind = Kind::kNetworkAdapter, .system = system, .adapter_index = 2},
       }) {
    std::string text = FormatSettingDataId(id);
    std::optional<SettingDataId> parsed = ParseSettingDataId(text);
    ASSERT_TRUE(parsed.has_value()) << text;
    EXPECT_EQ(*parsed, id) << text;
  }
  EXPECT_FALSE(ParseSettingDataId("Microsoft:not-a-guid").has_value());
  EXPECT_FALSE(ParseSettingDataId("Microsoft:" + system.ToString() + "\\Unknown").has_value());
  EXPECT_FALSE(ParseSettingDataId(system.ToString()).has_value());
}

// --- Methods on the system -------------------------------------------------------------------

TEST_F(ProvidersTest, RequestStateChangeIsNotSupported) {
  Guid id = DefineWeb01Guid();
  ObjectPath system = Enumerate("Msvm_SettingsDefineState")[0].Get("ManagedElement")->AsReference();
  MethodResult result =
      MustCall(system, "RequestStateChange", {{"RequestedState", Value::Uint16(2)}});
  EXPECT_EQ(ReturnValue(result), 32770u);
  EXPECT_EQ(Text(MustGet(system), "EnabledState"), "3");

  ObjectPath host = Enumerate("Msvm_ComputerSystem")[0].path();
  ASSERT_EQ(Text(MustGet(host), "Name"), kHost);
  EXPECT_EQ(ReturnValue(MustCall(host, "RequestStateChange", {{"RequestedState", Value::Uint16(3)}})),
            32770u);

  ObjectPath gone = system;
  gone.SetKey("Name", Value::String(Guid::Generate().ToString()));
  CimResult<MethodResult> missing = Call(gone, "RequestStateChange", {{"RequestedState", Value::Uint16(2)}});
  ASSERT_TRUE(IsError(missing));
  EXPECT_EQ(std::get<CimError>(missing).status, CimStatus::kNotFound);
  (void)id;
}

TEST_F(ProvidersTest, ModifyVirtualSystemRenames) {
  Guid id = DefineWeb01Guid();
  Instance vssd{"Msvm_VirtualSystemSettingData"};
  vssd.Set("ElementName", Value::String("web02"));
  MethodResult result = MustCall(
      ServicePath(), "ModifyVirtualSystem",
      {{"ComputerSystem", Value::Reference(Enumerate("Msvm_SettingsDefineState")[0]
                                               .Get("ManagedElement")
                                               ->AsReference())},
       {"SystemSettingData", Value::String(Embed(vssd))}});
  ASSERT_EQ(ReturnValue(result), 0u);
  const Value* modified = Out(result, "ModifiedSettingData");
  ASSERT_NE(modified, nullptr);
  Instance settings = MustGet(modified->AsReference());
  EXPECT_EQ(Text(settings, "ElementName"), "web02");
  EXPECT_EQ(Text(settings, "Notes"), "front end");
  EXPECT_EQ(Text(settings, "SystemName"), id.ToString());
}

TEST_F(ProvidersTest, DestroyVirtualSystemRemovesEveryInstance) {
  Guid id = DefineWeb01Guid();
  ObjectPath system = Enumerate("Msvm_SettingsDefineState")[0].Get("ManagedElement")->AsReference();
  MethodResult result =
      MustCall(ServicePath(), "DestroyVirtualSystem", {{"ComputerSystem", Value::Reference(system)}});
  ASSERT_EQ(ReturnValue(result), 0u);
  EXPECT_EQ(std::get<CimError>(Get(system)).status, CimStatus::kNotFound);
  EXPECT_THAT(Enumerate("Msvm_ComputerSystem"), SizeIs(1));
  EXPECT_TRUE(Enumerate("Msvm_ResourceAllocationSettingData").empty());
  EXPECT_TRUE(Enumerate("Msvm_VirtualSystemSettingDataComponent").empty());
  // Again: the service's answer for an unknown system.
  result = MustCall(ServicePath(), "DestroyVirtualSystem", {{"ComputerSystem", Value::Reference(system)}});
  EXPECT_EQ(ReturnValue(result), 32773u);
  (void)id;
}

TEST_F(ProvidersTest, ExportWithUnparsableComputerSystemIsInvalidParameter) {
  ObjectPath not_a_vm = HostComputerSystemPath(std::string(kHost));
  MethodResult result = MustCall(ServicePath(), "ExportVirtualSystem",
                                 {{"ComputerSystem", Value::Reference(not_a_vm)},
                                  {"CopyVmState", Value::Boolean(true)},
                                  {"ExportDirectory", Value::String((temp_ / "exports").string())}});
  EXPECT_EQ(ReturnValue(result), 32773u);
  EXPECT_TRUE(result.out_parameters.empty());
  result = MustCall(ServicePath(), "ExportVirtualSystem",
                    {{"ExportDirectory", Value::String((temp_ / "exports").string())}});
  EXPECT_EQ(ReturnValue(result), 32773u);
}

TEST_F(ProvidersTest, ExportStartsAJobThatAffectsTheSystem) {
  Guid id = DefineWeb01Guid();
  ObjectPath system = ComputerSystemPath(id);
  MethodResult result = MustCall(ServicePath(), "ExportVirtualSystem",
                                 {{"ComputerSystem", Value::Reference(system)},
                                  {"CopyVmState", Value::Boolean(true)},
                                  {"ExportDirectory", Value::String((temp_ / "exports").string())}});
  ASSERT_EQ(ReturnValue(result), 4096u);
  const Value* job_reference = Out(result, "Job");
  ASSERT_NE(job_reference, nullptr);
  const ObjectPath& job_path = job_reference->AsReference();
  JobRecord record = WaitForJob(job_path);
  EXPECT_EQ(record.state, JobState::kCompleted) << record.error_description;

  Instance job = MustGet(job_path);
  EXPECT_EQ(Text(job, "JobState"), "7");
  EXPECT_EQ(Text(job, "JobStatus"), "Completed");
  EXPECT_EQ(Text(job, "ErrorCode"), "0");
  EXPECT_EQ(Text(job, "ErrorDescription"), "<null>");
  EXPECT_EQ(Text(job, "OperationalStatus"), "2;");
  EXPECT_EQ(Text(job, "HealthState"), "5");
  EXPECT_EQ(Text(job, "PercentComplete"), "100");
  EXPECT_EQ(Text(job, "JobType"), "62");

  MethodResult error = MustCall(job_path, "GetError", {});
  EXPECT_EQ(ReturnValue(error), 0u);
  EXPECT_TRUE(error.out_parameters.empty());
  EXPECT_EQ(ReturnValue(MustCall(job_path, "RequestStateChange",
                                 {{"RequestedState", Value::Uint16(4)}}, kReader)),
            32769u);

  std::vector<Instance> affected = Enumerate("Msvm_AffectedJobElement");
  ASSERT_THAT(affected, SizeIs(1));
  EXPECT_EQ(affected[0].Get("AffectedElement")->AsReference(), system);
  EXPECT_EQ(affected[0].Get("AffectingElement")->AsReference(), job_path);
  EXPECT_EQ(MustGet(affected[0].path()).path(), affected[0].path());
}

// --- Snapshots --------------------------------------------------------------------------------

TEST_F(ProvidersTest, SnapshotsAreSettingDataOfTypeFiveLinkedByPreviousSettingData) {
  Guid id = DefineWeb01Guid();
  ObjectPath system = ComputerSystemPath(id);
  MethodResult first = MustCall(ServicePath(), "CreateVirtualSystemSnapshot",
                                {{"SourceSystem", Value::Reference(system)}});
  ASSERT_EQ(ReturnValue(first), 4096u);
  ASSERT_NE(Out(first, "Job"), nullptr);
  ASSERT_NE(Out(first, "SnapshotSettingData"), nullptr);
  JobRecord job = WaitForJob(Out(first, "Job")->AsReference());
  ASSERT_EQ(job.state, JobState::kCompleted) << job.error_description;
  EXPECT_EQ(job.type, JobType::kCreateSnapshot);
  ObjectPath first_path = Out(first, "SnapshotSettingData")->AsReference();

  MethodResult second = MustCall(ServicePath(), "CreateVirtualSystemSnapshot",
                                 {{"SourceSystem", Value::Reference(system)},
                                  {"ElementName", Value::String("before upgrade")}});
  ASSERT_EQ(ReturnValue(second), 4096u);
  ASSERT_EQ(WaitForJob(Out(second, "Job")->AsReference()).state, JobState::kCompleted);
  ObjectPath second_path = Out(second, "SnapshotSettingData")->AsReference();

  Instance root = MustGet(first_path);
  EXPECT_EQ(Text(root, "SettingType"), "5");
  EXPECT_EQ(Text(root, "SystemName"), id.ToString());
  EXPECT_THAT(Text(root, "ElementName"), ::testing::StartsWith("web01 - ("));
  EXPECT_EQ(Text(root, "Parent"), "<null>");
  EXPECT_THAT(Text(root, "InstanceID"), ::testing::StartsWith("Microsoft:"));
  Instance child = MustGet(second_path);
  EXPECT_EQ(Text(child, "ElementName"), "before upgrade");
  EXPECT_EQ(Text(child, "Parent"), first_path.ToString());

  // The system's own VSSD stays SettingType 3, its Parent the snapshot it now derives from;
  // the enumeration gives all three.
  EXPECT_EQ(Text(MustGet(VirtualSystemSettingDataPath(id)), "SettingType"), "3");
  EXPECT_EQ(Text(MustGet(VirtualSystemSettingDataPath(id)), "Parent"), second_path.ToString());
  EXPECT_THAT(Enumerate("Msvm_VirtualSystemSettingData"), SizeIs(3));

  std::vector<Instance> previous = Enumerate("Msvm_PreviousSettingData");
  ASSERT_THAT(previous, SizeIs(2));
  for (const Instance& link : previous) {
    EXPECT_EQ(link.Get("ManagedElement")->AsReference(), system);
    MustGet(link.Get("SettingData")->AsReference());
    EXPECT_EQ(MustGet(link.path()).path(), link.path());
  }
  auto from_system = ProviderFor("Msvm_PreviousSettingData").InstancesReferencing(Context(kAdministrator), system);
  ASSERT_FALSE(IsError(from_system));
  EXPECT_THAT(std::get<std::vector<Instance>>(from_system), SizeIs(2));
  auto from_snapshot =
      ProviderFor("Msvm_PreviousSettingData").InstancesReferencing(Context(kAdministrator), second_path);
  ASSERT_FALSE(IsError(from_snapshot));
  EXPECT_THAT(std::get<std::vector<Instance>>(from_snapshot), SizeIs(1));
}

TEST_F(ProvidersTest, ApplyAndRemoveSnapshotStartJobs) {
  Guid id = DefineWeb01Guid();
  ObjectPath system = ComputerSystemPath(id);
  MethodResult created = MustCall(ServicePath(), "CreateVirtualSystemSnapshot",
                                  {{"SourceSystem", Value::Reference(system)}});
  ASSERT_EQ(WaitForJob(Out(created, "Job")->AsReference()).state, JobState::kCompleted);
  Value snapshot = *Out(created, "SnapshotSettingData");

  MethodResult applied = MustCall(ServicePath(), "ApplyVirtualSystemSnapshot",
                                  {{"ComputerSystem", Value::Reference(system)},
                                   {"SnapshotSettingData", snapshot}});
  ASSERT_EQ(ReturnValue(applied), 4096u);
  JobRecord apply_job = WaitForJob(Out(applied, "Job")->AsReference());
  EXPECT_EQ(apply_job.state, JobState::kCompleted) << apply_job.error_description;
  EXPECT_EQ(apply_job.type, JobType::kApplySnapshot);

  MethodResult removed = MustCall(ServicePath(), "RemoveVirtualSystemSnapshot",
                                  {{"SnapshotSettingData", snapshot}});
  ASSERT_EQ(ReturnValue(removed), 4096u);
  JobRecord remove_job = WaitForJob(Out(removed, "Job")->AsReference());
  EXPECT_EQ(remove_job.state, JobState::kCompleted) << remove_job.error_description;
  EXPECT_EQ(Get(snapshot.AsReference()).index(), 1u);  // CimError: gone
  EXPECT_THAT(Enumerate("Msvm_PreviousSettingData"), SizeIs(0));
}

TEST_F(ProvidersTest, SnapshotMethodsAnswerTheServiceCodes) {
  Guid id = DefineWeb01Guid();
  EXPECT_EQ(ReturnValue(MustCall(ServicePath(), "CreateVirtualSystemSnapshot", {})), 32773u);
  EXPECT_EQ(ReturnValue(MustCall(ServicePath(), "CreateVirtualSystemSnapshot",
                                 {{"SourceSystem", Value::Reference(ComputerSystemPath(Guid::Generate()))}})),
            32773u);
  EXPECT_EQ(ReturnValue(MustCall(ServicePath(), "RemoveVirtualSystemSnapshot", {})), 32773u);
  ObjectPath unknown = VirtualSystemSettingDataPath(Guid::Generate());
  EXPECT_EQ(ReturnValue(MustCall(ServicePath(), "ApplyVirtualSystemSnapshot",
                                 {{"SnapshotSettingData", Value::Reference(unknown)}})),
            32773u);
  // A reference to a class that is no VSSD is refused, naming it.
  MethodResult wrong = MustCall(ServicePath(), "RemoveVirtualSystemSnapshot",
                                {{"SnapshotSettingData", Value::Reference(ComputerSystemPath(id))}});
  EXPECT_EQ(ReturnValue(wrong), 32773u);
  SystemDefinition running = **service_.FindSystem(id);
  running.enabled_state = EnabledState::kEnabled;
  ASSERT_TRUE(repository_.UpdateSystem(running).ok());
  EXPECT_EQ(ReturnValue(MustCall(ServicePath(), "CreateVirtualSystemSnapshot",
                                 {{"SourceSystem", Value::Reference(ComputerSystemPath(id))}})),
            32775u);
}

// --- Import and the job ----------------------------------------------------------------------

TEST_F(ProvidersTest, ImportOfMissingDirectoryIsInvalidParameterWithoutJob) {
  MethodResult result =
      MustCall(ServicePath(), "ImportVirtualSystem",
               {{"ImportDirectory", Value::String((temp_ / "missing").string())},
                {"GenerateNewID", Value::Boolean(true)}});
  EXPECT_EQ(ReturnValue(result), 32773u);
  EXPECT_TRUE(result.out_parameters.empty());

  result = MustCall(ServicePath(), "ImportVirtualSystem",
                    {{"ImportDirectory", Value::Null(CimType::kString)}});
  EXPECT_EQ(ReturnValue(result), 32773u);
  EXPECT_TRUE(Enumerate("Msvm_ConcreteJob").empty());
}

TEST_F(ProvidersTest, ImportOfDirectoryWithoutPackageFailsInItsJob) {
  fs::create_directories(temp_ / "empty");
  MethodResult result = MustCall(ServicePath(), "ImportVirtualSystem",
                                 {{"ImportDirectory", Value::String((temp_ / "empty").string())},
                                  {"GenerateNewID", Value::String("false")}});
  ASSERT_EQ(ReturnValue(result), 4096u);
  const Value* job_reference = Out(result, "Job");
  ASSERT_NE(job_reference, nullptr);
  ASSERT_EQ(job_reference->type(), CimType::kReference);
  const ObjectPath& job_path = job_reference->AsReference();
  EXPECT_EQ(job_path.class_name(), "Msvm_ConcreteJob");
  EXPECT_EQ(job_path.name_space(), "root/virtualization");
  EXPECT_TRUE(job_path.host().empty());
  ASSERT_THAT(job_path.keys(), SizeIs(1));
  EXPECT_EQ(job_path.keys()[0].name, "InstanceID");

  WaitForJob(job_path);
  Instance job = MustGet(job_path);
  EXPECT_EQ(Text(job, "JobState"), "10");
  EXPECT_EQ(Text(job, "JobStatus"), "Exception");
  EXPECT_EQ(Text(job, "ErrorCode"), "32773");
  EXPECT_NE(Text(job, "ErrorDescription"), "<null>");
  EXPECT_NE(Text(job, "ErrorSummaryDescription"), "<null>");
  EXPECT_EQ(Text(job, "OperationalStatus"), "6;");
  EXPECT_EQ(Text(job, "HealthState"), "25");
  EXPECT_EQ(Text(job, "Name"), "ImportVirtualSystem");
  EXPECT_EQ(Text(job, "JobType"), "61");
  EXPECT_EQ(Text(job, "Owner"), "root");
  EXPECT_EQ(Text(job, "DeleteOnCompletion"), "FALSE");
  EXPECT_EQ(Text(job, "TimeBeforeRemoval"), "00000000000500.000000:000");
  EXPECT_THAT(Text(job, "ElapsedTime"), ::testing::EndsWith(":000"));
  EXPECT_THAT(Text(job, "Description"), HasSubstr("empty"));

  MethodResult error = MustCall(job_path, "GetError", {});
  EXPECT_EQ(ReturnValue(error), 0u);
  const Value* text = Out(error, "Error");
  ASSERT_NE(text, nullptr);
  EXPECT_EQ(text->AsString(), Text(job, "ErrorDescription"));

  // A finished job cannot be terminated.
  MethodResult terminate = MustCall(job_path, "RequestStateChange", {{"RequestedState", Value::Uint16(4)}});
  EXPECT_EQ(ReturnValue(terminate), 32775u);

  // Polled again, the finished job (now built once and kept) is the same instance, property for
  // property, as the one an enumeration builds afresh.
  Instance again = MustGet(job_path);
  std::vector<Instance> listed = Enumerate("Msvm_ConcreteJob");
  ASSERT_THAT(listed, SizeIs(1));
  ASSERT_EQ(again.properties().size(), job.properties().size());
  for (const auto& property : job.properties()) {
    EXPECT_EQ(Text(again, property.name), Text(job, property.name)) << property.name;
    EXPECT_EQ(Text(listed[0], property.name), Text(job, property.name)) << property.name;
  }
}

TEST_F(ProvidersTest, UnknownJobIsNotFound) {
  ObjectPath path("root/virtualization", "Msvm_ConcreteJob",
                  {{"InstanceID", Value::String(Guid::Generate().ToString())}});
  EXPECT_EQ(std::get<CimError>(Get(path)).status, CimStatus::kNotFound);
  CimResult<MethodResult> call = Call(path, "GetError", {});
  ASSERT_TRUE(IsError(call));
  EXPECT_EQ(std::get<CimError>(call).status, CimStatus::kNotFound);
}

// --- Roles, unknown methods, failures --------------------------------------------------------

TEST_F(ProvidersTest, ReaderMayReadButNotCall) {
  fs::create_directories(temp_ / "empty");
  MethodResult result = MustCall(ServicePath(), "ImportVirtualSystem",
                                 {{"ImportDirectory", Value::String((temp_ / "empty").string())},
                                  {"GenerateNewID", Value::Boolean(false)}},
                                 kReader);
  EXPECT_EQ(ReturnValue(result), 32769u);
  EXPECT_TRUE(result.out_parameters.empty());
  EXPECT_TRUE(Enumerate("Msvm_ConcreteJob").empty());
  result = MustCall(ServicePath(), "DefineVirtualSystem",
                    {{"SystemSettingData", Value::String("garbage")}}, kReader);
  EXPECT_EQ(ReturnValue(result), 32769u);
  CimResult<Instance> service = Get(ServicePath(), kReader);
  EXPECT_FALSE(IsError(service));
}

TEST_F(ProvidersTest, UnknownMethodIsNotSupported) {
  MethodResult result = MustCall(ServicePath(), "ImportVirtualSystemEx", {});
  EXPECT_EQ(ReturnValue(result), 32770u);
}

TEST_F(ProvidersTest, CatalogueFailureIsCimErrFailedWithTheMessage) {
  Guid id = DefineWeb01Guid();
  ObjectPath service = ServicePath();
  repository_.set_failing(true);
  for (const char* class_name : kAllClasses) {
    if (std::string_view(class_name) == "Msvm_VirtualSystemManagementService") continue;
    if (std::string_view(class_name) == "Msvm_ConcreteJob") continue;  // live jobs are in memory
    CimResult<std::vector<Instance>> result =
        ProviderFor(class_name).EnumerateInstances(Context(kAdministrator));
    ASSERT_TRUE(IsError(result)) << class_name;
    EXPECT_EQ(std::get<CimError>(result).status, CimStatus::kFailed) << class_name;
    EXPECT_THAT(std::get<CimError>(result).description, HasSubstr("vsm.db")) << class_name;
  }
  CimResult<Instance> system = Get(ObjectPath(
      "root/virtualization", "Msvm_ComputerSystem",
      {{"CreationClassName", Value::String("Msvm_ComputerSystem")},
       {"Name", Value::String(id.ToString())}}));
  ASSERT_TRUE(IsError(system));
  EXPECT_EQ(std::get<CimError>(system).status, CimStatus::kFailed);
  // A method's failure stays a return value.
  MethodResult destroy = MustCall(
      service, "DestroyVirtualSystem",
      {{"ComputerSystem", Value::Reference(ObjectPath(
                              "root/virtualization", "Msvm_ComputerSystem",
                              {{"CreationClassName", Value::String("Msvm_ComputerSystem")},
                               {"Name", Value::String(id.ToString())}}))}});
  EXPECT_EQ(ReturnValue(destroy), 32768u);
  repository_.set_failing(false);
}

}  // namespace
}  // namespace vsm::cim
