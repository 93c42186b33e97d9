// XmlWriter: builds CIM-XML text element by element, escaping every attribute value and text
// node. The strict half of cimxml/: what it writes is well-formed by construction. Not
// thread-safe; one writer per message.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vsm::cimxml {

using XmlAttribute = std::pair<std::string_view, std::string_view>;

class XmlWriter {
 public:
  // Room for a typical message, so that building one does not regrow the text again and again.
  XmlWriter() { out_.reserve(4096); }

  // Writes `<name a="v" …>` and remembers `name` for Close().
  void Open(std::string_view name, std::initializer_list<XmlAttribute> attributes = {});
  void Open(std::string_view name, const std::vector<XmlAttribute>& attributes);
  // Writes `</name>` for the innermost open element. REQUIRES: an element is open.
  void Close();
  // Writes `<name a="v" …/>`.
  void Empty(std::string_view name, std::initializer_list<XmlAttribute> attributes = {});
  void Empty(std::string_view name, const std::vector<XmlAttribute>& attributes);
  // Writes `<name>text</name>`.
  void TextElement(std::string_view name, std::string_view text);
  // Escaped character data inside the current element.
  void Text(std::string_view text);
  // Unescaped markup, for fixed framing only (declaration, newlines).
  void Raw(std::string_view markup) { out_ += markup; }

  const std::string& str() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  void WriteStartTag(std::string_view name, const XmlAttribute* begin, const XmlAttribute* end,
                     bool empty);

  std::string out_;
  std::vector<std::string> open_;
};

// `text` escaped for XML character data: & < > and CR as references, other C0 controls
// (illegal in XML 1.0) dropped.
std::string EscapeXmlText(std::string_view text);
// `text` escaped for a double-quoted attribute value: also " and TAB/LF/CR as references.
std::string EscapeXmlAttribute(std::string_view text);

}  // namespace vsm::cimxml
