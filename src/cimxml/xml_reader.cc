#include "cimxml/xml_reader.h"

#include <fmt/format.h>

#include <sstream>

#include "cim/object_path.h"

namespace vsm::cimxml {
namespace {

// Every '&' outside comments, CDATA sections and processing instructions must start one of the
// five predefined entity references or a character reference. Returns the offset of the first
// that does not, or npos.
size_t FindBadAmpersand(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == '<') {
      std::string_view rest = text.substr(i);
      std::string_view terminator;
      if (rest.starts_with("<!--")) {
        terminator = "-->";
      } else if (rest.starts_with("<![CDATA[")) {
        terminator = "]]>";
      } else if (rest.starts_with("<?")) {
        terminator = "?>";
      }
      if (!terminator.empty()) {
        size_t end = text.find(terminator, i + 2);
        if (end == std::string_view::npos) return std::string_view::npos;  // pugixml reports it
        i = end + terminator.size();
        continue;
      }
      ++i;
      continue;
    }
    if (c != '&') {
      ++i;
      continue;
    }
    size_t semicolon = text.find(';', i + 1);
    if (semicolon == std::string_view::npos || semicolon - i > 12) return i;
    std::string_view name = text.substr(i + 1, semicolon - i - 1);
    bool ok = false;
    if (name == "amp" || name == "lt" || name == "gt" || name == "quot" || name == "apos") {
      ok = true;
    } else if (name.size() >= 2 && name[0] == '#') {
      bool hex = name[1] == 'x';
      std::string_view digits = name.substr(hex ? 2 : 1);
      ok = !digits.empty();
      for (char d : digits) {
        bool digit = (d >= '0' && d <= '9') ||
                     (hex && ((d >= 'a' && d <= 'f') || (d >= 'A' && d <= 'F')));
        ok = ok && digit;
      }
    }
    if (!ok) return i;
    i = semicolon + 1;
  }
  return std::string_view::npos;
}

}  // namespace

Result<void> ParseXmlDocument(std::string_view text, pugi::xml_document* doc) {
  size_t bad = FindBadAmpersand(text);
  if (bad != std::string_view::npos) {
    return Error::InvalidParameter(fmt::format(
        "XML is not well-formed at offset {}: '&' must be written as '&amp;' (escape values "
        "before sending them)",
        bad));
  }
  pugi::xml_parse_result parsed = doc->load_buffer(
      text.data(), text.size(), pugi::parse_default | pugi::parse_ws_pcdata_single,
      pugi::encoding_utf8);
  if (!parsed) {
    return Error::InvalidParameter(fmt::format("XML is not well-formed at offset {}: {}",
                                               parsed.offset, parsed.description()));
  }
  int roots = 0;
  for (pugi::xml_node child : doc->children()) {
    if (child.type() == pugi::node_element) ++roots;
    if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
      return Error::InvalidParameter("XML is not well-formed: text outside the root element");
    }
  }
  if (roots != 1) {
    return Error::InvalidParameter(
        fmt::format("XML is not well-formed: {} root elements where exactly one is allowed", roots));
  }
  return Ok();
}

bool IsElement(const pugi::xml_node& node, std::string_view name) {
  return node.type() == pugi::node_element && cim::EqualsIgnoreCase(node.name(), name);
}

pugi::xml_node FindChild(const pugi::xml_node& node, std::string_view name) {
  for (pugi::xml_node child : node.children()) {
    if (IsElement(child, name)) return child;
  }
  return {};
}

pugi::xml_node FirstElementChild(const pugi::xml_node& node) {
  for (pugi::xml_node child : node.children()) {
    if (child.type() == pugi::node_element) return child;
  }
  return {};
}

pugi::xml_attribute FindAttribute(const pugi::xml_node& node, std::string_view name) {
  for (pugi::xml_attribute attribute : node.attributes()) {
    if (cim::EqualsIgnoreCase(attribute.name(), name)) return attribute;
  }
  return {};
}

std::string AttributeValue(const pugi::xml_node& node, std::string_view name) {
  pugi::xml_attribute attribute = FindAttribute(node, name);
  return attribute ? std::string(attribute.value()) : std::string();
}

std::string NodeText(const pugi::xml_node& node) {
  std::string text;
  for (pugi::xml_node child : node.children()) {
    if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
      text += child.value();
    }
  }
  return text;
}

std::string NodeToString(const pugi::xml_node& node) {
  std::ostringstream out;
  node.print(out, "", pugi::format_raw);
  return out.str();
}

}  // namespace vsm::cimxml
