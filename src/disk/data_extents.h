// FindDataExtents: where a file's data is, as the file system reports it (SEEK_DATA/SEEK_HOLE).
// What lies between extents is a hole and reads as zeros. A file system that cannot tell reports
// the whole file as one extent. Thread-safe (no state).
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include "core/result.h"

namespace vsm::disk {

struct DataExtent {
  uint64_t offset = 0;
  uint64_t length = 0;
};

// The data extents of the first `size_bytes` bytes of `fd` (open on `path`), in order, not
// overlapping, clipped to size_bytes. Errors: ErrorFromErrno's for a failed seek.
Result<std::vector<DataExtent>> FindDataExtents(int fd, const std::filesystem::path& path,
                                                uint64_t size_bytes);

uint64_t TotalLength(const std::vector<DataExtent>& extents);

}  // namespace vsm::disk
