#include "package/package_paths.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include "disk/posix_error.h"

namespace vsm::package {

std::string DefinitionPathFor(const Guid& id) {
  return std::string(kDefinitionsDirectory) + "/" + id.ToString() + ".exp";
}

std::string SnapshotPathFor(const Guid& id) {
  return std::string(kSnapshotsDirectory) + "/" + id.ToString() + ".exp";
}

Result<void> CheckRelativePath(const std::filesystem::path& config_path,
                               const std::string& relative_path) {
  auto refuse = [&](std::string_view why) {
    return Error::InvalidParameter(fmt::format(
        "'{}' names '{}', which {}; a package may only name files inside itself, so it was not "
        "written by an export or was modified: export the system again",
        config_path.string(), relative_path, why));
  };
  if (relative_path.empty()) return refuse("is empty");
  if (relative_path.front() == '/') return refuse("is an absolute path");
  if (relative_path.find('\\') != std::string::npos) return refuse("contains a backslash");
  if (relative_path.find('\0') != std::string::npos) return refuse("contains a NUL byte");
  size_t start = 0;
  while (start <= relative_path.size()) {
    size_t end = relative_path.find('/', start);
    if (end == std::string::npos) end = relative_path.size();
    std::string_view segment(relative_path.data() + start, end - start);
    if (segment.empty()) return refuse("has an empty path segment");
    if (segment == "." || segment == "..") return refuse("contains '..' or '.'");
    start = end + 1;
  }
  return Ok();
}

Result<std::filesystem::path> ResolveInside(const std::filesystem::path& directory,
                                            const std::string& relative_path, bool must_exist,
                                            bool refuse_hard_links) {
  VSM_RETURN_IF_ERROR(CheckRelativePath(directory / kConfigFile, relative_path));
  std::filesystem::path current = directory;
  std::filesystem::path relative(relative_path);
  for (auto it = relative.begin(); it != relative.end(); ++it) {
    current /= *it;
    struct stat st;
    if (::lstat(current.c_str(), &st) != 0) {
      int err = errno;
      if (err == ENOENT && !must_exist) return directory / relative;  // VerifyPackage names it
      if (err == ENOENT) {
        return Error::InvalidParameter(
            fmt::format("'{}' is missing: config.xml lists it, so the package is incomplete; {}",
                        current.string(), kRecopyAdvice));
      }
      return disk::ErrorFromErrno("cannot examine", current, err);
    }
    if (S_ISLNK(st.st_mode)) {
      return Error::InvalidParameter(fmt::format(
          "'{}' is a symbolic link; a package may not link outside itself, so it is refused before "
          "anything is read through it: replace the link with the file it names (cp -L), or "
          "export the system again",
          current.string()));
    }
    bool last = std::next(it) == relative.end();
    if (last && refuse_hard_links && S_ISREG(st.st_mode) && st.st_nlink > 1) {
      return Error::InvalidParameter(fmt::format(
          "'{}' has {} hard links; a hard link may share the file with one outside the package, so "
          "it is refused (copy the file to break the link)",
          current.string(), st.st_nlink));
    }
    if (!last && !S_ISDIR(st.st_mode)) {
      return Error::InvalidParameter(fmt::format("'{}' is not a directory", current.string()));
    }
  }
  return current;
}

}  // namespace vsm::package
