// DiskLayer::Open: the format comes from the content (InspectDisk), then the format's layer.
#include "disk/disk_layer.h"

#include "disk/vhd_layer.h"
#include "disk/vhdx_layer.h"

namespace vsm::disk {

bool IsVhdxFormat(DiskFormat format) {
  return format == DiskFormat::kVhdxFixed || format == DiskFormat::kVhdxDynamic ||
         format == DiskFormat::kVhdxDifferencing;
}

Result<std::unique_ptr<DiskLayer>> DiskLayer::Open(const std::filesystem::path& path,
                                                   Access access) {
  VSM_ASSIGN_OR_RETURN(DiskInfo info, InspectDisk(path));
  if (IsVhdxFormat(info.format)) return OpenVhdxLayer(path, access);
  return OpenVhdLayer(path, access);
}

}  // namespace vsm::disk
