// XmlEmbeddedInstanceCodec: cim::EmbeddedInstanceCodec over DSP0201 INSTANCE text, the form
// Hyper-V uses for embedded instances (SystemSettingData, ImportSettingData) and the export
// package's .exp files. Stateless and thread-safe.
#pragma once

#include "cim/provider.h"

namespace vsm::cimxml {

class XmlEmbeddedInstanceCodec : public cim::EmbeddedInstanceCodec {
 public:
  // Reads one INSTANCE element (an XML declaration before it is allowed). A text that is not
  // well-formed or holds no INSTANCE answers CIM_ERR_INVALID_PARAMETER. The path is left empty.
  cim::CimResult<cim::Instance> Parse(std::string_view text) const override;
  // Writes `instance` as one INSTANCE element, without declaration or path.
  std::string Format(const cim::Instance& instance) const override;
};

}  // namespace vsm::cimxml
