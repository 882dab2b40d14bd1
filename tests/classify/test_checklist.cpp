// The checklist of the sample series, in its three forms.
#include <doctest/doctest.h>

#include "core/patch_review.hpp"
#include "mail/files.hpp"
#include "mail/mbox.hpp"
#include "mail/parse.hpp"
#include "reports/checklist.hpp"
#include "reports/html.hpp"
#include "tests/support.hpp"

using namespace seam;

TEST_SUITE("classify") {
  TEST_CASE("checklist of the sample series: summary, one checkbox per finding") {
    auto rules = core::load_rules({SEAM_RULES_DIR});
    auto data = mail::read_file(test::data("sample/rust-counter-v2.mbox").string());
    auto entries = mail::split_mbox(data);
    reports::Checklist c{"rust: add an abstraction for hardware counters", "9a81d877e5c0", "Ada Example", 2, 3, {}};
    size_t findings = 0;
    for (int i = 1; i <= 3; ++i) {
      auto raw = mail::extract_message(data, entries[static_cast<size_t>(i)], mail::MboxFormat::mboxrd);
      auto parsed = mail::parse_message(raw);
      REQUIRE(parsed.message);
      c.patches.push_back({i, parsed.message->msgid, parsed.message->subject,
                           core::review_patch(core::parse_diff(mail::body_text(raw)), rules)});
      findings += c.patches.back().review.findings.size();
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
  }
}
