// MessageFrame: the fixed envelope of every CIM-XML message, written the way wbemcli was shown
// to accept it: declaration, CIM, MESSAGE and SIMPLEREQ/SIMPLERSP each on their own line.
// Internal to cimxml/.
#pragma once

#include <string_view>

#include "cimxml/xml_writer.h"

namespace vsm::cimxml {

// Writes everything up to and including `<SIMPLERSP>` (or `<SIMPLEREQ>`) and a newline.
void OpenMessage(XmlWriter& w, std::string_view message_id, std::string_view simple_element);
// Writes the newline, `</SIMPLERSP>`, `</MESSAGE>` and `</CIM>` lines (no final newline).
void CloseMessage(XmlWriter& w);

}  // namespace vsm::cimxml
