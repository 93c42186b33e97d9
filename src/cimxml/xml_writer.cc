#include "cimxml/xml_writer.h"

#include <cassert>

namespace vsm::cimxml {
namespace {

// What `c` becomes: nullptr when it is written as it is, "" when it is dropped.
const char* Replacement(char c, bool attribute) {
  switch (c) {
    case '&':
      return "&amp;";
    case '<':
      return "&lt;";
    case '>':
      return "&gt;";
    // A raw CR would be folded into LF by any reader; attributes also normalize TAB and LF.
    case '\r':
      return "&#13;";
    case '"':
      return attribute ? "&quot;" : nullptr;
    case '\n':
      return attribute ? "&#10;" : nullptr;
    case '\t':
      return attribute ? "&#9;" : nullptr;
    default:
      // Other C0 controls cannot appear in XML 1.0, not even as references.
      return static_cast<unsigned char>(c) < 0x20 ? "" : nullptr;
  }
}

// Appends runs of plain characters whole: every response escapes every value it carries.
void AppendEscaped(std::string& out, std::string_view text, bool attribute) {
  size_t run_start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char* replacement = Replacement(text[i], attribute);
    if (replacement == nullptr) continue;
    out.append(text, run_start, i - run_start);
    out += replacement;
    run_start = i + 1;
  }
  out.append(text, run_start, text.size() - run_start);
}

}  // namespace

std::string EscapeXmlText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  AppendEscaped(out, text, false);
  return out;
}

std::string EscapeXmlAttribute(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  AppendEscaped(out, text, true);
  return out;
}

void XmlWriter::WriteStartTag(std::string_view name, const XmlAttribute* begin,
                              const XmlAttribute* end, bool empty) {
  out_ += '<';
  out_ += name;
  for (const XmlAttribute* a = begin; a != end; ++a) {
    out_ += ' ';
    out_ += a->first;
    out_ += "=\"";
    AppendEscaped(out_, a->second, true);
    out_ += '"';
  }
  out_ += empty ? "/>" : ">";
}

void XmlWriter::Open(std::string_view name, std::initializer_list<XmlAttribute> attributes) {
  WriteStartTag(name, attributes.begin(), attributes.end(), false);
  open_.emplace_back(name);
}

void XmlWriter::Open(std::string_view name, const std::vector<XmlAttribute>& attributes) {
  WriteStartTag(name, attributes.data(), attributes.data() + attributes.size(), false);
  open_.emplace_back(name);
}

void XmlWriter::Close() {
  assert(!open_.empty());
  out_ += "</";
  out_ += open_.back();
  out_ += '>';
  open_.pop_back();
}

void XmlWriter::Empty(std::string_view name, std::initializer_list<XmlAttribute> attributes) {
  WriteStartTag(name, attributes.begin(), attributes.end(), true);
}

void XmlWriter::Empty(std::string_view name, const std::vector<XmlAttribute>& attributes) {
  WriteStartTag(name, attributes.data(), attributes.data() + attributes.size(), true);
}

void XmlWriter::TextElement(std::string_view name, std::string_view text) {
  Open(name);
  Text(text);
  Close();
}

void XmlWriter::Text(std::string_view text) { AppendEscaped(out_, text, false); }

}  // namespace vsm::cimxml
