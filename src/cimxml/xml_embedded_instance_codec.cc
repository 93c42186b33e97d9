#include "cimxml/xml_embedded_instance_codec.h"

#include <fmt/format.h>

#include "cimxml/object_reader.h"
#include "cimxml/object_writer.h"
#include "cimxml/xml_reader.h"

namespace vsm::cimxml {

cim::CimResult<cim::Instance> XmlEmbeddedInstanceCodec::Parse(std::string_view text) const {
  pugi::xml_document doc;
  if (Result<void> parsed = ParseXmlDocument(text, &doc); !parsed.ok()) {
    return cim::CimError{cim::CimStatus::kInvalidParameter,
                         fmt::format("Embedded instance: {}", parsed.error().message())};
  }
  pugi::xml_node root = doc.document_element();
  if (!IsElement(root, "INSTANCE")) {
    return cim::CimError{
        cim::CimStatus::kInvalidParameter,
        fmt::format("Embedded instance: the root element is <{}>; pass one <INSTANCE>",
                    root.name())};
  }
  Result<cim::Instance> instance = ReadInstance(root);
  if (!instance.ok()) {
    return cim::CimError{cim::CimStatus::kInvalidParameter,
                         fmt::format("Embedded instance: {}", instance.error().message())};
  }
  return std::move(*instance);
}

std::string XmlEmbeddedInstanceCodec::Format(const cim::Instance& instance) const {
  XmlWriter w;
  WriteInstance(w, instance);
  return w.Take();
}

}  // namespace vsm::cimxml
