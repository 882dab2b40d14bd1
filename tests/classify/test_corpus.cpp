// Classification on real mail: patches from ../shared/corpus/threads whose
// unsafe blocks, SAFETY comments and boundary calls were counted by hand,
// and a run over every patch of the kbuild epoch that must not crash.
#include <doctest/doctest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/analysis/c_items.hpp"
#include "core/analysis/patch_review.hpp"
#include "git/objects.hpp"
#include "mail/sources/files.hpp"
#include "mail/sources/mbox.hpp"
#include "mail/parse/parse.hpp"
#include "tests/support.hpp"

using namespace seam;

namespace {

const core::RuleSet& builtin() {
  static const core::RuleSet set = core::load_rules({SEAM_RULES_DIR});
  return set;
}

// The review of the patch mail `msgid` in a corpus thread; empty when the
// corpus is absent.
std::optional<core::PatchReview> review_of(const std::string& thread, const std::string& msgid) {
  auto path = test::shared("corpus/threads/" + thread);
  if (path.empty()) return std::nullopt;
  auto data = mail::read_file(path.string());
  for (const auto& e : mail::split_mbox(data)) {
    auto raw = mail::extract_message(data, e, mail::MboxFormat::mboxrd);
    auto p = mail::parse_message(raw);
    if (p.message && p.message->msgid == msgid)
      return core::review_patch(core::parse_diff(mail::body_text(raw)), builtin());
  }
  FAIL("no message <" << msgid << "> in " << thread);
  return std::nullopt;
}

// "rule@line:state" for the rules in `only`, in seam's order (line, then rule).
std::string summary(const core::PatchReview& r, const std::set<std::string>& only) {
  std::string s;
  for (const auto& f : r.findings)
    if (only.count(f.rule)) s += f.rule + "@" + std::to_string(f.line) + (f.safety_state ? ":" + *f.safety_state : "") + " ";
  return s;
}

const std::set<std::string> kUnsafeAndBoundary = {
    "unsafe-block", "unsafe-fn",      "unsafe-impl", "unsafe-trait", "safety-placeholder", "bindings-call",
    "extern-c",     "export-symbol", "repr-c",      "opaque",       "rust-c-glue"};

}  // namespace

TEST_SUITE("classify") {
  TEST_CASE("hand count: rust: pci: Use explicit types in FFI callbacks (v2)") {
    auto r = review_of("pci-rust-single-ffi-callbacks-v2.mbox", "20250729102953.141412-1-abhinav.ogl@gmail.com");
    SEAM_SKIP_UNLESS(r, "../shared/corpus is absent");
    // Two hunks of rust/kernel/pci.rs. The first changes the return type of
    // `extern "C" fn probe_callback` (line 61 starts it). The second changes
    // one call inside an unsafe block at 335-338 whose comment (lines
    // 333-334) continues one from above the hunk: its SAFETY line is not in
    // the patch. Of the block's two bindings:: calls only pci_iounmap (336)
    // is changed; the `as *mut c_void` there is a pointer cast.
    CHECK(summary(*r, kUnsafeAndBoundary) == "extern-c@61 unsafe-block@335:outside-context bindings-call@336 ");
    CHECK(summary(*r, {"pointer-cast"}) == "pointer-cast@336 ");
  }

  TEST_CASE("hand count: rust: pci: add {enable,disable}_sriov() (SR-IOV v1 3/8)") {
    auto r = review_of("pci-rust-sriov-v1.mbox", "20251119-rust-pci-sriov-v1-3-883a94599a97@redhat.com");
    SEAM_SKIP_UNLESS(r, "../shared/corpus is absent");
    // Two new methods, each one unsafe block calling into C, each with a
    // multi-line SAFETY comment (lines 462-468 and 479-484). The unchanged
    // pci_set_master call in the context (455) is not a finding.
    CHECK(summary(*r, kUnsafeAndBoundary) ==
          "bindings-call@469 unsafe-block@469:present bindings-call@485 unsafe-block@485:present ");
    int checked = 0;
    for (const auto& f : r->findings) {
      if (f.rule != "unsafe-block") continue;
      REQUIRE(f.safety_comment);
      CHECK(f.safety_comment->rfind("SAFETY:", 0) == 0);
      CHECK(f.safety_comment->find("`self.as_raw` returns a valid pointer to a `struct pci_dev`.") != std::string::npos);
      CHECK(f.safety_comment->find(f.line == 469 ? "does not exceed the total number of supported VFs."
                                                 : "SR-IOV is currently enabled.") != std::string::npos);
      ++checked;
    }
    CHECK(checked == 2);
    CHECK(summary(*r, {"kernel-pub-item"}) == "kernel-pub-item@461 kernel-pub-item@478 ");
  }

  TEST_CASE("hand count: rust: platform: add irq accessors (request_irq v6 5/6)") {
    auto r = review_of("pci-rust-request-irq-v6.mbox", "20250703-topics-tyr-request_irq-v6-5-74103bdc7c52@collabora.com");
    SEAM_SKIP_UNLESS(r, "../shared/corpus is absent");
    // Four accessors, each with two unsafe blocks (the platform_get_irq*
    // call and IrqRequest::new), every one under its own SAFETY comment; the
    // last call spans lines 283-285. `irq as u32` is no pointer cast, and
    // the unchanged `impl_device_context_deref!(unsafe { Device })` at 336
    // is context. The macro_rules! bodies hold no unsafe code.
    CHECK(summary(*r, kUnsafeAndBoundary) ==
          "bindings-call@244 unsafe-block@244:present unsafe-block@251:present "
          "bindings-call@257 unsafe-block@257:present unsafe-block@264:present "
          "bindings-call@270 unsafe-block@270:present unsafe-block@277:present "
          "unsafe-block@283:present bindings-call@284 unsafe-block@292:present ");
    CHECK(summary(*r, {"pointer-cast", "raw-deref", "raw-ownership"}).empty());
  }

  TEST_CASE("hand count: rust: str: add radix prefixed integer parsing (module params v13 1/6)") {
    auto r = review_of("kbuild-rust-module-params-v13.mbox", "20250612-module-params-v3-v13-1-bc219cd1a3f8@kernel.org");
    SEAM_SKIP_UNLESS(r, "../shared/corpus is absent");
    // A new file: `pub unsafe trait FromStrRadix` (28) documented by a
    // `# Safety` section (20-23); one unsafe block (121) under "SAFETY: We
    // checked…"; an `unsafe impl` inside the impl_parse_int! macro body
    // (136-156) under its SAFETY comment (135). No call into C.
    CHECK(summary(*r, kUnsafeAndBoundary) == "unsafe-trait@28:present unsafe-block@121:present unsafe-impl@136:present ");
    for (const auto& f : r->findings) {
      if (f.rule == "unsafe-block") CHECK(*f.safety_comment == "SAFETY: We checked that `val` will fit in `Self` above.");
      if (f.rule == "unsafe-impl") {
        CHECK(*f.safety_comment == "SAFETY: We implement the trait according to the documentation.");
        CHECK(f.end_line == 156);
      }
    }
  }

  TEST_CASE("--repo on every Rust patch of the corpus threads: applies, never outside-context") {
    auto dir = test::shared("corpus/threads");
    SEAM_SKIP_UNLESS(!dir.empty(), "../shared/corpus/threads is absent");
    // No kernel tree here: each patch gets a repository holding what its
    // hunks show of each file it changes (context and removed lines at their
    // old line numbers, blank lines between), where it applies exactly.
    int patches = 0, blocks = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
      auto data = mail::read_file(e.path().string());
      for (const auto& m : mail::split_mbox(data)) {
        auto raw = mail::extract_message(data, m, mail::MboxFormat::mboxrd);
        auto parsed = mail::parse_message(raw);
        if (!parsed.message || parsed.message->subject.rfind("Re:", 0) == 0) continue;
        auto files = core::parse_diff(mail::body_text(raw));
        bool rust = false, binary = false;
        for (const auto& f : files) {
          rust = rust || (f.path().size() > 3 && f.path().compare(f.path().size() - 3, 3, ".rs") == 0);
          binary = binary || f.binary;
        }
        if (!rust || binary) continue;
        test::TempDir tmp;
        const auto repo = tmp / "repo";
        test::shell("git init -q -b master '" + repo.string() + "'");
        for (const auto& f : files) {
          if (f.old_path == "/dev/null") continue;
          std::vector<std::string> lines;
          for (const auto& h : f.hunks)
            for (const auto& l : h.lines)
              if (l.origin != '+' && l.old_line > 0) {
                if (lines.size() < static_cast<size_t>(l.old_line)) lines.resize(static_cast<size_t>(l.old_line));
                lines[static_cast<size_t>(l.old_line) - 1] = l.text;
              }
          std::string text;
          for (const auto& l : lines) text += l + "\n";
          std::filesystem::create_directories((repo / f.old_path).parent_path());
          test::write_file(repo / f.old_path, text);
        }
        test::shell("cd '" + repo.string() + "' && git add -A && git -c user.name=T -c user.email=t@x commit -qm base "
                    "--allow-empty");
        test::write_file(tmp / "p.eml", raw);
        int st = 0;
        const std::string out = test::shell("'" + std::string(SEAM_BINARY) + "' classify --json --repo '" +
                                                repo.string() + "' '" + (tmp / "p.eml").string() + "' 2>&1",
                                            &st);
        INFO(e.path().filename().string() << " " << parsed.message->subject);
        REQUIRE_MESSAGE(st == 0, out);
        ++patches;
        auto without = core::review_patch(files, builtin());
        for (const auto& f : without.findings)
          if (f.rule == "unsafe-block" && f.safety_state == std::string("outside-context")) ++blocks;
        // Named: a range-for over a member of the temporary parse() result
        // would read it after its destruction (ASan: heap-use-after-free).
        const auto doc = nlohmann::json::parse(out);
        for (const auto& f : doc["patches"][0]["findings"]) {
          CHECK(f["safety_state"] != "outside-context");
          CHECK(f["line"].get<int>() >= 1);
        }
      }
    }
    MESSAGE(patches << " Rust patches applied with --repo; " << blocks
                    << " unsafe blocks outside-context without a repository, none with one");
    CHECK(patches > 40);
  }

  TEST_CASE("no crash and sane findings on every patch of the kbuild epoch") {
    auto epoch = test::shared("corpus/lore/linux-kbuild/git/0.git");
    SEAM_SKIP_UNLESS(!epoch.empty(), "../shared/corpus/lore is absent");
    git::ObjectReader reader(epoch.string());
    int mails = 0, patches = 0, rust = 0, findings = 0, c_items = 0;
    for (const auto& c : reader.first_parent_line(reader.head(), "")) {
      auto blob = reader.read_tree_file_view(c.tree, "m");
      if (!blob.ok()) continue;
      ++mails;
      std::string raw(blob.data());
      auto files = core::parse_diff(mail::body_text(raw));
      if (files.empty()) continue;
      ++patches;
      auto r = core::review_patch(files, builtin());
      REQUIRE(r.files.size() == files.size());
      // The C side reads whole files from a repository, which the epoch has
      // not: its parser gets each C hunk's post-image instead, damaged as
      // fragments are.
      for (const auto& f : files) {
        const std::string& path = f.path();
        const std::string ext = path.size() > 2 ? path.substr(path.size() - 2) : "";
        if (ext != ".c" && ext != ".h") continue;
        for (const auto& h : f.hunks) {
          std::string text;
          int lines = 0;
          for (const auto& l : h.lines)
            if (l.origin != '-') {
              text += l.text + "\n";
              ++lines;
            }
          for (const auto& it : core::c_items(text)) {
            ++c_items;
            if (it.name.empty() || it.line < 1 || it.end_line < it.line || it.end_line > lines + 1)
              FAIL_CHECK(c.commit << ": " << f.path() << ": " << it.kind << " " << it.name << " " << it.line << "-"
                                  << it.end_line);
          }
        }
      }
      bool has_rust = false;
      for (const auto& f : r.files) has_rust = has_rust || f.cls == "rust";
      rust += has_rust;
      for (const auto& f : r.findings) {
        ++findings;
        if (f.line < 1 || f.end_line < f.line || f.snippet.empty() || f.question.empty()) {
          FAIL_CHECK(c.commit << ": " << f.rule << " " << f.path << ":" << f.line << "-" << f.end_line);
        }
      }
    }
    MESSAGE(mails << " mails, " << patches << " patches (" << rust << " touching Rust), " << findings << " findings, "
                  << c_items << " C items in C hunks");
    CHECK(mails > 30000);
    CHECK(patches > 10000);
    CHECK(rust > 300);
    CHECK(c_items > 1000);
  }
}
