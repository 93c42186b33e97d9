// The one place where errno becomes an Error.
#pragma once

#include <filesystem>
#include <string_view>

#include "core/error.h"

namespace vsm::disk {

// EACCES/EPERM -> kAccessDenied, EBUSY/ETXTBSY -> kFileInUse, ENOMEM -> kOutOfMemory,
// ENOENT/ENOTDIR/EISDIR -> kInvalidParameter, else kFailed. Message: "<action> '<path>': <strerror>".
Error ErrorFromErrno(std::string_view action, const std::filesystem::path& path, int err);

}  // namespace vsm::disk
