// SystemView and JobView: what the CLI shows of a virtual system (an Msvm_ComputerSystem with its
// setting data) and of a job (an Msvm_ConcreteJob), read from the instances vsmd sends. Pure
// conversions, so that the table and JSON printers never touch CIM. Value types.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cim/instance.h"

namespace vsm::cli {

inline constexpr std::string_view kVirtualMachineCaption = "Virtual Machine";

struct DriveView {
  std::string type;  // "disk" (a VHD/VHDX) or "dvd" (an ISO image)
  std::string path;
};

struct NetworkAdapterView {
  std::string switch_name;  // "" = not connected
  std::string mac_address;
  bool static_mac = false;
};

struct SystemView {
  std::string id;  // Msvm_ComputerSystem.Name, the GUID
  std::string name;
  uint16_t state_code = 0;  // EnabledState
  std::string state;        // "Off", "Running", ...
  // From the setting data; absent until ApplySettings has seen them.
  std::optional<uint64_t> memory_mb;
  std::optional<uint64_t> cpus;
  std::string notes;
  std::string creation_time;  // ISO 8601, "" if unknown
  std::vector<DriveView> drives;
  std::vector<NetworkAdapterView> network_adapters;
};

// A name for an EnabledState number: "Running", "Off", "Paused", "Saved", ... ("Unknown" else).
std::string EnabledStateName(uint16_t state);

// True if `instance` is a virtual machine rather than the host (Caption "Virtual Machine"; an
// instance without Caption counts as a virtual machine).
bool IsVirtualMachine(const cim::Instance& computer_system);

// The identity and state of an Msvm_ComputerSystem.
SystemView SystemViewFromComputerSystem(const cim::Instance& computer_system);

// Fills memory, processors, drives and adapters from the setting data of the system:
// Msvm_VirtualSystemSettingData (notes, creation time), Msvm_MemorySettingData,
// Msvm_ProcessorSettingData and Msvm_ResourceAllocationSettingData instances (disk and ISO
// images are ResourceType 21, Ethernet ports ResourceType 10). Other instances are ignored.
void ApplySettings(const std::vector<cim::Instance>& settings, SystemView& view);

struct JobView {
  std::string id;  // InstanceID
  std::string type;         // "ImportVirtualSystem", ... ("" if vsmd does not say)
  uint16_t state_code = 0;  // JobState
  std::string state;        // "Running", "Completed", ...
  uint16_t percent_complete = 0;
  uint32_t error_code = 0;
  std::string error_name;  // ReturnCodeName of error_code; "" when error_code is 0
  std::string error_description;
  std::string description;     // "Importing virtual system from '/exports/vm1'"
  std::string time_submitted;  // ISO 8601
  double elapsed_seconds = 0;  // ElapsedTime: how long the job has run (or ran), in vsmd's clock
  bool cancellable = false;
  std::string affected_system;  // the GUID of the system the job worked on, "" if unknown

  bool IsFinished() const;
  bool Succeeded() const { return state_code == 7 && error_code == 0; }
};

// A name for a JobState number ("Unknown" for numbers CIM does not define).
std::string JobStateNameFor(uint16_t state);

JobView JobViewFromInstance(const cim::Instance& job);

// "<CodeName> (<number>): <description>" for a failed job, e.g.
// "InvalidParameter (32773): ImportDirectory '/x' is not a directory". A job that ended without
// an error code (cancelled) reads "<JobState> (job <id>): <description or 'cancelled'>".
std::string JobFailureText(const JobView& job);

}  // namespace vsm::cli
