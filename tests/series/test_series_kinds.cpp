// Each kind of series-assembly fault of issue 9, on our own fixtures: versions
// or counters written on only some messages, glued subject tags, cover
// letters without 0/N, rerolls sent into an older thread, partial rerolls
// without a counter, versions with new change-ids, an unrelated patch inside a
// series' thread, the version a message selects, and pairing versions.
#include <doctest/doctest.h>

#include <filesystem>

#include "core/series.hpp"
#include "core/store/store.hpp"
#include "mail/ingest.hpp"
#include "reports/series.hpp"
#include "tests/series/loaded.hpp"
#include "tests/support.hpp"

namespace fs = std::filesystem;
using namespace seam;

namespace {

using test::Loaded;
using test::load;
using test::of;

std::vector<std::string> msgids(const core::SeriesVersion& v) {
  std::vector<std::string> out;
  for (const auto& p : v.patches) out.push_back(p.msgid);
  return out;
}

}  // namespace

TEST_SUITE("series/kinds") {
  TEST_CASE("a patch threaded under a v2 cover letter or v2 first patch is v2") {
    auto l = load("version-inferred.mbox");
    CHECK(l->all.size() == 2);
    const auto* s = of(*l, "vc2-1@example.org");
    REQUIRE(s);
    REQUIRE(s->versions.size() == 2);
    CHECK(s->versions[0].version == 1);
    CHECK(msgids(s->versions[0]) == std::vector<std::string>{"vc1-1@example.org", "vc1-2@example.org"});
    const auto& v2 = s->versions[1];
    CHECK(v2.version == 2);
    REQUIRE(v2.cover);
    CHECK(*v2.cover == "vc2-0@example.org");
    CHECK(msgids(v2) == std::vector<std::string>{"vc2-1@example.org", "vc2-2@example.org"});
    CHECK(v2.missing().empty());

    const auto* f = of(*l, "vf2-3@example.org");
    REQUIRE(f);
    REQUIRE(f->versions.size() == 2);
    CHECK(msgids(f->versions[1]) ==
          std::vector<std::string>{"vf2-1@example.org", "vf2-2@example.org", "vf2-3@example.org"});
    CHECK(msgids(f->versions[0]) ==
          std::vector<std::string>{"vf1-1@example.org", "vf1-2@example.org", "vf1-3@example.org"});
  }

  TEST_CASE("counters glued to PATCH and suffixed versions assemble") {
    auto l = load("glued-counter.mbox");
    CHECK(l->all.size() == 2);
    const auto* s = of(*l, "glue-0@example.org");
    REQUIRE(s);
    REQUIRE(s->versions.size() == 1);
    const auto& v = s->versions[0];
    REQUIRE(v.cover);
    CHECK(*v.cover == "glue-0@example.org");
    CHECK(v.expected == 3);
    CHECK(msgids(v) == std::vector<std::string>{"glue-1@example.org", "glue-2@example.org", "glue-3@example.org"});
    CHECK(s->title == "lever: name both sides");
    const auto* r = of(*l, "gluev2-2@example.org");
    REQUIRE(r);
    REQUIRE(r->versions.size() == 1);
    CHECK(r->versions[0].version == 2);
    CHECK(r->versions[0].rfc);
    CHECK(r->versions[0].missing().empty());
  }

  TEST_CASE("a first message without 0/N whose replies are the numbered patches is the cover letter") {
    auto l = load("cover-no-counter.mbox");
    REQUIRE(l->all.size() == 1);
    const auto& s = l->all[0];
    CHECK(s.title == "axle: split the driver");
    REQUIRE(s.versions.size() == 1);
    const auto& v = s.versions[0];
    CHECK(v.version == 2);
    REQUIRE(v.cover);
    CHECK(*v.cover == "nocnt-0@example.org");
    CHECK(msgids(v) == std::vector<std::string>{"nocnt-1@example.org", "nocnt-2@example.org"});
    // The review of the cover letter reaches both patches.
    for (const auto& p : v.patches) {
      REQUIRE(p.trailers.size() == 2);
      CHECK(p.trailers[1].name == "Reviewed-by");
      CHECK(p.trailers[1].via_cover);
    }
  }

  TEST_CASE("a cover letter without any tag; a version given only on a cover without 0/N; a review without Re:") {
    auto l = load("cover-bare.mbox");
    REQUIRE(l->all.size() == 2);
    const auto* h = of(*l, "bare-2@example.org");
    REQUIRE(h);
    CHECK(h->title == "hinge: make it quieter");
    REQUIRE(h->versions.size() == 1);
    REQUIRE(h->versions[0].cover);
    CHECK(*h->versions[0].cover == "bare-0@example.org");
    CHECK(msgids(h->versions[0]) == std::vector<std::string>{"bare-1@example.org", "bare-2@example.org"});
    const auto* l3 = of(*l, "v3c-0@example.org");
    REQUIRE(l3);
    REQUIRE(l3->versions.size() == 1);
    const auto& v = l3->versions[0];
    CHECK(v.version == 3);
    CHECK(msgids(v) == std::vector<std::string>{"v3c-1@example.org", "v3c-2@example.org"});
    REQUIRE(v.patches[1].trailers.size() == 2);
    CHECK(v.patches[1].trailers[1].name == "Reviewed-by");
    CHECK(v.patches[1].trailers[1].from == "v3c-r@example.net");
  }

  TEST_CASE("patches without a counter under a cover letter are numbered in the order sent") {
    auto l = load("uncounted.mbox");
    REQUIRE(l->all.size() == 2);
    const auto* g = of(*l, "unc-2@example.org");
    REQUIRE(g);
    REQUIRE(g->versions.size() == 1);
    CHECK(g->versions[0].version == 2);
    CHECK(g->versions[0].expected == 3);
    CHECK(msgids(g->versions[0]) ==
          std::vector<std::string>{"unc-1@example.org", "unc-2@example.org", "unc-3@example.org"});
    const auto* w = of(*l, "unc2-0@example.org");
    REQUIRE(w);
    REQUIRE(w->versions.size() == 1);
    CHECK(w->versions[0].version == 4);
    REQUIRE(w->versions[0].cover);
    CHECK(*w->versions[0].cover == "unc2-0@example.org");
    CHECK(msgids(w->versions[0]) == std::vector<std::string>{"unc2-1@example.org", "unc2-2@example.org"});
    CHECK(w->title == "wheel: two steps");
  }

  TEST_CASE("a version sent patch by patch into the older version's thread is one version") {
    auto l = load("reroll-in-thread.mbox");
    REQUIRE(l->all.size() == 1);
    const auto& s = l->all[0];
    REQUIRE(s.versions.size() == 3);
    for (int k = 0; k < 3; ++k) {
      CAPTURE(k);
      CHECK(s.versions[k].version == k + 1);
      CHECK(s.versions[k].patches.size() == 3);
      CHECK(s.versions[k].missing().empty());
      for (const auto& p : s.versions[k].patches) CHECK_FALSE(p.carried);
    }
    CHECK(msgids(s.versions[1]) ==
          std::vector<std::string>{"rr2-1@example.org", "rr2-2@example.org", "rr2-3@example.org"});
    CHECK(msgids(s.versions[2]) ==
          std::vector<std::string>{"rr3-1@example.org", "rr3-2@example.org", "rr3-3@example.org"});
    CHECK(s.title == "crank: tidy part 1");
  }

  TEST_CASE("a partial reroll without a counter is filled from the version it replies to") {
    auto l = load("partial-reroll-nocounter.mbox");
    REQUIRE(l->all.size() == 1);
    const auto& s = l->all[0];
    CHECK(s.title == "rust: cog: safe wrappers");
    REQUIRE(s.versions.size() == 2);
    const auto& v7 = s.versions[1];
    CHECK(v7.version == 7);
    CHECK(v7.expected == 3);
    REQUIRE(v7.cover);
    CHECK(*v7.cover == "pr6-0@example.org");
    CHECK(msgids(v7) == std::vector<std::string>{"pr6-1@example.org", "pr6-2@example.org", "pr7-3@example.org"});
    CHECK(v7.patches[0].carried);
    CHECK(v7.patches[1].carried);
    CHECK_FALSE(v7.patches[2].carried);
    // The carried patch keeps its review.
    REQUIRE(v7.patches[1].trailers.size() == 2);
    CHECK(v7.patches[1].trailers[1].value == "Finn Reviewer <finn@example.net>");
  }

  TEST_CASE("versions link by author and title whatever their change-ids; pairing by patch id, then title") {
    auto l = load("new-change-id.mbox");
    REQUIRE(l->all.size() == 1);
    const auto& s = l->all[0];
    // v3 comes from the author's other address (same name, same title).
    REQUIRE(s.versions.size() == 3);
    CHECK(s.versions[1].version == 2);
    CHECK(s.versions[2].version == 3);
    auto changes = reports::version_changes(s);
    REQUIRE(changes.size() == 2);
    // v2 → v3: both kept patches are the same diffs; "a test" was dropped.
    CHECK(changes[1].unchanged == std::vector<int>{1, 2});
    CHECK(changes[1].removed == std::vector<int>{3});
    const auto& c = changes[0];
    // v1: 1 rate, 2 limit, 3 document; v2: 1 limit (moved, same diff),
    // 2 rate (changed), 3 a test (new); "document" was dropped.
    CHECK(c.unchanged == std::vector<int>{1});
    CHECK(c.changed == std::vector<int>{2});
    CHECK(c.added == std::vector<int>{3});
    CHECK(c.removed == std::vector<int>{3});
    CHECK(c.moved == std::vector<std::pair<int, int>>{{2, 1}, {1, 2}});
    auto text = reports::series_show_text(s, false);
    CHECK(text.find("v1 → v2: unchanged patch 1/3; changed patch 2/3; new patch 3/3; dropped patch 3/3 of v1; moved "
                    "v1 patch 2/3 → 1/3, v1 patch 1/3 → 2/3") != std::string::npos);
    CHECK(text.find("v2 → v3: unchanged patches 1/2, 2/2; changed none; new none; dropped patch 3/3 of v2") !=
          std::string::npos);
  }

  TEST_CASE("an unrelated [PATCH] inside a patch's thread is its own series; the thread's series keeps its own") {
    for (const char* fixture : {"additional-patch-after-review.mbox", "additional-patch-direct.mbox"}) {
      CAPTURE(fixture);
      auto l = load(fixture);
      REQUIRE(l->all.size() == 2);
      const auto* c = of(*l, "addp-1@example.org");
      const auto* r = of(*l, "addp-2@example.org");
      REQUIRE(c);
      REQUIRE(r);
      CHECK(c != r);
      REQUIRE(c->versions.size() == 1);
      CHECK(msgids(c->versions[0]) == std::vector<std::string>{"addp-1@example.org"});
      CHECK(c->title == "spindle: spell the increment out");
      CHECK_FALSE(c->rust);
      REQUIRE(c->versions[0].patches[0].trailers.size() == 2);
      CHECK(c->versions[0].patches[0].trailers[1].name == "Reviewed-by");
      REQUIRE(r->versions.size() == 1);
      CHECK(msgids(r->versions[0]) == std::vector<std::string>{"addp-2@example.org"});
      CHECK(r->title == "rust: spindle: use a typed literal in new()");
      CHECK(r->rust);
      CHECK(r->versions[0].expected == 1);
      // The review of the C patch is not the Rust patch's.
      CHECK(r->versions[0].patches[0].trailers.size() == 1);
    }
  }

  TEST_CASE("a lone [PATCH] answering a numbered series' cover or patch is its own series") {
    auto fact = [](std::string id, int index, int total, std::string parent, std::string title) {
      core::MessageFacts m;
      m.msgid = std::move(id);
      m.from_name = "Ada Example";
      m.from_email = "ada@example.org";
      m.has_patch_tag = true;
      m.index = index;
      m.total = total;
      m.has_diff = index != 0 || total == 0;
      m.patch_id = m.has_diff ? m.msgid : "";
      m.in_reply_to = std::move(parent);
      m.title = title;
      m.norm_title = std::move(title);
      return m;
    };
    for (const char* parent : {"c-0", "c-2"}) {
      CAPTURE(parent);
      std::vector<core::MessageFacts> m = {fact("c-0", 0, 2, "", "cover"), fact("c-1", 1, 2, "c-0", "one"),
                                           fact("c-2", 2, 2, "c-0", "two"), fact("x-1", 0, 0, parent, "unrelated")};
      auto all = core::assemble(m);
      REQUIRE(all.size() == 2);
      for (const auto& s : all) {
        REQUIRE(s.versions.size() == 1);
        if (s.title == "cover") {
          CHECK(msgids(s.versions[0]) == std::vector<std::string>{"c-1", "c-2"});
        } else {
          CHECK(s.title == "unrelated");
          CHECK(msgids(s.versions[0]) == std::vector<std::string>{"x-1"});
        }
      }
    }
  }

  TEST_CASE("a message selects the version it belongs to") {
    auto l = load("version-inferred.mbox");
    const auto* s = of(*l, "vc1-1@example.org");
    REQUIRE(s);
    const auto* v1 = core::version_with_message(*s, "vc1-2@example.org");
    REQUIRE(v1);
    CHECK(v1->version == 1);
    const auto* v1c = core::version_with_message(*s, "vc1-0@example.org");
    REQUIRE(v1c);
    CHECK(v1c->version == 1);
    const auto* v2 = core::version_with_message(*s, "vc2-0@example.org");
    REQUIRE(v2);
    CHECK(v2->version == 2);
    CHECK_FALSE(core::version_with_message(*s, "nobody@example.org"));
  }
}

TEST_SUITE("series/trailers") {
  TEST_CASE("who may give a trailer: address or name of the sender; sloppy takes any") {
    core::Trailer t{"Acked-by", "Mia Maintainer <mia@work.example>", "mia@work.example", "", false};
    CHECK(core::trailer_acceptable(t, "Mia Maintainer", "mia@home.example", false));
    CHECK(core::trailer_acceptable(t, "", "MIA@work.example", false));
    CHECK(core::trailer_acceptable(t, "mia maintainer", "other@example.org", false));
    CHECK_FALSE(core::trailer_acceptable(t, "Finn Reviewer", "finn@example.net", false));
    CHECK(core::trailer_acceptable(t, "Finn Reviewer", "finn@example.net", true));
    CHECK(core::trailer_acceptable(t, "Maintainer, Mia", "mia@home.example", false));
    core::Trailer quoted{"Tested-by", "\"Mia Maintainer\" <mia@work.example>", "mia@work.example", "", false};
    CHECK(core::trailer_acceptable(quoted, "Mia Maintainer", "x@y.example", false));
    core::Trailer fixes{"Fixes", "0123456789ab (\"x\")", "", "", false};
    CHECK(core::trailer_acceptable(fixes, "Anyone", "a@b.example", false));
  }

  TEST_CASE("collected trailers: name match, forgotten sign-off, cover trailers, sloppy and no-cover options") {
    auto l = load("trailer-people.mbox");
    REQUIRE(l->all.size() == 1);
    const auto& v = l->all[0].versions[0];
    REQUIRE(v.patches.size() == 2);
    auto lines = [](const core::SeriesPatch& p) {
      std::vector<std::string> out;
      for (const auto& t : p.trailers) out.push_back(t.name + ": " + t.value + (t.via_cover ? " (cover)" : ""));
      return out;
    };
    CHECK(lines(v.patches[0]) == std::vector<std::string>{
                                     "Reviewed-by: Old Reviewer <old@example.com>",
                                     "Signed-off-by: Ada Example <ada@example.org>",
                                     "Tested-by: Tess Tester <tess@example.com> (cover)",
                                 });
    CHECK(lines(v.patches[1]) == std::vector<std::string>{
                                     "Signed-off-by: Ada Example <ada@example.org>",
                                     "Acked-by: Mia Maintainer <mia@work.example>",
                                     "Tested-by: Tess Tester <tess@example.com> (cover)",
                                 });
    CHECK(core::cover_trailers_applied(v) == 2);
    auto counts = core::review_counts(v);
    CHECK(counts.acked == 1);
    CHECK(counts.reviewed == 1);
    CHECK(counts.tested == 2);

    // Patch 1 came without the submitter's sign-off; the reply giving it counts.
    CHECK(v.patches[0].trailers[1].from == "tp-r3@example.org");
    core::AssembleOptions sloppy;
    sloppy.sloppy_trailers = true;
    auto s2 = core::assemble(l->store->load_facts(), sloppy);
    REQUIRE(s2.size() == 1);
    bool gus = false;
    for (const auto& t : s2[0].versions[0].patches[1].trailers) gus |= t.value == "Gus Other <gus@example.com>";
    CHECK(gus);

    core::AssembleOptions nocover;
    nocover.cover_trailers = false;
    auto s3 = core::assemble(l->store->load_facts(), nocover);
    REQUIRE(s3.size() == 1);
    CHECK(core::cover_trailers_applied(s3[0].versions[0]) == 0);
    CHECK(s3[0].versions[0].patches[0].trailers.size() == 2);
  }

  TEST_CASE("the series list pads its columns and never cuts them: 106/106 patches, v1000") {
    core::Series s;
    s.id = "0123456789ab";
    s.title = "big: a long series";
    s.author_name = "Ada Author";
    core::SeriesVersion v;
    v.version = 1000;
    v.expected = 106;
    for (int i = 1; i <= 106; ++i) {
      core::SeriesPatch p;
      p.index = i;
      p.msgid = "big-" + std::to_string(i) + "@example.org";
      v.patches.push_back(p);
    }
    s.versions.push_back(v);
    const std::string line = reports::series_list_text({s}, false);
    CHECK_MESSAGE(line.find("v1000 106/106  ") != std::string::npos, line);
    s.versions[0].version = 2;
    s.versions[0].patches.resize(3);
    s.versions[0].expected = 3;
    CHECK_MESSAGE(reports::series_list_text({s}, false).find("v2   3/3     A0") != std::string::npos,
                  reports::series_list_text({s}, false));
  }
}
