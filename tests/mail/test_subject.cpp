#include <doctest/doctest.h>

#include "mail/parse/subject.hpp"

using seam::mail::parse_subject;

TEST_SUITE("mail/subject") {
  TEST_CASE("plain patch tag") {
    auto s = parse_subject("[PATCH] rust: add foo");
    CHECK(s.has_patch_tag);
    CHECK_FALSE(s.reply);
    CHECK(s.version == 1);
    CHECK(s.index == 0);
    CHECK(s.total == 0);
    CHECK(s.title == "rust: add foo");
  }

  TEST_CASE("version and counters in either order, padded, lowercase") {
    for (const char* subj : {"[PATCH v3 05/16] x: y", "[PATCH 05/16 v3] x: y", "[patch V3 5/16] x: y",
                             "[PATCHv3 05/16] x: y", "[PATCH-v3 05/16] x: y"}) {
      CAPTURE(subj);
      auto s = parse_subject(subj);
      CHECK(s.version == 3);
      CHECK(s.index == 5);
      CHECK(s.total == 16);
      CHECK(s.title == "x: y");
    }
  }

  TEST_CASE("RFC, RESEND and subsystem words") {
    auto s = parse_subject("[RFC PATCH net-next v2 0/3] net: frob");
    CHECK(s.rfc);
    CHECK(s.version == 2);
    CHECK(s.index == 0);
    CHECK(s.total == 3);
    REQUIRE(s.extra.size() == 1);
    CHECK(s.extra[0] == "net-next");
    auto r = parse_subject("[PATCH RESEND] fix");
    CHECK(r.resend);
    CHECK(r.title == "fix");
  }

  TEST_CASE("list tags before the patch tag, reply prefixes, (subset)") {
    auto s = parse_subject("Re: [Linaro-mm-sig] [PATCH v4 2/4] dma-buf: fence");
    CHECK(s.reply);
    REQUIRE(s.list_tags.size() == 1);
    CHECK(s.list_tags[0] == "Linaro-mm-sig");
    CHECK(s.version == 4);
    CHECK(s.index == 2);
    CHECK(s.title == "dma-buf: fence");

    auto n = parse_subject("[Nouveau] Re: [PATCH 1/2] drm: x");
    CHECK(n.reply);
    CHECK(n.index == 1);

    for (const char* subj : {"RE: [PATCH] a", "Aw: [PATCH] a", "Re[2]: [PATCH] a", "re : [PATCH] a",
                             "Re: (subset) [PATCH] a", "Re: Re: [PATCH] a"}) {
      CAPTURE(subj);
      auto r = parse_subject(subj);
      CHECK(r.reply);
      CHECK(r.has_patch_tag);
      CHECK(r.title == "a");
    }
    auto f = parse_subject("Fwd: [PATCH] a");
    CHECK(f.forward);
    CHECK_FALSE(f.reply);
  }

  TEST_CASE("pull requests") {
    auto s = parse_subject("[GIT PULL] PCI changes for v6.14");
    CHECK(s.pull);
    CHECK(s.has_patch_tag);
    CHECK(s.title == "PCI changes for v6.14");
    CHECK(parse_subject("Re: [GIT PULL] x").reply);
  }

  TEST_CASE("not a patch") {
    auto s = parse_subject("Re: kbuild question [was: foo]");
    CHECK_FALSE(s.has_patch_tag);
    CHECK(s.reply);
    CHECK(s.title == "kbuild question [was: foo]");
    auto t = parse_subject("[ANNOUNCE] something");
    CHECK_FALSE(t.has_patch_tag);
    REQUIRE(t.list_tags.size() == 1);
    CHECK(t.list_tags[0] == "ANNOUNCE");
  }

  TEST_CASE("later brackets stay in the title; whitespace collapses") {
    auto s = parse_subject("[PATCH]   kbuild:\t[doc]   fix  typo");
    CHECK(s.title == "kbuild: [doc] fix typo");
    CHECK(seam::mail::normalize_title("Rust: Add  Foo.") == "rust: add foo");
  }

  TEST_CASE("hostile input does not crash") {
    for (const char* subj : {"", "[", "]", "[PATCH", "Re:", "[PATCH 99999999999/1] x", "[ / ] x",
                             "[PATCH v] x", "[PATCH v99999999999] x"}) {
      CAPTURE(subj);
      auto s = parse_subject(subj);
      CHECK(s.version >= 1);
    }
  }

  TEST_CASE("counter or version glued to PATCH, suffixed versions (patchwork's and b4's grammar)") {
    struct Case {
      const char* subject;
      int version, index, total;
      bool rfc;
    };
    const Case cases[] = {
        {"[PATCH1/3] widget: one", 1, 1, 3, false},
        {"[PATCH0/3] widget: cover", 1, 0, 3, false},
        {"[PATCHv2 2/3] widget: two", 2, 2, 3, false},
        {"[RFC PATCH2/5] widget: rfc", 1, 2, 5, true},
        {"[PATCH v2b 1/3] widget: sub-revision", 2, 1, 3, false},
        {"[RFC PATCHv4 3/7] widget: both", 4, 3, 7, true},
        {"[PATCH-v3 1/2] widget: dash", 3, 1, 2, false},
    };
    for (const auto& c : cases) {
      CAPTURE(c.subject);
      auto s = parse_subject(c.subject);
      CHECK(s.has_patch_tag);
      CHECK(s.version == c.version);
      CHECK(s.index == c.index);
      CHECK(s.total == c.total);
      CHECK(s.rfc == c.rfc);
      CHECK(s.extra.empty());
      CHECK(s.title.rfind("widget: ", 0) == 0);
    }
    // Revision words in a bracket right after the tag, and v2.1 sub-revisions.
    auto b = parse_subject("[PATCH] [v2] acpi: quiet a warning");
    CHECK(b.version == 2);
    CHECK(b.title == "acpi: quiet a warning");
    // On a numbered patch it is that patch's own history, not the series' version.
    auto h = parse_subject("[PATCH 08/22] [v2] arch: consolidate prototypes");
    CHECK(h.version == 1);
    CHECK(h.index == 8);
    CHECK(h.title == "arch: consolidate prototypes");
    // On a cover letter it is the series' version (its patches take it).
    auto c = parse_subject("[PATCH 0/3] [v2] arch: consolidate prototypes");
    CHECK(c.version == 2);
    CHECK(c.index == 0);
    CHECK(c.total == 3);
    CHECK(c.title == "arch: consolidate prototypes");
    auto keep = parse_subject("[PATCH] [doc] fix typo");
    CHECK(keep.title == "[doc] fix typo");
    // "v5.9" is a kernel release, not a revision (b4 reads it so too).
    CHECK(parse_subject("[PATCH for v5.9] kbuild: x").version == 1);
    // One tag written as two brackets.
    auto two = parse_subject("[RFC][PATCH v3 6/8] module: add namespaces");
    CHECK(two.rfc);
    CHECK(two.version == 3);
    CHECK(two.index == 6);
    CHECK(two.total == 8);
    CHECK(two.title == "module: add namespaces");
    // A PATCH-prefixed word that is neither stays a patch tag word.
    auto w = parse_subject("[PATCHSET 1/2] x");
    CHECK(w.has_patch_tag);
    CHECK(w.index == 1);
  }
}
