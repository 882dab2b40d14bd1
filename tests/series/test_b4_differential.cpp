// Where seam's series assembly differed from `b4 am` (b4 0.12, offline, on the
// same local mbox) in the differential runs of scripts/b4-differential.py,
// b4's answer asserted on fixtures that script wrote (tests/data/series/b4-*.mbox;
// invented people, one scenario per Message-ID prefix d0-, d1-, …):
//
// - a cover letter that leaves the version out ("[PATCH 0/2]") over patches
//   that all name it ("[PATCH v2 1/2]") is that version's cover letter, also
//   when it is sent into the v1 thread, and trailers given to it reach every
//   patch;
// - the same lone "[PATCH] x" sent again in its own thread by its author,
//   without a version or RESEND, is the next version (v2, then v3); another
//   author's, a RESEND and another title are not;
// - a reply trailer the mail client wrapped ("Reviewed-by: Long Name" then
//   "<addr>"; "Fixes: sha (\"title" then "rest\")") is joined back;
// - a patch its author added past the cover letter's count ("[PATCH 4/4]"
//   under "[PATCH 0/3]") is one more patch of that version;
// - "[PATCH v2] y" in reply to v1's 2/3 "x" is a v2 of its own (one patch),
//   not v2's 2/3 filled with v1's 1/3 and 3/3;
// - a cover letter without the version over "[PATCH v2 1/3]", "[PATCH 2/3]",
//   "[PATCH 3/3]" is v2 with all three (b4 0.12 gives a v2 of 1/3 alone and
//   leaves 2/3 and 3/3 in a v1: there seam keeps the answer that applies);
// - versions the author names are kept ("[RFC PATCH] x", "[PATCH] x",
//   "[PATCH v2] x" are v1, v1, v2: b4 0.12 lists the last as v3), a patch
//   sent again without one follows the newest the author gave its title, and
//   a cover letter that undercounts its patches takes them all (b4: same);
// - "[PATCH 0/3] [v2] x" over "[PATCH 1/3] [v2] …" is v2, as b4 reads it (a
//   "[v2]" on one numbered patch alone stays that patch's history).
#include <doctest/doctest.h>

#include <filesystem>

#include "core/series.hpp"
#include "core/store/store.hpp"
#include "mail/ingest.hpp"
#include "mail/parse/trailers.hpp"
#include "tests/series/loaded.hpp"
#include "tests/support.hpp"

using namespace seam;

namespace {

using test::Loaded;
using test::load;
using test::of;

std::vector<int> versions(const core::Series& s) {
  std::vector<int> out;
  for (const auto& v : s.versions) out.push_back(v.version);
  return out;
}

std::vector<std::string> msgids(const core::SeriesVersion& v) {
  std::vector<std::string> out;
  for (const auto& p : v.patches) out.push_back(p.msgid);
  return out;
}

// "Name: value" of each trailer of a patch, in order.
std::vector<std::string> trailers(const core::SeriesPatch& p) {
  std::vector<std::string> out;
  for (const auto& t : p.trailers) out.push_back(t.name + ": " + t.value);
  return out;
}

const std::string kSob = "Signed-off-by: Ada Example <ada@example.org>";

}  // namespace

TEST_SUITE("series/b4-differential") {
  TEST_CASE("a cover letter without the version its patches name is that version's cover letter") {
    auto l = load("b4-cover-without-version.mbox");
    // d0: "[PATCH 0/2]" over "[PATCH v2 1/2]", "[PATCH v2 2/2]". b4: v2, that cover.
    const auto* a = of(*l, "d0-s-v2-1@example.org");
    REQUIRE(a);
    CHECK(versions(*a) == std::vector<int>{2});
    REQUIRE(a->versions.back().cover);
    CHECK(*a->versions.back().cover == "d0-s-v2-0@example.org");
    CHECK(msgids(a->versions.back()) == std::vector<std::string>{"d0-s-v2-1@example.org", "d0-s-v2-2@example.org"});
    CHECK(of(*l, "d0-s-v2-0@example.org") == a);

    // d1: the same sent in reply to the complete v1's cover letter, with a
    // Tested-by given to it. b4: v2 with that cover, Tested-by on each patch.
    const auto* b = of(*l, "d1-s-v1-0@example.org");
    REQUIRE(b);
    CHECK(versions(*b) == std::vector<int>{1, 2});
    CHECK(of(*l, "d1-s-v2-0@example.org") == b);
    const auto& v1 = b->versions.front();
    REQUIRE(v1.cover);
    CHECK(*v1.cover == "d1-s-v1-0@example.org");
    CHECK(msgids(v1) == std::vector<std::string>{"d1-s-v1-1@example.org", "d1-s-v1-2@example.org"});
    const auto& v2 = b->versions.back();
    REQUIRE(v2.cover);
    CHECK(*v2.cover == "d1-s-v2-0@example.org");
    REQUIRE(msgids(v2) == std::vector<std::string>{"d1-s-v2-1@example.org", "d1-s-v2-2@example.org"});
    for (const auto& p : v2.patches) {
      CAPTURE(p.msgid);
      CHECK(trailers(p) == std::vector<std::string>{kSob, "Tested-by: Cay Tester <cay@example.org>"});
    }
    CHECK(core::cover_trailers_applied(v2) == 2);
  }

  TEST_CASE("the same lone patch sent again in its thread is the next version") {
    auto l = load("b4-lone-patch-again.mbox");
    // d0: "[PATCH] x", a review, "[PATCH] x" again in reply, a Tested-by to
    // it. b4: v2 is the second, with only its own review.
    const auto* a = of(*l, "d0-a1@example.org");
    REQUIRE(a);
    CHECK(of(*l, "d0-a2@example.org") == a);
    REQUIRE(versions(*a) == std::vector<int>{1, 2});
    CHECK(msgids(a->versions[0]) == std::vector<std::string>{"d0-a1@example.org"});
    REQUIRE(msgids(a->versions[1]) == std::vector<std::string>{"d0-a2@example.org"});
    CHECK(trailers(a->versions[1].patches[0]) ==
          std::vector<std::string>{kSob, "Tested-by: Cay Tester <cay@example.org>"});
    CHECK(trailers(a->versions[0].patches[0]) ==
          std::vector<std::string>{kSob, "Reviewed-by: Bob Reviewer <bob@example.org>"});

    // d1: three times, each in reply to the one before. b4: v3.
    const auto* b = of(*l, "d1-a1@example.org");
    REQUIRE(b);
    REQUIRE(versions(*b) == std::vector<int>{1, 2, 3});
    CHECK(msgids(b->versions[2]) == std::vector<std::string>{"d1-a3@example.org"});
    CHECK(msgids(b->versions[1]) == std::vector<std::string>{"d1-a2@example.org"});

    // d2: the second in reply to a review without trailers. b4: v2.
    const auto* c = of(*l, "d2-a2@example.org");
    REQUIRE(c);
    REQUIRE(versions(*c) == std::vector<int>{1, 2});
    CHECK(msgids(c->versions[1]) == std::vector<std::string>{"d2-a2@example.org"});

    // d3: another title (b4 calls it v2 too, seam keeps such a patch a
    // series of its own, see tests/series/test_series_kinds.cpp); the
    // first patch stays v1 alone.
    const auto* d = of(*l, "d3-a1@example.org");
    const auto* d2 = of(*l, "d3-a2@example.org");
    REQUIRE(d);
    REQUIRE(d2);
    CHECK(d != d2);
    CHECK(versions(*d) == std::vector<int>{1});
    CHECK(versions(*d2) == std::vector<int>{1});

    // d4: "[RESEND PATCH] x" is no new version (b4 keeps v1, the first).
    const auto* e = of(*l, "d4-a2@example.org");
    REQUIRE(e);
    for (const auto& v : e->versions) CHECK(v.version == 1);
    const auto* ev = core::version_with_message(*e, "d4-a1@example.org");
    REQUIRE(ev);
    CHECK(ev->version == 1);

    // d5: another author's patch of the same title is not Ada's v2.
    const auto* f = of(*l, "d5-a1@example.org");
    REQUIRE(f);
    for (const auto& v : f->versions) CHECK(v.version == 1);
  }

  TEST_CASE("reply trailers wrapped by the mail client are joined back as b4 joins them") {
    auto l = load("b4-wrapped-trailers.mbox");
    const auto* a = of(*l, "d0-s-v1-1@example.org");
    REQUIRE(a);
    REQUIRE(a->versions.size() == 1);
    REQUIRE(a->versions[0].patches.size() == 2);
    CHECK(trailers(a->versions[0].patches[0]) ==
          std::vector<std::string>{kSob, "Reviewed-by: Bob Reviewer With A Long Name <bob@example.org>"});
    CHECK(trailers(a->versions[0].patches[1]) == std::vector<std::string>{kSob});

    const auto* b = of(*l, "d1-s-v1-1@example.org");
    REQUIRE(b);
    REQUIRE(b->versions.size() == 1);
    REQUIRE(b->versions[0].patches.size() == 2);
    CHECK(trailers(b->versions[0].patches[0]) ==
          std::vector<std::string>{kSob, "Fixes: 0123456789ab (\"drv: a very long title that wraps here\")",
                                   "Reviewed-by: Bob Reviewer <bob@example.org>"});
  }

  TEST_CASE("followup_trailers joins an address or a Fixes title wrapped onto the next line, nothing else") {
    auto got = mail::followup_trailers(
        "Thanks.\n\nReviewed-by: A Very Long Reviewer Name\n<long@example.org>\n"
        "Fixes: abcdef012345 (\"x: a title that\nwent on\")\n");
    REQUIRE(got.size() == 2);
    CHECK(got[0].name == "Reviewed-by");
    CHECK(got[0].value == "A Very Long Reviewer Name <long@example.org>");
    CHECK(got[0].email == "long@example.org");
    CHECK(got[1].name == "Fixes");
    CHECK(got[1].value == "abcdef012345 (\"x: a title that went on\")");
    // A name with its address already, and a Fixes line that closes, take
    // nothing from the next line.
    got = mail::followup_trailers("Acked-by: Bob <bob@example.org>\n<other@example.org>\n"
                                  "Fixes: abcdef012345 (\"x: done\")\nmore text)\n");
    REQUIRE(got.size() == 2);
    CHECK(got[0].value == "Bob <bob@example.org>");
    CHECK(got[1].value == "abcdef012345 (\"x: done\")");
  }

  TEST_CASE("versions the author names are kept; a patch sent again without one follows the newest") {
    auto l = load("b4-versions-as-named.mbox");
    // e0: "[RFC PATCH] x", "[PATCH] x", "[PATCH v2] x", each in reply to the
    // one before. The author named v2 for the third, so the second is the
    // author's v1 again (b4 0.12 renumbers them v2 and v3: its "[PATCH
    // v2]" would be listed as v3).
    const auto* a = of(*l, "e0-a3@example.org");
    REQUIRE(a);
    const auto* a3 = core::version_with_message(*a, "e0-a3@example.org");
    const auto* a2 = core::version_with_message(*a, "e0-a2@example.org");
    REQUIRE(a3);
    REQUIRE(a2);
    CHECK(a3->version == 2);
    CHECK(a2->version == 1);
    for (const auto& v : a->versions) CHECK(v.version <= 2);

    // e1: v2, v3, a v4 of two patches, then "[PATCH] x" again in reply to
    // v4's 1/2: the next version after the newest the author gave it, v5.
    const auto* b = of(*l, "e1-a5@example.org");
    REQUIRE(b);
    const auto* b5 = core::version_with_message(*b, "e1-a5@example.org");
    REQUIRE(b5);
    CHECK(b5->version == 5);

    // e2: "[PATCH v2 0/2]" over "[PATCH v2 1/3]" .. "3/3": one v2 of three
    // patches under that cover letter (b4: the same).
    const auto* c = of(*l, "e2-c@example.org");
    REQUIRE(c);
    REQUIRE(versions(*c) == std::vector<int>{2});
    CHECK(c->versions[0].cover == std::optional<std::string>("e2-c@example.org"));
    CHECK(c->versions[0].expected == 3);
    CHECK(msgids(c->versions[0]) ==
          std::vector<std::string>{"e2-p1@example.org", "e2-p2@example.org", "e2-p3@example.org"});
  }

  TEST_CASE("a patch its author adds past the cover letter's count is one more patch of that version") {
    auto l = load("b4-patch-past-count.mbox");
    // d0: "[PATCH 4/4]" in reply to "[PATCH 0/3]". b4: 4 patches.
    const auto* a = of(*l, "d0-s-v1-4@example.org");
    REQUIRE(a);
    CHECK(of(*l, "d0-s-v1-0@example.org") == a);
    REQUIRE(versions(*a) == std::vector<int>{1});
    CHECK(a->versions[0].expected == 4);
    CHECK(msgids(a->versions[0]) == std::vector<std::string>{"d0-s-v1-1@example.org", "d0-s-v1-2@example.org",
                                                             "d0-s-v1-3@example.org", "d0-s-v1-4@example.org"});
    CHECK(a->versions[0].missing().empty());

    // d1: "[PATCH 4/4]" (no version) in reply to "[PATCH v2 3/3]", reviewed,
    // and a Tested-by to the v2 cover letter. It is v2's 4/4 with both
    // trailers. (b4 0.12 reads the version only from the direct parent when
    // that is a cover letter or 1/N, so it leaves this 4/4 in a v1 of its
    // own; with the patch in reply to the cover letter, as d3, it agrees.)
    const auto* b = of(*l, "d1-s-v2-4@example.org");
    REQUIRE(b);
    REQUIRE(versions(*b) == std::vector<int>{2});
    const auto& bv = b->versions[0];
    CHECK(bv.expected == 4);
    REQUIRE(msgids(bv) == std::vector<std::string>{"d1-s-v2-1@example.org", "d1-s-v2-2@example.org",
                                                   "d1-s-v2-3@example.org", "d1-s-v2-4@example.org"});
    CHECK(trailers(bv.patches[3]) == std::vector<std::string>{kSob, "Reviewed-by: Bob Reviewer <bob@example.org>",
                                                              "Tested-by: Cay Tester <cay@example.org>"});
    CHECK(trailers(bv.patches[0]) == std::vector<std::string>{kSob, "Tested-by: Cay Tester <cay@example.org>"});

    // d2: "[PATCH v2 5/5]" under "[PATCH v2 0/3]": 4 is missing (b4: same).
    const auto* c = of(*l, "d2-s-v2-5@example.org");
    REQUIRE(c);
    REQUIRE(versions(*c) == std::vector<int>{2});
    CHECK(c->versions[0].expected == 5);
    CHECK(c->versions[0].missing() == std::vector<int>{4});
    CHECK(msgids(c->versions[0]).size() == 4);

    // d3: v2 sent into v1's thread, then "[PATCH v2 4/4]" under v2's cover.
    const auto* d = of(*l, "d3-s-v1-0@example.org");
    REQUIRE(d);
    REQUIRE(versions(*d) == std::vector<int>{1, 2});
    CHECK(d->versions[0].expected == 3);
    CHECK(msgids(d->versions[0]).size() == 3);
    CHECK(d->versions[1].expected == 4);
    CHECK(msgids(d->versions[1]) == std::vector<std::string>{"d3-s-v2-1@example.org", "d3-s-v2-2@example.org",
                                                             "d3-s-v2-3@example.org", "d3-s-v2-4@example.org"});
  }

  TEST_CASE("a [PATCH v2] of another title in reply to a v1 patch is a version of one patch, not a partial reroll") {
    auto l = load("b4-other-patch-new-version.mbox");
    const auto* a = of(*l, "d0-x@example.org");
    REQUIRE(a);
    REQUIRE(versions(*a) == std::vector<int>{1, 2});
    const auto& v2 = a->versions[1];
    CHECK_FALSE(v2.cover);
    REQUIRE(v2.patches.size() == 1);
    CHECK(v2.patches[0].msgid == "d0-x@example.org");
    CHECK_FALSE(v2.patches[0].carried);
    const auto& v1 = a->versions[0];
    REQUIRE(v1.cover);
    CHECK(*v1.cover == "d0-s-v1-0@example.org");
    CHECK(msgids(v1) == std::vector<std::string>{"d0-s-v1-1@example.org", "d0-s-v1-2@example.org",
                                                 "d0-s-v1-3@example.org"});
  }

  TEST_CASE("a version named only by the first patch under a cover letter without one is the whole version's") {
    auto l = load("b4-version-in-first-patch.mbox");
    // d0: "[PATCH 0/3]", "[PATCH v2 1/3]", "[PATCH 2/3]", "[PATCH 3/3]".
    const auto* a = of(*l, "d0-s-v2-2@example.org");
    REQUIRE(a);
    REQUIRE(versions(*a) == std::vector<int>{2});
    REQUIRE(a->versions[0].cover);
    CHECK(*a->versions[0].cover == "d0-s-v2-0@example.org");
    CHECK(msgids(a->versions[0]) == std::vector<std::string>{"d0-s-v2-1@example.org", "d0-s-v2-2@example.org",
                                                             "d0-s-v2-3@example.org"});
    for (const auto& p : a->versions[0].patches) CHECK_FALSE(p.carried);

    // d1: the same sent into the complete v1's thread, with an Acked-by to
    // the v2 cover letter: v1 and v2, each whole.
    const auto* b = of(*l, "d1-s-v1-0@example.org");
    REQUIRE(b);
    REQUIRE(versions(*b) == std::vector<int>{1, 2});
    CHECK(msgids(b->versions[0]) == std::vector<std::string>{"d1-s-v1-1@example.org", "d1-s-v1-2@example.org",
                                                             "d1-s-v1-3@example.org"});
    const auto& v2 = b->versions[1];
    REQUIRE(v2.cover);
    CHECK(*v2.cover == "d1-s-v2-0@example.org");
    REQUIRE(msgids(v2) == std::vector<std::string>{"d1-s-v2-1@example.org", "d1-s-v2-2@example.org",
                                                   "d1-s-v2-3@example.org"});
    for (const auto& p : v2.patches)
      CHECK(trailers(p) == std::vector<std::string>{kSob, "Acked-by: Bob Reviewer <bob@example.org>"});

    // d2: v1's 1/3 and 3/3 (2/3 lost), then "[PATCH v2 2/3]" in reply to
    // the v1 cover letter: a reroll, the cover letter stays v1's.
    const auto* c = of(*l, "d2-s-v2-2@example.org");
    REQUIRE(c);
    REQUIRE(versions(*c) == std::vector<int>{1, 2});
    CHECK(msgids(c->versions[0]) == std::vector<std::string>{"d2-s-v1-1@example.org", "d2-s-v1-3@example.org"});
    const auto* cv = core::version_with_message(*c, "d2-s-v1-0@example.org");
    REQUIRE(cv);
    CHECK(cv->version == 1);
  }
  TEST_CASE("a revision bracket after a cover letter's tag is the series' version") {
    auto l = load("b4-revision-bracket.mbox");
    const auto* a = of(*l, "d0-s-v1-0@example.org");
    REQUIRE(a);
    REQUIRE(versions(*a) == std::vector<int>{2});
    REQUIRE(a->versions[0].cover);
    CHECK(*a->versions[0].cover == "d0-s-v1-0@example.org");
    CHECK(msgids(a->versions[0]) == std::vector<std::string>{"d0-s-v1-1@example.org", "d0-s-v1-2@example.org",
                                                             "d0-s-v1-3@example.org"});
    CHECK(a->title == "d0-s series title");
    // Only 2/3 says "[v2]", the cover letter does not: one v1 (b4 0.12
    // splits off a v2 of 2/3 alone).
    const auto* b = of(*l, "d1-s-v1-2@example.org");
    REQUIRE(b);
    REQUIRE(versions(*b) == std::vector<int>{1});
    CHECK(msgids(b->versions[0]).size() == 3);
  }
}
