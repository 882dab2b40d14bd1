// reports/escape: mail text made safe for terminals and Markdown, with
// positive cases (what must be escaped) and negative ones (what must stay as
// written), checked through cmark's own parser.
#include <doctest/doctest.h>

#include <cmark.h>

#include <memory>
#include <string>
#include <vector>

#include "reports/escape.hpp"
#include "reports/html.hpp"
#include "reports/ingest.hpp"

using seam::reports::display_width;
using seam::reports::fit_width;
using seam::reports::md_code;
using seam::reports::md_fence;
using seam::reports::md_text;
using seam::reports::printable;
using seam::reports::printable_lines;

namespace {

struct NodeFree {
  void operator()(cmark_node* n) const { cmark_node_free(n); }
};
using Doc = std::unique_ptr<cmark_node, NodeFree>;

// What cmark makes of a line that holds `inline_md` between two words.
struct Parsed {
  int links = 0, images = 0, html = 0, code = 0, emph = 0;
  std::string text;                // the text nodes, concatenated
  std::vector<std::string> codes;  // the code spans' literals
};

Parsed parse(const std::string& inline_md) {
  const std::string md = "before " + inline_md + " after\n";
  Doc doc(cmark_parse_document(md.data(), md.size(), CMARK_OPT_DEFAULT));
  REQUIRE(doc);
  Parsed p;
  cmark_iter* it = cmark_iter_new(doc.get());
  for (cmark_event_type ev; (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE;) {
    if (ev != CMARK_EVENT_ENTER) continue;
    cmark_node* n = cmark_iter_get_node(it);
    switch (cmark_node_get_type(n)) {
      case CMARK_NODE_LINK: ++p.links; break;
      case CMARK_NODE_IMAGE: ++p.images; break;
      case CMARK_NODE_HTML_INLINE:
      case CMARK_NODE_HTML_BLOCK: ++p.html; break;
      case CMARK_NODE_EMPH:
      case CMARK_NODE_STRONG: ++p.emph; break;
      case CMARK_NODE_CODE:
        ++p.code;
        p.codes.emplace_back(cmark_node_get_literal(n));
        p.text += "`" + std::string(cmark_node_get_literal(n)) + "`";
        break;
      case CMARK_NODE_TEXT: p.text += cmark_node_get_literal(n); break;
      default: break;
    }
  }
  cmark_iter_free(it);
  return p;
}

// md_text(s) is inert and reads back as `s` (printable, backticks of code
// spans shown as one backtick each side).
void check_inert(const std::string& s, const std::string& reads_as) {
  CAPTURE(s);
  const std::string md = md_text(s);
  CAPTURE(md);
  Parsed p = parse(md);
  CHECK(p.links == 0);
  CHECK(p.images == 0);
  CHECK(p.html == 0);
  CHECK(p.emph == 0);
  CHECK(p.text == "before " + reads_as + " after");
}

}  // namespace

TEST_SUITE("reports") {
  TEST_CASE("printable: C0, DEL, C1, bidi controls and bad UTF-8 escaped; the rest kept") {
    CHECK(printable("\x1b]52;c;ZWNobw==\x07") == "\\x1b]52;c;ZWNobw==\\x07");
    CHECK(printable("\x1b[2J\x1b]0;title\x07") == "\\x1b[2J\\x1b]0;title\\x07");
    CHECK(printable("a\nb\rc\td") == "a\\nb\\rc\\td");
    CHECK(printable("del\x7f") == "del\\x7f");
    CHECK(printable("csi \xc2\x9b" "31m") == "csi \\u{009b}31m");
    CHECK(printable("rlo \xe2\x80\xae lri \xe2\x81\xa6 ls \xe2\x80\xa8") == "rlo \\u{202e} lri \\u{2066} ls \\u{2028}");
    CHECK(printable("bad \xff\xc3 end") == "bad \\xff\\xc3 end");
    CHECK(printable("\xed\xa0\x80") == "\\xed\\xa0\\x80");  // a surrogate is not UTF-8
    CHECK(printable("\xc0\x9b") == "\\xc0\\x9b");          // nor an overlong CSI
    // Negative: text in any script, punctuation, backslashes stay.
    for (const char* s : {"Zoë Ünal", "日本 太郎", "rust: add `Opaque<T>` \\ [PATCH v2 1/3]", "emoji 🦀", ""})
      CHECK(printable(s) == s);
    CHECK(printable_lines("fn a() {\n\tx\x1b[31m\n}\n") == "fn a() {\n\tx\\x1b[31m\n}\n");
    CHECK(printable_lines("\r\xc2\x85") == "\\r\\u{0085}");
  }

  TEST_CASE("md_text: clean where nothing needs escaping") {
    for (const char* s : {"dma_buf", "snake_case_name", "ARef", "[PATCH v2 1/3] rust: add a thing", "a < b", "1<2",
                          "x <= y", "a > b", "#[repr(C)]", "a * b", "foo & bar", "100%", "a ~ b", "path/to/file.rs",
                          "Zoë Ünal", "q: yes", "email me at a@example.org", "[foo] bar", "x[0] = y[1]", "!important"})
      CHECK_MESSAGE(md_text(s) == s, s);
    // Code spans that pair up stay code spans, untouched inside.
    CHECK(md_text("`Counter` is `repr(transparent)`") == "`Counter` is `repr(transparent)`");
    CHECK(md_text("`<script>` and `[a](b)`") == "`<script>` and `[a](b)`");
    for (const char* s : {"dma_buf", "[PATCH v2 1/3] rust: add a thing", "a < b", "x[0] = y[1]"}) check_inert(s, s);
    check_inert("`Counter` is `*mut T`", "`Counter` is `*mut T`");
  }

  TEST_CASE("md_text: links, images, HTML, autolinks, entities and emphasis cannot open") {
    CHECK(md_text("ARef<T>") == "ARef\\<T>");
    CHECK(md_text("<script>alert(1)</script>") == "\\<script>alert(1)\\</script>");
    CHECK(md_text("[x](javascript:alert(1))") == "[x\\](javascript:alert(1))");
    CHECK(md_text("![i](http://e.example/x.png)") == "![i\\](http\\://e.example/x.png)");
    CHECK(md_text("[a][ref]") == "[a\\][ref]");
    CHECK(md_text("#[expect(...)]") == "#[expect(...)]");
    CHECK(md_text("a ` b") == "a \\` b");
    CHECK(md_text("&amp; &#106; &#x6A;") == "\\&amp; \\&#106; \\&#x6A;");
    CHECK(md_text("*ptr and __init") == "\\*ptr and \\_\\_init");
    CHECK(md_text("see www.example.org") == "see www\\.example.org");
    CHECK(md_text("trailing\\") == "trailing\\\\");
    CHECK(md_text("esc \x1b[2J") == "esc \\x1b[2J");
    const std::vector<std::pair<std::string, std::string>> hostile = {
        {"<script>alert(1)</script>", "<script>alert(1)</script>"},
        {"<img src=x onerror=alert(1)>", "<img src=x onerror=alert(1)>"},
        {"<javascript:alert(1)>", "<javascript:alert(1)>"},
        {"<http://evil.example>", "<http://evil.example>"},
        {"<!-- c -->", "<!-- c -->"},
        {"<?php ?>", "<?php ?>"},
        {"</code>", "</code>"},
        {"[click](javascript:alert(1))", "[click](javascript:alert(1))"},
        {"![img](http://evil.example/x.png)", "![img](http://evil.example/x.png)"},
        {"[a] [b][c] [d]()", "[a] [b][c] [d]()"},
        {"[x](<javascript:alert(1)>)", "[x](<javascript:alert(1)>)"},
        {"\\<b>bold</b>", "\\<b>bold</b>"},
        {"\\[x](javascript:a)", "\\[x](javascript:a)"},
        {"&#106;avascript", "&#106;avascript"},
        {"*em* _em_ **strong** __strong__", "*em* _em_ **strong** __strong__"},
        {"a `b", "a `b"},
        {"``` x ` y", "``` x ` y"},
        {"`a` ` [x](y)", "`a` ` [x](y)"},
        {"ends with <", "ends with <"},
        {"ends with ]", "ends with ]"},
        {"ends with *", "ends with *"},
    };
    for (const auto& [in, reads] : hostile) check_inert(in, reads);
    // A code span in the text hides nothing: what follows it is still escaped.
    check_inert("`a` <b>x</b> [y](javascript:z)", "`a` <b>x</b> [y](javascript:z)");
  }

  TEST_CASE("md_code: one code span whatever the backticks; md_fence longer than any run") {
    CHECK(md_code("plain.rs:3") == "`plain.rs:3`");
    CHECK(md_code("a`b") == "``a`b``");
    CHECK(md_code("`x") == "`` `x ``");
    CHECK(md_code("x``") == "``` x`` ```");
    CHECK(md_code("") == "` `");
    for (std::string s : {"plain", "a`b", "`x", "x``", " lead and trail ", "evil`</code><script>", "a\x1b]0;t\x07"}) {
      Parsed p = parse(md_code(s));
      CAPTURE(s);
      REQUIRE(p.code == 1);
      CHECK(p.codes[0] == printable(s));
      CHECK(p.html == 0);
      CHECK(p.links == 0);
    }
    CHECK(md_fence("no ticks") == "```");
    CHECK(md_fence("a ```` b") == "`````");
  }

  TEST_CASE("display width: columns, not bytes") {
    CHECK(display_width("Ada") == 3);
    CHECK(display_width("Zoë Ünal") == 8);
    CHECK(display_width("日本 太郎") == 9);
    CHECK(display_width("e\xcc\x81") == 1);  // e + combining acute
    CHECK(fit_width("Zoë", 6) == "Zoë   ");
    CHECK(display_width(fit_width("日本語の名前がとても長い人", 10)) == 10);
    CHECK(fit_width("abcdefghij", 5) == "abcd…");
    CHECK(display_width(fit_width("日本語の名前", 5)) == 5);
  }

  TEST_CASE("JSON: every control escaped, the value unchanged") {
    const std::string evil = "t\x1b]52;c;x\x07 \x7f \xc2\x9b \xe2\x80\xae \xe2\x81\xa9 ok é 日本";
    const std::string out = seam::reports::dump(nlohmann::json{{"s", evil}});
    CHECK(out.find('\x1b') == std::string::npos);
    CHECK(out.find('\x7f') == std::string::npos);
    CHECK(out.find("\xc2\x9b") == std::string::npos);
    CHECK(out.find("\xe2\x80\xae") == std::string::npos);
    CHECK(out.find("\\u001b") != std::string::npos);
    CHECK(out.find("\\u202e") != std::string::npos);
    CHECK(out.find("é 日本") != std::string::npos);  // other text stays readable
    CHECK(nlohmann::json::parse(out)["s"] == evil);
  }

  TEST_CASE("HTML: task list items get real checkboxes; other brackets stay text") {
    const std::string html = seam::reports::markdown_to_html(
        "- [ ] tight one\n- [ ] tight two\n\nText [ ] here.\n\n- [ ] loose\n\n  second paragraph\n\n- plain [ ] item\n",
        "t\x1b]0;x\x07");
    size_t boxes = 0;
    for (size_t at = html.find("<input type=\"checkbox\" disabled>"); at != std::string::npos;
         at = html.find("<input type=\"checkbox\" disabled>", at + 1))
      ++boxes;
    CHECK(boxes == 3);
    CHECK(html.find("<li><input type=\"checkbox\" disabled> tight one</li>") != std::string::npos);
    CHECK(html.find("<p><input type=\"checkbox\" disabled> loose</p>") != std::string::npos);
    CHECK(html.find("<p>Text [ ] here.</p>") != std::string::npos);
    CHECK(html.find("<p>plain [ ] item</p>") != std::string::npos);
    CHECK(html.find("<title>t\\x1b]0;x\\x07</title>") != std::string::npos);
  }
}
