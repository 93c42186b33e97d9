#include "cimxml/xml_writer.h"

#include <gtest/gtest.h>

namespace vsm::cimxml {
namespace {

TEST(XmlWriterTest, EscapesTextAndAttributes) {
  EXPECT_EQ(EscapeXmlText("a & b < c > d \"e\" 'f'"), "a &amp; b &lt; c &gt; d \"e\" 'f'");
  EXPECT_EQ(EscapeXmlAttribute("a & \"b\"\t<c>\n\r"),
            "a &amp; &quot;b&quot;&#9;&lt;c&gt;&#10;&#13;");
  EXPECT_EQ(EscapeXmlText("line\nnext\r"), "line\nnext&#13;");
  // Quotes and TAB stay as they are in text; runs around escapes are kept whole.
  EXPECT_EQ(EscapeXmlText("say \"hi\"\tnow"), "say \"hi\"\tnow");
  EXPECT_EQ(EscapeXmlText("&&x<"), "&amp;&amp;x&lt;");
  EXPECT_EQ(EscapeXmlText(""), "");
  // C0 controls other than TAB, LF and CR cannot appear in XML 1.0 at all.
  EXPECT_EQ(EscapeXmlText(std::string("a\x01" "b\x1f" "c", 5)), "abc");
  EXPECT_EQ(EscapeXmlText("żółw ✓"), "żółw ✓");
}

TEST(XmlWriterTest, WritesNestedElements) {
  XmlWriter w;
  w.Open("A", {{"X", "1&2"}});
  w.Empty("B");
  w.Empty("C", {{"N", "<"}, {"M", "\""}});
  w.TextElement("D", "x<y");
  w.Close();
  EXPECT_EQ(w.str(), "<A X=\"1&amp;2\"><B/><C N=\"&lt;\" M=\"&quot;\"/><D>x&lt;y</D></A>");
}

}  // namespace
}  // namespace vsm::cimxml
