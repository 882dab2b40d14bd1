// Many epochs and many inboxes in one ingest: a grokmirror-style mirror of
// lore (ROOT/<list>/git/N.git), each epoch with its own cursor, and mail
// cross-posted to several lists stored once but seen in each.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/store/store.hpp"
#include "mail/ingest.hpp"
#include "tests/support.hpp"

namespace fs = std::filesystem;
using seam::core::Store;
using seam::mail::IngestOptions;
using seam::test::small_mail;

namespace {

IngestOptions opts() {
  IngestOptions o;
  o.threads = 2;
  return o;
}

int64_t list_messages(const Store::Stats& s, const std::string& name) {
  for (const auto& l : s.lists)
    if (l.name == name) return l.messages;
  return -1;
}

}  // namespace

TEST_SUITE("mail/ingest lists") {
  TEST_CASE("a mirror of many inboxes: lists by name, epochs in numeric order, cross-posts stored once") {
    seam::test::TempDir tmp;
    const auto root = tmp / "lore";
    // alpha: two epochs; beta: three (the third, 10.git, after 2.git).
    seam::test::GitEpoch a0(root / "alpha" / "git" / "0.git");
    a0.add(small_mail("a-1@example.org", "alpha one"));
    a0.add(small_mail("cross@example.org", "to both lists"));
    seam::test::GitEpoch a1(root / "alpha" / "git" / "1.git");
    a1.add(small_mail("a-2@example.org", "alpha two"));
    seam::test::GitEpoch b0(root / "beta" / "git" / "0.git");
    b0.add(small_mail("b-1@example.org", "beta one"));
    seam::test::GitEpoch b10(root / "beta" / "git" / "10.git");
    b10.add(small_mail("b-3@example.org", "beta three"));
    seam::test::GitEpoch b2(root / "beta" / "git" / "2.git");
    b2.add(small_mail("cross@example.org", "to both lists"));
    b2.add(small_mail("b-2@example.org", "beta two"));
    // Neither an inbox nor an epoch: ignored.
    fs::create_directories(root / "empty-folder");

    Store store((tmp / "s.db").string());
    auto reps = seam::mail::ingest(store, root.string(), opts());
    REQUIRE(reps.size() == 5);
    const std::vector<fs::path> order = {root / "alpha/git/0.git", root / "alpha/git/1.git",
                                         root / "beta/git/0.git", root / "beta/git/2.git",
                                         root / "beta/git/10.git"};
    for (size_t i = 0; i < order.size(); ++i) {
      CAPTURE(i);
      CHECK(reps[i].source == order[i].string());
      CHECK(reps[i].kind == "public-inbox");
      CHECK(reps[i].fatal.empty());
    }
    CHECK(reps[0].added == 2);
    CHECK(reps[3].added == 1);
    CHECK(reps[3].duplicates == 1);  // the cross-post, stored from alpha
    CHECK(store.message_count() == 6);

    // Stored once, from the first list read; seen in both.
    auto cross = store.find_message("cross@example.org");
    REQUIRE(cross);
    CHECK(cross->source == fs::canonical(root / "alpha/git/0.git").string());
    CHECK(store.lists_of("cross@example.org") == std::vector<std::string>{"alpha", "beta"});
    CHECK(store.lists_of("a-1@example.org") == std::vector<std::string>{"alpha"});
    CHECK(store.lists_of("b-3@example.org") == std::vector<std::string>{"beta"});

    auto s = store.stats();
    CHECK(s.messages == 6);
    CHECK(s.duplicates == 1);
    CHECK(s.store_bytes > 0);
    REQUIRE(s.lists.size() == 2);
    CHECK(list_messages(s, "alpha") == 3);
    CHECK(list_messages(s, "beta") == 4);
    CHECK(s.lists[0].sources == 2);
    CHECK(s.lists[1].sources == 3);
    REQUIRE(s.sources.size() == 5);
    for (const auto& src : s.sources) {
      CAPTURE(src.source.path);
      CHECK(src.source.kind == "public-inbox");
      CHECK(src.source.cursor.size() == 40);  // each epoch its own cursor
    }

    // A second run reads nothing; new mail in one epoch is read from its cursor.
    for (const auto& r : seam::mail::ingest(store, root.string(), opts())) CHECK(r.seen == 0);
    b10.add(small_mail("b-4@example.org", "beta four"));
    b10.add(small_mail("a-1@example.org", "alpha one"));  // cross-posted later
    auto again = seam::mail::ingest(store, root.string(), opts());
    REQUIRE(again.size() == 5);
    for (size_t i = 0; i < 4; ++i) CHECK(again[i].seen == 0);
    CHECK(again[4].seen == 2);
    CHECK(again[4].added == 1);
    CHECK(store.lists_of("a-1@example.org") == std::vector<std::string>{"alpha", "beta"});
    CHECK(list_messages(store.stats(), "beta") == 6);
  }

  TEST_CASE("an epoch given alone is recorded in its inbox's list; one outside that layout in none") {
    seam::test::TempDir tmp;
    seam::test::GitEpoch inboxed(tmp / "gamma" / "git" / "0.git");
    inboxed.add(small_mail("g-1@example.org"));
    seam::test::GitEpoch loose(tmp / "loose.git");
    loose.add(small_mail("l-1@example.org"));
    loose.add(small_mail("g-1@example.org"));
    Store store((tmp / "s.db").string());
    auto r1 = seam::mail::ingest(store, inboxed.path().string(), opts());
    auto r2 = seam::mail::ingest(store, loose.path().string(), opts());
    REQUIRE(r1.size() == 1);
    REQUIRE(r2.size() == 1);
    CHECK(r2[0].duplicates == 1);
    CHECK(store.lists_of("g-1@example.org") == std::vector<std::string>{"gamma"});
    CHECK(store.lists_of("l-1@example.org").empty());
    auto s = store.stats();
    REQUIRE(s.lists.size() == 1);
    CHECK(s.lists[0].name == "gamma");
    CHECK(s.lists[0].messages == 1);
    REQUIRE(s.sources.size() == 2);
    CHECK(s.sources[0].source.list == "gamma");
    CHECK(s.sources[0].messages == 1);
    CHECK(s.sources[1].source.list.empty());
    CHECK(s.sources[1].messages == 1);
    CHECK(s.sources[1].duplicates == 1);
  }

  TEST_CASE("a folder holding no inbox, epoch or Maildir is fatal, naming it") {
    seam::test::TempDir tmp;
    fs::create_directories(tmp / "nothing" / "sub");
    Store store((tmp / "s.db").string());
    auto reps = seam::mail::ingest(store, (tmp / "nothing").string(), opts());
    REQUIRE(reps.size() == 1);
    CHECK(reps[0].fatal.find((tmp / "nothing").string()) != std::string::npos);
  }
}
