// Paths inside a package: every relative path a package names must stay inside it, and nothing
// inside may be a symbolic link or a hard link (either could lead to a file outside).
#pragma once

#include <filesystem>
#include <string>

#include "core/result.h"

namespace vsm::package {

// Checks the text of a relative path from config.xml: '/'-separated, no empty, "." or ".."
// segment, not absolute, no backslash or NUL. kInvalidParameter naming the path otherwise.
Result<void> CheckRelativePath(const std::string& relative_path);

// Resolves `relative_path` under `directory` without following links: each component is
// lstat'ed; a symbolic link anywhere is refused, as is a regular file with more than one link.
// Returns the absolute path. Does not require the final file to exist (`must_exist` false).
Result<std::filesystem::path> ResolveInside(const std::filesystem::path& directory,
                                            const std::string& relative_path, bool must_exist);

}  // namespace vsm::package
