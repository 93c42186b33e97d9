#include "support/qemu_disks.h"

#include <gtest/gtest.h>

#include "support/temp_dir.h"

namespace vsm::testing {

std::string QemuFormat(QemuDiskKind kind) {
  return kind == QemuDiskKind::kVhdDynamic || kind == QemuDiskKind::kVhdFixed ? "vpc" : "vhdx";
}

bool MakeQemuDisk(const std::filesystem::path& path, QemuDiskKind kind, uint64_t size_mb,
                  uint8_t pattern) {
  std::string options;
  switch (kind) {
    case QemuDiskKind::kVhdDynamic: options = "subformat=dynamic"; break;
    case QemuDiskKind::kVhdFixed: options = "subformat=fixed,force_size=on"; break;
    case QemuDiskKind::kVhdxDynamic: options = "subformat=dynamic"; break;
    case QemuDiskKind::kVhdxFixed: options = "subformat=fixed"; break;
  }
  std::string format = QemuFormat(kind);
  std::string output;
  std::string create = "qemu-img create -q -f " + format + " -o " + options + " " +
                       ShellQuote(path.string()) + " " + std::to_string(size_mb) + "M";
  if (RunCommand(create, &output) != 0) {
    ADD_FAILURE() << create << ": " << output;
    return false;
  }
  if (pattern != 0) {
    std::string write = "qemu-io -f " + format + " -c 'write -P " + std::to_string(pattern) +
                        " 0 1M' " + ShellQuote(path.string());
    if (RunCommand(write, &output) != 0) {
      ADD_FAILURE() << write << ": " << output;
      return false;
    }
  }
  return true;
}

bool QemuCheck(const std::filesystem::path& path, QemuDiskKind kind) {
  std::string output;
  int status = RunCommand("qemu-img check -f " + QemuFormat(kind) + " " + ShellQuote(path.string()),
                          &output);
  // vpc has no consistency check in qemu ("This image format does not support checks", status 63).
  if (status != 0 && output.find("does not support checks") == std::string::npos) {
    ADD_FAILURE() << "qemu-img check " << path << ": " << output;
    return false;
  }
  return true;
}

bool QemuCompare(const std::filesystem::path& a, const std::filesystem::path& b, QemuDiskKind kind) {
  std::string output;
  std::string format = QemuFormat(kind);
  int status = RunCommand("qemu-img compare -f " + format + " -F " + format + " " +
                              ShellQuote(a.string()) + " " + ShellQuote(b.string()),
                          &output);
  if (status != 0) ADD_FAILURE() << "qemu-img compare " << a << " " << b << ": " << output;
  return status == 0;
}

}  // namespace vsm::testing
