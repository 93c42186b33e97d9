#include "disk/posix_error.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

namespace vsm::disk {

Error ErrorFromErrno(std::string_view action, const std::filesystem::path& path, int err) {
  std::string message = fmt::format("{} '{}': {}", action, path.string(), std::strerror(err));
  switch (err) {
    case EACCES:
    case EPERM:
      return Error::AccessDenied(std::move(message));
    case EBUSY:
    case ETXTBSY:
      return Error::FileInUse(std::move(message));
    case ENOMEM:
      return Error::OutOfMemory(std::move(message));
    case ENOENT:
    case ENOTDIR:
    case EISDIR:
      return Error::InvalidParameter(std::move(message));
    default:
      return Error::Failed(std::move(message));
  }
}

}  // namespace vsm::disk
