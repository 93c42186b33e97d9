#include "package/xml_io.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <sstream>
#include <string>

#include "disk/posix_error.h"
#include "package/package_paths.h"

namespace vsm::package {
namespace {

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int Release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

// Keep every character: no end-of-line normalisation, whitespace-only values kept.
constexpr unsigned kParseFlags =
    (pugi::parse_default & ~pugi::parse_eol) | pugi::parse_ws_pcdata_single;

}  // namespace

Result<void> SaveXmlFile(const pugi::xml_document& document, const std::filesystem::path& file) {
  std::ostringstream out;
  document.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
  const std::string text = out.str();
  Fd fd(::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (fd.get() < 0) return disk::ErrorFromErrno("cannot create", file, errno);
  size_t written = 0;
  while (written < text.size()) {
    ssize_t n = ::write(fd.get(), text.data() + written, text.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      return disk::ErrorFromErrno("cannot write", file, errno);
    }
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd.get()) != 0) return disk::ErrorFromErrno("cannot fsync", file, errno);
  if (::close(fd.Release()) != 0) return disk::ErrorFromErrno("cannot write", file, errno);
  return Ok();
}

Result<void> LoadXmlFile(const std::filesystem::path& file, pugi::xml_document& document) {
  Fd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (fd.get() < 0) return disk::ErrorFromErrno("cannot open", file, errno);
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return disk::ErrorFromErrno("cannot examine", file, errno);
  if (!S_ISREG(st.st_mode)) {
    return Error::InvalidParameter(fmt::format("'{}' is not a regular file", file.string()));
  }
  if (static_cast<uint64_t>(st.st_size) > kMaxXmlFileBytes) {
    return Error::InvalidParameter(fmt::format(
        "'{}' is {} bytes, more than the {} a package's XML file may have: it is not a vsm "
        "package file",
        file.string(), st.st_size, kMaxXmlFileBytes));
  }
  std::string text;
  char buffer[65536];
  for (;;) {
    ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      return disk::ErrorFromErrno("cannot read", file, errno);
    }
    if (n == 0) break;
    text.append(buffer, static_cast<size_t>(n));
    if (text.size() > kMaxXmlFileBytes) {
      return Error::InvalidParameter(fmt::format("'{}' grew while it was read", file.string()));
    }
  }
  pugi::xml_parse_result parsed =
      document.load_buffer(text.data(), text.size(), kParseFlags, pugi::encoding_utf8);
  if (!parsed) {
    // Every XML file vsm reads is part of an export package, which an export wrote whole.
    return Error::InvalidParameter(
        fmt::format("'{}' is not valid XML: {} at byte {}; the file is damaged or cut short: {}",
                    file.string(), parsed.description(), parsed.offset, kRecopyAdvice));
  }
  return Ok();
}

}  // namespace vsm::package
