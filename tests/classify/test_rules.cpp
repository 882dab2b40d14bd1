// The review rules: each one on code that must trigger it and code that must
// not, the SAFETY-comment states, broken rule files, and robustness on the
// real threads.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "core/analysis/classes.hpp"
#include "core/analysis/patch_review.hpp"
#include "mail/sources/files.hpp"
#include "mail/sources/mbox.hpp"
#include "mail/parse/parse.hpp"
#include "tests/support.hpp"

using namespace seam;

namespace {

const core::RuleSet& builtin() {
  static core::RuleSet rules = core::load_rules({SEAM_RULES_DIR});
  return rules;
}

// A diff adding `added` (lines without '+') to path at line `start`, after
// the context lines `before`.
std::string diff_of(const std::string& path, const std::vector<std::string>& before,
                    const std::vector<std::string>& added, int start = 1) {
  std::string d = "diff --git a/" + path + " b/" + path + "\n--- a/" + path + "\n+++ b/" + path + "\n";
  d += "@@ -" + std::to_string(start) + "," + std::to_string(before.size()) + " +" + std::to_string(start) + "," +
       std::to_string(before.size() + added.size()) + " @@\n";
  for (const auto& l : before) d += " " + l + "\n";
  for (const auto& l : added) d += "+" + l + "\n";
  return d;
}

std::vector<core::Finding> run(const std::string& diff) {
  return core::review_patch(core::parse_diff(diff), builtin()).findings;
}

int count(const std::vector<core::Finding>& fs, const std::string& rule) {
  int n = 0;
  for (const auto& f : fs) n += f.rule == rule;
  return n;
}

const core::Finding* first(const std::vector<core::Finding>& fs, const std::string& rule) {
  for (const auto& f : fs)
    if (f.rule == rule) return &f;
  return nullptr;
}

}  // namespace

TEST_SUITE("classify") {
  TEST_CASE("paths are classified") {
    CHECK(core::classify_path("rust/kernel/pci.rs") == "rust");
    CHECK(core::classify_path("drivers/gpu/nova/regs.rs") == "rust");
    CHECK(core::classify_path("rust/helpers/pci.c") == "rust-c-glue");
    CHECK(core::classify_path("rust/bindings/bindings_helper.h") == "rust-c-glue");
    CHECK(core::classify_path("rust/uapi/uapi_helper.h") == "rust-c-glue");
    CHECK(core::classify_path("drivers/pci/probe.c") == "c");
    CHECK(core::classify_path("include/linux/pci.h") == "c-header");
    CHECK(core::classify_path("drivers/pci/Kconfig") == "build");
    CHECK(core::classify_path("rust/Makefile") == "build");
    CHECK(core::classify_path("scripts/Makefile.build") == "build");
    CHECK(core::classify_path("Documentation/rust/testing.rst") == "docs");
    CHECK(core::classify_path("Documentation/devicetree/bindings/pci/x.yaml") == "devicetree");
    CHECK(core::classify_path("arch/arm64/boot/dts/x.dtsi") == "devicetree");
    CHECK(core::classify_path("MAINTAINERS") == "maintainers");
    CHECK(core::classify_path("tools/x.py") == "other");
  }

  TEST_CASE("the built-in rules all load") {
    CHECK(builtin().errors.empty());
    CHECK(builtin().rules.size() >= 17);
  }

  TEST_CASE("unsafe-block: present, missing, outside-context, placeholder") {
    auto present = run(diff_of("rust/kernel/a.rs", {"fn f(p: *const u8) -> u8 {"},
                               {"    // SAFETY: the caller passes a valid pointer,", "    // checked in `new`.",
                                "    unsafe { *p }", "}"}));
    REQUIRE(first(present, "unsafe-block"));
    CHECK(*first(present, "unsafe-block")->safety_state == "present");
    CHECK(first(present, "unsafe-block")->safety_comment->find("checked in `new`") != std::string::npos);
    CHECK(first(present, "unsafe-block")->line == 4);

    auto let = run(diff_of("rust/kernel/a.rs", {"fn f(p: *const u8) -> u8 {"},
                           {"    // SAFETY: valid by the type invariant.", "    #[allow(unused)]",
                            "    let v = unsafe { *p };", "    v", "}"}));
    CHECK(*first(let, "unsafe-block")->safety_state == "present");

    auto missing = run(diff_of("rust/kernel/a.rs", {"fn f(p: *const u8) -> u8 {", "    let x = 1;"},
                               {"    unsafe { *p }", "}"}));
    CHECK(*first(missing, "unsafe-block")->safety_state == "missing");

    // The block is the first line the hunk shows, far into the file: the
    // comment may be just above, out of sight.
    auto outside = run(diff_of("rust/kernel/a.rs", {}, {"    unsafe { bindings::f() };"}, 40));
    CHECK(*first(outside, "unsafe-block")->safety_state == "outside-context");

    auto todo = run(diff_of("rust/kernel/a.rs", {"fn f() {"}, {"    // SAFETY: TODO", "    unsafe { g() };", "}"}));
    CHECK(count(todo, "safety-placeholder") == 1);
    auto empty = run(diff_of("rust/kernel/a.rs", {"fn f() {"}, {"    // SAFETY:", "    unsafe { g() };", "}"}));
    CHECK(count(empty, "safety-placeholder") == 1);
    for (const char* text : {"// SAFETY: TBD.", "// SAFETY: ...", "// SAFETY: fixme: explain", "// SAFETY: ?"}) {
      CAPTURE(text);
      CHECK(count(run(diff_of("rust/kernel/a.rs", {"fn f() {"}, {std::string("    ") + text, "    unsafe { g() };", "}"})),
                  "safety-placeholder") == 1);
    }
    // "Todo" inside a real argument is no placeholder.
    CHECK(count(run(diff_of("rust/kernel/a.rs", {"fn f() {"},
                            {"    // SAFETY: `todo` is a valid pointer: see `new`.", "    unsafe { g() };", "}"})),
                "safety-placeholder") == 0);
    // Inside a macro body too.
    auto in_macro = run(diff_of("rust/kernel/a.rs", {},
                                {"macro_rules! m {", "    () => {", "        // SAFETY: TODO", "        unsafe { g() }",
                                 "    };", "}"}));
    CHECK(count(in_macro, "safety-placeholder") == 1);
    CHECK(count(present, "safety-placeholder") == 0);

    // Unchanged context is not reported.
    auto context_only = run(diff_of("rust/kernel/a.rs", {"fn f() {", "    unsafe { g() };", "}"}, {"// more"}));
    CHECK(count(context_only, "unsafe-block") == 0);
  }

  TEST_CASE("unsafe blocks inside macro_rules! bodies") {
    auto m = run(diff_of("rust/kernel/m.rs", {},
                         {"macro_rules! read_reg {", "    ($p:expr) => {{", "        // SAFETY: `$p` is a mapped register.",
                          "        unsafe { bindings::readl($p) }", "    }};", "}", "macro_rules! bad {",
                          "    () => { unsafe { f() } };", "}"}));
    REQUIRE(count(m, "unsafe-block") == 2);
    std::string states;
    for (const auto& f : m)
      if (f.rule == "unsafe-block") states += std::to_string(f.line) + ":" + *f.safety_state + " ";
    CHECK(states == "4:present 8:missing ");
  }

  TEST_CASE("unsafe fn, impl, trait") {
    auto documented = run(diff_of("rust/kernel/a.rs", {},
                                  {"/// Does it.", "///", "/// # Safety", "///", "/// `p` is valid.",
                                   "pub unsafe fn f(p: *const u8) {}"}));
    CHECK(*first(documented, "unsafe-fn")->safety_state == "present");
    auto undocumented = run(diff_of("rust/kernel/a.rs", {}, {"/// Does it.", "pub unsafe fn f(p: *const u8) {}"}));
    CHECK(*first(undocumented, "unsafe-fn")->safety_state == "missing");
    auto trait_method = run(diff_of("rust/kernel/a.rs", {}, {"impl Foo for Bar {", "    unsafe fn f(&self) {}", "}"}));
    CHECK(*first(trait_method, "unsafe-fn")->safety_state == "present");
    CHECK(count(run(diff_of("rust/kernel/a.rs", {}, {"fn safe() {}"})), "unsafe-fn") == 0);

    auto impls = run(diff_of("rust/kernel/a.rs", {},
                             {"// SAFETY: all access goes through a lock.", "unsafe impl Sync for T {}", "",
                              "unsafe impl Send for T {}", "impl Clone for T { fn clone(&self) -> T { T } }",
                              "pub unsafe trait Backend {}", "pub trait Safe {}"}));
    CHECK(count(impls, "unsafe-impl") == 2);
    CHECK(*first(impls, "unsafe-impl")->safety_state == "present");
    CHECK(count(impls, "unsafe-trait") == 1);
    // An unsafe trait's contract is its `# Safety` doc section.
    CHECK(*first(impls, "unsafe-trait")->safety_state == "missing");
    auto documented_trait = run(diff_of("rust/kernel/a.rs", {},
                                        {"/// A backend.", "///", "/// # Safety", "///", "/// `get` returns valid memory.",
                                         "// (a plain comment between)", "pub unsafe trait Backend {}"}));
    CHECK(*first(documented_trait, "unsafe-trait")->safety_state == "present");
  }

  TEST_CASE("a hunk that starts inside a signature or a block parses as the item around it") {
    // The hunk starts in the parameters of a fn whose name lies above it and
    // stops before its closing brace: the SAFETY comment above the `let` is
    // still the block's.
    auto mid = run(diff_of("rust/kernel/a.rs",
                           {"        arg: c_ulong,", "    ) -> c_long {",
                            "        // SAFETY: The ioctl call of a file can access the private data."},
                           {"        let private = unsafe { (*file).private_data };"}, 297));
    REQUIRE(count(mid, "unsafe-block") == 1);
    CHECK(*first(mid, "unsafe-block")->safety_state == "present");
    CHECK(first(mid, "unsafe-block")->line == 300);
    // Closing braces of blocks opened above the hunk.
    auto tail = run(diff_of("rust/kernel/a.rs", {"            x", "        }", "    }", "    // SAFETY: `p` is valid."},
                            {"    unsafe { p.read() };"}, 40));
    REQUIRE(count(tail, "unsafe-block") == 1);
    CHECK(*first(tail, "unsafe-block")->safety_state == "present");
    // An unsafe fn whose doc comment starts above the hunk: its `# Safety`
    // section may be there.
    auto doc = run(diff_of("rust/kernel/a.rs",
                           {"    /// must be associated with a registration.",
                            "    unsafe extern \"C\" fn release(file: *mut bindings::file) -> c_int {"},
                           {"        0"}, 228));
    REQUIRE(count(doc, "unsafe-fn") == 1);
    CHECK(*first(doc, "unsafe-fn")->safety_state == "outside-context");
    CHECK(count(doc, "extern-c") == 1);
    // An indented unsafe fn after the end of the one before: it sits in an
    // impl the hunk does not show, maybe a trait impl.
    auto method = run(diff_of("rust/kernel/a.rs", {"        unsafe { Self::from_inner(inner) }", "    }", ""},
                              {"    unsafe fn borrow<'a>(ptr: *mut c_void) -> ArcBorrow<'a, T> {", "        todo()", "    }"},
                              394));
    REQUIRE(count(method, "unsafe-fn") == 1);
    CHECK(*first(method, "unsafe-fn")->safety_state == "outside-context");
    // The same fn in a whole inherent impl the hunk shows: missing.
    auto shown = run(diff_of("rust/kernel/a.rs", {"impl Foo {", "    fn safe(&self) {}", ""},
                             {"    unsafe fn borrow(ptr: *mut c_void) -> u32 {", "        0", "    }", "}"}, 10));
    REQUIRE(count(shown, "unsafe-fn") == 1);
    CHECK(*first(shown, "unsafe-fn")->safety_state == "missing");
  }

  TEST_CASE("unsafe impl, fn and trait inside macro_rules! bodies") {
    auto m = run(diff_of("rust/kernel/a.rs", {},
                         {"macro_rules! imp {", "    ($t:ty) => {", "        // SAFETY: `$t` has no interior mutability.",
                          "        unsafe impl Sync for $t {}", "        unsafe impl Send for $t {}",
                          "        /// # Safety", "        /// `p` is valid.",
                          "        unsafe fn get(p: *const $t) -> $t { unsafe { *p } }",
                          "        unsafe trait Marker {}", "    };", "}"}));
    REQUIRE(count(m, "unsafe-impl") == 2);
    CHECK(*first(m, "unsafe-impl")->safety_state == "present");
    CHECK(first(m, "unsafe-impl")->line == 4);
    CHECK(*first(m, "unsafe-impl")->safety_comment == "SAFETY: `$t` has no interior mutability.");
    CHECK(count(m, "unsafe-fn") == 1);
    CHECK(*first(m, "unsafe-fn")->safety_state == "present");
    CHECK(count(m, "unsafe-block") == 1);
    CHECK(count(m, "unsafe-trait") == 1);
    CHECK(*first(m, "unsafe-trait")->safety_state == "missing");
    // `unsafe` as a plain token (not before impl/fn/trait/{…}) is nothing.
    CHECK(run(diff_of("rust/kernel/a.rs", {}, {"macro_rules! m { () => { let unsafe_x = 1; }; }"})).empty());
  }

  TEST_CASE("the Rust/C boundary") {
    auto b = run(diff_of("drivers/x/y.rs", {},
                         {"fn f() {", "    unsafe { bindings::pci_enable_device(p) };",
                          "    unsafe { kernel::bindings::foo() };", "    other::call();", "}",
                          "extern \"C\" { fn c_side(); }", "#[no_mangle]", "pub extern \"C\" fn from_c() {}",
                          "#[repr(C)]", "struct A { x: u32 }", "#[repr(transparent)]", "struct B(Opaque<bindings::dev>);",
                          "#[repr(u8)]", "enum E { X }"}));
    CHECK(count(b, "bindings-call") == 2);
    CHECK(count(b, "extern-c") == 2);
    CHECK(count(b, "export-symbol") == 1);
    CHECK(count(b, "repr-c") == 2);
    CHECK(count(b, "opaque") == 1);
    CHECK(count(b, "kernel-pub-item") == 0);  // not under rust/kernel/
    auto k = run(diff_of("rust/kernel/x.rs", {}, {"pub fn api() {}", "fn private() {}", "pub struct S;"}));
    CHECK(count(k, "kernel-pub-item") == 2);
    auto surface = run(diff_of("rust/kernel/x.rs", {},
                               {"pub const MAX: u32 = 8;", "pub static NAME: &str = \"x\";", "pub type Id = u32;",
                                "pub mod sub {}", "pub use crate::y::Z;", "pub union U { a: u32 }",
                                "pub(crate) fn internal() {}", "pub(super) struct Hidden;", "const PRIVATE: u32 = 1;"}));
    CHECK(count(surface, "kernel-pub-item") == 6);
    auto glue = run(diff_of("rust/helpers/x.c", {}, {"int rust_helper_x(void) { return x(); }"}));
    CHECK(count(glue, "rust-c-glue") == 1);
    // A header for bindgen, reviewed without a repository (as `seam
    // reviewers` reviews every stored patch): the glue finding, and no
    // search for the Rust uses a repository would show.
    auto header = run(diff_of("rust/bindings/bindings_helper.h", {}, {"#include <linux/pci.h>"}));
    CHECK(count(header, "rust-c-glue") == 1);
    CHECK(header.size() == 1);
    CHECK(run(diff_of("drivers/x.c", {}, {"int x(void) { return 0; }"})).empty());
  }

  TEST_CASE("pointers, ownership, panics, lints, invariants") {
    auto p = run(diff_of("rust/kernel/a.rs", {},
                         {"fn f(a: &A) {", "    let p = a as *const A as *mut u8;", "    let q = a as u32;",
                          "    let b = unsafe { KBox::from_raw(p) };", "    let r = KBox::into_raw(b);",
                          "    let t: u32 = unsafe { core::mem::transmute(x) };", "    core::mem::forget(y);",
                          "    let v = x.unwrap();", "    let w = x.expect(\"no\");", "    let z = x.unwrap_or(0);",
                          "    panic!(\"no\");", "    todo!();", "    // INVARIANT: `len` counts the items.",
                          "    Self { len: 0 }", "}", "#[allow(dead_code)]", "#[expect(dead_code)]", "fn g() {}"}));
    CHECK(count(p, "pointer-cast") == 1);
    auto d = run(diff_of("rust/kernel/a.rs", {},
                         {"fn f(p: *const u32, r: &u32) -> u32 {", "    let a = *r;", "    // SAFETY: valid.",
                          "    let b = unsafe { *p };", "    a + b", "}"}));
    CHECK(count(d, "raw-deref") == 1);
    CHECK(first(d, "raw-deref")->line == 4);
    CHECK(count(p, "raw-ownership") == 4);
    CHECK(count(p, "unwrap") == 2);
    CHECK(count(p, "panic") == 2);
    // A new INVARIANT comment comes with the code it justifies (no entry of
    // its own); one reworded over unchanged code is safety-changed.
    CHECK(count(p, "invariant") == 0);
    CHECK(count(p, "safety-changed") == 0);
    CHECK(count(p, "allow-lint") == 1);
    // Tests and samples may unwrap and panic.
    auto t = run(diff_of("rust/kernel/a.rs", {}, {"#[cfg(test)]", "mod tests {", "    fn t() { x.unwrap(); panic!(); }", "}"}));
    CHECK(count(t, "unwrap") == 0);
    CHECK(count(t, "panic") == 0);
    CHECK(count(run(diff_of("samples/rust/s.rs", {}, {"fn t() { x.unwrap(); }"})), "unwrap") == 0);
  }

  TEST_CASE("a broken rule file is reported with its line; the others still load") {
    test::TempDir tmp;
    std::ofstream(tmp / "bad.scm") << "; id: bad\n; severity: low\n\n(unsafe_block\n  (no_such_node)) @finding\n";
    std::ofstream(tmp / "good.scm") << "; id: my-rule\n(unsafe_block) @finding\n";
    std::ofstream(tmp / "noid.scm") << "(unsafe_block) @finding\n";
    std::ofstream(tmp / "bare.scm") << ";\n; id: bare-comment-line\n;\n(unsafe_block) @finding\n";
    auto set = core::load_rules({SEAM_RULES_DIR, tmp.path().string()});
    REQUIRE(set.errors.size() == 2);
    CHECK(set.errors[0].where == (tmp / "bad.scm").string() + ":5");
    CHECK(set.errors[1].where == (tmp / "noid.scm").string() + ":1");
    CHECK(set.rules.size() == builtin().rules.size() + 2);
  }

  TEST_CASE("the sample series: every unsafe block, SAFETY comment and boundary call") {
    auto data = mail::read_file(test::data("sample/rust-counter-v2.mbox").string());
    auto entries = mail::split_mbox(data);
    REQUIRE(entries.size() == 5);
    auto raw = mail::extract_message(data, entries[2], mail::MboxFormat::mboxrd);
    auto r = core::review_patch(core::parse_diff(mail::body_text(raw)), builtin());
    REQUIRE(r.files.size() == 1);
    CHECK(r.files[0].cls == "rust");
    CHECK(r.files[0].added == 64);
    // Counted by hand: four unsafe blocks (lines 28, 34, 39, 45), of which
    // 39 has no SAFETY comment and 45 a placeholder; two calls into bindings::.
    CHECK(count(r.findings, "unsafe-block") == 4);
    std::string states;
    for (const auto& f : r.findings)
      if (f.rule == "unsafe-block") states += std::to_string(f.line) + ":" + *f.safety_state + " ";
    CHECK(states == "28:present 34:present 39:missing 45:present ");
    CHECK(count(r.findings, "safety-placeholder") == 1);
    CHECK(count(r.findings, "bindings-call") == 2);
    CHECK(count(r.findings, "unsafe-impl") == 2);
    CHECK(count(r.findings, "unsafe-fn") == 1);
    CHECK(count(r.findings, "unwrap") == 1);
    CHECK(count(r.findings, "allow-lint") == 1);
  }

  TEST_CASE("no crash and sane lines on every patch of every corpus thread") {
    auto dir = test::shared("corpus/threads");
    SEAM_SKIP_UNLESS(!dir.empty(), "../shared/corpus/threads is absent");
    int patches = 0, findings = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
      auto data = mail::read_file(e.path().string());
      for (const auto& m : mail::split_mbox(data)) {
        auto raw = mail::extract_message(data, m, mail::MboxFormat::mboxrd);
        auto files = core::parse_diff(mail::body_text(raw));
        if (files.empty()) continue;
        ++patches;
        auto r = core::review_patch(files, builtin());
        for (const auto& f : r.findings) {
          CHECK(f.line >= 1);
          CHECK(f.end_line >= f.line);
          ++findings;
        }
      }
    }
    CHECK(patches > 50);
    CHECK(findings > 100);
  }

  TEST_CASE("rust-build: a flag added inside a continued Rust assignment of the top Makefile; other build lines are not") {
    // The added line names no Rust; the line it continues does.
    const std::string d =
        "diff --git a/Makefile b/Makefile\n--- a/Makefile\n+++ b/Makefile\n"
        "@@ -470,4 +470,5 @@ export rust_common_flags\n"
        " rust_common_flags := --edition=2021 \\\n"
        " \t\t     -Wrust_2018_idioms \\\n"
        "+\t\t     -Aclippy::collapsible_match \\\n"
        " \t\t     -Wclippy::all\n"
        " \n";
    auto fs = run(d);
    REQUIRE_MESSAGE(count(fs, "rust-build") == 1, d);
    CHECK(first(fs, "rust-build")->snippet.find("-Aclippy::collapsible_match") != std::string::npos);

    // The hunk starts inside the continued line: git's hunk header names it.
    const std::string from_header =
        "diff --git a/Makefile b/Makefile\n--- a/Makefile\n+++ b/Makefile\n"
        "@@ -480,3 +480,4 @@ rust_common_flags := --edition=2021 \\\n"
        " \t\t     -Dunsafe_op_in_unsafe_fn \\\n"
        "+\t\t     -Aclippy::needless_lifetimes \\\n"
        " \t\t     -Wmissing_docs\n";
    CHECK(count(run(from_header), "rust-build") == 1);

    // A continued C flag list next to nothing Rust: no entry.
    const std::string c_flags =
        "diff --git a/Makefile b/Makefile\n--- a/Makefile\n+++ b/Makefile\n"
        "@@ -500,3 +500,4 @@ KBUILD_CFLAGS := -Wall \\\n"
        " \t\t   -Wundef \\\n"
        "+\t\t   -Wno-trigraphs \\\n"
        " \t\t   -fno-strict-aliasing\n";
    CHECK(count(run(c_flags), "rust-build") == 0);
    // The continuation ends at a line without '\': what follows is not Rust.
    const std::string after_end =
        "diff --git a/Makefile b/Makefile\n--- a/Makefile\n+++ b/Makefile\n"
        "@@ -470,3 +470,4 @@\n"
        " rust_common_flags := --edition=2021 \\\n"
        " \t\t     -Wclippy::all\n"
        "+KBUILD_CFLAGS += -Wno-trigraphs\n"
        " \n";
    CHECK(count(run(after_end), "rust-build") == 0);
  }
}
