// Reading helpers over pugixml for the lenient half of cimxml/: a well-formedness check that
// pugixml alone does not make (raw '&', several roots), and element and attribute lookups that
// ignore case. Internal to cimxml/; nothing outside includes pugixml.
#pragma once

#include <string>
#include <string_view>

#include <pugixml.hpp>

#include "core/result.h"

namespace vsm::cimxml {

// Parses `text` into `doc`. Fails (message names the offset and the fault) unless the text is
// well-formed XML with exactly one root element. wbemcli does not escape values, so a raw '&' or
// '<' in a value arrives here and must fail rather than be read leniently.
Result<void> ParseXmlDocument(std::string_view text, pugi::xml_document* doc);

// True if `node` is an element named `name`, ignoring case.
bool IsElement(const pugi::xml_node& node, std::string_view name);
// The first element child named `name` (ignoring case), or an empty node.
pugi::xml_node FindChild(const pugi::xml_node& node, std::string_view name);
// The first element child, whatever its name, or an empty node.
pugi::xml_node FirstElementChild(const pugi::xml_node& node);
// The attribute named `name` (ignoring case), or an empty attribute.
pugi::xml_attribute FindAttribute(const pugi::xml_node& node, std::string_view name);
// The value of that attribute, or "" if absent.
std::string AttributeValue(const pugi::xml_node& node, std::string_view name);
// The character data (PCDATA and CDATA) directly inside `node`.
std::string NodeText(const pugi::xml_node& node);
// `node` printed back as compact XML (for values carried as text, such as embedded instances).
std::string NodeToString(const pugi::xml_node& node);

}  // namespace vsm::cimxml
