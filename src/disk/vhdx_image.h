// Inspection of a VHDX file (fixed, dynamic or differencing): headers, region table, metadata
// and BAT. Internal to disk/; InspectDisk is the public entry. Thread-safe (no state).
#pragma once

#include "core/result.h"
#include "disk/disk_file.h"
#include "disk/disk_image.h"

namespace vsm::disk {

// Validates `file` as a VHDX and describes it. Checks the "vhdxfile" signature; both headers
// (at least one valid, the higher sequence number wins, no log waiting for replay); the region
// table (the first valid copy); that the log, BAT and metadata regions lie inside the file; the
// metadata (see ReadVhdxMetadata); that the BAT is large enough for the virtual size and every
// present block lies inside the file; for a differencing disk, that it names its parent
// (relative_path, then absolute_win32_path, then volume_path).
// Errors: kInvalidParameter "'<path>' is not a valid VHDX: <what is wrong>", or "'<path>' needs
// log replay; ...".
Result<DiskInfo> InspectVhdx(const DiskFile& file);

}  // namespace vsm::disk
