// Real virtual hard disks for tests, made by qemu-img (and written to by qemu-io), so that test
// inputs come from an independent tool rather than from vsm's own writer.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace vsm::testing {

enum class QemuDiskKind { kVhdDynamic, kVhdFixed, kVhdxDynamic, kVhdxFixed };

// Creates a disk of `size_mb` MiB at `path`, and if `pattern` is non-zero writes `pattern` into
// its first MiB with qemu-io. Fails the current test (ADD_FAILURE) and returns false on error.
bool MakeQemuDisk(const std::filesystem::path& path, QemuDiskKind kind, uint64_t size_mb,
                  uint8_t pattern = 0);

// qemu-img's format name for a disk kind: "vpc" or "vhdx".
std::string QemuFormat(QemuDiskKind kind);

// `qemu-img check` passes on the disk.
bool QemuCheck(const std::filesystem::path& path, QemuDiskKind kind);

// `qemu-img compare` finds the two disks' contents identical.
bool QemuCompare(const std::filesystem::path& a, const std::filesystem::path& b, QemuDiskKind kind);

}  // namespace vsm::testing
