// Incremental assembly (Store::refresh_series()) against a full one
// (Store::rebuild_series()): mail ingested a message or a few at a time, in a
// random order (seeded; the seed is printed, SEAM_TEST_SEED picks one), into
// two stores alike; one re-assembles only what each batch touches, the other
// assembles everything after each batch. Their complete series (ids, titles,
// versions, patches, trailers) must be the same after every compared batch.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include "core/series.hpp"
#include "core/store/store.hpp"
#include "mail/ingest.hpp"
#include "mail/sources/mbox.hpp"
#include "tests/crash/support_crash.hpp"
#include "tests/support.hpp"

namespace fs = std::filesystem;
using namespace seam;

namespace {

// Every mbox entry (separator line included) of these files, in file order.
std::vector<std::string> entries_of(const std::vector<fs::path>& files) {
  std::vector<std::string> out;
  for (const auto& f : files) {
    const std::string data = test::read_bytes(f);
    for (const auto& e : mail::split_mbox(data)) {
      std::string one = data.substr(e.offset, e.length);
      if (one.empty() || one.back() != '\n') one += '\n';
      out.push_back(std::move(one));
    }
  }
  return out;
}

// All of a series, one line per field, for comparing and for showing.
std::string dump(const core::Series& s) {
  std::ostringstream o;
  o << "series " << s.id << " title=" << s.title << " author=" << s.author_name << " <" << s.author_email
    << "> change-id=" << s.change_id << " pull=" << s.pull << " rust=" << s.rust << "\n";
  for (const auto& v : s.versions) {
    o << " v" << v.version << " cover=" << v.cover.value_or("-") << " expected=" << v.expected
      << " date=" << v.date << " rfc=" << v.rfc << " resend=" << v.resend << " base=" << v.base_commit
      << " prereq=" << v.prerequisites << "\n";
    for (const auto& p : v.patches) {
      o << "  " << p.index << " " << p.msgid << " " << p.subject << " pid=" << p.patch_id
        << " carried=" << p.carried << "\n";
      for (const auto& t : p.trailers)
        o << "   " << t.name << ": " << t.value << " <" << t.email << "> from=" << t.from
          << " cover=" << t.via_cover << "\n";
    }
  }
  return o.str();
}

struct Outcome {
  size_t batches = 0, updates = 0, compared = 0, incremental = 0, series = 0;
};

// Ingests `entries` in a shuffled order, in batches of 1..max_batch, into an
// incremental store and a full-rebuild store; compares every `every`-th
// batch and the last.
Outcome run(const std::vector<std::string>& entries, unsigned seed, size_t max_batch, size_t every) {
  test::TempDir tmp;
  core::Store inc((tmp / "inc.db").string());
  core::Store full((tmp / "full.db").string());
  std::vector<size_t> order(entries.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::mt19937 rng(seed);
  std::shuffle(order.begin(), order.end(), rng);
  std::uniform_int_distribution<size_t> size(1, max_batch);
  Outcome out;
  for (size_t at = 0; at < order.size();) {
    const size_t n = std::min(size(rng), order.size() - at);
    std::string batch;
    for (size_t k = 0; k < n; ++k) batch += entries[order[at + k]];
    at += n;
    const std::string name = "batch-" + std::to_string(out.batches++);
    for (auto* st : {&inc, &full}) {
      auto rep = mail::ingest_buffer(*st, name, "lore", batch, {});
      REQUIRE(rep.fatal.empty());
      if (st == &inc) out.updates += rep.added > 0;
    }
    const auto a = inc.refresh_series_report();
    out.incremental += a.assembled && !a.full;
    full.rebuild_series();
    if (out.batches % every != 0 && at < order.size()) continue;
    ++out.compared;
    std::map<std::string, std::string> want, got;
    for (const auto& s : full.load_series({})) want[s.id] = dump(s);
    for (const auto& s : inc.load_series({})) got[s.id] = dump(s);
    out.series = want.size();
    if (want == got) continue;
    // Show the first difference.
    for (const auto& [id, text] : want) {
      auto it = got.find(id);
      const std::string other = it == got.end() ? "(absent)\n" : it->second;
      if (other != text) FAIL_CHECK("seed " << seed << ", batch " << out.batches << ": full rebuild\n" << text
                                            << "incremental\n" << other);
      if (other != text) break;
    }
    for (const auto& [id, text] : got)
      if (!want.count(id)) FAIL_CHECK("seed " << seed << ", batch " << out.batches << ": only incremental\n" << text);
    REQUIRE(want == got);
  }
  return out;
}

std::vector<unsigned> seeds(std::vector<unsigned> fixed) {
  if (const char* e = std::getenv("SEAM_TEST_SEED"); e && *e) return {static_cast<unsigned>(std::strtoul(e, nullptr, 10))};
  return fixed;
}

// Stores the series fixtures and, with `corpus` and when present, the
// corpus threads, in one ingest; returns how many mbox files that was.
size_t ingest_all(core::Store& st, bool corpus) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(test::data("series")))
    if (e.path().extension() == ".mbox") files.push_back(e.path());
  if (const auto dir = corpus ? test::shared("corpus/threads") : fs::path(); !dir.empty())
    for (const auto& e : fs::directory_iterator(dir))
      if (e.path().extension() == ".mbox") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::string all;
  for (const auto& e : entries_of(files)) all += e;
  REQUIRE(mail::ingest_buffer(st, "all", "lore", all, {}).fatal.empty());
  return files.size();
}

}  // namespace

TEST_SUITE("series/incremental") {
  TEST_CASE("link keys: replies and pull requests have none; stitching keys only on what may count patches") {
    core::MessageFacts m;
    m.from_name = "Ada Example";
    m.from_email = "Ada@Example.org";
    m.norm_title = "foo: bar";
    m.has_patch_tag = true;
    m.has_diff = true;
    m.patch_id = "abc";
    m.change_id = "20250101-foo-1234";
    auto keys = core::link_keys(m);
    std::vector<std::string> names;
    for (const auto& k : keys) names.push_back(k.key + (k.dated ? "@" : ""));
    // A lone patch (no counter, with a diff) is never stitched.
    CHECK(names == std::vector<std::string>{"c:20250101-foo-1234", "t:ada@example.org\nfoo: bar",
                                            "n:ada example\nfoo: bar", "p:abc"});
    m.index = 2;
    m.total = 3;
    keys = core::link_keys(m);
    REQUIRE(keys.size() == 6);
    CHECK(keys[4] == core::LinkKey{"s:ada@example.org", true});
    CHECK(keys[5] == core::LinkKey{"S:ada example", true});
    m.reply = true;
    CHECK(core::link_keys(m).empty());
    m.reply = false;
    m.pull = true;
    CHECK(core::link_keys(m).empty());
  }

  TEST_CASE("the cross-thread fixture links what it means to: versions by patch id, by name, stitched patches") {
    test::TempDir tmp;
    core::Store st((tmp / "s.db").string());
    auto rep = mail::ingest(st, test::data("series/cross-thread.mbox").string(), {});
    REQUIRE(rep.size() == 1);
    REQUIRE(rep[0].errors.empty());
    st.rebuild_series();
    auto in = [&](const std::string& msgid) {
      auto id = st.series_of(msgid);
      REQUIRE(id);
      core::Store::SeriesFilter f;
      f.id = *id;
      auto s = st.load_series(f);
      REQUIRE(s.size() == 1);
      return s[0];
    };
    const auto gizmo = in("xt-g2-0@example.org");
    REQUIRE(gizmo.versions.size() == 2);  // by author and the patch id of 2/2
    CHECK(gizmo.versions[0].cover == "xt-g1-0@example.org");
    bool carried = false;  // Rita's review of v1's 2/2 counts for v2's 2/2
    for (const auto& t : gizmo.versions[1].patches.at(1).trailers) carried |= t.from == "xt-g1-2-r@example.org";
    CHECK(carried);
    CHECK(in("xt-e1@example.org").versions.size() == 2);  // by name and title
    const auto sprocket = in("xt-h-1@example.org");
    REQUIRE(sprocket.versions.size() >= 1);
    CHECK(sprocket.versions[0].patches.size() == 3);  // stitched
    CHECK(in("xt-c-1@example.org").id != sprocket.id);
    CHECK(in("xt-i-1-a@example.org").id == in("xt-i-0@example.org").id);
  }

  TEST_CASE("one message at a time, in random orders, the fixtures assemble as from scratch") {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(test::data("series")))
      if (e.path().extension() == ".mbox") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    REQUIRE(files.size() >= 10);
    const auto entries = entries_of(files);
    REQUIRE(entries.size() > 50);
    for (unsigned seed : seeds({1, 20261130})) {
      for (size_t max_batch : {size_t{1}, size_t{4}}) {
        const auto o = run(entries, seed, max_batch, 1);
        MESSAGE("fixtures, seed " << seed << ", batches of 1.." << max_batch << ": " << entries.size()
                                  << " messages, " << o.batches << " batches (" << o.updates << " adding mail), " << o.compared << " comparisons, "
                                  << o.series << " series compared at the end, " << o.incremental
                                  << " incremental assemblies");
        CHECK(o.compared == o.batches);
        CHECK(o.series > 20);
        // The point is the incremental path: every batch that added mail took it.
        CHECK(o.incremental == o.updates);
      }
    }
  }

  TEST_CASE("the corpus threads, a few messages at a time in a random order, assemble as from scratch") {
    const auto dir = test::shared("corpus/threads");
    SEAM_SKIP_UNLESS(!dir.empty(), "no shared corpus");
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir))
      if (e.path().extension() == ".mbox") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    REQUIRE(!files.empty());
    const auto entries = entries_of(files);
    for (unsigned seed : seeds({7, 20261130})) {
      const auto o = run(entries, seed, 3, 5);
      MESSAGE("corpus, seed " << seed << ": " << entries.size() << " messages, " << o.batches << " batches (" << o.updates << " adding mail), "
                              << o.compared << " comparisons, " << o.series << " series compared at the end, "
                              << o.incremental << " incremental assemblies");
      CHECK(o.series > 5);
      CHECK(o.incremental == o.updates);
    }
  }

  TEST_CASE("a full assembly in parts gives what assembling everything at once gives") {
    // The fixtures and, when present, the corpus threads in one store; its
    // full assembly made in parts of at most 1, 7 and 60 messages (whole
    // components each), against core::assemble() over every message.
    test::TempDir tmp;
    core::Store st((tmp / "s.db").string());
    const size_t files = ingest_all(st, true);
    std::map<std::string, std::string> want;
    for (const auto& s : core::assemble(st.load_facts())) want[s.id] = dump(s);
    REQUIRE(want.size() > 20);
    int64_t messages = 0, parts = INT64_MAX;
    for (size_t limit : {size_t{1}, size_t{7}, size_t{60}, size_t{1000000}}) {
      CAPTURE(limit);
      st.set_assembly_part_limit(limit);
      const auto a = st.rebuild_series();
      REQUIRE(a.assembled);
      CHECK(a.full);
      if (limit == 1) messages = a.messages;
      // Parts hold whole components (one each with room for one message;
      // the fixtures have some 30), fewer as they may hold more.
      if (limit == 1) CHECK(a.parts >= 20);
      CHECK(a.parts < parts);
      if (limit == 1000000) CHECK(a.parts == 1);
      parts = a.parts;
      std::map<std::string, std::string> got;
      for (const auto& s : st.load_series({})) got[s.id] = dump(s);
      CHECK(got.size() == want.size());
      for (const auto& kv : want) CHECK_MESSAGE(got[kv.first] == kv.second, kv.first);
    }
    MESSAGE(files << " mbox files, " << messages << " messages, " << want.size() << " series");
  }

  TEST_CASE("a series assembled from the facts around it is the series the whole store gives") {
    test::TempDir tmp;
    core::Store st((tmp / "s.db").string());
    ingest_all(st, false);
    REQUIRE(st.refresh_series());
    core::AssembleOptions nocover;
    nocover.cover_trailers = false;
    std::map<std::string, std::string> whole;
    for (const auto& s : core::assemble(st.load_facts(), nocover)) whole[s.id] = dump(s);
    const auto stored = st.load_series({});
    REQUIRE(stored.size() > 20);
    size_t smaller = 0;
    for (const auto& s : stored) {
      const auto around = st.load_facts_around(s.id);
      smaller += around.size() < st.load_facts().size();
      std::string got;
      for (const auto& one : core::assemble(around, nocover))
        if (one.id == s.id) got = dump(one);
      CHECK_MESSAGE(got == whole[s.id], s.id);
    }
    CHECK(smaller == stored.size());  // never the whole store for one series
    CHECK(st.load_facts_around("0000000000").empty());
  }

  TEST_CASE("a store of an older schema is assembled once in full, then incrementally") {
    test::TempDir tmp;
    const auto db = (tmp / "s.db").string();
    {
      core::Store s(db);
      auto rep = mail::ingest(s, test::data("series/versions.mbox").string(), {});
      REQUIRE(rep.size() == 1);
      CHECK(s.refresh_series());
      CHECK(!s.series_stale());
    }
    // What migration 7 does to a store that had mail: every message new.
    {
      sqlite3* h = nullptr;
      REQUIRE(sqlite3_open(db.c_str(), &h) == SQLITE_OK);
      REQUIRE(sqlite3_exec(h,
                           "DELETE FROM series_keys; DELETE FROM series_trailers; DELETE FROM series_patches;"
                           "DELETE FROM series_versions; DELETE FROM series;"
                           "INSERT INTO series_dirty SELECT id FROM messages;"
                           "UPDATE series_state SET stale = 1",
                           nullptr, nullptr, nullptr) == SQLITE_OK);
      sqlite3_close(h);
    }
    core::Store s(db, core::Store::Open::existing);  // assembles what is stale
    CHECK(!s.series_stale());
    const auto after = s.load_series({});
    const auto a = s.rebuild_series();
    CHECK(a.assembled);
    CHECK(a.full);
    CHECK(a.series == static_cast<int64_t>(after.size()));
    const auto again = s.load_series({});
    REQUIRE(again.size() == after.size());
    for (size_t i = 0; i < after.size(); ++i) CHECK(dump(again[i]) == dump(after[i]));
  }

  TEST_CASE("an update killed inside its incremental assembly is assembled by the next command") {
    test::TempDir tmp;
    // Half the fixtures' mail first, the other half as the update (replies,
    // later versions and late parents of the first half among it).
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(test::data("series")))
      if (e.path().extension() == ".mbox") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    auto entries = entries_of(files);
    std::mt19937 rng(5);
    std::shuffle(entries.begin(), entries.end(), rng);
    std::string first, second;
    for (size_t i = 0; i < entries.size(); ++i) (i % 2 ? second : first) += entries[i];
    test::write_file(tmp / "first.mbox", first);
    test::write_file(tmp / "second.mbox", second);
    const std::string a = (tmp / "first.mbox").string(), b = (tmp / "second.mbox").string();
    const fs::path ref = tmp / "ref.db", killed = tmp / "killed.db";
    for (const auto& db : {ref, killed}) REQUIRE(test::seam_at(db, "ingest " + a).status == 0);
    REQUIRE(test::seam_at(ref, "ingest " + b).status == 0);
    auto k = test::seam_at(killed, "ingest " + b, "SEAM_TEST_KILL_AFTER=assembly");
    REQUIRE_MESSAGE(k.signal == SIGKILL, k.status << k.err);
    // A reader finds the series stale and assembles what the update touched.
    auto r = test::seam_at(killed, "series --json");
    REQUIRE(r.status == 0);
    CHECK(r.out == test::seam_at(ref, "series --json").out);
    const std::string want = test::store_dump(ref), got = test::store_dump(killed);
    CHECK_MESSAGE(got == want, test::first_difference(want, got));
    // And `seam rebuild` agrees.
    auto rb = test::seam_at(killed, "rebuild --json");
    REQUIRE(rb.status == 0);
    CHECK(rb.out.find("\"series\": " + std::to_string(test::dump_rows(want, "series"))) != std::string::npos);
    CHECK(test::store_dump(killed) == want);
  }
}
