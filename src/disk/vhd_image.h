// Inspection of a VHD file (fixed, dynamic or differencing): footer, dynamic header, BAT and
// parent locators. Internal to disk/; InspectDisk is the public entry. Thread-safe (no state).
#pragma once

#include "core/result.h"
#include "disk/disk_file.h"
#include "disk/disk_image.h"

namespace vsm::disk {

// Validates `file` as a VHD and describes it. Checks the footer at the end (cookie, checksum,
// type, size); for a fixed disk that the data is all there; for a dynamic or differencing disk
// the dynamic header (cookie, checksum, block size), that the BAT lies inside the file and
// covers the virtual size, that every allocated block lies inside the file, and for a
// differencing disk that it names its parent (W2ru, then W2ku locator, then parent name).
// Errors: kInvalidParameter "'<path>' is not a valid VHD: <what is wrong>".
Result<DiskInfo> InspectVhd(const DiskFile& file);

}  // namespace vsm::disk
