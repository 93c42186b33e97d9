#include "cimxml/message_frame.h"

namespace vsm::cimxml {

void OpenMessage(XmlWriter& w, std::string_view message_id, std::string_view simple_element) {
  // Only version and encoding: wbemcli rejects a declaration with standalone= (§0.3).
  w.Raw("<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n");
  w.Open("CIM", {{"CIMVERSION", "2.0"}, {"DTDVERSION", "2.0"}});
  w.Raw("\n");
  w.Open("MESSAGE", {{"ID", message_id}, {"PROTOCOLVERSION", "1.0"}});
  w.Raw("\n");
  w.Open(simple_element);
  w.Raw("\n");
}

void CloseMessage(XmlWriter& w) {
  w.Raw("\n");
  w.Close();
  w.Raw("\n");
  w.Close();
  w.Raw("\n");
  w.Close();
}

}  // namespace vsm::cimxml
