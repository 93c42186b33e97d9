#include "core/error.h"

#include <fmt/format.h>

namespace vsm {

std::string Error::ToString() const {
  return fmt::format("{} ({}): {}", ReturnCodeName(code_), static_cast<uint32_t>(code_),
                     message_);
}

}  // namespace vsm
