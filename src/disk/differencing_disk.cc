// CreateDifferencingDisk / RepointParent: check what both formats share, then the format's code.
#include "disk/differencing_disk.h"

#include <fmt/format.h>

#include "disk/disk_image.h"
#include "disk/disk_layer.h"
#include "disk/vhd_differencing.h"
#include "disk/vhdx_differencing.h"

namespace vsm::disk {

Result<void> CreateDifferencingDisk(const std::filesystem::path& child,
                                    const std::filesystem::path& parent) {
  VSM_ASSIGN_OR_RETURN(DiskInfo info, InspectDisk(parent));
  if (IsVhdxFormat(info.format)) return CreateVhdxDifferencing(child, parent);
  return CreateVhdDifferencing(child, parent);
}

Result<void> RepointParent(const std::filesystem::path& child,
                           const std::filesystem::path& new_parent, ParentPathStyle style) {
  VSM_ASSIGN_OR_RETURN(DiskInfo child_info, InspectDisk(child));
  if (!child_info.has_parent) {
    return Error::InvalidParameter(
        fmt::format("'{}' is a {} disk, not a differencing disk: it has no parent to re-point",
                    child.string(), DiskFormatName(child_info.format)));
  }
  VSM_ASSIGN_OR_RETURN(DiskInfo parent_info, InspectDisk(new_parent));
  if (IsVhdxFormat(child_info.format) != IsVhdxFormat(parent_info.format)) {
    return Error::InvalidParameter(
        fmt::format("'{}' ({}) cannot have '{}' ({}) as its parent: a chain keeps one format",
                    child.string(), DiskFormatName(child_info.format), new_parent.string(),
                    DiskFormatName(parent_info.format)));
  }
  if (IsVhdxFormat(child_info.format)) return RepointVhdxParent(child, new_parent, style);
  return RepointVhdParent(child, new_parent, style);
}

}  // namespace vsm::disk
