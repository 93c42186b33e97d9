#include "support/libvhdi_reader.h"

#include <gtest/gtest.h>
#include <libvhdi.h>

#include <string>

namespace vsm::testing {

std::vector<uint8_t> ReadWithLibvhdi(const std::vector<std::filesystem::path>& paths) {
  std::vector<libvhdi_file_t*> files(paths.size(), nullptr);
  libvhdi_error_t* error = nullptr;
  auto fail = [&](const std::string& what) {
    char text[1024] = "";
    if (error != nullptr) libvhdi_error_sprint(error, text, sizeof(text));
    ADD_FAILURE() << "libvhdi " << what << ": " << text;
    libvhdi_error_free(&error);
  };
  for (size_t i = 0; i < paths.size(); ++i) {
    if (libvhdi_file_initialize(&files[i], &error) != 1) fail("initialize");
    if (libvhdi_file_open(files[i], paths[i].c_str(), LIBVHDI_OPEN_READ, &error) != 1) {
      fail("open " + paths[i].string());
    }
  }
  // Link from the base up, so that every parent is complete when its child takes it.
  for (size_t i = paths.size() - 1; i > 0; --i) {
    if (libvhdi_file_set_parent_file(files[i - 1], files[i], &error) != 1) fail("set parent");
  }
  size64_t media_size = 0;
  if (!files.empty() && libvhdi_file_get_media_size(files[0], &media_size, &error) != 1) {
    fail("media size");
  }
  std::vector<uint8_t> out(media_size);
  const size_t piece = 4 << 20;
  for (size64_t offset = 0; offset < media_size; offset += piece) {
    const size_t length = static_cast<size_t>(std::min<size64_t>(piece, media_size - offset));
    ssize_t read = libvhdi_file_read_buffer_at_offset(files[0], out.data() + offset, length,
                                                      static_cast<off64_t>(offset), &error);
    if (read != static_cast<ssize_t>(length)) {
      fail("read at " + std::to_string(offset));
      break;
    }
  }
  for (auto* file : files) {
    libvhdi_file_close(file, nullptr);
    libvhdi_file_free(&file, nullptr);
  }
  return out;
}

}  // namespace vsm::testing
