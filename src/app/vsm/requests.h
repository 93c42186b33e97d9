// What each command sends: the command-line arguments turned into the parameters of the
// Msvm_VirtualSystemManagementService methods (DefineVirtualSystem's embedded setting data,
// ExportVirtualSystem, ImportVirtualSystem, DestroyVirtualSystem, the three snapshot methods)
// and of Msvm_ConcreteJob.RequestStateChange. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cim/instance.h"
#include "cim/object_path.h"
#include "cim/operation.h"
#include "cim/provider.h"
#include "core/result.h"

namespace vsm::cli {

inline constexpr std::string_view kManagementServiceClass = "Msvm_VirtualSystemManagementService";
inline constexpr std::string_view kComputerSystemClass = "Msvm_ComputerSystem";
inline constexpr std::string_view kConcreteJobClass = "Msvm_ConcreteJob";

// `path` made absolute against `cwd` (the directory vsm runs in) and lexically normalised: vsmd
// resolves nothing relative to the client.
std::filesystem::path MakeAbsolute(const std::filesystem::path& path,
                                   const std::filesystem::path& cwd);

// `--nic SWITCH[=MAC]`. The MAC may be written with ':' or '-' separators or none; it is
// returned as 12 upper-case hex digits ("00155D0A0B0C"), or "" when absent (vsmd then assigns a
// dynamic one). kInvalidParameter for an empty switch or a malformed MAC.
struct NicSpec {
  std::string switch_name;
  std::string mac_address;
};
Result<NicSpec> ParseNicSpec(std::string_view text);

// `vsm define` as typed.
struct DefineOptions {
  std::string name;
  std::optional<uint64_t> memory_mb;  // unset: vsmd's default
  std::optional<uint64_t> cpus;
  std::vector<std::string> disks;  // VHD/VHDX paths, as typed
  std::optional<std::string> dvd;  // ISO path, as typed
  std::vector<std::string> nics;   // SWITCH[=MAC]
  std::string notes;
};

// DefineVirtualSystem's inputs before they are embedded: the Msvm_VirtualSystemSettingData and
// one setting per resource (memory, processors, each disk, the ISO, each adapter), in that order.
struct DefineRequest {
  cim::Instance system_settings;
  std::vector<cim::Instance> resource_settings;
};

// kInvalidParameter (a usage error) for an empty or over-long name (more than 100 characters),
// zero memory or processors, or a bad --nic. Paths are made absolute against `cwd`.
Result<DefineRequest> BuildDefineRequest(const DefineOptions& options,
                                         const std::filesystem::path& cwd);

// SystemSettingData (string: the embedded instance) and ResourceSettingData (string[]).
std::vector<cim::NamedValue> DefineParameters(const DefineRequest& request,
                                              const cim::EmbeddedInstanceCodec& codec);

// ExportVirtualSystem(ComputerSystem REF, CopyVmState, ExportDirectory); `config_only` clears
// CopyVmState. REQUIRES: export_directory is absolute.
std::vector<cim::NamedValue> ExportParameters(const cim::ObjectPath& system,
                                              const std::filesystem::path& export_directory,
                                              bool config_only);

// ImportVirtualSystem(ImportDirectory, GenerateNewID). REQUIRES: import_directory is absolute.
std::vector<cim::NamedValue> ImportParameters(const std::filesystem::path& import_directory,
                                              bool generate_new_id);

// DestroyVirtualSystem(ComputerSystem REF).
std::vector<cim::NamedValue> DestroyParameters(const cim::ObjectPath& system);

// `vsm snapshot create --name`: kInvalidParameter (a usage error) for a name vsmd would refuse
// with 32773: empty, over 100 characters, "." or "..", a control character or a '/'.
Result<void> CheckSnapshotName(std::string_view name);

// CreateVirtualSystemSnapshot(SourceSystem REF, ElementName); ElementName is sent only when
// `name` is set (vsmd then names the snapshot as Hyper-V does, "<system> - (<local time>)").
std::vector<cim::NamedValue> CreateSnapshotParameters(const cim::ObjectPath& system,
                                                      const std::optional<std::string>& name);

// ApplyVirtualSystemSnapshot(ComputerSystem REF, SnapshotSettingData REF).
std::vector<cim::NamedValue> ApplySnapshotParameters(const cim::ObjectPath& system,
                                                     const cim::ObjectPath& snapshot);

// RemoveVirtualSystemSnapshot(SnapshotSettingData REF).
std::vector<cim::NamedValue> RemoveSnapshotParameters(const cim::ObjectPath& snapshot);

// Msvm_ConcreteJob.RequestStateChange(RequestedState = 4, Terminate): cancels the job.
inline constexpr uint16_t kJobRequestTerminate = 4;
std::vector<cim::NamedValue> CancelJobParameters();

// The path of the Msvm_ConcreteJob with InstanceID `job_id` in root/virtualization.
cim::ObjectPath JobPath(std::string_view job_id);

}  // namespace vsm::cli
