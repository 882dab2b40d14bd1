// Analysis with a repository: whole files parsed after applying in memory.
#include <doctest/doctest.h>


#include "core/analysis/patch_review.hpp"
#include "git/apply.hpp"
#include "git/objects.hpp"
#include "tests/support.hpp"

using namespace seam;

namespace {

std::string sh(const std::string& cmd) { return test::shell(cmd); }

std::string states(const std::vector<core::Finding>& fs) {
  std::string s;
  for (const auto& f : fs)
    s += f.rule + "@" + std::to_string(f.line) + (f.safety_state ? ":" + *f.safety_state : "") + " ";
  return s;
}

}  // namespace

TEST_SUITE("classify") {
  TEST_CASE("with a repository no SAFETY comment is out of sight; inside one item both agree") {
    test::TempDir tmp;
    const std::string r = (tmp / "repo").string(), g = "cd '" + r + "' && ";
    sh("git init -q -b master '" + r + "' && cd '" + r + "' && git config user.name T && git config user.email t@x");
    std::string file = "//! Demo.\n\nfn read(p: *const u32) -> u32 {\n    // SAFETY: `p` is valid: the caller\n"
                       "    // checked it when mapping the region,\n    // which outlives this call.\n\n\n\n\n"
                       "    unsafe { *p }\n}\n\nfn other() {\n    let x = 1;\n    let y = 2;\n    x + y;\n}\n";
    sh(g + "mkdir -p rust/kernel && cat > rust/kernel/demo.rs <<'EOF_'\n" + file + "EOF_\ngit add -A && git commit -qm base");
    sh(g + "sed -i 's/    unsafe { \\*p }/    unsafe { p.read_volatile() }/; s/    let y = 2;/    let y = unsafe { q() };/' "
           "rust/kernel/demo.rs && git commit -qam change && git format-patch -q -1 --stdout > ../p.patch && "
           "git reset -q --hard HEAD~1");
    auto files = core::parse_diff(sh("cat '" + (tmp / "p.patch").string() + "'"));
    REQUIRE(files.size() == 1);
    auto rules = core::load_rules({SEAM_RULES_DIR});
    auto without = core::review_patch(files, rules);
    INFO(states(without.findings));
    CHECK(states(without.findings).find("unsafe-block@11:outside-context") != std::string::npos);

    git::PatchInput in{"p", sh("cat '" + (tmp / "p.patch").string() + "'"), "change\n", "T", "t@x", 0, 0};
    git::ApplyOptions opts;
    opts.write_branch = false;
    auto applied = git::apply_patches(r, {in}, {}, opts);
    REQUIRE(applied.applied.size() == 1);
    git::ObjectReader reader(applied.objects);  // the commit lives in memory only
    const std::string commit = applied.applied[0].second;
    core::RepoView view{[&](const std::string& path) { return reader.read_path(commit, path); }, {}, nullptr};
    auto with = core::review_patch(files, rules, &view);
    CHECK(states(with.findings).find("unsafe-block@11:present") != std::string::npos);
    CHECK(states(with.findings).find("outside-context") == std::string::npos);
    // The change inside other() lies within one item: both see the same.
    std::string a, b;
    for (const auto& f : without.findings)
      if (f.line >= 14) a += f.rule + "@" + std::to_string(f.line) + ":" + f.safety_state.value_or("-") + " ";
    for (const auto& f : with.findings)
      if (f.line >= 14) b += f.rule + "@" + std::to_string(f.line) + ":" + f.safety_state.value_or("-") + " ";
    CHECK(a == "unsafe-block@16:missing ");
    CHECK(a == b);
  }
}
