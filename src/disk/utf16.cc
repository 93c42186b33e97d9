#include "disk/utf16.h"

namespace vsm::disk {
namespace {

void AppendUtf8(std::string& out, uint32_t code_point) {
  if (code_point < 0x80) {
    out.push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (code_point >> 6)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else if (code_point < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (code_point >> 12)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (code_point >> 18)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  }
}

}  // namespace

std::optional<std::string> Utf16ToUtf8(std::span<const uint8_t> bytes, Utf16Order order) {
  auto unit_at = [&](size_t index) -> uint32_t {
    const uint8_t* p = bytes.data() + 2 * index;
    return order == Utf16Order::kBigEndian ? (uint32_t{p[0]} << 8 | p[1])
                                           : (uint32_t{p[1]} << 8 | p[0]);
  };
  const size_t unit_count = bytes.size() / 2;
  std::string out;
  for (size_t i = 0; i < unit_count; ++i) {
    uint32_t unit = unit_at(i);
    if (unit == 0) break;
    if (unit >= 0xDC00 && unit <= 0xDFFF) return std::nullopt;
    if (unit >= 0xD800 && unit <= 0xDBFF) {
      if (i + 1 >= unit_count) return std::nullopt;
      uint32_t low = unit_at(i + 1);
      if (low < 0xDC00 || low > 0xDFFF) return std::nullopt;
      AppendUtf8(out, 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00));
      ++i;
      continue;
    }
    AppendUtf8(out, unit);
  }
  return out;
}

}  // namespace vsm::disk
