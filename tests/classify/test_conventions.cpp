// The rules of issue 15 (kernel conventions, the Rust/C boundary outside the
// kernel crate, changed justifications, build glue) on fixtures of our own:
// tests/data/rules/RULE.yes*.diff must give at least one RULE finding,
// RULE.no*.diff none. Then the checklist's merging, folding, ranking and
// --max-items.
#include <doctest/doctest.h>

#include <filesystem>

#include "core/analysis/patch_review.hpp"
#include "mail/sources/files.hpp"
#include "reports/checklist.hpp"
#include "tests/support.hpp"

using namespace seam;

namespace {

const core::RuleSet& builtin() {
  static const core::RuleSet set = core::load_rules({SEAM_RULES_DIR});
  return set;
}

std::vector<core::Finding> findings_of(const std::string& fixture) {
  auto diff = mail::read_file(test::data("rules/" + fixture).string());
  return core::review_patch(core::parse_diff(diff), builtin()).findings;
}

std::vector<int> lines_of(const std::vector<core::Finding>& fs, const std::string& rule) {
  std::vector<int> out;
  for (const auto& f : fs)
    if (f.rule == rule) out.push_back(f.line);
  return out;
}

}  // namespace

TEST_SUITE("classify") {
  TEST_CASE("rule fixtures: every RULE.yes*.diff triggers RULE, every RULE.no*.diff does not") {
    int yes = 0, no = 0;
    for (const auto& e : std::filesystem::directory_iterator(test::data("rules"))) {
      const std::string name = e.path().filename().string();
      if (e.path().extension() != ".diff") continue;
      const size_t dot = name.find('.');
      const std::string rule = name.substr(0, dot);
      const bool positive = name.compare(dot + 1, 3, "yes") == 0;
      auto fs = findings_of(name);
      const size_t n = lines_of(fs, rule).size();
      std::string all;
      for (const auto& f : fs) all += f.rule + "@" + std::to_string(f.line) + " ";
      if (positive) CHECK_MESSAGE(n > 0, name << ": " << all);
      else CHECK_MESSAGE(n == 0, name << ": " << all);
      (positive ? yes : no) += 1;
    }
    CHECK(yes >= 14);
    CHECK(no >= 14);
  }

  TEST_CASE("bindings:: outside rust/: every path, high; inside rust/kernel only the per-call item") {
    auto fs = findings_of("bindings-outside-kernel.yes.diff");
    // The constant (14), the type (17), the parameter type (19) and the call (21).
    CHECK(lines_of(fs, "bindings-outside-kernel") == std::vector<int>{14, 17, 19, 21});
    for (const auto& f : fs)
      if (f.rule == "bindings-outside-kernel") CHECK(f.severity == "high");
    auto kernel = findings_of("bindings-outside-kernel.no.diff");
    CHECK(lines_of(kernel, "bindings-outside-kernel").empty());
  }

  TEST_CASE("changed justifications over unchanged code") {
    auto fs = findings_of("safety-changed.yes.diff");
    REQUIRE(lines_of(fs, "safety-changed") == std::vector<int>{41});
    CHECK(lines_of(fs, "unsafe-block").empty());  // the block itself is unchanged
    auto doc = findings_of("safety-changed.yes-doc.diff");
    CHECK(lines_of(doc, "safety-changed") == std::vector<int>{42});
    auto invariant = findings_of("safety-changed.yes-invariant.diff");
    REQUIRE(lines_of(invariant, "safety-changed") == std::vector<int>{61});
    for (const auto& f : invariant)
      if (f.rule == "safety-changed") CHECK(f.message.find("INVARIANT") != std::string::npos);
  }

  TEST_CASE("numeric casts: to integer types and to _, not to pointers") {
    auto fs = findings_of("numeric-cast.yes.diff");
    CHECK(lines_of(fs, "numeric-cast") == std::vector<int>{21, 22, 23});
  }

  TEST_CASE("Opaque data through .get(): dereferenced or read/written outside a lock, not under one or when only passed on") {
    // (*self.0.get()).limit = … (18), ptr::read_volatile(self.0.get()) (24),
    // *self.0.get() (28), (*slot.get()).limit (34): no lock in their fns.
    auto fs = findings_of("opaque-unlocked.yes.diff");
    CHECK(lines_of(fs, "opaque-unlocked") == std::vector<int>{18, 24, 28, 34});
    for (const auto& f : fs)
      if (f.rule == "opaque-unlocked") CHECK(f.severity == "medium");
    // The pointer returned or passed to C, the access after lock_irqsave(),
    // with a Guard parameter, and in a guard's Deref: none.
    auto no = findings_of("opaque-unlocked.no.diff");
    CHECK(lines_of(no, "opaque-unlocked").empty());
    CHECK(lines_of(no, "raw-deref").size() == 3);  // the dereferences are still dereferences
  }

  TEST_CASE("numeric .into(): to an integer type from a value of unseen type; not From, try_into, literals, other types") {
    auto fs = findings_of("numeric-into.yes.diff");
    CHECK(lines_of(fs, "numeric-into") == std::vector<int>{21, 22, 23});
    auto no = findings_of("numeric-into.no.diff");
    CHECK(lines_of(no, "numeric-into").empty());
  }

  TEST_CASE("code in a string template or a quote! is not code here") {
    CHECK(findings_of("unsafe-fn.no-string-template.diff").empty());
    CHECK(lines_of(findings_of("unsafe-fn.yes.diff"), "unsafe-fn") == std::vector<int>{56});
    CHECK(lines_of(findings_of("unsafe-impl.no-quote.diff"), "unsafe-impl").empty());
  }

  TEST_CASE("checklist: one entry per place, folded per rule and file, ranked, --max-items") {
    std::vector<core::Finding> fs;
    auto add = [&](std::string rule, std::string severity, int line, int end, std::optional<std::string> state = {}) {
      core::Finding f;
      f.rule = std::move(rule);
      f.severity = std::move(severity);
      f.message = f.rule + " message";
      f.question = f.rule + " question?";
      f.path = "drivers/example/x.rs";
      f.line = line;
      f.end_line = end;
      f.snippet = "code\n";
      f.safety_state = std::move(state);
      fs.push_back(std::move(f));
    };
    add("kernel-pub-item", "low", 5, 5);
    add("unsafe-block", "high", 10, 12, "present");
    add("bindings-call", "medium", 11, 11);
    add("raw-deref", "high", 11, 11);
    add("kernel-pub-item", "low", 20, 20);
    add("kernel-pub-item", "low", 30, 30);
    add("unsafe-block", "high", 40, 40, "missing");
    add("numeric-cast", "low", 50, 50);
    add("unwrap", "medium", 50, 50);
    auto entries = reports::checklist_entries(fs);
    // The undocumented block first; then the block with its call and
    // dereference; the cast and unwrap on one line; the three pub items as one.
    REQUIRE(entries.size() == 4);
    CHECK(entries[0].findings == std::vector<size_t>{6});
    CHECK(entries[0].rank == 0);
    CHECK(entries[1].findings == std::vector<size_t>{1, 3, 2});
    CHECK(entries[2].findings == std::vector<size_t>{8, 7});
    CHECK(entries[3].findings == std::vector<size_t>{0, 4, 5});
    CHECK(entries[3].folded);

    reports::Checklist c{"t", "id", "Ada Example", 1, 1, {}};
    c.patches.push_back({1, "m@example.org", "s", {{{"drivers/example/x.rs", "rust", 50, 0, {}}}, fs}});
    auto md = reports::checklist_markdown(c);
    size_t boxes = 0;
    for (size_t at = md.find("- [ ] "); at != std::string::npos; at = md.find("- [ ] ", at + 1)) ++boxes;
    CHECK(boxes == 4);
    CHECK(md.find("(`kernel-pub-item`, low): 3 places, lines 5, 20, 30") != std::string::npos);
    CHECK(md.find("(`unsafe-block`, `raw-deref`, `bindings-call`, high)") != std::string::npos);
    CHECK(md.find("**Also** (`bindings-call` at line 11, bindings-call message): bindings-call question?") !=
          std::string::npos);
    CHECK(md.find("- checklist entries: 4\n") != std::string::npos);
    CHECK(md.find("### Unsafe code without a justification") < md.find("### High severity"));

    auto two = reports::checklist_markdown(c, 2);
    boxes = 0;
    for (size_t at = two.find("- [ ] "); at != std::string::npos; at = two.find("- [ ] ", at + 1)) ++boxes;
    CHECK(boxes == 2);
    CHECK(two.find("(the 2 most important shown, 2 left out by --max-items)") != std::string::npos);
    CHECK(two.find("2 less important entries of this patch left out (--max-items).") != std::string::npos);
    CHECK(two.find("kernel-pub-item") == std::string::npos);
    auto text = reports::checklist_text(c, false, 1);
    CHECK(text.find("3 more left out (--max-items)") != std::string::npos);
    // JSON keeps every finding and says how they are grouped.
    auto j = reports::checklist_json(c);
    CHECK(j["patches"][0]["findings"].size() == fs.size());
    CHECK(j["patches"][0]["entries"].size() == 4);
  }
}
