#include "disk/data_extents.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "disk/posix_error.h"

namespace vsm::disk {

Result<std::vector<DataExtent>> FindDataExtents(int fd, const std::filesystem::path& path,
                                                uint64_t size_bytes) {
  std::vector<DataExtent> extents;
  uint64_t position = 0;
  while (position < size_bytes) {
    off_t data = ::lseek(fd, static_cast<off_t>(position), SEEK_DATA);
    if (data < 0) {
      if (errno == ENXIO) break;  // only a hole remains
      if (errno == EINVAL || errno == EOPNOTSUPP) {
        // The file system cannot tell: everything from here on is data.
        extents.push_back({position, size_bytes - position});
        break;
      }
      return ErrorFromErrno("find data in", path, errno);
    }
    const uint64_t start = static_cast<uint64_t>(data);
    if (start >= size_bytes) break;
    off_t hole = ::lseek(fd, data, SEEK_HOLE);
    if (hole < 0) {
      if (errno != ENXIO) return ErrorFromErrno("find holes in", path, errno);
      hole = static_cast<off_t>(size_bytes);
    }
    // SEEK_HOLE always moves past data; the guard keeps the walk advancing if it did not.
    const uint64_t end =
        std::max(std::min(static_cast<uint64_t>(hole), size_bytes), start + 1);
    extents.push_back({start, std::min(end, size_bytes) - start});
    position = std::min(end, size_bytes);
  }
  return extents;
}

uint64_t TotalLength(const std::vector<DataExtent>& extents) {
  uint64_t total = 0;
  for (const DataExtent& extent : extents) total += extent.length;
  return total;
}

}  // namespace vsm::disk
