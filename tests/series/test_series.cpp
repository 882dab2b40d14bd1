// Series assembly on our own fixtures: threading, stitching, versions,
// trailers, completeness, and on the real threads of the shared corpus.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "core/series.hpp"
#include "core/store/store.hpp"
#include "mail/ingest.hpp"
#include "tests/support.hpp"

namespace fs = std::filesystem;
using namespace seam;

namespace {

std::vector<core::Series> assemble_file(const fs::path& mbox, test::TempDir& tmp) {
  core::Store store((tmp / "s.db").string());
  auto reps = mail::ingest(store, mbox.string(), {});
  REQUIRE(reps.size() == 1);
  REQUIRE(reps[0].fatal.empty());
  REQUIRE(reps[0].errors.empty());
  store.rebuild_series();
  return store.load_series({});
}

const core::Series* titled(const std::vector<core::Series>& all, const std::string& title) {
  for (const auto& s : all)
    if (s.title == title) return &s;
  return nullptr;
}

std::vector<std::string> trailer_lines(const core::SeriesPatch& p) {
  std::vector<std::string> out;
  for (const auto& t : p.trailers) out.push_back(t.name + ": " + t.value + " @" + t.from);
  return out;
}

}  // namespace

TEST_SUITE("series/assembly") {
  TEST_CASE("versions link by change-id; trailers from replies; quoted trailers ignored") {
    test::TempDir tmp;
    auto all = assemble_file(test::data("series/versions.mbox"), tmp);
    REQUIRE(all.size() == 2);
    const auto* s = titled(all, "Rust: Widget support");
    REQUIRE(s);
    CHECK(s->rust);
    CHECK(s->change_id == "20250301-widget-abcdef");
    REQUIRE(s->versions.size() == 2);
    const auto& v1 = s->versions[0];
    const auto& v2 = s->versions[1];
    CHECK(v1.version == 1);
    CHECK(v2.version == 2);
    REQUIRE(v1.cover);
    CHECK(*v1.cover == "v1-0@example.com");
    CHECK(v1.expected == 2);
    REQUIRE(v1.patches.size() == 2);
    // The wrapped Reviewed-by of the reply is joined; the quoted one is not a trailer.
    CHECK(trailer_lines(v1.patches[0]) ==
          std::vector<std::string>{"Signed-off-by: Eve Dev <eve@example.com> @v1-1@example.com",
                                   "Reviewed-by: Finn Reviewer <finn@example.org> @review-1@example.org"});
    // A reply to the cover letter applies to every patch; a trailer whose
    // address is not the sender's is not taken.
    REQUIRE(v2.patches.size() == 2);
    CHECK(trailer_lines(v2.patches[1]) ==
          std::vector<std::string>{"Signed-off-by: Eve Dev <eve@example.com> @v2-2@example.com",
                                   "Tested-by: Gil Tester <gil@example.net> @test-all@example.net"});
    CHECK(trailer_lines(v2.patches[0]).size() == 3);  // own Reviewed-by, SoB, then Tested-by
    // Patch 1 is the same in both versions, patch 2 changed.
    CHECK(v1.patches[0].patch_id == v2.patches[0].patch_id);
    CHECK(v1.patches[1].patch_id != v2.patches[1].patch_id);
    // The lone patch by the same author is its own series.
    const auto* lone = titled(all, "rust: widget: unrelated fix");
    REQUIRE(lone);
    REQUIRE(lone->versions.size() == 1);
    CHECK(lone->versions[0].expected == 1);
    CHECK_FALSE(lone->versions[0].cover);
  }

  TEST_CASE("unthreaded patches are stitched by author, version and count") {
    test::TempDir tmp;
    auto all = assemble_file(test::data("series/unthreaded.mbox"), tmp);
    REQUIRE(all.size() == 2);
    const auto* s = titled(all, "kbuild: first");
    REQUIRE(s);
    REQUIRE(s->versions.size() == 1);
    CHECK(s->versions[0].version == 3);
    REQUIRE(s->versions[0].patches.size() == 2);
    CHECK(s->versions[0].patches[0].msgid == "unthreaded-1@example.com");
    CHECK(s->versions[0].patches[1].msgid == "unthreaded-2@example.com");
    CHECK(s->versions[0].missing().empty());
    const auto* other = titled(all, "kbuild: unrelated");
    REQUIRE(other);
    CHECK(other->versions[0].missing() == std::vector<int>{2});
  }

  TEST_CASE("assembly survives reference loops and missing parents") {
    std::vector<core::MessageFacts> m(3);
    for (int i = 0; i < 3; ++i) {
      m[i].msgid = "m" + std::to_string(i);
      m[i].has_patch_tag = true;
      m[i].has_diff = true;
      m[i].index = i + 1;
      m[i].total = 3;
      m[i].from_email = "a@b";
    }
    m[0].in_reply_to = "m2";
    m[1].in_reply_to = "m0";
    m[2].in_reply_to = "m1";      // a loop
    m[2].references = {"gone"};   // and a parent we never saw
    auto all = core::assemble(m);
    size_t patches = 0;
    for (const auto& s : all)
      for (const auto& v : s.versions) patches += v.patches.size();
    CHECK(patches == 3);
  }

  TEST_CASE("every real thread assembles into one complete series") {
    auto dir = test::shared("corpus/threads");
    SEAM_SKIP_UNLESS(!dir.empty(), "../shared/corpus/threads is absent");
    // `collected`: trailers the replies give (counted by hand in each thread;
    // a reply to the cover letter counts once per patch).
    struct Expect {
      const char* file;
      int version, expected;
      bool pull;
      int collected;
    };
    const Expect cases[] = {
        {"kbuild-rust-module-params-v13.mbox", 13, 6, false, 2},
        {"kbuild-rust-ptr-as-ptr-v2.mbox", 2, 5, false, 5},
        {"linaro-rust-dma-fence-v1.mbox", 1, 4, false, 5},
        {"nouveau-rust-bitfield-v4.mbox", 4, 6, false, 3},
        {"pci-c-dwc-ecam-v4.mbox", 4, 4, false, 0},
        {"pci-git-pull-v6.14.mbox", 1, 0, true, 0},
        // Patch 2's Acked-by from the Rust maintainer, sent from another
        // address than the one in the trailer, counts (the name matches).
        {"pci-rust-device-driver-abstractions-v3.mbox", 3, 16, false, 3},
        {"pci-rust-request-irq-v6.mbox", 6, 6, false, 4},
        {"pci-rust-single-ffi-callbacks-v2.mbox", 2, 1, false, 2},
        {"pci-rust-single-foreign-align.mbox", 1, 1, false, 3},
        {"pci-rust-sriov-v1.mbox", 1, 8, false, 2},
    };
    for (const auto& c : cases) {
      CAPTURE(std::string(c.file));
      test::TempDir tmp;
      core::Store store((tmp / "s.db").string());
      auto reps = mail::ingest(store, (dir / c.file).string(), {});
      REQUIRE(reps[0].errors.empty());
      store.rebuild_series();
      // `seam show` on the first message of the file.
      std::ifstream in(dir / c.file);
      std::string line, first;
      while (first.empty() && std::getline(in, line))
        if (line.size() > 12 && (line.rfind("Message-ID:", 0) == 0 || line.rfind("Message-Id:", 0) == 0)) {
          auto lt = line.find('<'), gt = line.rfind('>');
          first = line.substr(lt + 1, gt - lt - 1);
        }
      REQUIRE_FALSE(first.empty());
      auto id = store.series_of(first);
      REQUIRE(id);
      core::Store::SeriesFilter f;
      f.id = *id;
      auto all = store.load_series(f);
      REQUIRE(all.size() == 1);
      CHECK(store.load_series({}).size() == 1);
      const auto& s = all[0];
      CHECK(s.pull == c.pull);
      REQUIRE(s.versions.size() == 1);
      CHECK(s.versions[0].version == c.version);
      CHECK(s.versions[0].expected == c.expected);
      CHECK(static_cast<int>(s.versions[0].patches.size()) == c.expected);
      CHECK(s.versions[0].missing().empty());
      int collected = 0;
      for (const auto& p : s.versions[0].patches)
        for (const auto& t : p.trailers) collected += t.from != p.msgid;
      CHECK(collected == c.collected);
    }
  }
}
