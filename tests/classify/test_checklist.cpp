// The checklist of the sample series, in its three forms.
#include <doctest/doctest.h>

#include "core/analysis/patch_review.hpp"
#include "mail/sources/files.hpp"
#include "mail/sources/mbox.hpp"
#include "mail/parse/parse.hpp"
#include "reports/checklist.hpp"
#include "reports/classify.hpp"
#include "reports/ingest.hpp"
#include "reports/html.hpp"
#include "tests/support.hpp"

using namespace seam;

TEST_SUITE("classify") {
  TEST_CASE("checklist of the sample series: summary, one checkbox per entry") {
    auto rules = core::load_rules({SEAM_RULES_DIR});
    auto data = mail::read_file(test::data("sample/rust-counter-v2.mbox").string());
    auto entries = mail::split_mbox(data);
    reports::Checklist c{"rust: add an abstraction for hardware counters", "9a81d877e5c0", "Ada Example", 2, 3, {}};
    size_t findings = 0;  // checklist entries: findings merged per place and folded per rule and file
    for (int i = 1; i <= 3; ++i) {
      auto raw = mail::extract_message(data, entries[static_cast<size_t>(i)], mail::MboxFormat::mboxrd);
      auto parsed = mail::parse_message(raw);
      REQUIRE(parsed.message);
      c.patches.push_back({i, parsed.message->msgid, parsed.message->subject,
                           core::review_patch(core::parse_diff(mail::body_text(raw)), rules)});
      findings += reports::checklist_entries(c.patches.back().review.findings).size();
    }
    auto md = reports::checklist_markdown(c);
    size_t boxes = 0;
    for (size_t at = md.find("- [ ] "); at != std::string::npos; at = md.find("- [ ] ", at + 1)) ++boxes;
    CHECK(boxes == findings);
    CHECK(md.find("- rust: +76 -4 lines (85% of the changed lines)") != std::string::npos);
    CHECK(md.find("- rust-c-glue: +14 -0 lines (15% of the changed lines)") != std::string::npos);
    CHECK(md.find("- unsafe blocks: 4 (1 without a SAFETY comment") != std::string::npos);
    CHECK(md.find("**No SAFETY comment.**") != std::string::npos);
    // Kernel comments mean `x` as code: kept as code spans, not escaped.
    CHECK(md.find("**SAFETY:** `Counter` is `repr(transparent)` over the C struct") != std::string::npos);
    CHECK(md.find("\\`") == std::string::npos);
    // Clean Markdown: only what could make markup is escaped.
    CHECK(md.find("## [1/3] [PATCH v2 1/3] rust: helpers: add counter helpers\n") != std::string::npos);
    CHECK(md.find("Opaque\\<T> wraps a C type") != std::string::npos);  // <T> would be an HTML tag
    CHECK(md.find("the kernel's convention is #[expect(...)] (`allow-lint`, low)") != std::string::npos);
    for (const char* needless : {"\\_", "\\[", "\\>", "\\#", "\\(", "\\!"})
      CHECK_MESSAGE(md.find(needless) == std::string::npos, needless);

    // Through cmark: the SAFETY text and the question are paragraphs of
    // their item, code spans stay code, mail text makes no markup.
    auto html = reports::markdown_to_html(md, "Review checklist: <x>");
    CHECK(html.find("<title>Review checklist: &lt;x&gt;</title>") != std::string::npos);
    CHECK(html.find("<p><strong>SAFETY:</strong> <code>Counter</code> is <code>repr(transparent)</code>") !=
          std::string::npos);
    CHECK(html.find("<p><strong>Check:</strong> Does the SAFETY comment name every precondition") != std::string::npos);
    CHECK(html.find("<pre><code class=\"language-rust\">") != std::string::npos);
    CHECK(html.find("<li>rust: +76 -4 lines") != std::string::npos);
    CHECK(html.find("Opaque&lt;T&gt; wraps a C type") != std::string::npos);
    // Real checkboxes, one per finding.
    size_t inputs = 0;
    for (size_t at = html.find("<input type=\"checkbox\" disabled> <code>"); at != std::string::npos;
         at = html.find("<input type=\"checkbox\" disabled>", at + 1))
      ++inputs;
    CHECK(inputs == findings);
    CHECK(html.find("[ ]") == std::string::npos);
    auto j = reports::checklist_json(c);
    CHECK(j["summary"]["unsafe_blocks"] == 4);
    CHECK(j["summary"]["without_safety"] == 1);
    CHECK(j["summary"]["safety_placeholders"] == 1);
    CHECK(j["patches"].size() == 3);
    auto text = reports::checklist_text(c, false);
    CHECK(text.find("\033[") == std::string::npos);  // no color when asked for none
    CHECK(text.find("[ ] rust/kernel/counter.rs:39") != std::string::npos);
    // The text summary counts what the Markdown one does: the placeholder too.
    CHECK_MESSAGE(text.find("unsafe blocks 4, 1 without SAFETY, 1 with a placeholder") != std::string::npos, text);
  }

  TEST_CASE("checklist of hostile fields: file names with newlines and controls, SAFETY text with links") {
    core::Finding f;
    f.rule = "unsafe-block";
    f.severity = "high";
    f.message = "unsafe block added or changed";
    f.question = "Is it sound?";
    f.path = "rust/a\nb`c\x1b]0;t\x07<img src=x onerror=alert(1)>.rs";
    f.line = 3;
    f.end_line = 3;
    f.snippet = "unsafe { *p } // \x1b[2J ``` \xc2\x9b\n";
    f.safety_comment = "SAFETY: line one\n   * [x](javascript:alert(1)) <script>x</script>\n   * \xe2\x80\xae `ok`";
    f.safety_state = "present";
    core::FileReview file{f.path, "rust", 1, 0, {}};
    reports::Checklist c{"title \x1b]52;c;eA==\x07 [t](javascript:x) #", "id`1", "Name\r\nInjected: x", 1, 1, {}};
    c.patches.push_back({1, "m`<b>@example.org", "subject ##", {{file}, {f}}});

    const std::string md = reports::checklist_markdown(c);
    const std::string text = reports::checklist_text(c, false);
    const std::string html = reports::markdown_to_html(md, c.title);
    const std::string json = reports::dump(reports::checklist_json(c), 2);
    for (const std::string* out : {&md, &text, &html, &json}) {
      CHECK(out->find('\x1b') == std::string::npos);
      CHECK(out->find('\x07') == std::string::npos);
      CHECK(out->find('\r') == std::string::npos);
      CHECK(out->find("\xc2\x9b") == std::string::npos);
      CHECK(out->find("\xe2\x80\xae") == std::string::npos);
    }
    // The newline in the file name is shown, not obeyed: the item stays one line.
    CHECK(md.find("- [ ] ``rust/a\\nb`c\\x1b]0;t\\x07<img src=x onerror=alert(1)>.rs:3`` unsafe block") !=
          std::string::npos);
    CHECK(text.find("  [ ] rust/a\\nb`c\\x1b]0;t\\x07<img src=x onerror=alert(1)>.rs:3 ") != std::string::npos);
    // The SAFETY comment's lines are joined; its link and HTML are text.
    CHECK(md.find("**SAFETY:** line one * [x\\](javascript:alert(1)) \\<script>x\\</script> * \\u{202e} `ok`") !=
          std::string::npos);
    CHECK(md.find("## [1/1] subject \\##\n") != std::string::npos);
    CHECK(md.find("by Name\\r\\nInjected: x,") != std::string::npos);
    CHECK(md.find("Message-ID: ``m`<b>@example.org``") != std::string::npos);
    CHECK(md.find("unsafe { *p } // \\x1b[2J ``` \\u{009b}\n") != std::string::npos);  // in a longer fence
    CHECK(md.find("  ````rust\n") != std::string::npos);
    for (const char* bad : {"<script", "<img", "<a ", "href=", "raw HTML omitted"})
      CHECK_MESSAGE(html.find(bad) == std::string::npos, bad);
    CHECK(html.find("<h2>[1/1] subject ##</h2>") != std::string::npos);
    CHECK(nlohmann::json::parse(json)["patches"][0]["findings"][0]["path"] == f.path);
  }
}
