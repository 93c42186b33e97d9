// CIM datetime values for the providers; the formatting itself lives in core/ so that the
// export package can write the same values.
#pragma once

#include "core/cim_datetime.h"

namespace vsm::cim {
using vsm::FormatDatetime;
using vsm::FormatInterval;
using vsm::ParseDatetime;
using vsm::ParseInterval;
}  // namespace vsm::cim
