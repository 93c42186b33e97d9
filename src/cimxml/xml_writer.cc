#include "cimxml/xml_writer.h"

#include <cassert>

namespace vsm::cimxml {
namespace {

void AppendEscaped(std::string& out, std::string_view text, bool attribute) {
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      // A raw CR would be folded into LF by any reader; attributes also normalize TAB and LF.
      case '\r': out += "&#13;"; break;
      case '"':
        if (attribute) {
          out += "&quot;";
        } else {
          out += c;
        }
        break;
      case '\n':
        if (attribute) {
          out += "&#10;";
        } else {
          out += c;
        }
        break;
      case '\t':
        if (attribute) {
          out += "&#9;";
        } else {
          out += c;
        }
        break;
      default:
        // Other C0 controls cannot appear in XML 1.0, not even as references.
        if (static_cast<unsigned char>(c) < 0x20) break;
        out += c;
    }
  }
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
